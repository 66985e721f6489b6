/** Training (Tribuo XGBoost), import of XGBoost JSON models, model packages, and the fast tree scorer the stream uses. */
package com.shopintent.scoring.model;

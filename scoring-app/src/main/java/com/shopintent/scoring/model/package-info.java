/** Training (Tribuo XGBoost), model packages, and the fast tree scorer the stream uses. */
package com.shopintent.scoring.model;

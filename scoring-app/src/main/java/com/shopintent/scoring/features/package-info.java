/** Session state and the 17-column feature vector computed from it. */
package com.shopintent.scoring.features;

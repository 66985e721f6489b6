/** Meter names and the holder that registers them. */
package com.shopintent.scoring.metrics;

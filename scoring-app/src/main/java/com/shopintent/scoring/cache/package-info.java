/**
 * The prediction cache in front of the scorer: an in-process tier (Caffeine) and an optional
 * shared Redis tier (Lettuce, standalone or cluster) behind a circuit breaker. The cache never
 * changes a score: keys hold the exact model input, and values the exact double.
 */
package com.shopintent.scoring.cache;

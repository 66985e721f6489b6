/**
 * Servers the application runs next to when there is no cluster: a real single-node Kafka broker
 * in a child JVM for {@code ./scoring demo} and the {@code *IT} tests.
 */
package com.shopintent.scoring.runtime;

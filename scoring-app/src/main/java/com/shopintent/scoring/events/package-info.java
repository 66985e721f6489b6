/** The event contract of {@code shop.events} and {@code shop.page-stats}: records, parsing, validation. */
package com.shopintent.scoring.events;

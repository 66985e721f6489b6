/** Enrichment that needs no network call: the special-day calendar; page statistics come from a global store. */
package com.shopintent.scoring.enrich;

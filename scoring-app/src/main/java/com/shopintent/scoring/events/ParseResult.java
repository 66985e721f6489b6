package com.shopintent.scoring.events;

/** Outcome of parsing one record: a valid event or the reason it was rejected. */
public sealed interface ParseResult {

    /** A record that passed every check. */
    record Valid(ShopEvent event) implements ParseResult {
    }

    /** A record that failed a check. */
    record Invalid(Rejection rejection) implements ParseResult {
    }
}

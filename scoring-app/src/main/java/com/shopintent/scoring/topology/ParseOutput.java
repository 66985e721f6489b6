package com.shopintent.scoring.topology;

import com.shopintent.scoring.events.ShopEvent;

/** What the parse step forwards: an event for its session, a record to re-key, or a dead letter. */
sealed interface ParseOutput permits ParseOutput.Parsed, ParseOutput.Rekey, DeadLetter {

    /** A valid event with the bytes it was read from, kept for a dead letter later on. */
    record Parsed(ShopEvent event, byte[] rawKey, byte[] rawValue) implements ParseOutput {
    }

    /** A valid event that came without a key: it goes through the repartition topic first. */
    record Rekey(String sessionId, byte[] rawValue) implements ParseOutput {
    }
}

package com.shopintent.scoring.topology;

/** A rejected record's original key and value bytes; the reason travels in the record's headers. */
record DeadLetter(byte[] key, byte[] value) implements ParseOutput, SessionOutput {
}

package com.shopintent.scoring.events;

/** Why a record went to the dead-letter topic; {@link #code()} is the value of the reason header. */
public enum RejectReason {
    NULL_VALUE("null-value"),
    EMPTY_VALUE("empty-value"),
    TOO_LARGE("too-large"),
    MALFORMED_JSON("malformed-json"),
    NOT_AN_OBJECT("not-an-object"),
    MISSING_FIELD("missing-field"),
    INVALID_FIELD("invalid-field"),
    UNKNOWN_TYPE("unknown-type"),
    UNKNOWN_CATEGORY("unknown-category"),
    BAD_TIMESTAMP("bad-timestamp"),
    KEY_MISMATCH("key-mismatch"),
    DUPLICATE_EVENT("duplicate-event"),
    SESSION_CLOSED("session-closed"),
    PROCESSING_ERROR("processing-error");

    private final String code;

    RejectReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}

package com.shopintent.scoring.events;

/** A reason code and a message a person can act on ("field 'shopId' is required"). */
public record Rejection(RejectReason reason, String detail) {
}

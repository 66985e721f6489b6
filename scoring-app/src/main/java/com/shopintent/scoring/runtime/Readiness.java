package com.shopintent.scoring.runtime;

import java.util.Optional;

/**
 * Whether this instance should receive traffic, and whether it has failed, from the first moment
 * of its start: before the application exists the step it is at is the reason it is not ready
 * (loading the model, reading the control topic); after, the application's own state.
 */
public final class Readiness {

    /** What decides once the application exists; {@link ScoringApp} is one. */
    public interface Status {
        /** Why not ready, or empty when ready. */
        Optional<String> notReadyReason();

        /** Why a restart is needed, or empty. */
        Optional<String> failure();
    }

    private volatile String step = "starting";
    private volatile Status app;

    /** The start-up step now under way, reported as the reason for not being ready. */
    public void step(String what) {
        this.step = what;
    }

    /** From now on the application's state decides. */
    public void serving(Status app) {
        this.app = app;
    }

    public Optional<String> notReadyReason() {
        Status serving = app;
        return serving == null ? Optional.of(step) : serving.notReadyReason();
    }

    public boolean ready() {
        return notReadyReason().isEmpty();
    }

    /** Why this instance needs a restart, or empty while it is starting or serving. */
    public Optional<String> failure() {
        Status serving = app;
        return serving == null ? Optional.empty() : serving.failure();
    }
}

package com.shopintent.scoring.runtime;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waiting for something another thread, process or server does: check a condition until it holds or a
 * deadline passes, then fail with a message that says what was seen. The one way the ITs wait.
 */
final class Await {

    /** Between two checks of a condition that does not block by itself (a consumer poll does). */
    private static final Duration PAUSE = Duration.ofMillis(50);

    private Await() {
    }

    /**
     * Returns once {@code condition} holds; fails with {@code message} (evaluated then, so it can show the
     * latest state) if it does not within {@code timeout}.
     */
    static void until(Duration timeout, BooleanSupplier condition, Supplier<String> message) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = PAUSE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("Not within " + timeout + ": " + message.get());
            }
            LockSupport.parkNanos(pause);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting: " + message.get());
            }
        }
    }
}

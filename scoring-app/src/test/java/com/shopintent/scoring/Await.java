package com.shopintent.scoring;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waiting for something another thread, process or server does: check until it holds or a deadline
 * passes, then fail with a message that says what was seen. The one way the tests wait (never a
 * fixed sleep).
 */
public final class Await {

    /** Between two checks of a condition that does not block by itself (a consumer poll does). */
    private static final Duration PAUSE = Duration.ofMillis(50);

    private Await() {
    }

    /**
     * Returns once {@code condition} holds; fails with {@code message} (evaluated then, so it can show the
     * latest state) if it does not within {@code timeout}.
     */
    public static void until(Duration timeout, BooleanSupplier condition, Supplier<String> message) {
        value(timeout, () -> condition.getAsBoolean() ? Optional.of(true) : Optional.empty(), message);
    }

    /** The first value {@code probe} finds; fails with {@code message} if it finds none within {@code timeout}. */
    public static <T> T value(Duration timeout, Supplier<Optional<T>> probe, Supplier<String> message) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> found = probe.get();
            if (found.isPresent()) {
                return found.get();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("Not within " + timeout + ": " + message.get());
            }
            LockSupport.parkNanos(PAUSE.toNanos());
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting: " + message.get());
            }
        }
    }
}

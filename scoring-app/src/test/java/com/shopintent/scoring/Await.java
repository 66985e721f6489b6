package com.shopintent.scoring;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.concurrent.locks.LockSupport;

/** Polling with a deadline, for tests that wait on another process or thread (never a fixed sleep). */
public final class Await {

    private static final Duration POLL = Duration.ofMillis(50);

    private Await() {
    }

    /** Returns once {@code condition} holds; fails naming {@code what} when the deadline passes first. */
    public static void until(BooleanSupplier condition, Duration deadline, String what) {
        value(() -> condition.getAsBoolean() ? Optional.of(true) : Optional.empty(), deadline, what);
    }

    /** The first value {@code probe} finds; fails naming {@code what} when the deadline passes first. */
    public static <T> T value(Supplier<Optional<T>> probe, Duration deadline, String what) {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            Optional<T> found = probe.get();
            if (found.isPresent()) {
                return found.get();
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("no " + what + " within " + deadline);
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
    }
}

package com.shopintent.scoring.loadgen;

import java.time.Duration;

/**
 * When a load run's warm-up ends and its measured part begins: once the warm-up's minimum has
 * passed and the pipeline has caught up (fewer events awaiting their prediction than one second of
 * load), or at twice the minimum whatever the pipeline's state. A new instance's first minutes are
 * its JIT compiling, and the queue they leave can outlast a fixed warm-up on a busy host: measured
 * from there, the percentiles would be the start's, not the running pipeline's. A pipeline that
 * never catches up is still measured, behind, and its percentiles say so.
 *
 * @param minimumNanos  the warm-up's least length
 * @param maximumNanos  its greatest
 * @param caughtUpBelow events awaiting their prediction below which the pipeline is caught up
 */
record WarmUpEnd(long minimumNanos, long maximumNanos, long caughtUpBelow) {

    /** At least {@code minimum}, at most twice it; caught up below one second of load at {@code rate} events/s. */
    static WarmUpEnd of(Duration minimum, double rate) {
        return new WarmUpEnd(minimum.toNanos(), 2 * minimum.toNanos(), Math.max(1, (long) rate));
    }

    /**
     * @param elapsedNanos time since the run began sending
     * @param awaiting     events sent whose prediction was not read yet
     */
    boolean reached(long elapsedNanos, long awaiting) {
        return elapsedNanos >= maximumNanos || elapsedNanos >= minimumNanos && caughtUp(awaiting);
    }

    boolean caughtUp(long awaiting) {
        return awaiting < caughtUpBelow;
    }
}

package com.shopintent.scoring.loadgen;

import org.HdrHistogram.Recorder;

/**
 * Each event's end-to-end latency cut in two at the prediction's {@code scoredAt}: from the send to
 * the score (the event waiting in Kafka and in the stream thread's queue, and its processing), and
 * from the score to the read (the prediction's send, the transaction's commit under exactly-once,
 * the fetch). It tells a stream thread that falls behind from a commit that holds outputs back.
 *
 * <p>{@code scoredAt} is the pipeline's wall clock in milliseconds (Kafka Streams' clock at the start
 * of the task's batch), on the same machine as this generator; the send and read times are its
 * monotonic clock, put on the wall clock by one offset taken at construction. Parts are clamped at
 * zero: the millisecond rounding can put a score a fraction of a millisecond before its send.
 */
final class LatencySplit {

    private final long wallMinusMonotonicNanos;
    private final Recorder toScored = new Recorder(3);
    private final Recorder scoredToRead = new Recorder(3);

    LatencySplit() {
        this(System.currentTimeMillis() * 1_000_000L - System.nanoTime());
    }

    LatencySplit(long wallMinusMonotonicNanos) {
        this.wallMinusMonotonicNanos = wallMinusMonotonicNanos;
    }

    /** Records one prediction: sent and read on the monotonic clock (ns), scored on the wall clock (ms). */
    void record(long sentNanos, long scoredAtMillis, long readNanos) {
        long scoredNanos = scoredAtMillis * 1_000_000L - wallMinusMonotonicNanos;
        toScored.recordValue(Math.max(0, (scoredNanos - sentNanos) / 1000));
        scoredToRead.recordValue(Math.max(0, (readNanos - scoredNanos) / 1000));
    }

    /** The percentiles of both parts over every prediction recorded; call once, at the end. */
    LoadReport.Split result() {
        return new LoadReport.Split(LoadReport.Latency.of(toScored.getIntervalHistogram()),
                LoadReport.Latency.of(scoredToRead.getIntervalHistogram()));
    }
}

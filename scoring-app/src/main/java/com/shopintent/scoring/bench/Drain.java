package com.shopintent.scoring.bench;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How fast a consumer group works through a backlog, in two parts: the warm-up, from the first
 * offsets it commits until it has committed a given number of events, and the timed part, from
 * there to the commit that reaches the end of every partition. Start-up (joining, restoring) is in
 * neither. The warm-up is there for the JIT: a new JVM compiles the pipeline's code over its first
 * minute, with the compiler taking up to half a core (docs/benchmarks.md), so a drain timed from
 * the first commit measures the compiler as much as the pipeline; the timed part is the rate a
 * running instance has.
 *
 * @param events events committed in the timed part
 * @param seconds length of the timed part, as polled
 * @param warmUpEvents events committed in the warm-up, from the first commit seen; 0 without one
 * @param warmUpSeconds length of the warm-up
 * @param cpu CPU time the process under test and the broker used in the timed part
 */
record Drain(long events, double seconds, long warmUpEvents, double warmUpSeconds, CpuTime cpu) {

    private static final long POLL_MILLIS = 50;
    private static final long PROGRESS_EVERY_NANOS = 5_000_000_000L;

    double eventsPerSecond() {
        return events / seconds;
    }

    /** Microseconds of the process under test's CPU an event, in the timed part. */
    double cpuMicrosPerEvent() {
        return cpu.process() * 1e6 / events;
    }

    /** Microseconds of the broker's CPU an event, in the timed part; NaN for a broker elsewhere. */
    double brokerCpuMicrosPerEvent() {
        return cpu.broker() * 1e6 / events;
    }

    /** The warm-up's rate, the rate of a new process; NaN without a warm-up. */
    double warmUpEventsPerSecond() {
        return warmUpEvents == 0 ? Double.NaN : warmUpEvents / warmUpSeconds;
    }

    /**
     * Polls the group's committed offsets until they reach {@code end}; the backlog lies between {@code start}
     * and {@code end}.
     *
     * @param warmUp events of the backlog, from its beginning, drained before the timed part; 0 times from the first commit
     * @param alive called at every poll; throws when the process under test has died
     * @param cpu read at every poll: the CPU time used so far
     * @param progress every 5 s: events committed so far, and events/s since the last call (the warm-up shows here)
     */
    static Drain await(Admin admin, String groupId, Map<TopicPartition, Long> start, Map<TopicPartition, Long> end, long warmUp,
                       Duration timeout, Runnable alive, Supplier<CpuTime> cpu, BiConsumer<Long, Double> progress)
            throws InterruptedException, ExecutionException {
        Timer timer = new Timer(backlog(start, end), warmUp);
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastPrint = 0;
        long lastCommitted = 0;
        while (System.nanoTime() < deadline) {
            alive.run();
            long committed = committed(admin, groupId, start);
            long now = System.nanoTime();
            if (now - lastPrint >= PROGRESS_EVERY_NANOS) {
                progress.accept(committed, lastPrint == 0 ? 0 : (committed - lastCommitted) / ((now - lastPrint) / 1e9));
                lastPrint = now;
                lastCommitted = committed;
            }
            Drain drain = timer.observe(now, committed, cpu.get());
            if (drain != null) {
                return drain;
            }
            Thread.sleep(POLL_MILLIS);
        }
        throw new IllegalStateException("group " + groupId + " did not drain " + timer.total + " events within " + timeout);
    }

    /** The two parts of a drain, from polls of the committed offsets. */
    static final class Timer {
        private final long total;
        private final long warmUp;
        private long firstNanos;
        private long firstCommitted;
        private long timedNanos;
        private long timedCommitted;
        private CpuTime timedCpu;

        /**
         * @param total events in the backlog
         * @param warmUp events of it drained before the timed part
         */
        Timer(long total, long warmUp) {
            if (warmUp < 0 || warmUp >= total) {
                throw new IllegalArgumentException("a warm-up of " + warmUp + " events leaves nothing of a backlog of " + total + " to time");
            }
            this.total = total;
            this.warmUp = warmUp;
        }

        /**
         * One poll.
         *
         * @param nanos when it was taken ({@link System#nanoTime()})
         * @param committed events committed in total
         * @param cpu the CPU time used so far
         * @return the drain once everything is committed, else null
         * @throws IllegalStateException if the timed part was committed at once: too few events to time
         */
        Drain observe(long nanos, long committed, CpuTime cpu) {
            if (firstNanos == 0 && committed > 0) {
                firstNanos = nanos;
                firstCommitted = committed;
            }
            if (timedNanos == 0 && firstNanos != 0 && committed >= warmUp) {
                timedNanos = nanos;
                timedCommitted = committed;
                timedCpu = cpu;
            }
            if (committed < total || timedNanos == 0) {
                return null;
            }
            if (committed == timedCommitted) {
                throw new IllegalStateException("the group committed the " + (total - warmUp)
                        + " events after the warm-up at once; too few events to time");
            }
            return new Drain(committed - timedCommitted, (nanos - timedNanos) / 1e9,
                    timedCommitted - firstCommitted, (timedNanos - firstNanos) / 1e9, cpu.minus(timedCpu));
        }
    }

    /** Events of the backlog committed: the group's offsets past {@code start}. */
    private static long committed(Admin admin, String groupId, Map<TopicPartition, Long> start)
            throws InterruptedException, ExecutionException {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
        long sum = 0;
        for (Map.Entry<TopicPartition, Long> partition : start.entrySet()) {
            OffsetAndMetadata offset = offsets.get(partition.getKey());
            sum += offset == null ? 0 : offset.offset() - partition.getValue();
        }
        return sum;
    }

    /** Events between the two offsets, over every partition. */
    static long backlog(Map<TopicPartition, Long> start, Map<TopicPartition, Long> end) {
        return sum(end) - sum(start);
    }

    private static long sum(Map<TopicPartition, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }
}

package com.shopintent.scoring.bench;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How fast a consumer group works through a backlog: from the first offsets it commits to the
 * commit that reaches the end of every partition. Start-up (joining, restoring) is left out, so
 * the rate is the processing rate; the events before the first commit are left out with it.
 *
 * @param events events committed between the first commit seen and the end
 * @param seconds time between those two commits, as polled
 */
record Drain(long events, double seconds) {

    private static final long POLL_MILLIS = 50;
    private static final long PROGRESS_EVERY_NANOS = 5_000_000_000L;

    double eventsPerSecond() {
        return events / seconds;
    }

    /**
     * Polls the group's committed offsets until they reach {@code end}.
     *
     * @param alive called at every poll; throws when the process under test has died
     * @param progress every 5 s: events committed so far, and events/s since the last call (the warm-up shows here)
     */
    static Drain await(Admin admin, String groupId, Map<TopicPartition, Long> end, Duration timeout, Runnable alive,
                       BiConsumer<Long, Double> progress)
            throws InterruptedException, ExecutionException {
        long total = end.values().stream().mapToLong(Long::longValue).sum();
        long deadline = System.nanoTime() + timeout.toNanos();
        long firstNanos = 0;
        long firstCommitted = 0;
        long lastPrint = 0;
        long lastCommitted = 0;
        while (System.nanoTime() < deadline) {
            alive.run();
            long committed = committed(admin, groupId, end);
            long now = System.nanoTime();
            if (now - lastPrint >= PROGRESS_EVERY_NANOS) {
                progress.accept(committed, lastPrint == 0 ? 0 : (committed - lastCommitted) / ((now - lastPrint) / 1e9));
                lastPrint = now;
                lastCommitted = committed;
            }
            if (firstNanos == 0 && committed > 0) {
                firstNanos = now;
                firstCommitted = committed;
            }
            if (committed >= total && firstNanos != 0) {
                if (committed == firstCommitted) {
                    throw new IllegalStateException("group " + groupId + " committed the whole backlog at once; too few events to time");
                }
                return new Drain(committed - firstCommitted, (now - firstNanos) / 1e9);
            }
            Thread.sleep(POLL_MILLIS);
        }
        throw new IllegalStateException("group " + groupId + " did not drain " + total + " events within " + timeout);
    }

    private static long committed(Admin admin, String groupId, Map<TopicPartition, Long> end)
            throws InterruptedException, ExecutionException {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
        long sum = 0;
        for (TopicPartition partition : end.keySet()) {
            OffsetAndMetadata offset = offsets.get(partition);
            sum += offset == null ? 0 : offset.offset();
        }
        return sum;
    }
}

package com.shopintent.scoring.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The end offsets of every topic on the broker, the internal ones included, summed over each
 * topic's partitions: two snapshots say how many log entries a drain made each topic append.
 * An entry is a record or a transaction marker (markers take an offset too), and each costs a
 * send, a broker append and, in a repartition topic, a read back: a variant's cost an event that
 * the rates alone do not explain.
 *
 * @param endOffsets by topic, summed over its partitions
 */
record TopicAppends(Map<String, Long> endOffsets) {

    /** Stands for the application id in the topic names {@link #perEventSince} gives. */
    static final String APPLICATION = "<application>";

    private static final int ATTEMPTS = 3;
    /** An offsets lookup takes milliseconds; one that waits longer is waiting for a deleted topic. */
    private static final int LOOKUP_TIMEOUT_MS = 5_000;

    static TopicAppends of(Admin admin) throws InterruptedException, ExecutionException {
        for (int attempt = 1; ; attempt++) {
            try {
                return snapshot(admin);
            } catch (ExecutionException e) {
                // A topic deleted as the snapshot is taken (the bench deletes a finished variant's, unawaited): its
                // description fails, or, listed a moment after its deletion, its offsets' lookup waits for a leader
                // until the timeout. List again.
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException || e.getCause() instanceof TimeoutException)
                        || attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private static TopicAppends snapshot(Admin admin) throws InterruptedException, ExecutionException {
        Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get().forEach((topic, description) -> description.partitions()
                .forEach(partition -> request.put(new TopicPartition(topic, partition.partition()), OffsetSpec.latest())));
        Map<String, Long> sums = new TreeMap<>();
        admin.listOffsets(request, new ListOffsetsOptions().timeoutMs(LOOKUP_TIMEOUT_MS)).all().get()
                .forEach((partition, info) -> sums.merge(partition.topic(), info.offset(), Long::sum));
        return new TopicAppends(sums);
    }

    /**
     * Entries each topic appended since {@code before}, an event, its name with the application
     * id replaced by {@link #APPLICATION} so that runs under different ids compare; a topic made
     * since counts from 0, one that appended nothing is left out.
     */
    Map<String, Double> perEventSince(TopicAppends before, long events, String applicationId) {
        Map<String, Double> out = new TreeMap<>();
        endOffsets.forEach((topic, end) -> {
            long appended = end - before.endOffsets.getOrDefault(topic, 0L);
            if (appended > 0) {
                out.merge(topic.replace(applicationId, APPLICATION), (double) appended / events, Double::sum);
            }
        });
        return out;
    }
}

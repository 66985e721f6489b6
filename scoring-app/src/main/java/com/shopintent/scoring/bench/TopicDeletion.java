package com.shopintent.scoring.bench;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Deletes topics and returns once the broker no longer lists them. The controller acknowledges a
 * deletion a few hundred milliseconds before the broker stops listing the topic, and meanwhile the
 * admin client looks up the end offsets of a listed, deleted topic until its timeout: the next
 * drain's snapshot of every topic ({@link TopicAppends}) failed so. Topics that do not exist are
 * not an error.
 */
final class TopicDeletion {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final long POLL_MILLIS = 20;

    private TopicDeletion() {
    }

    static void deleteAndAwait(Admin admin, Collection<String> topics) throws InterruptedException, ExecutionException {
        for (KafkaFuture<Void> deleted : admin.deleteTopics(topics).topicNameValues().values()) {
            try {
                deleted.get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
        }
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            Set<String> listed = new TreeSet<>(admin.listTopics().names().get());
            listed.retainAll(topics);
            if (listed.isEmpty()) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the broker still lists " + listed + " " + TIMEOUT.toSeconds() + " s after their deletion");
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}

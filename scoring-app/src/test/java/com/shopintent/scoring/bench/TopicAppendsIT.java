package com.shopintent.scoring.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.shopintent.scoring.runtime.EmbeddedKafkaBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TopicAppendsIT {

    private static final Duration DELETION_SEEN_WITHIN = Duration.ofSeconds(30);

    private static EmbeddedKafkaBroker broker;
    private static Admin admin;

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.start();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldSnapshotEveryTopicThoughSomeAreDeletedAsItIsTaken() throws Exception {
        // Deleted right after their creation, the topics are still listed for a moment, and a lookup of their
        // offsets waited for a leader until the admin client's timeout: 4 tries of 4 failed so.
        for (int round = 0; round < 3; round++) {
            String prefix = "deleted-" + round + "-";
            List<String> topics = IntStream.range(0, 5).mapToObj(i -> prefix + i).toList();
            admin.createTopics(topics.stream().map(topic -> new NewTopic(topic, 12, (short) 1)).toList()).all().get();
            admin.deleteTopics(topics).all().get();

            // Each snapshot must succeed; the broker may still list and answer for the deleted topics for a
            // moment (seen once in CI), so the ones without them are polled for, with a deadline.
            Map<String, Long> offsets = TopicAppends.of(admin).endOffsets();
            long deadline = System.nanoTime() + DELETION_SEEN_WITHIN.toNanos();
            while (topics.stream().anyMatch(offsets::containsKey) && System.nanoTime() < deadline) {
                offsets = TopicAppends.of(admin).endOffsets();
            }
            assertThat(offsets).doesNotContainKeys(topics.toArray(String[]::new));
        }
    }
}

package com.shopintent.scoring.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.shopintent.scoring.runtime.EmbeddedKafkaBroker;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TopicDeletionIT {

    private static EmbeddedKafkaBroker broker;
    private static Admin admin;

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.start();
        // A lookup of a deleted topic's offsets fails only at this timeout: 10 s, not Kafka's 60, to fail fast.
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000));
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
    void shouldLetTheNextSnapshotOfEveryTopicSucceedRightAfterTheDeletion() throws Exception {
        // Without waiting for the broker's listing, this snapshot timed out in every try: the topics were still
        // listed for 170-320 ms after the controller acknowledged their deletion.
        for (int round = 0; round < 3; round++) {
            String prefix = "deleted-" + round + "-";
            List<String> topics = IntStream.range(0, 5).mapToObj(i -> prefix + i).toList();
            admin.createTopics(topics.stream().map(topic -> new NewTopic(topic, 12, (short) 1)).toList()).all().get();

            TopicDeletion.deleteAndAwait(admin, topics);

            assertThat(admin.listTopics().names().get()).doesNotContainAnyElementsOf(topics);
            assertThat(TopicAppends.of(admin).endOffsets()).doesNotContainKeys(topics.toArray(String[]::new));
        }
    }

    @Test
    void shouldTakeTopicsThatDoNotExistAsDeleted() {
        // The pass-through variant has no internal topics: its clean-up deletes topics that were never made.
        assertThatCode(() -> TopicDeletion.deleteAndAwait(admin, List.of("never-made-1", "never-made-2"))).doesNotThrowAnyException();
    }
}

package com.shopintent.scoring.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.shopintent.scoring.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

class StaticMembersIT {

    private static final String GROUP = "static-members-it";
    private static final String TOPIC = "static-members-it";

    /**
     * Two static members of one instance closed without leaving (as a static member's close does), beside a
     * member of another instance that keeps running: only the first two are removed.
     */
    @Test
    void shouldRemoveTheInstancesMembersLeftInTheGroupAndNoOtherInstances() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
            List<KafkaConsumer<byte[], byte[]>> members = new ArrayList<>();
            for (String id : List.of("scoring-0-1", "scoring-0-2", "scoring-1-1")) {
                KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(), ConsumerConfig.GROUP_ID_CONFIG, GROUP,
                        ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id, ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 45_000),
                        new ByteArrayDeserializer(), new ByteArrayDeserializer());
                consumer.subscribe(List.of(TOPIC));
                members.add(consumer);
            }
            Await.until(Duration.ofSeconds(60), () -> {
                members.forEach(consumer -> consumer.poll(Duration.ofMillis(100)));
                return instanceIds(admin).size() == 3 && members.stream().noneMatch(consumer -> consumer.assignment().isEmpty());
            }, () -> "members " + instanceIds(admin));
            members.get(0).close();
            members.get(1).close();
            assertThat(instanceIds(admin)).as("static members stay after their close").contains("scoring-0-1", "scoring-0-2");

            List<String> removed = StaticMembers.removeLeftBehind(admin, GROUP, "scoring-0", Duration.ofSeconds(30));

            assertThat(removed).containsExactlyInAnyOrder("scoring-0-1", "scoring-0-2");
            assertThat(instanceIds(admin)).containsExactly("scoring-1-1");
            assertThat(StaticMembers.removeLeftBehind(admin, GROUP, "scoring-0", Duration.ofSeconds(30))).as("nothing left").isEmpty();
            assertThat(StaticMembers.removeLeftBehind(admin, "no-such-group", "scoring-0", Duration.ofSeconds(30))).isEmpty();
            members.get(2).close();
        }
    }

    /** The group's static members; none before its first member joined (the group does not exist yet). */
    private static List<String> instanceIds(Admin admin) {
        return PartitionScaler.members(admin, GROUP, Duration.ofSeconds(30)).stream()
                .map(MemberDescription::groupInstanceId).flatMap(Optional::stream).sorted().toList();
    }
}

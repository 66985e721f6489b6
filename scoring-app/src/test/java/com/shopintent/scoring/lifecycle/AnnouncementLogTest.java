package com.shopintent.scoring.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.shopintent.scoring.topology.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class AnnouncementLogTest {

    private final List<String> invalid = new ArrayList<>();
    private final AnnouncementLog log = new AnnouncementLog(invalid::add);
    private long offset;

    @Test
    void shouldKeepTheLatestValidAnnouncementOfEachRoleAndSkipRecordsThatAreNotOne() {
        ModelAnnouncement v1 = announcement("xgb-000000000001", ModelRole.CHAMPION);
        ModelAnnouncement v2 = announcement("xgb-000000000002", ModelRole.CHAMPION);
        add("champion", v1.toJson());
        add("champion", v2.toJson());
        add("champion", "{not json".getBytes(StandardCharsets.UTF_8));
        add("shadow", announcement("xgb-000000000003", ModelRole.CHALLENGER).toJson());

        assertThat(log.latest()).containsOnlyKeys(ModelRole.CHAMPION);
        assertThat(log.latest().get(ModelRole.CHAMPION)).contains(v2);
        assertThat(invalid).hasSize(2);
        assertThat(invalid.get(0)).contains("offset 2").contains("not JSON");
        assertThat(invalid.get(1)).contains("offset 3").contains("'shadow'");
    }

    @Test
    void shouldTellARetirementFromARoleNeverMentioned() {
        add("challenger", announcement("xgb-000000000004", ModelRole.CHALLENGER).toJson());
        add("challenger", null);

        assertThat(log.latest()).containsEntry(ModelRole.CHALLENGER, Optional.empty()).doesNotContainKey(ModelRole.CHAMPION);
        assertThat(invalid).isEmpty();
    }

    private void add(String key, byte[] value) {
        log.add(new ConsumerRecord<>(Topics.MODELS, 0, offset++, key, value));
    }

    private static ModelAnnouncement announcement(String version, ModelRole role) {
        return new ModelAnnouncement(version, "/models/" + version, "0".repeat(64), role, Instant.parse("2026-11-29T12:00:00Z"));
    }
}

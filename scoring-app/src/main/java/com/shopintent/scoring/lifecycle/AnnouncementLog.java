package com.shopintent.scoring.lifecycle;

import com.shopintent.scoring.topology.Topics;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The control topic's records read in order, reduced to what they say now: the latest valid
 * announcement of each role, or a retirement (a tombstone). A record that is not an
 * announcement is reported and changes nothing, the way a running instance refuses it.
 */
final class AnnouncementLog {

    /** Per role: the latest announcement, or empty for a retirement. Roles never mentioned are absent. */
    private final Map<ModelRole, Optional<ModelAnnouncement>> latest = new EnumMap<>(ModelRole.class);
    private final Consumer<String> invalid;

    /** @param invalid told why each invalid record was skipped */
    AnnouncementLog(Consumer<String> invalid) {
        this.invalid = invalid;
    }

    void add(ConsumerRecord<String, byte[]> record) {
        ModelRole role;
        try {
            role = ModelRole.fromWireName(record.key());
        } catch (IllegalArgumentException e) {
            invalid.accept(Topics.MODELS + " offset " + record.offset() + ": record key '" + record.key()
                    + "' is not a role (champion or challenger)");
            return;
        }
        if (record.value() == null) {
            latest.put(role, Optional.empty());
            return;
        }
        try {
            latest.put(role, Optional.of(ModelAnnouncement.parse(record.value())));
        } catch (IllegalArgumentException e) {
            invalid.accept(Topics.MODELS + " offset " + record.offset() + ": " + e.getMessage()
                    + " (value starts: " + preview(record.value()) + ")");
        }
    }

    /** What each mentioned role's latest record says: an announcement, or empty for a retirement. */
    Map<ModelRole, Optional<ModelAnnouncement>> latest() {
        return latest;
    }

    private static String preview(byte[] value) {
        String text = new String(value, 0, Math.min(value.length, 80), StandardCharsets.UTF_8);
        return text.replaceAll("\\p{Cntrl}", "?");
    }
}

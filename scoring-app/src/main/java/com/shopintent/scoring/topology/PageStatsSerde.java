package com.shopintent.scoring.topology;

import com.shopintent.scoring.events.PageStats;
import com.shopintent.scoring.events.PageStatsParser;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Serde of {@code shop.page-stats} values. An invalid value fails deserialization with the broken
 * field named; the configured handler logs it and skips the record, so the page keeps its last
 * valid statistics.
 */
final class PageStatsSerde {

    private PageStatsSerde() {
    }

    static Serde<PageStats> serde() {
        return Serdes.serdeFrom((topic, stats) -> stats == null ? null : PageStatsParser.write(stats), (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return PageStatsParser.parse(bytes);
            } catch (IllegalArgumentException e) {
                throw new SerializationException("invalid " + Topics.PAGE_STATS + " value: " + e.getMessage(), e);
            }
        });
    }
}

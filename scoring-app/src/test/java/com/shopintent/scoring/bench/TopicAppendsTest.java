package com.shopintent.scoring.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicAppendsTest {

    @Test
    void shouldCountEachTopicsEntriesAnEventSinceTheEarlierSnapshot() {
        TopicAppends before = new TopicAppends(Map.of("shop.events", 1_000L, "shop.predictions", 200L, "__consumer_offsets", 40L));
        TopicAppends after = new TopicAppends(Map.of("shop.events", 1_000L, "shop.predictions", 1_200L, "__consumer_offsets", 90L,
                "bench-b-2-sessions-changelog", 650L));

        // The backlog was not written to (left out); the changelog was made since (counted from 0), named for any run.
        assertThat(after.perEventSince(before, 1_000, "bench-b-2")).containsExactlyInAnyOrderEntriesOf(Map.of(
                "shop.predictions", 1.0, "__consumer_offsets", 0.05, "<application>-sessions-changelog", 0.65));
    }
}

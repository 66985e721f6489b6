package com.shopintent.scoring.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One final insight record per shop and 1-minute event-time window, after the grace period. */
class InsightsTopologyTest {

    private final Instant minute = Instant.parse("2026-11-02T10:00:00Z");

    private static String event(String shop, String type, String id, String session, Instant time, String extra) {
        return """
                {"eventId":"%s","type":"%s","shopId":"%s","sessionId":"%s","visitorId":"v","timestamp":"%s"%s}"""
                .formatted(id, type, shop, session, time, extra);
    }

    private static String view(String shop, String id, String session, Instant time) {
        return event(shop, "page_view", id, session, time, ",\"page\":{\"id\":\"p\",\"category\":\"product_related\"}");
    }

    @Test
    void shouldWriteOneRecordPerShopAndWindowOnceTheWindowCloses() {
        // A threshold of 0 makes every session high intent, so that count is known without the model.
        try (TopologyFixture fixture = new TopologyFixture(Map.of("SCORING_STATE_STORE", "in_memory",
                "SCORING_HIGH_INTENT_THRESHOLD", "0", "SCORING_INSIGHTS_GRACE", "PT5S"))) {
            fixture.send("a-1", view("shop-a", "e1", "a-1", minute.plusSeconds(1)));
            fixture.send("a-1", view("shop-a", "e2", "a-1", minute.plusSeconds(2)));
            fixture.send("a-2", view("shop-a", "e3", "a-2", minute.plusSeconds(3)));
            fixture.send("a-2", event("shop-a", "purchase", "e4", "a-2", minute.plusSeconds(4), ",\"amount\":25.5"));
            fixture.send("b-1", view("shop-b", "e5", "b-1", minute.plusSeconds(5)));
            // Next minute: the first window is over but still in its grace period.
            fixture.send("a-1", view("shop-a", "e6", "a-1", minute.plusSeconds(62)));
            assertThat(fixture.readInsights()).isEmpty();

            // Stream time passes end + grace: both shops' first windows are final.
            fixture.send("b-1", view("shop-b", "e7", "b-1", minute.plusSeconds(66)));
            List<JsonNode> insights = fixture.readInsights();

            assertThat(insights).hasSize(2);
            JsonNode a = insights.stream().filter(i -> i.get("shopId").asText().equals("shop-a")).findFirst().orElseThrow();
            assertThat(a.get("windowStart").asText()).isEqualTo(minute.toString());
            assertThat(a.get("windowEnd").asText()).isEqualTo(minute.plus(Duration.ofMinutes(1)).toString());
            assertThat(a.get("events").asLong()).isEqualTo(4);
            assertThat(a.get("activeSessions").asLong()).isEqualTo(2);
            assertThat(a.get("highIntentSessions").asLong()).isEqualTo(2);
            assertThat(a.get("purchases").asLong()).isEqualTo(1);
            assertThat(a.get("purchaseAmount").asDouble()).isEqualTo(25.5);
            assertThat(a.get("meanPurchaseProbability").asDouble()).isBetween(0.0, 1.0);
            JsonNode b = insights.stream().filter(i -> i.get("shopId").asText().equals("shop-b")).findFirst().orElseThrow();
            assertThat(b.get("events").asLong()).isEqualTo(1);
            assertThat(b.get("activeSessions").asLong()).isEqualTo(1);
        }
    }

    @Test
    void shouldCountOnlySessionsAtOrAboveTheThresholdAsHighIntent() {
        try (TopologyFixture fixture = new TopologyFixture(Map.of("SCORING_STATE_STORE", "in_memory",
                "SCORING_HIGH_INTENT_THRESHOLD", "1", "SCORING_INSIGHTS_GRACE", "PT0S"))) {
            fixture.send("a-1", view("shop-a", "e1", "a-1", minute.plusSeconds(1)));
            fixture.send("a-1", view("shop-a", "e2", "a-1", minute.plusSeconds(70)));

            JsonNode a = fixture.readInsights().get(0);
            assertThat(a.get("highIntentSessions").asLong()).isZero();
            List<JsonNode> predictions = fixture.readPredictions();
            assertThat(a.get("meanPurchaseProbability").asDouble())
                    .isCloseTo(predictions.get(0).get("purchaseProbability").asDouble(), within(1e-12));
        }
    }
}

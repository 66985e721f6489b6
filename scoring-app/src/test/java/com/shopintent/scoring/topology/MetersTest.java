package com.shopintent.scoring.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.shopintent.scoring.metrics.ScoringMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each pipeline meter moves when what it counts happens, and only then. */
class MetersTest {

    private static final Instant T = TopologyFixture.START;

    @Test
    void shouldCountEventsSessionsDeadLettersEnrichmentMissesScoresAndLag() {
        try (TopologyFixture fixture = new TopologyFixture(Map.of("SCORING_STATE_STORE", "in_memory"), ScoringMetrics.prometheus())) {
            MeterRegistry registry = fixture.metrics.registry();
            String version = fixture.model.version();

            fixture.send("s-1", Events.pageView("e-1", "s-1", T));
            assertThat(counter(registry, ScoringMetrics.EVENTS_IN, ScoringMetrics.TAG_TYPE, "page_view")).isEqualTo(1);
            assertThat(counter(registry, ScoringMetrics.ENRICHMENT_MISSES, null, null)).as("no stats for page p-1").isEqualTo(1);
            assertThat(gauge(registry, ScoringMetrics.SESSIONS_OPEN)).isEqualTo(1);
            assertThat(fixture.metrics.model(version).success().count()).isEqualTo(1);
            assertThat(fixture.metrics.model(version).duration().count()).isEqualTo(1);

            fixture.send("s-1", "{not json");
            assertThat(counter(registry, ScoringMetrics.DEAD_LETTERS, ScoringMetrics.TAG_REASON, "malformed-json")).isEqualTo(1);
            assertThat(counter(registry, ScoringMetrics.EVENTS_IN, ScoringMetrics.TAG_TYPE, "page_view")).as("a bad record is no event").isEqualTo(1);

            fixture.send("s-1", Events.of("add_to_cart", "e-2", "s-1", T.plusSeconds(5)));
            fixture.send("s-1", Events.of("session_end", "e-3", "s-1", T.plusSeconds(9)));
            assertThat(counter(registry, ScoringMetrics.EVENTS_IN, ScoringMetrics.TAG_TYPE, "add_to_cart")).isEqualTo(1);
            assertThat(counter(registry, ScoringMetrics.SESSIONS_CLOSED, ScoringMetrics.TAG_CLOSED_BY, "session_end")).isEqualTo(1);
            assertThat(gauge(registry, ScoringMetrics.SESSIONS_OPEN)).isZero();

            fixture.send("s-2", Events.pageView("e-4", "s-2", T.plusSeconds(10)));
            fixture.driver.advanceWallClockTime(Duration.ofHours(1));
            assertThat(counter(registry, ScoringMetrics.SESSIONS_CLOSED, ScoringMetrics.TAG_CLOSED_BY, "timeout")).isEqualTo(1);

            int predictions = fixture.readPredictions().size();
            assertThat(predictions).isEqualTo(4);
            assertThat(fixture.metrics.model(version).success().count()).isEqualTo(predictions);
            assertThat(registry.get(ScoringMetrics.EVENT_LAG).timer().count()).isEqualTo(predictions);
            // The driver's wall clock starts at START, the events' time: lag from 0 s up to 10 s behind.
            assertThat(registry.get(ScoringMetrics.EVENT_LAG).timer().max(java.util.concurrent.TimeUnit.SECONDS)).isLessThan(11);
            assertThat(fixture.metrics.scrape()).contains("scoring_event_lag_seconds_bucket{le=\"0.12\"}");
        }
    }

    private static double counter(MeterRegistry registry, String name, String tag, String value) {
        Counter counter = tag == null ? registry.find(name).counter() : registry.find(name).tag(tag, value).counter();
        return counter == null ? 0 : counter.count();
    }

    private static double gauge(MeterRegistry registry, String name) {
        return registry.get(name).gauge().value();
    }
}

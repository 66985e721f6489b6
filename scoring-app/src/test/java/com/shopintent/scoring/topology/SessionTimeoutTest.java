package com.shopintent.scoring.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sessions close after the session timeout without events, measured in event time. */
class SessionTimeoutTest {

    private final Instant t0 = TopologyFixture.START;

    @Test
    void shouldCloseAnIdleSessionByTimeoutWhenTheWallClockMovesOn() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.send("s-1", Events.pageView("e-1", "s-1", t0));
            fixture.send("s-1", Events.pageView("e-2", "s-1", t0.plusSeconds(40)));

            fixture.driver.advanceWallClockTime(Duration.ofMinutes(29));
            assertThat(fixture.readTrainingExamples()).isEmpty();

            fixture.driver.advanceWallClockTime(Duration.ofMinutes(2));
            List<JsonNode> examples = fixture.readTrainingExamples();
            assertThat(examples).hasSize(1);
            assertThat(examples.get(0).get("closedBy").asText()).isEqualTo("timeout");
            assertThat(examples.get(0).get("ProductRelated").asInt()).isEqualTo(2);
            // The last page view stays open until a next event, which never came: it contributes 0.
            assertThat(examples.get(0).get("ProductRelated_Duration").asDouble()).isEqualTo(40.0);
            assertThat(examples.get(0).get("Revenue").asBoolean()).isFalse();
        }
    }

    @Test
    void shouldCloseByEventTimeWhenTheNextEventComesAfterTheTimeout() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.send("s-1", Events.pageView("e-1", "s-1", t0));
            fixture.send("s-1", Events.pageView("e-2", "s-1", t0.plus(Duration.ofMinutes(31))));
            fixture.send("s-1", Events.of("session_end", "e-3", "s-1", t0.plus(Duration.ofMinutes(32))));

            List<JsonNode> examples = fixture.readTrainingExamples();
            assertThat(examples).extracting(e -> e.get("closedBy").asText()).containsExactly("timeout", "session_end");
            // The second session starts fresh with e-2: one page view, open for one minute.
            assertThat(examples.get(1).get("ProductRelated").asInt()).isEqualTo(1);
            assertThat(examples.get(1).get("ProductRelated_Duration").asDouble()).isEqualTo(60.0);
            assertThat(fixture.readPredictions()).hasSize(3);
        }
    }

    @Test
    void shouldKeepASessionOpenWhileEventsComeWithinTheTimeout() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            for (int i = 0; i < 5; i++) {
                fixture.send("s-1", Events.pageView("e-" + i, "s-1", t0.plus(Duration.ofMinutes(25L * i))));
                fixture.driver.advanceWallClockTime(Duration.ofMinutes(25));
            }
            assertThat(fixture.readTrainingExamples()).isEmpty();
        }
    }

    @Test
    void shouldForgetTheEndMarkerAfterTheTimeoutSoTheIdCanStartAgain() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.send("s-1", Events.pageView("e-1", "s-1", t0));
            fixture.send("s-1", Events.of("session_end", "e-2", "s-1", t0.plusSeconds(1)));
            fixture.driver.advanceWallClockTime(Duration.ofMinutes(31));
            fixture.send("s-1", Events.pageView("e-3", "s-1", t0.plus(Duration.ofMinutes(40))));

            assertThat(fixture.readDeadLetters()).isEmpty();
            assertThat(fixture.readPredictions()).hasSize(3);
        }
    }

    @Test
    void shouldSweepALargeStoreInSlicesClosingEverySessionOnce() {
        int sessions = 2 * (int) SessionScoringProcessor.MIN_SLICE + 500;
        for (String storeType : List.of("in_memory", "rocksdb")) {
            try (TopologyFixture fixture = new TopologyFixture(Map.of("SCORING_STATE_STORE", storeType))) {
                for (int i = 0; i < sessions; i++) {
                    fixture.send("s-" + i, Events.pageView("e-" + i, "s-" + i, t0));
                }
                fixture.readPredictions();

                // Each run of the expiry looks at one slice (at least MIN_SLICE sessions), resuming where the last stopped.
                Duration oneRun = Duration.ofSeconds(30).dividedBy(SessionScoringProcessor.SWEEP_SLICES);
                fixture.driver.advanceWallClockTime(Duration.ofMinutes(31));
                List<String> closed = new ArrayList<>();
                fixture.readTrainingExamples().forEach(example -> closed.add(example.get("sessionId").asText()));
                assertThat(closed).as(storeType).hasSize((int) SessionScoringProcessor.MIN_SLICE);
                for (int run = 0; run < 4; run++) {
                    fixture.driver.advanceWallClockTime(oneRun);
                    fixture.readTrainingExamples().forEach(example -> closed.add(example.get("sessionId").asText()));
                }
                assertThat(closed).as(storeType).hasSize(sessions).doesNotHaveDuplicates();
            }
        }
    }

    @Test
    void shouldLookForIdleSessionsOnceAnExpiryIntervalNotAtEveryRun() {
        try (TopologyFixture fixture = new TopologyFixture(Map.of("SCORING_SESSION_TIMEOUT", "PT1M"))) {
            fixture.send("s-1", Events.pageView("e-1", "s-1", t0));
            Duration oneRun = Duration.ofSeconds(30).dividedBy(SessionScoringProcessor.SWEEP_SLICES);
            int second = 0;
            // The expiry runs every second; its first run sweeps the small store whole.
            for (; second < 15; second++) {
                fixture.driver.advanceWallClockTime(oneRun);
            }
            fixture.send("s-1", Events.pageView("e-2", "s-1", t0.plusSeconds(15)));
            // Idle for the timeout at second 75; the sweeps begin 30 s apart (at about 0, 30, 60 and 90),
            // so the one that closes it is the fourth, not the run at second 75.
            int closedAt = -1;
            for (; second < 120 && closedAt < 0; second++) {
                fixture.driver.advanceWallClockTime(oneRun);
                if (!fixture.readTrainingExamples().isEmpty()) {
                    closedAt = second + 1;
                }
            }
            assertThat(closedAt).isBetween(86, 95);
        }
    }

    @Test
    void shouldHonourAConfiguredTimeout() {
        try (TopologyFixture fixture = new TopologyFixture(Map.of("SCORING_STATE_STORE", "in_memory",
                "SCORING_SESSION_TIMEOUT", "PT5M", "SCORING_EXPIRY_INTERVAL", "PT10S"))) {
            fixture.send("s-1", Events.pageView("e-1", "s-1", t0));
            fixture.driver.advanceWallClockTime(Duration.ofMinutes(6));

            assertThat(fixture.readTrainingExamples()).hasSize(1);
        }
    }

    @Test
    void shouldWorkTheSameWithRocksDbStores() {
        try (TopologyFixture fixture = new TopologyFixture(Map.of("SCORING_STATE_STORE", "rocksdb"))) {
            fixture.send("s-1", Events.pageView("e-1", "s-1", t0));
            fixture.send("s-1", Events.pageView("e-2", "s-1", t0.plusSeconds(3)));
            fixture.send("s-1", Events.of("session_end", "e-3", "s-1", t0.plusSeconds(5)));

            JsonNode example = fixture.readTrainingExamples().get(0);
            assertThat(example.get("ProductRelated_Duration").asDouble()).isEqualTo(5.0);
            assertThat(example.get("eventCount").asInt()).isEqualTo(3);
        }
    }
}

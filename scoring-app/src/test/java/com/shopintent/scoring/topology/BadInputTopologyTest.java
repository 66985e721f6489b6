package com.shopintent.scoring.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The catalogue of bad input, through the production topology: each bad record lands in the
 * dead-letter topic with its reason and its original bytes, and the stream goes on scoring the
 * valid events around it.
 */
class BadInputTopologyTest {

    private final TopologyFixture fixture = new TopologyFixture();
    private final Instant t0 = TopologyFixture.START;

    @AfterEach
    void close() {
        fixture.close();
    }

    record Bad(String name, String key, String value, String reason) {
    }

    @Test
    void shouldDeadLetterEachBadRecordAndKeepScoringTheRest() {
        String valid = Events.pageView("e-x", "s-bad", t0);
        List<Bad> catalogue = List.of(
                new Bad("malformed JSON", "s-bad", "{\"eventId\":", "malformed-json"),
                new Bad("non-object JSON", "s-bad", "[\"page_view\"]", "not-an-object"),
                new Bad("missing required field", "s-bad", valid.replace("\"shopId\":\"shop-1\",", ""), "missing-field"),
                new Bad("wrong type", "s-bad", valid.replace("\"os\":1", "\"os\":\"one\""), "invalid-field"),
                new Bad("unknown type", "s-bad", valid.replace("page_view", "hover"), "unknown-type"),
                new Bad("unknown category", "s-bad", valid.replace("product_related", "checkout"), "unknown-category"),
                new Bad("bad timestamp", "s-bad", valid.replace(t0.toString(), "2026-02-30T00:00:00Z"), "bad-timestamp"),
                new Bad("key differs from sessionId", "s-other", valid, "key-mismatch"),
                new Bad("empty value", "s-bad", "", "empty-value"),
                new Bad("null value", "s-bad", null, "null-value"),
                new Bad("1 MB value", "s-bad", valid.replace("\"os\":1", "\"pad\":\"" + "x".repeat(1_000_000) + "\",\"os\":1"), "too-large"),
                new Bad("negative amount", "s-bad", Events.of("purchase", "e-x", "s-bad", t0).replace("}", ",\"amount\":-5}"), "invalid-field"),
                new Bad("NaN", "s-bad", valid.replace("\"os\":1", "\"os\":NaN"), "malformed-json"),
                new Bad("Infinity", "s-bad", Events.of("purchase", "e-x", "s-bad", t0).replace("}", ",\"amount\":1e400}"), "invalid-field"));

        int n = 0;
        for (Bad bad : catalogue) {
            fixture.send(bad.key, bad.value);
            fixture.send("s-good", Events.pageView("good-" + n++, "s-good", t0.plusSeconds(n)));
        }

        List<TestRecord<byte[], byte[]>> letters = fixture.readDeadLetters();
        assertThat(letters).hasSize(catalogue.size());
        for (int i = 0; i < catalogue.size(); i++) {
            Bad bad = catalogue.get(i);
            TestRecord<byte[], byte[]> letter = letters.get(i);
            assertThat(TopologyFixture.header(letter, DeadLetterHeaders.REASON)).as(bad.name).isEqualTo(bad.reason);
            assertThat(TopologyFixture.header(letter, DeadLetterHeaders.DETAIL)).as(bad.name).isNotBlank();
            assertThat(TopologyFixture.header(letter, DeadLetterHeaders.SOURCE_TOPIC)).as(bad.name).isEqualTo(Topics.EVENTS);
            assertThat(TopologyFixture.header(letter, DeadLetterHeaders.SOURCE_OFFSET)).as(bad.name).isEqualTo(Integer.toString(2 * i));
            assertThat(letter.key()).as(bad.name).isEqualTo(bad.key.getBytes(StandardCharsets.UTF_8));
            assertThat(letter.value()).as(bad.name).isEqualTo(bad.value == null ? null : bad.value.getBytes(StandardCharsets.UTF_8));
        }
        List<JsonNode> predictions = fixture.readPredictions();
        assertThat(predictions).extracting(p -> p.get("eventId").asText())
                .containsExactlyElementsOf(idsFrom(0, catalogue.size()));
    }

    @Test
    void shouldDeadLetterADuplicateEventIdAndCountItOnce() {
        fixture.send("s-1", Events.pageView("e-1", "s-1", t0));
        fixture.send("s-1", Events.pageView("e-1", "s-1", t0.plusSeconds(5)));
        fixture.send("s-1", Events.of("session_end", "e-2", "s-1", t0.plusSeconds(10)));

        TestRecord<byte[], byte[]> letter = fixture.readDeadLetters().get(0);
        assertThat(TopologyFixture.header(letter, DeadLetterHeaders.REASON)).isEqualTo("duplicate-event");
        assertThat(fixture.readPredictions()).hasSize(2);
        JsonNode example = fixture.readTrainingExamples().get(0);
        assertThat(example.get("ProductRelated").asInt()).isEqualTo(1);
        assertThat(example.get("ProductRelated_Duration").asDouble()).isEqualTo(10.0);
    }

    @Test
    void shouldDeadLetterEventsAfterSessionEnd() {
        fixture.send("s-1", Events.pageView("e-1", "s-1", t0));
        fixture.send("s-1", Events.of("session_end", "e-2", "s-1", t0.plusSeconds(10)));
        fixture.send("s-1", Events.pageView("e-3", "s-1", t0.plusSeconds(20)));

        List<TestRecord<byte[], byte[]>> letters = fixture.readDeadLetters();
        assertThat(letters).hasSize(1);
        assertThat(TopologyFixture.header(letters.get(0), DeadLetterHeaders.REASON)).isEqualTo("session-closed");
        assertThat(fixture.readPredictions()).hasSize(2);
        assertThat(fixture.readTrainingExamples()).hasSize(1);
    }

    @Test
    void shouldStartANewSessionWhenTheIdComesBackLaterThanATimeoutAfterItsEnd() {
        fixture.send("s-1", Events.pageView("e-1", "s-1", t0));
        fixture.send("s-1", Events.of("session_end", "e-2", "s-1", t0.plusSeconds(10)));
        fixture.send("s-1", Events.pageView("e-3", "s-1", t0.plusSeconds(10).plus(minutes(30))));

        assertThat(fixture.readDeadLetters()).isEmpty();
        assertThat(fixture.readPredictions()).hasSize(3);
    }

    @Test
    void shouldKeepTheMissingKeyOfAKeylessEventInItsDeadLetter() {
        fixture.send(null, Events.pageView("e-1", "s-keyless", t0));
        fixture.send(null, Events.pageView("e-1", "s-keyless", t0.plusSeconds(1)));

        TestRecord<byte[], byte[]> letter = fixture.readDeadLetters().get(0);
        assertThat(TopologyFixture.header(letter, DeadLetterHeaders.REASON)).isEqualTo("duplicate-event");
        assertThat(letter.key()).isNull();
        assertThat(TopologyFixture.header(letter, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(Topics.EVENTS);
        assertThat(TopologyFixture.header(letter, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("1");
    }

    @Test
    void shouldTakeALateEventAtTheSessionsLastTime() {
        fixture.send("s-1", Events.pageView("e-1", "s-1", t0));
        fixture.send("s-1", Events.pageView("e-2", "s-1", t0.plusSeconds(60)));
        fixture.send("s-1", Events.pageView("e-3", "s-1", t0.plusSeconds(30), "p-2", "administrative"));
        fixture.send("s-1", Events.of("session_end", "e-4", "s-1", t0.plusSeconds(100)));

        List<JsonNode> predictions = fixture.readPredictions();
        assertThat(predictions).hasSize(4);
        assertThat(predictions.get(2).get("late").asBoolean()).isTrue();
        JsonNode example = fixture.readTrainingExamples().get(0);
        // e-1 is open 60 s; e-2 is closed by the late e-3, taken at 60 s: 0 s; e-3 is open from 60 s to 100 s.
        assertThat(example.get("ProductRelated_Duration").asDouble()).isEqualTo(60.0);
        assertThat(example.get("Administrative_Duration").asDouble()).isEqualTo(40.0);
        assertThat(fixture.metrics.registry().get("scoring.late.events").counter().count()).isEqualTo(1.0);
    }

    @Test
    void shouldScoreAnEventThatCameWithoutAKey() {
        fixture.send(null, Events.pageView("e-1", "s-keyless", t0));
        fixture.send(null, "{not json");

        List<JsonNode> predictions = fixture.readPredictions();
        assertThat(predictions).hasSize(1);
        assertThat(predictions.get(0).get("sessionId").asText()).isEqualTo("s-keyless");
        TestRecord<byte[], byte[]> letter = fixture.readDeadLetters().get(0);
        assertThat(TopologyFixture.header(letter, DeadLetterHeaders.REASON)).isEqualTo("malformed-json");
    }

    @Test
    void shouldCountAPageWithoutStatisticsAsZeroAndKeepValidStatisticsWhenAnUpdateIsInvalid() {
        fixture.pageStats.pipeInput("shop-1/p-1", "{\"bounceRate\":0.2,\"exitRate\":0.4,\"pageValue\":10}".getBytes(StandardCharsets.UTF_8));
        fixture.pageStats.pipeInput("shop-1/p-1", "{\"bounceRate\":7,\"exitRate\":0.4,\"pageValue\":10}".getBytes(StandardCharsets.UTF_8));
        fixture.send("s-1", Events.pageView("e-1", "s-1", t0, "p-1", "product_related"));
        fixture.send("s-1", Events.pageView("e-2", "s-1", t0.plusSeconds(1), "p-unknown", "product_related"));
        fixture.send("s-1", Events.of("session_end", "e-3", "s-1", t0.plusSeconds(2)));

        JsonNode example = fixture.readTrainingExamples().get(0);
        assertThat(example.get("BounceRates").asDouble()).isEqualTo(0.1);
        assertThat(example.get("ExitRates").asDouble()).isEqualTo(0.2);
        assertThat(example.get("PageValues").asDouble()).isEqualTo(5.0);
        assertThat(fixture.metrics.registry().get("scoring.enrichment.misses").counter().count()).isEqualTo(1.0);
    }

    @Test
    void shouldUseStatisticsUpdatedOrDeletedAfterThePageWasRead() {
        // The lookup caches a page once read: each later update and the tombstone must still be seen.
        fixture.pageStats.pipeInput("shop-1/p-1", "{\"bounceRate\":0.2,\"exitRate\":0.4,\"pageValue\":10}".getBytes(StandardCharsets.UTF_8));
        fixture.send("s-1", Events.pageView("e-1", "s-1", t0, "p-1", "product_related"));
        fixture.pageStats.pipeInput("shop-1/p-1", "{\"bounceRate\":0.6,\"exitRate\":0.8,\"pageValue\":30}".getBytes(StandardCharsets.UTF_8));
        fixture.send("s-1", Events.pageView("e-2", "s-1", t0.plusSeconds(1), "p-1", "product_related"));
        fixture.pageStats.pipeInput("shop-1/p-1", (byte[]) null);
        fixture.send("s-1", Events.pageView("e-3", "s-1", t0.plusSeconds(2), "p-1", "product_related"));
        fixture.send("s-1", Events.of("session_end", "e-4", "s-1", t0.plusSeconds(3)));

        // Means over the three page views, the deleted page counting as zero.
        JsonNode example = fixture.readTrainingExamples().get(0);
        assertThat(example.get("BounceRates").asDouble()).isCloseTo((0.2 + 0.6) / 3, within(1e-9));
        assertThat(example.get("ExitRates").asDouble()).isCloseTo((0.4 + 0.8) / 3, within(1e-9));
        assertThat(example.get("PageValues").asDouble()).isCloseTo((10 + 30) / 3.0, within(1e-9));
        assertThat(fixture.metrics.registry().get("scoring.enrichment.misses").counter().count()).isEqualTo(1.0);
    }

    @Test
    void shouldDeleteStatisticsOnATombstone() {
        fixture.pageStats.pipeInput("shop-1/p-1", "{\"bounceRate\":0.2,\"exitRate\":0.4,\"pageValue\":10}".getBytes(StandardCharsets.UTF_8));
        fixture.pageStats.pipeInput("shop-1/p-1", (byte[]) null);
        fixture.send("s-1", Events.pageView("e-1", "s-1", t0, "p-1", "product_related"));
        fixture.send("s-1", Events.of("session_end", "e-2", "s-1", t0.plusSeconds(2)));

        assertThat(fixture.readTrainingExamples().get(0).get("PageValues").asDouble()).isZero();
    }

    @Test
    void shouldDeadLetterAnEventFurtherAheadOfTheClockThanAllowedAndScoreOnesWithinOrInThePast() {
        try (TopologyFixture bounded = new TopologyFixture(Map.of("SCORING_STATE_STORE", "in_memory", "SCORING_MAX_EVENT_AHEAD", "PT1H"))) {
            // The driver's wall clock is at START.
            bounded.send("s-ahead", Events.pageView("e-1", "s-ahead", t0.plus(Duration.ofDays(1))));
            bounded.send("s-soon", Events.pageView("e-2", "s-soon", t0.plus(Duration.ofMinutes(59))));
            bounded.send("s-past", Events.pageView("e-3", "s-past", t0.minus(Duration.ofDays(1))));

            List<TestRecord<byte[], byte[]>> letters = bounded.readDeadLetters();
            assertThat(letters).hasSize(1);
            assertThat(TopologyFixture.header(letters.get(0), DeadLetterHeaders.REASON)).isEqualTo("bad-timestamp");
            assertThat(TopologyFixture.header(letters.get(0), DeadLetterHeaders.DETAIL)).contains("SCORING_MAX_EVENT_AHEAD");
            assertThat(letters.get(0).key()).isEqualTo("s-ahead".getBytes(StandardCharsets.UTF_8));
            assertThat(bounded.readPredictions()).extracting(p -> p.get("eventId").asText()).containsExactly("e-2", "e-3");
        }
    }

    @Test
    void shouldNotTrustAShopsCopyOfTheInternalOriginHeaders() {
        RecordHeaders forged = new RecordHeaders();
        forged.add("scoring.origin.topic", "elsewhere".getBytes(StandardCharsets.UTF_8));
        fixture.events.pipeInput(new TestRecord<>("s-1".getBytes(StandardCharsets.UTF_8),
                "{\"eventId\":".getBytes(StandardCharsets.UTF_8), forged));
        fixture.send("s-1", Events.pageView("e-1", "s-1", t0));

        TestRecord<byte[], byte[]> letter = fixture.readDeadLetters().get(0);
        assertThat(TopologyFixture.header(letter, DeadLetterHeaders.REASON)).isEqualTo("malformed-json");
        assertThat(letter.key()).isEqualTo("s-1".getBytes(StandardCharsets.UTF_8));
        assertThat(TopologyFixture.header(letter, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(Topics.EVENTS);
        assertThat(TopologyFixture.header(letter, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("0");
        assertThat(letter.headers().lastHeader("scoring.origin.topic")).isNull();
        assertThat(fixture.readPredictions()).hasSize(1);
    }

    private static List<String> idsFrom(int from, int to) {
        List<String> ids = new ArrayList<>();
        for (int i = from; i < to; i++) {
            ids.add("good-" + i);
        }
        return ids;
    }

    static Duration minutes(long n) {
        return Duration.ofMinutes(n);
    }
}

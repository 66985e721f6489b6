package com.shopintent.scoring.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.shopintent.scoring.metrics.ScoringMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * W3C Trace Context through the topology: an event's valid {@code traceparent} (and {@code tracestate})
 * is on its prediction in {@code shop.predictions}, and nothing else of the event's headers is; training
 * examples and insights carry none.
 */
class TraceContextTopologyTest {

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final String TRACESTATE = "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE";

    private final Instant t0 = TopologyFixture.START;
    private final TopologyFixture fixture = new TopologyFixture(Map.of("SCORING_STATE_STORE", "in_memory",
            "SCORING_INSIGHTS_GRACE", "PT0S"));

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void shouldPutTheEventsTraceparentAndTracestateOnItsPredictionAndNoOtherHeader() {
        send("s-1", Events.pageView("e-1", "s-1", t0), TraceContext.TRACEPARENT, TRACEPARENT, TraceContext.TRACESTATE, TRACESTATE,
                "shop-request-id", "r-17", DeadLetterHeaders.REASON, "forged");

        Headers headers = onlyPredictionHeaders();
        assertThat(keys(headers)).containsExactly(TraceContext.TRACEPARENT, TraceContext.TRACESTATE);
        assertThat(headers.lastHeader(TraceContext.TRACEPARENT).value()).isEqualTo(utf8(TRACEPARENT));
        assertThat(headers.lastHeader(TraceContext.TRACESTATE).value()).isEqualTo(utf8(TRACESTATE));
        assertThat(invalidCount()).isZero();
    }

    @Test
    void shouldGiveEachPredictionTheTraceparentOfItsOwnEvent() {
        String other = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00";
        send("s-1", Events.pageView("e-1", "s-1", t0), TraceContext.TRACEPARENT, TRACEPARENT);
        send("s-1", Events.pageView("e-2", "s-1", t0.plusSeconds(5)));
        send("s-1", Events.pageView("e-3", "s-1", t0.plusSeconds(9)), TraceContext.TRACEPARENT, other);

        List<TestRecord<String, byte[]>> predictions = fixture.predictions.readRecordsToList();
        assertThat(predictions).extracting(record -> TopologyFixture.header(record, TraceContext.TRACEPARENT))
                .containsExactly(TRACEPARENT, null, other);
        assertThat(predictions).allSatisfy(record -> assertThat(keys(record.headers())).isSubsetOf(TraceContext.TRACEPARENT));
    }

    @Test
    void shouldLeaveAPredictionWithoutHeadersWhenItsEventHasNoTraceparent() {
        send("s-1", Events.pageView("e-1", "s-1", t0), "shop-request-id", "r-17", TraceContext.TRACESTATE, TRACESTATE);

        assertThat(keys(onlyPredictionHeaders())).as("a tracestate without a traceparent belongs to no trace").isEmpty();
        assertThat(invalidCount()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",
        "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
        "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
        "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",
        "",
    })
    void shouldNotCarryAnInvalidTraceparentAndScoreTheEventAllTheSame(String invalid) {
        send("s-1", Events.pageView("e-1", "s-1", t0), TraceContext.TRACEPARENT, invalid, TraceContext.TRACESTATE, TRACESTATE);

        assertThat(keys(onlyPredictionHeaders())).isEmpty();
        assertThat(fixture.readDeadLetters()).isEmpty();
        assertThat(invalidCount()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-09-fields-of-a-later-version",
    })
    void shouldCarryATraceparentOfALaterVersionAsItCame(String later) {
        send("s-1", Events.pageView("e-1", "s-1", t0), TraceContext.TRACEPARENT, later);

        assertThat(onlyPredictionHeaders().lastHeader(TraceContext.TRACEPARENT).value()).isEqualTo(utf8(later));
    }

    @Test
    void shouldNotCarryATraceparentThatComesTwice() {
        send("s-1", Events.pageView("e-1", "s-1", t0), TraceContext.TRACEPARENT, TRACEPARENT, TraceContext.TRACEPARENT, TRACEPARENT);

        assertThat(keys(onlyPredictionHeaders())).isEmpty();
        assertThat(invalidCount()).isEqualTo(1);
    }

    @Test
    void shouldCarryATracestateOfUpTo512BytesAndDropALongerOneButKeepTheTraceparent() {
        String longest = "k=" + "v".repeat(TraceContext.MAX_TRACESTATE_BYTES - 2);
        send("s-1", Events.pageView("e-1", "s-1", t0), TraceContext.TRACEPARENT, TRACEPARENT, TraceContext.TRACESTATE, longest);
        send("s-2", Events.pageView("e-2", "s-2", t0), TraceContext.TRACEPARENT, TRACEPARENT, TraceContext.TRACESTATE, longest + "v");

        List<TestRecord<String, byte[]>> predictions = fixture.predictions.readRecordsToList();
        assertThat(TopologyFixture.header(predictions.get(0), TraceContext.TRACESTATE)).isEqualTo(longest);
        assertThat(keys(predictions.get(1).headers())).containsExactly(TraceContext.TRACEPARENT);
    }

    @Test
    void shouldKeepTheTraceparentOfAKeylessEventThroughTheRepartitionTopic() {
        send(null, Events.pageView("e-1", "s-keyless", t0), TraceContext.TRACEPARENT, TRACEPARENT, TraceContext.TRACESTATE, TRACESTATE,
                "shop-request-id", "r-17");

        Headers headers = onlyPredictionHeaders();
        assertThat(keys(headers)).as("not the origin headers the re-keying adds, nor the shop's")
                .containsExactly(TraceContext.TRACEPARENT, TraceContext.TRACESTATE);
        assertThat(headers.lastHeader(TraceContext.TRACEPARENT).value()).isEqualTo(utf8(TRACEPARENT));
    }

    @Test
    void shouldWriteTrainingExamplesAndInsightsWithoutTraceHeaders() {
        send("s-1", Events.pageView("e-1", "s-1", t0), TraceContext.TRACEPARENT, TRACEPARENT);
        send("s-1", Events.of("session_end", "e-2", "s-1", t0.plusSeconds(10)), TraceContext.TRACEPARENT, TRACEPARENT);
        // Stream time past the first window's end: its insight is final.
        send("s-2", Events.pageView("e-3", "s-2", t0.plusSeconds(70)), TraceContext.TRACEPARENT, TRACEPARENT);

        assertThat(fixture.predictions.readRecordsToList()).hasSize(3)
                .allSatisfy(record -> assertThat(TopologyFixture.header(record, TraceContext.TRACEPARENT)).isEqualTo(TRACEPARENT));
        List<TestRecord<String, byte[]>> examples = fixture.trainingExamples.readRecordsToList();
        assertThat(examples).hasSize(1).allSatisfy(record -> assertThat(keys(record.headers())).isEmpty());
        List<TestRecord<String, byte[]>> insights = fixture.insights.readRecordsToList();
        assertThat(insights).hasSize(1).allSatisfy(record -> assertThat(keys(record.headers())).isEmpty());
    }

    @Test
    void shouldKeepTheTraceparentAmongTheOwnHeadersOfADeadLetter() {
        send("s-1", Events.pageView("e-1", "s-1", t0), TraceContext.TRACEPARENT, TRACEPARENT);
        send("s-1", Events.pageView("e-1", "s-1", t0.plusSeconds(1)), TraceContext.TRACEPARENT, TRACEPARENT);

        assertThat(fixture.predictions.readRecordsToList()).hasSize(1);
        TestRecord<byte[], byte[]> letter = fixture.readDeadLetters().get(0);
        assertThat(TopologyFixture.header(letter, DeadLetterHeaders.REASON)).isEqualTo("duplicate-event");
        assertThat(TopologyFixture.header(letter, TraceContext.TRACEPARENT)).isEqualTo(TRACEPARENT);
    }

    /** An event with headers given as name, value, name, value... */
    private void send(String key, String json, String... headers) {
        RecordHeaders recordHeaders = new RecordHeaders();
        for (int i = 0; i < headers.length; i += 2) {
            recordHeaders.add(headers[i], utf8(headers[i + 1]));
        }
        fixture.events.pipeInput(new TestRecord<>(key == null ? null : utf8(key), utf8(json), recordHeaders));
    }

    private Headers onlyPredictionHeaders() {
        List<TestRecord<String, byte[]>> predictions = fixture.predictions.readRecordsToList();
        assertThat(predictions).hasSize(1);
        return predictions.get(0).headers();
    }

    private double invalidCount() {
        return fixture.metrics.registry().get(ScoringMetrics.INVALID_TRACE_CONTEXT).counter().count();
    }

    private static List<String> keys(Headers headers) {
        return Arrays.stream(headers.toArray()).map(Header::key).toList();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}

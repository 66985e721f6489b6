package com.shopintent.scoring.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.shopintent.scoring.TestModels;
import com.shopintent.scoring.enrich.SpecialDayCalendar;
import com.shopintent.scoring.features.DatasetRow;
import com.shopintent.scoring.features.FeatureSchema;
import com.shopintent.scoring.features.SessionFeatures;
import com.shopintent.scoring.replay.ReplayRecord;
import com.shopintent.scoring.replay.SessionReplayer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every row of the shipped data set, replayed as clickstream through the production topology:
 * each session's training example must hold the row's features, and the prediction for its
 * {@code session_end} must be the offline score of the row, with the prediction cache off and on
 * (a cache never changes a score).
 *
 * <p>The two cases run side by side: each is one thread's work for the best part of a minute (the driver
 * processes and commits every record in the caller's thread).
 */
@Execution(ExecutionMode.CONCURRENT)
class ReplayParityTest {

    @ParameterizedTest(name = "cache {0}")
    @ValueSource(strings = {"off", "on"})
    void shouldServeTheFeaturesAndScoresOfEveryDatasetRow(String cache) {
        List<DatasetRow> rows = TestModels.shippedRows();
        SessionReplayer replayer = new SessionReplayer(SpecialDayCalendar.defaults());
        Map<String, DatasetRow> rowBySession = new HashMap<>();
        Map<String, Double> offlineScore = new HashMap<>();
        Map<String, Long> outcomes = new HashMap<>();
        long events = 0;
        long predictions = 0;
        int endings = 0;
        try (TopologyFixture fixture = new TopologyFixture(Map.of("SCORING_STATE_STORE", "in_memory", "SCORING_CACHE", cache))) {
            for (DatasetRow row : rows) {
                for (ReplayRecord stats : replayer.pageStats(row, "shop-0001")) {
                    fixture.pageStats.pipeInput(stats.key(), stats.value());
                }
            }
            for (DatasetRow row : rows) {
                String session = SessionReplayer.sessionId(row.row());
                rowBySession.put(session, row);
                offlineScore.put(session, fixture.model.score(row.features()));
                List<KeyValue<byte[], byte[]>> batch = replayer.events(row, "shop-0001").stream()
                        .map(r -> KeyValue.pair(r.key().getBytes(StandardCharsets.UTF_8), r.value())).toList();
                events += batch.size();
                fixture.events.pipeKeyValueList(batch);
                // Read as they come rather than all at the end: the driver would hold every prediction of the data set.
                while (!fixture.predictions.isEmpty()) {
                    JsonNode prediction = TopologyFixture.json(fixture.predictions.readValue());
                    predictions++;
                    outcomes.merge(prediction.get("cache").asText(), 1L, Long::sum);
                    if (prediction.get("eventType").asText().equals("session_end")) {
                        endings++;
                        String ended = prediction.get("sessionId").asText();
                        assertThat(prediction.get("purchaseProbability").asDouble())
                                .as("session_end score of %s", ended)
                                .isCloseTo(offlineScore.get(ended), within(1e-6));
                    }
                }
            }

            List<JsonNode> examples = fixture.readTrainingExamples();
            assertThat(examples).hasSize(rows.size());
            for (JsonNode example : examples) {
                DatasetRow row = rowBySession.get(example.get("sessionId").asText());
                assertFeaturesEqualRow(example, row);
                assertThat(example.get("closedBy").asText()).isEqualTo("session_end");
                assertThat(example.get("purchaseProbability").asDouble())
                        .isCloseTo(offlineScore.get(example.get("sessionId").asText()), within(1e-6));
            }
            assertThat(fixture.readDeadLetters()).isEmpty();
            assertThat(fixture.predictions.isEmpty()).isTrue();
            assertThat(predictions).isEqualTo(events);
            assertThat(endings).isEqualTo(rows.size());
            if (cache.equals("off")) {
                assertThat(outcomes).containsOnlyKeys("off");
            } else {
                // Sessions that start alike (same first page, context and hour) share their first scores.
                assertThat(outcomes).containsOnlyKeys("miss", "hit-local");
                assertThat(outcomes.get("hit-local")).isPositive();
            }
        }
    }

    static void assertFeaturesEqualRow(JsonNode example, DatasetRow row) {
        SessionFeatures f = row.features();
        String as = "row " + row.row();
        assertThat(example.get("Administrative").asInt()).as(as).isEqualTo(f.administrative());
        assertThat(example.get("Informational").asInt()).as(as).isEqualTo(f.informational());
        assertThat(example.get("ProductRelated").asInt()).as(as).isEqualTo(f.productRelated());
        // Durations are exact: integer nanoseconds all the way, one division at the end.
        assertThat(example.get("Administrative_Duration").asDouble()).as(as).isEqualTo(f.administrativeDuration());
        assertThat(example.get("Informational_Duration").asDouble()).as(as).isEqualTo(f.informationalDuration());
        assertThat(example.get("ProductRelated_Duration").asDouble()).as(as).isEqualTo(f.productRelatedDuration());
        assertThat(example.get("BounceRates").asDouble()).as(as).isCloseTo(f.bounceRates(), within(1e-9));
        assertThat(example.get("ExitRates").asDouble()).as(as).isCloseTo(f.exitRates(), within(1e-9));
        assertThat(example.get("PageValues").asDouble()).as(as).isCloseTo(f.pageValues(), within(1e-9));
        assertThat(example.get("SpecialDay").asDouble()).as(as).isEqualTo(f.specialDay());
        assertThat(example.get("Month").asText()).as(as).isEqualTo(FeatureSchema.monthName(f.month()));
        assertThat(example.get("OperatingSystems").asInt()).as(as).isEqualTo(f.operatingSystems());
        assertThat(example.get("Browser").asInt()).as(as).isEqualTo(f.browser());
        assertThat(example.get("Region").asInt()).as(as).isEqualTo(f.region());
        assertThat(example.get("TrafficType").asInt()).as(as).isEqualTo(f.trafficType());
        assertThat(example.get("VisitorType").asText()).as(as).isEqualTo(f.visitorType().datasetName());
        assertThat(example.get("Weekend").asBoolean()).as(as).isEqualTo(f.weekend());
        assertThat(example.get("Revenue").asBoolean()).as(as).isEqualTo(row.revenue());
    }
}

package com.shopintent.scoring.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.shopintent.scoring.TestModels;
import com.shopintent.scoring.enrich.SpecialDayCalendar;
import com.shopintent.scoring.features.DatasetRow;
import com.shopintent.scoring.model.ActiveModels;
import com.shopintent.scoring.model.ModelPackage;
import com.shopintent.scoring.model.ScoringModel;
import com.shopintent.scoring.replay.ReplayRecord;
import com.shopintent.scoring.replay.SessionReplayer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Models changed between two records, and a challenger scored beside the champion. */
class ModelSwapTopologyTest {

    private static final SessionReplayer REPLAYER = new SessionReplayer(SpecialDayCalendar.defaults());
    private final ScoringModel other = ModelPackage.load(TestModels.otherPackageDir());

    @Test
    void shouldScoreEachEventWithTheModelsServingWhenItArrivesAndLoseNone() {
        List<ReplayRecord> events = REPLAYER.events(TestModels.shippedRows().get(5), "shop-1");
        int half = events.size() / 2;
        try (TopologyFixture fixture = new TopologyFixture()) {
            pageStats(fixture, TestModels.shippedRows().get(5));
            events.subList(0, half).forEach(event -> send(fixture, event));
            fixture.models.set(ActiveModels.of(other));
            events.subList(half, events.size()).forEach(event -> send(fixture, event));

            List<JsonNode> predictions = fixture.readPredictions();
            assertThat(predictions).extracting(p -> p.get("eventId").asText())
                    .containsExactlyElementsOf(events.stream().map(event -> TopologyFixture.json(event.value()).get("eventId").asText()).toList());
            assertThat(predictions.subList(0, half)).allSatisfy(p ->
                    assertThat(p.get("modelVersion").asText()).isEqualTo(fixture.model.version()));
            assertThat(predictions.subList(half, predictions.size())).allSatisfy(p ->
                    assertThat(p.get("modelVersion").asText()).isEqualTo(other.version()));
            assertThat(fixture.readTrainingExamples()).singleElement()
                    .satisfies(example -> assertThat(example.get("modelVersion").asText()).isEqualTo(other.version()));
        }
    }

    @Test
    void shouldReportTheChallengersScoreBesideAChampionScoreItDoesNotChange() {
        List<DatasetRow> rows = TestModels.shippedRows().subList(0, 40);
        ScoringModel champion = TestModels.scoringModel();
        List<JsonNode> withChallenger = run(rows, new ActiveModels(champion, other));
        List<JsonNode> championAlone = run(rows, ActiveModels.of(champion));
        List<JsonNode> challengerAlone = run(rows, ActiveModels.of(other));

        assertThat(withChallenger).hasSameSizeAs(championAlone).hasSizeGreaterThan(rows.size());
        for (int i = 0; i < withChallenger.size(); i++) {
            JsonNode both = withChallenger.get(i);
            assertThat(both.get("modelVersion").asText()).isEqualTo(champion.version());
            assertThat(both.get("purchaseProbability").asDouble()).isEqualTo(championAlone.get(i).get("purchaseProbability").asDouble());
            assertThat(both.get("cache").asText()).isEqualTo(championAlone.get(i).get("cache").asText());
            assertThat(both.get("challenger").get("modelVersion").asText()).isEqualTo(other.version());
            assertThat(both.get("challenger").get("purchaseProbability").asDouble())
                    .isEqualTo(challengerAlone.get(i).get("purchaseProbability").asDouble());
            assertThat(championAlone.get(i).has("challenger")).isFalse();
        }
        // The two models do differ, so the equalities above say something.
        assertThat(withChallenger).anySatisfy(p -> assertThat(p.get("challenger").get("purchaseProbability").asDouble())
                .isNotEqualTo(p.get("purchaseProbability").asDouble()));
    }

    @Test
    void shouldCountPredictionsPerModelVersion() {
        List<DatasetRow> rows = TestModels.shippedRows().subList(0, 10);
        ScoringModel champion = TestModels.scoringModel();
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.models.set(new ActiveModels(champion, other));
            rows.forEach(row -> pageStats(fixture, row));
            rows.forEach(row -> REPLAYER.events(row, "shop-1").forEach(event -> send(fixture, event)));
            int predictions = fixture.readPredictions().size();
            assertThat(fixture.metrics.model(champion.version()).success().count()).isEqualTo(predictions);
            assertThat(fixture.metrics.model(other.version()).success().count()).isEqualTo(predictions);
        }
    }

    private static List<JsonNode> run(List<DatasetRow> rows, ActiveModels models) {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.models.set(models);
            rows.forEach(row -> pageStats(fixture, row));
            rows.forEach(row -> REPLAYER.events(row, "shop-1").forEach(event -> send(fixture, event)));
            return fixture.readPredictions();
        }
    }

    private static void pageStats(TopologyFixture fixture, DatasetRow row) {
        for (ReplayRecord stats : REPLAYER.pageStats(row, "shop-1")) {
            fixture.pageStats.pipeInput(stats.key(), stats.value());
        }
    }

    private static void send(TopologyFixture fixture, ReplayRecord event) {
        fixture.events.pipeInput(event.key().getBytes(StandardCharsets.UTF_8), event.value());
    }
}

package com.shopintent.scoring.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.shopintent.scoring.TestModels;
import com.shopintent.scoring.features.DatasetRow;
import com.shopintent.scoring.features.SessionFeatures;
import com.shopintent.scoring.metrics.ScoringMetrics;
import com.shopintent.scoring.model.ScoringModel;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The in-process tier alone: no server needed. The Redis tier is tested in {@link RedisTierIT}. */
class PredictionCacheTest {

    private static final long NOON = Instant.parse("2026-11-29T12:00:00Z").toEpochMilli();
    private final ScoringModel model = TestModels.scoringModel();
    private final ScoringMetrics metrics = ScoringMetrics.inMemory();
    private final List<DatasetRow> rows = TestModels.shippedRows();

    @Test
    void shouldServeTheModelsExactScoreFromTheLocalTierOnARepeat() {
        try (PredictionCache cache = PredictionCache.create(1000, Duration.ofHours(1), null, false, null, Duration.ofMillis(5), metrics)) {
            SessionFeatures features = rows.get(7).features();

            PredictionCache.Scored first = cache.score(model, features, NOON);
            PredictionCache.Scored second = cache.score(model, features, NOON + 59_000);

            assertThat(first.outcome()).isEqualTo(CacheOutcome.MISS);
            assertThat(second.outcome()).isEqualTo(CacheOutcome.HIT_LOCAL);
            assertThat(second.probability()).isEqualTo(first.probability()).isEqualTo(model.score(features));
            assertThat(count(ScoringMetrics.CACHE_REQUESTS, ScoringMetrics.TIER_LOCAL, model.version())).isEqualTo(2);
            assertThat(count(ScoringMetrics.CACHE_HITS, ScoringMetrics.TIER_LOCAL, model.version())).isEqualTo(1);
            assertThat(count(ScoringMetrics.CACHE_MISSES, ScoringMetrics.TIER_LOCAL, model.version())).isEqualTo(1);
        }
    }

    @Test
    void shouldNotServeAnEntryOfAnotherModelVersionOrHour() {
        ScoringModel retrained = TestModels.scoringModelAsVersion("xgb-retrained0000");
        try (PredictionCache cache = PredictionCache.create(1000, Duration.ofHours(1), null, false, null, Duration.ofMillis(5), metrics)) {
            SessionFeatures features = rows.get(7).features();
            cache.score(model, features, NOON);

            assertThat(cache.score(retrained, features, NOON).outcome()).isEqualTo(CacheOutcome.MISS);
            assertThat(cache.score(model, features, NOON + Duration.ofHours(1).toMillis()).outcome()).isEqualTo(CacheOutcome.MISS);
            assertThat(cache.score(model, features, NOON).outcome()).isEqualTo(CacheOutcome.HIT_LOCAL);
            assertThat(count(ScoringMetrics.CACHE_MISSES, ScoringMetrics.TIER_LOCAL, retrained.version())).isEqualTo(1);
            assertThat(count(ScoringMetrics.CACHE_HITS, ScoringMetrics.TIER_LOCAL, retrained.version())).isZero();
        }
    }

    @Test
    void shouldScoreEveryRowExactlyAsTheModelWhetherCachedOrNot() {
        try (PredictionCache cache = PredictionCache.create(100_000, Duration.ofHours(1), null, false, null, Duration.ofMillis(5), metrics)) {
            int hits = 0;
            for (int pass = 0; pass < 2; pass++) {
                for (DatasetRow row : rows) {
                    PredictionCache.Scored scored = cache.score(model, row.features(), NOON);
                    assertThat(scored.probability()).as("row %d", row.row()).isEqualTo(model.score(row.features()));
                    hits += scored.outcome() == CacheOutcome.HIT_LOCAL ? 1 : 0;
                }
            }
            // The second pass hits every row; the first only rows whose features another row already had.
            assertThat(hits).isGreaterThanOrEqualTo(rows.size());
        }
    }

    @Test
    void shouldKeepAtMostTheConfiguredEntries() {
        try (PredictionCache cache = PredictionCache.create(100, Duration.ofHours(1), null, false, null, Duration.ofMillis(5), metrics)) {
            for (DatasetRow row : rows.subList(0, 1000)) {
                cache.score(model, row.features(), NOON);
            }
            assertThat(cache.localSize()).isLessThanOrEqualTo(100);
        }
    }

    @Test
    void shouldSayOffAndCountNothingWhenOff() {
        try (PredictionCache cache = PredictionCache.off()) {
            PredictionCache.Scored scored = cache.score(model, rows.get(0).features(), NOON);

            assertThat(scored.outcome()).isEqualTo(CacheOutcome.OFF);
            assertThat(scored.probability()).isEqualTo(model.score(rows.get(0).features()));
            assertThat(metrics.registry().find(ScoringMetrics.CACHE_REQUESTS).counters()).isEmpty();
        }
    }

    private double count(String name, String tier, String version) {
        MeterRegistry registry = metrics.registry();
        return registry.get(name).tag(ScoringMetrics.TAG_TIER, tier).tag(ScoringMetrics.TAG_MODEL_VERSION, version).counter().count();
    }
}

package com.shopintent.scoring.cache;

import com.shopintent.scoring.TestModels;
import com.shopintent.scoring.features.DatasetRow;
import com.shopintent.scoring.features.SessionFeatures;
import com.shopintent.scoring.metrics.ScoringMetrics;
import com.shopintent.scoring.model.ScoringModel;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Not a test: the per-event costs quoted in docs/CACHE.md, measured on one thread with a real
 * redis-server on loopback. Run it with
 * {@code java -cp "$(cat target/cp.txt):target/classes:target/test-classes" com.shopintent.scoring.cache.CacheCostMeasurement}
 * (see docs/CACHE.md for the class path).
 */
final class CacheCostMeasurement {

    private static final long NOON = Instant.parse("2026-11-29T12:00:00Z").toEpochMilli();
    private static final int ROUNDS = 5;

    private CacheCostMeasurement() {
    }

    public static void main(String[] args) {
        ScoringModel model = TestModels.scoringModel();
        List<SessionFeatures> rows = TestModels.shippedRows().stream().map(DatasetRow::features).toList();
        model.warmUp(200_000);
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            List<RedisURI> uris = List.of(RedisURI.create(redis.uri()));
            for (int round = 0; round < ROUNDS; round++) {
                boolean last = round == ROUNDS - 1;
                report(last, "model only (cache off)", rows, hour -> PredictionCache.off(), model);
                report(last, "local tier, miss", rows, hour -> local(), model);
                report(last, "local tier, hit", rows, hour -> local(), model, true);
                report(last, "local+redis, miss (GET miss, async SET)", rows,
                        hour -> remote(uris), model);
                report(last, "local+redis, hit-redis (GET round trip)", rows, hour -> remote(uris), model, false, true);
            }
        }
    }

    private interface CacheFactory {
        PredictionCache create(long hour);
    }

    private static PredictionCache local() {
        return PredictionCache.create(1_000_000, Duration.ofHours(1), null, false, null, Duration.ofMillis(5), ScoringMetrics.inMemory());
    }

    private static PredictionCache remote(List<RedisURI> uris) {
        PredictionCache cache = PredictionCache.create(1_000_000, Duration.ofHours(1), uris, false, null, Duration.ofMillis(50),
                ScoringMetrics.inMemory());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!cache.redis().connected() && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
        }
        return cache;
    }

    private static void report(boolean print, String what, List<SessionFeatures> rows, CacheFactory factory, ScoringModel model) {
        report(print, what, rows, factory, model, false, false);
    }

    private static void report(boolean print, String what, List<SessionFeatures> rows, CacheFactory factory, ScoringModel model,
                               boolean localHits) {
        report(print, what, rows, factory, model, localHits, false);
    }

    /**
     * Scores every row once through a fresh cache and prints ns per event. For hits, a first
     * pass fills the tier: the local one in the same cache, Redis through another instance.
     */
    private static void report(boolean print, String what, List<SessionFeatures> rows, CacheFactory factory, ScoringModel model,
                               boolean localHits, boolean redisHits) {
        long hour = System.nanoTime();
        try (PredictionCache cache = factory.create(hour)) {
            long time = NOON + (hour % 1000) * 3_600_000L;
            if (localHits) {
                rows.forEach(f -> cache.score(model, f, time));
            }
            if (redisHits) {
                try (PredictionCache filler = factory.create(hour)) {
                    rows.forEach(f -> filler.score(model, f, time));
                    awaitWrites(filler);
                }
            }
            int[] outcomes = new int[CacheOutcome.values().length];
            double sink = 0;
            long start = System.nanoTime();
            for (SessionFeatures f : rows) {
                PredictionCache.Scored scored = cache.score(model, f, time);
                sink += scored.probability();
                outcomes[scored.outcome().ordinal()]++;
            }
            long nanos = System.nanoTime() - start;
            if (print) {
                System.out.printf("%-42s %9.2f µs/event  outcomes %s  (sink %.1f)%n", what, nanos / 1000.0 / rows.size(),
                        java.util.Arrays.toString(outcomes), sink);
            }
        }
    }

    /** The writes are asynchronous: wait until Redis has answered them all before reading them elsewhere. */
    private static void awaitWrites(PredictionCache cache) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (cache.redis().writesInFlight() > 0 && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
        }
    }
}

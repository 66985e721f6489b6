package com.shopintent.scoring.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.shopintent.scoring.config.ScoringConfig;
import com.shopintent.scoring.features.SessionFeatures;
import com.shopintent.scoring.metrics.ScoringMetrics;
import com.shopintent.scoring.model.ScoringModel;
import io.lettuce.core.RedisURI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Scores through the prediction cache: the in-process tier first, then (on a miss there) the
 * Redis tier, then the model; a computed score is stored in both. Shared by every task and
 * stream thread of the application (thread-safe); close it with the application.
 *
 * <p>The in-process tier is keyed by the exact model input, model version and hour bucket (no
 * hash collision can change a score there); the Redis tier by {@link CacheKey}. Values are the
 * exact double, so a score from the cache is the score the model gives.
 */
public final class PredictionCache implements AutoCloseable {

    private final Cache<LocalKey, Double> local;
    private final RedisTier redis;
    private final ScoringMetrics metrics;

    /** A score and where it came from. */
    public record Scored(double probability, CacheOutcome outcome) {
    }

    private PredictionCache(Cache<LocalKey, Double> local, RedisTier redis, ScoringMetrics metrics) {
        this.local = local;
        this.redis = redis;
        this.metrics = metrics;
        if (redis != null) {
            metrics.cacheCircuitState(ScoringMetrics.TIER_REDIS, () -> switch (redis.circuitState()) {
                case CLOSED -> 0;
                case HALF_OPEN -> 2;
                default -> 1;
            });
        }
    }

    /** No cache: every event is scored by the model. */
    public static PredictionCache off() {
        return new PredictionCache(null, null, null);
    }

    /**
     * The in-process tier, and the Redis tier when {@code redisUris} is not null; {@code redisTlsCa}
     * is the CA file for {@code rediss://} (null: the JDK's trust store).
     */
    public static PredictionCache create(int size, Duration ttl, List<RedisURI> redisUris, boolean cluster, Path redisTlsCa,
                                         Duration redisTimeout, ScoringMetrics metrics) {
        Cache<LocalKey, Double> local = Caffeine.newBuilder().maximumSize(size).expireAfterWrite(ttl).build();
        RedisTier redis = redisUris == null ? null : new RedisTier(redisUris, cluster, redisTlsCa, redisTimeout, ttl);
        return new PredictionCache(local, redis, metrics);
    }

    /** The cache the settings ask for ({@link ScoringConfig#CACHE} and the Redis settings). */
    public static PredictionCache fromConfig(ScoringConfig config, ScoringMetrics metrics) {
        if (config.get(ScoringConfig.CACHE) == ScoringConfig.CacheMode.OFF) {
            return off();
        }
        return create(config.get(ScoringConfig.CACHE_SIZE), config.get(ScoringConfig.CACHE_TTL),
                config.get(ScoringConfig.REDIS_URI), config.get(ScoringConfig.REDIS_CLUSTER), config.get(ScoringConfig.REDIS_TLS_CA),
                config.get(ScoringConfig.REDIS_TIMEOUT), metrics);
    }

    public boolean enabled() {
        return local != null;
    }

    /** The Redis tier, or null when there is none. */
    public RedisTier redis() {
        return redis;
    }

    /**
     * The model's score of these features, from a tier when it holds it. A failing or slow Redis
     * costs at most its command timeout and is then skipped while its circuit is open; it never
     * fails the scoring.
     */
    public Scored score(ScoringModel model, SessionFeatures features, long eventTimeMillis) {
        if (local == null) {
            return new Scored(model.score(features), CacheOutcome.OFF);
        }
        float[] input = model.modelInput(features);
        long hash = CacheKey.featureHash(input);
        long bucket = CacheKey.hourBucket(eventTimeMillis);
        LocalKey key = new LocalKey(model.version(), bucket, hash, input);
        ScoringMetrics.CacheMeters meters = metrics.cache(model.version());
        meters.local().requests().increment();
        Double cached = local.getIfPresent(key);
        if (cached != null) {
            meters.local().hits().increment();
            return new Scored(cached, CacheOutcome.HIT_LOCAL);
        }
        meters.local().misses().increment();
        String redisKey = null;
        if (redis != null) {
            redisKey = CacheKey.of(model.version(), hash, bucket);
            RedisTier.Lookup lookup = redis.get(redisKey);
            if (lookup.status() != RedisTier.Status.SKIPPED) {
                meters.redis().requests().increment();
            }
            switch (lookup.status()) {
                case HIT -> {
                    meters.redis().hits().increment();
                    local.put(key, lookup.value());
                    return new Scored(lookup.value(), CacheOutcome.HIT_REDIS);
                }
                case MISS -> meters.redis().misses().increment();
                case ERROR -> meters.redis().errors().increment();
                case SKIPPED -> { }
            }
        }
        double probability = model.scoreInput(input);
        local.put(key, probability);
        if (redis != null) {
            redis.put(redisKey, probability);
        }
        return new Scored(probability, CacheOutcome.MISS);
    }

    /** Entries of the in-process tier now (after pending evictions); 0 when off. */
    public long localSize() {
        if (local == null) {
            return 0;
        }
        local.cleanUp();
        return local.estimatedSize();
    }

    @Override
    public void close() {
        if (redis != null) {
            redis.close();
        }
    }

    /** The exact model input of one version and hour; the hash is only the hash code. */
    private record LocalKey(String version, long bucket, long hash, float[] input) {

        @Override
        public boolean equals(Object other) {
            return other instanceof LocalKey k && k.hash == hash && k.bucket == bucket && k.version.equals(version)
                    && Arrays.equals(k.input, input);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(hash);
        }

        @Override
        public String toString() {
            return version + ":" + bucket + ":" + Arrays.toString(input);
        }
    }
}

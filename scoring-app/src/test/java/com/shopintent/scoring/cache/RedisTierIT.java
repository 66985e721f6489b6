package com.shopintent.scoring.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.shopintent.scoring.Await;
import com.shopintent.scoring.TestCertificates;
import com.shopintent.scoring.TestModels;
import com.shopintent.scoring.config.ScoringConfig;
import com.shopintent.scoring.features.DatasetRow;
import com.shopintent.scoring.features.SessionFeatures;
import com.shopintent.scoring.metrics.ScoringMetrics;
import com.shopintent.scoring.model.ScoringModel;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The prediction cache against a real redis-server started by the test: entries shared between
 * instances, versions kept apart, and scoring that goes on while Redis is down or stalled, or
 * while its TLS certificate is not trusted.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisTierIT {

    private static final long NOON = Instant.parse("2026-11-29T12:00:00Z").toEpochMilli();
    /** Generous for the tests that count hits: two busy cores can hold a thread for milliseconds. */
    private static final Duration PATIENT = Duration.ofMillis(200);
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String ACL_USER = "scoring";
    private static final String ACL_PASSWORD = "cache-only-7f3a";

    private final ScoringModel model = TestModels.scoringModel();
    private final List<DatasetRow> rows = TestModels.shippedRows();
    private RedisServerProcess server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldCountHitsAndMissesPerTierAndShareEntriesBetweenInstances() {
        server = RedisServerProcess.start();
        ScoringMetrics metricsA = ScoringMetrics.inMemory();
        ScoringMetrics metricsB = ScoringMetrics.inMemory();
        SessionFeatures features = rows.get(3).features();
        try (PredictionCache a = cache(server.uri(), PATIENT, metricsA); PredictionCache b = cache(server.uri(), PATIENT, metricsB)) {
            PredictionCache.Scored computed = a.score(model, features, NOON);
            awaitKey(redisKey(model, features));

            PredictionCache.Scored shared = b.score(model, features, NOON);
            PredictionCache.Scored again = b.score(model, features, NOON);

            assertThat(computed.outcome()).isEqualTo(CacheOutcome.MISS);
            assertThat(shared.outcome()).isEqualTo(CacheOutcome.HIT_REDIS);
            assertThat(again.outcome()).isEqualTo(CacheOutcome.HIT_LOCAL);
            assertThat(shared.probability()).isEqualTo(again.probability()).isEqualTo(model.score(features));
            assertCounts(metricsA, ScoringMetrics.TIER_REDIS, model.version(), 1, 0, 1, 0);
            assertCounts(metricsB, ScoringMetrics.TIER_REDIS, model.version(), 1, 1, 0, 0);
            assertCounts(metricsB, ScoringMetrics.TIER_LOCAL, model.version(), 2, 1, 1, 0);
        }
    }

    @Test
    void shouldNeverReadTheEntriesOfAnotherModelVersion() {
        server = RedisServerProcess.start();
        ScoringModel retrained = TestModels.scoringModelAsVersion("xgb-retrained0000");
        ScoringMetrics metrics = ScoringMetrics.inMemory();
        SessionFeatures features = rows.get(3).features();
        try (PredictionCache old = cache(server.uri(), PATIENT, metrics); PredictionCache fresh = cache(server.uri(), PATIENT, metrics)) {
            old.score(model, features, NOON);
            awaitKey(redisKey(model, features));

            // Same trees, same features, same hour: only the version differs, so a key without it would hit.
            PredictionCache.Scored scored = fresh.score(retrained, features, NOON);

            assertThat(scored.outcome()).isEqualTo(CacheOutcome.MISS);
            assertCounts(metrics, ScoringMetrics.TIER_REDIS, retrained.version(), 1, 0, 1, 0);
            awaitKey(redisKey(retrained, features));
        }
    }

    @Test
    void shouldStoreTheExactDoubleWithTheTtl() {
        server = RedisServerProcess.start();
        SessionFeatures features = rows.get(11).features();
        try (PredictionCache cache = cache(server.uri(), PATIENT, ScoringMetrics.inMemory());
             RedisClient client = RedisClient.create(server.uri());
             StatefulRedisConnection<String, byte[]> connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE))) {
            double probability = cache.score(model, features, NOON).probability();
            String key = redisKey(model, features);
            awaitKey(key);

            byte[] stored = connection.sync().get(key);
            long ttlMillis = connection.sync().pttl(key);

            assertThat(stored).hasSize(8);
            assertThat(ByteBuffer.wrap(stored).getDouble()).isEqualTo(probability);
            assertThat(ttlMillis).isPositive().isLessThanOrEqualTo(Duration.ofHours(1).toMillis());
        }
    }

    @Test
    void shouldAuthenticateWithUserAndPassword() {
        server = RedisServerProcess.start("--user", "default", "off", "--user", "scoring", "on", ">s3cret", "~ml_pred:*", "+get", "+set",
                "+ping", "+hello", "+client");
        ScoringMetrics metrics = ScoringMetrics.inMemory();
        SessionFeatures features = rows.get(5).features();
        String uri = "redis://scoring:s3cret@127.0.0.1:" + server.port();
        try (PredictionCache a = cache(uri, PATIENT, metrics); PredictionCache b = cache(uri, PATIENT, metrics);
             RedisClient client = RedisClient.create(uri); StatefulRedisConnection<String, String> reader = client.connect()) {
            a.score(model, features, NOON);
            // a's write is asynchronous: b asks only once it landed, or b's miss would fill its own
            // in-process tier and it would never ask Redis again.
            String key = redisKey(model, features);
            Await.until(DEADLINE, () -> reader.sync().get(key) != null, () -> "key " + key + " written with AUTH");

            assertThat(b.score(model, features, NOON).outcome()).isEqualTo(CacheOutcome.HIT_REDIS);
        }
    }

    @Test
    void shouldScoreWithoutRedisWhileItIsDownAndUseItAgainAfterItReturns() {
        server = RedisServerProcess.start();
        ScoringMetrics metrics = ScoringMetrics.inMemory();
        try (PredictionCache cache = cache(server.uri(), PATIENT, metrics)) {
            RedisTier redis = cache.redis();
            server.kill();

            int row = 0;
            for (; row < 200; row++) {
                SessionFeatures features = rows.get(row).features();
                PredictionCache.Scored scored = cache.score(model, features, NOON);
                assertThat(scored.probability()).isEqualTo(model.score(features));
            }
            assertThat(redis.circuitState()).isEqualTo(CircuitBreaker.State.OPEN);
            assertThat(metrics.registry().get(ScoringMetrics.CACHE_CIRCUIT_STATE).gauge().value()).isEqualTo(1.0);
            assertThat(count(metrics, ScoringMetrics.CACHE_ERRORS, ScoringMetrics.TIER_REDIS, model.version())).isPositive();

            server.restart();
            int[] next = {row};
            // Probes after each open period find Redis again; new features then reach it and come back.
            Await.until(DEADLINE, () -> {
                cache.score(model, rows.get(next[0]++).features(), NOON);
                return redis.circuitState() == CircuitBreaker.State.CLOSED;
            }, () -> "the circuit to close");
            SessionFeatures fresh = rows.get(next[0]).features();
            cache.score(model, fresh, NOON);
            awaitKey(redisKey(model, fresh));
            assertThat(metrics.registry().get(ScoringMetrics.CACHE_CIRCUIT_STATE).gauge().value()).isZero();
        }
    }

    @Test
    void shouldNotWaitLongerThanTheTimeoutOnAStalledRedis() {
        server = RedisServerProcess.start();
        ScoringMetrics metrics = ScoringMetrics.inMemory();
        Duration timeout = Duration.ofMillis(5);
        try (PredictionCache cache = cache(server.uri(), timeout, metrics)) {
            server.pause();
            long slowest = 0;
            long total = 0;
            int events = 300;
            for (int row = 0; row < events; row++) {
                SessionFeatures features = rows.get(row).features();
                long start = System.nanoTime();
                PredictionCache.Scored scored = cache.score(model, features, NOON);
                long took = System.nanoTime() - start;
                slowest = Math.max(slowest, took);
                total += took;
                assertThat(scored.probability()).isEqualTo(model.score(features));
            }
            server.resume();

            // Each read waits at most the timeout (plus scheduling on busy cores), and only until the
            // breaker has seen its minimum of 10 calls fail; the rest skip Redis. 300 reads at the
            // full timeout would take 1.5 s.
            assertThat(Duration.ofNanos(slowest)).isLessThan(timeout.plusMillis(100));
            assertThat(Duration.ofNanos(total)).isLessThan(timeout.multipliedBy(40));
            assertThat(cache.redis().circuitState()).isEqualTo(CircuitBreaker.State.OPEN);
        }
    }

    @Test
    void shouldShareEntriesOverTlsTrustingTheConfiguredCa(@TempDir Path dir) {
        TestCertificates certificates = TestCertificates.forLocalhost(dir);
        server = RedisServerProcess.startTls(certificates);
        ScoringMetrics metricsA = ScoringMetrics.inMemory();
        ScoringMetrics metricsB = ScoringMetrics.inMemory();
        SessionFeatures features = rows.get(3).features();
        try (PredictionCache a = tlsCache(certificates.caPem(), metricsA); PredictionCache b = tlsCache(certificates.caPem(), metricsB)) {
            Await.until(DEADLINE, a.redis()::connected, () -> "a TLS connection to " + server.uri());
            Await.until(DEADLINE, b.redis()::connected, () -> "a TLS connection to " + server.uri());
            PredictionCache.Scored computed = a.score(model, features, NOON);
            awaitKey(redisKey(model, features));

            PredictionCache.Scored shared = b.score(model, features, NOON);

            assertThat(server.uri()).startsWith("rediss://127.0.0.1:");
            assertThat(computed.outcome()).isEqualTo(CacheOutcome.MISS);
            assertThat(shared.outcome()).isEqualTo(CacheOutcome.HIT_REDIS);
            assertThat(shared.probability()).isEqualTo(model.score(features));
            assertCounts(metricsB, ScoringMetrics.TIER_REDIS, model.version(), 1, 1, 0, 0);
        }
    }

    @Test
    void shouldScoreEveryEventWithoutRedisWhenAnotherCaSignedItsCertificate(@TempDir Path dir) {
        server = RedisServerProcess.startTls(TestCertificates.forLocalhost(dir.resolve("server")));
        Path otherCa = TestCertificates.forLocalhost(dir.resolve("other")).caPem();

        assertScoresEveryEventWithoutRedis(otherCa);
    }

    @Test
    void shouldScoreEveryEventWithoutRedisWhenItsCertificateNamesAnotherHost(@TempDir Path dir) {
        // The right CA, but the URI's host 127.0.0.1 is not among the certificate's names.
        TestCertificates certificates = TestCertificates.create(dir, List.of("redis-0.example"), List.of());
        server = RedisServerProcess.startTls(certificates);

        assertScoresEveryEventWithoutRedis(certificates.caPem());
    }

    @Test
    void shouldAuthenticateAsAnAclUserOverTlsWithOnlyTheCachesKeys(@TempDir Path dir) {
        TestCertificates certificates = TestCertificates.forLocalhost(dir);
        server = RedisServerProcess.startTls(certificates, aclUserOnly());
        ScoringMetrics metricsA = ScoringMetrics.inMemory();
        ScoringMetrics metricsB = ScoringMetrics.inMemory();
        SessionFeatures features = rows.get(7).features();
        String uri = server.uri().replace("rediss://", "rediss://" + ACL_USER + ":" + ACL_PASSWORD + "@");
        try (PredictionCache a = tlsCache(uri, certificates.caPem(), metricsA); PredictionCache b = tlsCache(uri, certificates.caPem(), metricsB);
             RedisClient client = server.client(ACL_USER, ACL_PASSWORD); StatefulRedisConnection<String, String> reader = client.connect()) {
            Await.until(DEADLINE, a.redis()::connected, () -> "an authenticated TLS connection to " + server.uri());
            Await.until(DEADLINE, b.redis()::connected, () -> "an authenticated TLS connection to " + server.uri());
            a.score(model, features, NOON);
            String key = redisKey(model, features);
            Await.until(DEADLINE, () -> reader.sync().get(key) != null, () -> "key " + key + " written as " + ACL_USER);

            PredictionCache.Scored shared = b.score(model, features, NOON);

            assertThat(shared.outcome()).isEqualTo(CacheOutcome.HIT_REDIS);
            assertThat(shared.probability()).isEqualTo(model.score(features));
            assertCounts(metricsB, ScoringMetrics.TIER_REDIS, model.version(), 1, 1, 0, 0);
            // The user may touch the cache's keys only: the server enforces the ACL the deployment relies on.
            assertThatThrownBy(() -> reader.sync().set("shop-intent:other", "x")).hasMessageStartingWith("NOPERM");
        }
    }

    @Test
    void shouldScoreEveryEventAndSayWhenRedisRefusesTheCredentials(@TempDir Path dir) {
        TestCertificates certificates = TestCertificates.forLocalhost(dir);
        server = RedisServerProcess.startTls(certificates, aclUserOnly());
        String wrongPassword = "not-" + ACL_PASSWORD;
        String uri = server.uri().replace("rediss://", "rediss://" + ACL_USER + ":" + wrongPassword + "@");
        Logger logger = (Logger) LoggerFactory.getLogger(RedisTier.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        try {
            assertScoresEveryEventWithoutRedis(uri, certificates.caPem(),
                    cache -> Await.until(DEADLINE, () -> cache.redis().failedConnects() >= 3, () -> "three refused connection attempts"));
        } finally {
            logger.detachAppender(log);
        }

        List<String> warnings = log.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(warnings).as("one warning for one reason, however many retries").hasSize(1);
        assertThat(warnings.get(0)).contains("refused the credentials of user '" + ACL_USER + "'").contains("WRONGPASS")
                .doesNotContain(wrongPassword);
    }

    /** A server whose default user is off, and whose one user may run the cache's commands on the cache's keys only. */
    private static String[] aclUserOnly() {
        return new String[] {"--user", "default", "off", "--user", ACL_USER, "on", ">" + ACL_PASSWORD, "~" + CacheKey.PREFIX + "*",
                "+@read", "+@write", "+@connection"};
    }

    /** Events are scored by the model while the TLS handshake fails, and the failures show. */
    private void assertScoresEveryEventWithoutRedis(Path trustedCa) {
        assertScoresEveryEventWithoutRedis(server.uri(), trustedCa, cache -> { });
    }

    /**
     * Events are scored by the model while the connection to {@code uri} fails, and the failures show;
     * {@code andThen} runs on the cache before it is closed.
     */
    private void assertScoresEveryEventWithoutRedis(String uri, Path trustedCa, Consumer<PredictionCache> andThen) {
        ScoringMetrics metrics = ScoringMetrics.inMemory();
        Set<String> seen = new HashSet<>();
        int[] row = {0};
        try (PredictionCache cache = tlsCache(uri, trustedCa, metrics)) {
            Await.until(DEADLINE, () -> {
                SessionFeatures features = rows.get(row[0]++).features();
                PredictionCache.Scored scored = cache.score(model, features, NOON);
                // The data set repeats some rows; a repeat is found in the in-process tier.
                boolean first = seen.add(Arrays.toString(model.modelInput(features)));
                assertThat(scored.outcome()).isEqualTo(first ? CacheOutcome.MISS : CacheOutcome.HIT_LOCAL);
                assertThat(scored.probability()).isEqualTo(model.score(features));
                return cache.redis().circuitState() == CircuitBreaker.State.OPEN;
            }, () -> "the circuit to open");

            assertThat(cache.redis().connected()).isFalse();
            assertThat(count(metrics, ScoringMetrics.CACHE_ERRORS, ScoringMetrics.TIER_REDIS, model.version())).isPositive();
            assertThat(count(metrics, ScoringMetrics.CACHE_HITS, ScoringMetrics.TIER_REDIS, model.version())).isZero();
            assertThat(metrics.registry().get(ScoringMetrics.CACHE_CIRCUIT_STATE).gauge().value()).isEqualTo(1.0);
            andThen.accept(cache);
        }
        // Not a server that is down: it answers a client that trusts its CA and does not check names.
        assertThat(server.answersPing()).isTrue();
    }

    /** A cache built from the settings, as the application builds it, for the TLS server. */
    private PredictionCache tlsCache(Path trustedCa, ScoringMetrics metrics) {
        return tlsCache(server.uri(), trustedCa, metrics);
    }

    /** A cache built from the settings, as the application builds it, for this rediss:// URI. */
    private PredictionCache tlsCache(String uri, Path trustedCa, ScoringMetrics metrics) {
        ScoringConfig config = ScoringConfig.from(Map.of("SCORING_CACHE", "on", "SCORING_REDIS_URI", uri,
                "SCORING_REDIS_TLS_CA", trustedCa.toString(), "SCORING_REDIS_TIMEOUT", PATIENT.toString()));
        return PredictionCache.fromConfig(config, metrics);
    }

    private PredictionCache cache(String uri, Duration timeout, ScoringMetrics metrics) {
        PredictionCache cache = PredictionCache.create(10_000, Duration.ofHours(1), List.of(RedisURI.create(uri)), false, null, timeout, metrics);
        Await.until(DEADLINE, cache.redis()::connected, () -> "a connection to " + uri);
        return cache;
    }

    private String redisKey(ScoringModel scoring, SessionFeatures features) {
        return CacheKey.of(scoring.version(), CacheKey.featureHash(scoring.modelInput(features)), CacheKey.hourBucket(NOON));
    }

    private void awaitKey(String key) {
        try (RedisClient client = server.client(); StatefulRedisConnection<String, String> connection = client.connect()) {
            Await.until(DEADLINE, () -> connection.sync().exists(key) == 1, () -> "key " + key + " in Redis");
        }
    }

    private static void assertCounts(ScoringMetrics metrics, String tier, String version, double requests, double hits,
                                     double misses, double errors) {
        assertThat(List.of(count(metrics, ScoringMetrics.CACHE_REQUESTS, tier, version), count(metrics, ScoringMetrics.CACHE_HITS, tier, version),
                count(metrics, ScoringMetrics.CACHE_MISSES, tier, version), count(metrics, ScoringMetrics.CACHE_ERRORS, tier, version)))
                .as("requests, hits, misses, errors of tier %s", tier).containsExactly(requests, hits, misses, errors);
    }

    private static double count(ScoringMetrics metrics, String name, String tier, String version) {
        return metrics.registry().get(name).tag(ScoringMetrics.TAG_TIER, tier).tag(ScoringMetrics.TAG_MODEL_VERSION, version).counter().count();
    }
}

package com.shopintent.scoring.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.shopintent.scoring.Await;
import com.shopintent.scoring.TestModels;
import com.shopintent.scoring.config.ScoringConfig;
import com.shopintent.scoring.enrich.SpecialDayCalendar;
import com.shopintent.scoring.events.Json;
import com.shopintent.scoring.events.RejectReason;
import com.shopintent.scoring.features.DatasetRow;
import com.shopintent.scoring.metrics.ScoringMetrics;
import com.shopintent.scoring.model.ActiveModels;
import com.shopintent.scoring.model.ScoringModel;
import com.shopintent.scoring.replay.ReplayRecord;
import com.shopintent.scoring.replay.SessionReplayer;
import com.shopintent.scoring.runtime.EmbeddedKafkaBroker;
import com.shopintent.scoring.runtime.ScoringApp;
import com.shopintent.scoring.runtime.TopicPlan;
import com.shopintent.scoring.topology.Topics;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The scoring application with the cache on, against a real Kafka broker and a real Redis, both
 * started here: Redis killed, then stalled (SIGSTOP), in the middle of the stream. Every event
 * must be predicted exactly once with no error, and the stream must not wait on Redis.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CachedScoringIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final Duration REDIS_TIMEOUT = Duration.ofMillis(5);
    private static final String SHOP = "shop-0001";
    private static final long START_NANOS = Instant.parse("2026-11-02T10:00:00Z").toEpochMilli() * 1_000_000L;

    private final ScoringModel model = TestModels.scoringModel();
    private final List<DatasetRow> rows = TestModels.shippedRows();
    private final SessionReplayer replayer = new SessionReplayer(SpecialDayCalendar.defaults());
    private final AtomicInteger sessions = new AtomicInteger();
    private final Map<String, Integer> predictedTimes = new HashMap<>();
    private final Map<String, Integer> outcomes = new HashMap<>();
    private final Set<String> sent = new HashSet<>();
    private EmbeddedKafkaBroker broker;
    private RedisServerProcess redis;
    private Path stateDir;
    private ScoringApp app;
    private KafkaProducer<String, byte[]> producer;
    private KafkaConsumer<String, byte[]> predictions;
    private KafkaConsumer<byte[], byte[]> deadLetters;

    @BeforeAll
    void start() throws Exception {
        broker = EmbeddedKafkaBroker.start();
        redis = RedisServerProcess.start();
        stateDir = Files.createTempDirectory("cached-scoring-it");
        ScoringConfig config = ScoringConfig.defaults().with(Map.of(
                "SCORING_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                "SCORING_APPLICATION_ID", "cached-scoring-it",
                "SCORING_STATE_DIR", stateDir.toString(),
                "SCORING_PARTITIONS", "2",
                "SCORING_REPLICATION_FACTOR", "1",
                "SCORING_CACHE", "on",
                "SCORING_REDIS_URI", redis.uri(),
                "SCORING_REDIS_TIMEOUT", REDIS_TIMEOUT.toString()));
        try (Admin admin = Admin.create(config.clientProperties())) {
            new TopicPlan(config).apply(admin);
        }
        app = new ScoringApp(config, () -> ActiveModels.of(model), ScoringMetrics.inMemory());
        app.start();
        assertThat(app.awaitRunning(Duration.ofSeconds(60))).as("app running").isTrue();
        producer = new KafkaProducer<>(config.clientProperties(), new StringSerializer(), new ByteArraySerializer());
        Map<String, Object> consumerProps = new HashMap<>(config.clientProperties());
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        predictions = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new ByteArrayDeserializer());
        assignFromStart(predictions, Topics.PREDICTIONS);
        deadLetters = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        assignFromStart(deadLetters, Topics.EVENTS_DLQ);
        Await.until(DEADLINE, () -> app.cache().redis().connected(), () -> "a connection to Redis");
    }

    @AfterAll
    void stop() throws IOException {
        for (AutoCloseable closeable : new AutoCloseable[] {producer, predictions, deadLetters, app, redis, broker}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException("cannot close " + closeable, e);
            }
        }
        try (var paths = Files.walk(stateDir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    @Test
    @Order(1)
    void shouldScoreEveryEventWhileRedisIsKilledAndUseRedisAgainAfterItReturns() {
        sendAndAwaitPredictions(0, 150);
        assertThat(redisRequests()).as("Redis used before the kill").isPositive();

        redis.kill();
        sendAndAwaitPredictions(0, 300);
        assertThat(app.cache().redis().circuitState()).isEqualTo(CircuitBreaker.State.OPEN);

        redis.restart();
        double requestsBefore = redisRequests();
        int[] from = {300};
        Await.until(DEADLINE, () -> {
            sendAndAwaitPredictions(from[0], from[0] + 20);
            from[0] += 20;
            return app.cache().redis().circuitState() == CircuitBreaker.State.CLOSED && redisKeys() > 0;
        }, () -> "the Redis tier in use again");
        assertThat(redisRequests()).isGreaterThan(requestsBefore);
        assertNoErrorsAndNoLostEvents();
    }

    @Test
    @Order(2)
    void shouldNotStallTheStreamWhileRedisIsPaused() {
        Timer scoring = app.metrics().registry().get(ScoringMetrics.PREDICTION_DURATION).timer();
        long eventsBefore = scoring.count();
        double millisBefore = scoring.totalTime(TimeUnit.MILLISECONDS);
        redis.pause();
        try {
            sendAndAwaitPredictions(1000, 1300);
            long events = scoring.count() - eventsBefore;
            double millis = scoring.totalTime(TimeUnit.MILLISECONDS) - millisBefore;
            // Without the breaker every event would wait the full timeout (5 ms x thousands of
            // events); with it, only the reads until it opens and its probes once a second do.
            assertThat(events).isGreaterThan(1000);
            assertThat(millis).as("time spent scoring %d events with Redis stalled", events)
                    .isLessThan(events * REDIS_TIMEOUT.toMillis() / 10.0);
            assertThat(app.cache().redis().circuitState()).isNotEqualTo(CircuitBreaker.State.CLOSED);
        } finally {
            redis.resume();
        }
        assertNoErrorsAndNoLostEvents();
    }

    /** Sends the sessions of rows [from, to) under new session ids and waits until each event has its prediction. */
    private void sendAndAwaitPredictions(int from, int to) {
        Set<String> expected = new HashSet<>();
        for (DatasetRow row : rows.subList(from, to)) {
            String sessionId = "it-" + sessions.incrementAndGet();
            for (ReplayRecord event : replayer.events(row, SHOP, sessionId, START_NANOS)) {
                producer.send(new ProducerRecord<>(Topics.EVENTS, event.key(), event.value()));
                expected.add(json(event.value()).get("eventId").asText());
            }
        }
        producer.flush();
        sent.addAll(expected);
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!predictedTimes.keySet().containsAll(expected) && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> record : predictions.poll(Duration.ofMillis(200))) {
                JsonNode prediction = json(record.value());
                predictedTimes.merge(prediction.get("eventId").asText(), 1, Integer::sum);
                outcomes.merge(prediction.get("cache").asText(), 1, Integer::sum);
            }
        }
        assertThat(predictedTimes.keySet()).as("predictions of rows %d to %d", from, to).containsAll(expected);
    }

    private void assertNoErrorsAndNoLostEvents() {
        assertThat(predictedTimes.keySet()).as("events predicted").isEqualTo(sent);
        assertThat(predictedTimes.values()).as("predictions per event").containsOnly(1);
        assertThat(deadLetters.poll(Duration.ofMillis(500))).as("dead letters").isEmpty();
        ScoringMetrics metrics = app.metrics();
        assertThat(metrics.registry().get(ScoringMetrics.DEAD_LETTERS).tag(ScoringMetrics.TAG_REASON, RejectReason.PROCESSING_ERROR.code())
                .counter().count()).isZero();
        assertThat(metrics.registry().get(ScoringMetrics.PREDICTION_REQUESTS).tag(ScoringMetrics.TAG_STATUS, "error").counter().count()).isZero();
        assertThat(outcomes).doesNotContainKey("off").containsKey("miss");
    }

    private double redisRequests() {
        return app.metrics().registry().get(ScoringMetrics.CACHE_REQUESTS).tag(ScoringMetrics.TAG_TIER, ScoringMetrics.TIER_REDIS)
                .counter().count();
    }

    private long redisKeys() {
        try (RedisClient client = RedisClient.create(redis.uri()); StatefulRedisConnection<String, String> connection = client.connect()) {
            return connection.sync().dbsize();
        }
    }

    private static void assignFromStart(KafkaConsumer<?, ?> consumer, String topic) {
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    private static JsonNode json(byte[] bytes) {
        try {
            return Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package com.shopintent.scoring.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.shopintent.scoring.TestModels;
import com.shopintent.scoring.cache.PredictionCache;
import com.shopintent.scoring.config.ScoringConfig;
import com.shopintent.scoring.events.Json;
import com.shopintent.scoring.metrics.ScoringMetrics;
import com.shopintent.scoring.model.ActiveModels;
import com.shopintent.scoring.model.ScoringModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/** The production topology in a {@link TopologyTestDriver}, with its topics under their production names. */
final class TopologyFixture implements AutoCloseable {

    static final Instant START = Instant.parse("2026-11-02T10:00:00Z");
    /**
     * The driver commits after every record and writes each store's checkpoint file with an fsync: about
     * 10 ms a record for a RocksDB store on a virtual disk. Linux's shared-memory file system makes the
     * fsync free; elsewhere the module's target directory.
     */
    private static final Path STATE_ROOT = Files.isDirectory(Path.of("/dev/shm")) && Files.isWritable(Path.of("/dev/shm"))
            ? Path.of("/dev/shm") : Path.of("target").toAbsolutePath();

    final ScoringModel model = TestModels.scoringModel();
    /** The models the topology scores with; a test may swap them between two records. */
    final AtomicReference<ActiveModels> models = new AtomicReference<>(ActiveModels.of(model));
    final ScoringMetrics metrics;
    final PredictionCache cache;
    final TopologyTestDriver driver;
    private final Path stateDir;
    final TestInputTopic<byte[], byte[]> events;
    final TestInputTopic<String, byte[]> pageStats;
    final TestOutputTopic<String, byte[]> predictions;
    final TestOutputTopic<String, byte[]> trainingExamples;
    final TestOutputTopic<byte[], byte[]> deadLetters;
    final TestOutputTopic<String, byte[]> insights;

    /** In-memory stores: the driver commits after every record, and RocksDB would flush each time. */
    TopologyFixture() {
        this(Map.of("SCORING_STATE_STORE", "in_memory"));
    }

    TopologyFixture(Map<String, String> settings) {
        this(settings, ScoringMetrics.inMemory());
    }

    TopologyFixture(Map<String, String> settings, ScoringMetrics metrics) {
        this.metrics = metrics;
        // The driver's wall clock stands at START while tests send sessions hours long; the bound on
        // events ahead of the clock has a test of its own, which sets it.
        ScoringConfig config = ScoringConfig.defaults().with(Map.of("SCORING_MAX_EVENT_AHEAD", "P3650D")).with(settings);
        Properties props = config.streamsProperties();
        try {
            stateDir = Files.createTempDirectory(Files.createDirectories(STATE_ROOT), "ttd-state-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        props.put("state.dir", stateDir.toString());
        cache = PredictionCache.fromConfig(config, metrics);
        driver = new TopologyTestDriver(ScoringTopology.build(config, models::get, cache, metrics), props, START);
        events = driver.createInputTopic(Topics.EVENTS, new ByteArraySerializer(), new ByteArraySerializer());
        pageStats = driver.createInputTopic(Topics.PAGE_STATS, new StringSerializer(), new ByteArraySerializer());
        predictions = driver.createOutputTopic(Topics.PREDICTIONS, new StringDeserializer(), new ByteArrayDeserializer());
        trainingExamples = driver.createOutputTopic(Topics.TRAINING_EXAMPLES, new StringDeserializer(), new ByteArrayDeserializer());
        deadLetters = driver.createOutputTopic(Topics.EVENTS_DLQ, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        insights = driver.createOutputTopic(Topics.INSIGHTS, new StringDeserializer(), new ByteArrayDeserializer());
    }

    void send(String key, String json) {
        events.pipeInput(key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    List<JsonNode> readPredictions() {
        return predictions.readValuesToList().stream().map(TopologyFixture::json).toList();
    }

    List<JsonNode> readTrainingExamples() {
        return trainingExamples.readValuesToList().stream().map(TopologyFixture::json).toList();
    }

    List<JsonNode> readInsights() {
        return insights.readValuesToList().stream().map(TopologyFixture::json).toList();
    }

    List<TestRecord<byte[], byte[]>> readDeadLetters() {
        return deadLetters.readRecordsToList();
    }

    static JsonNode json(byte[] bytes) {
        try {
            return Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String header(TestRecord<?, ?> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        driver.close();
        cache.close();
        // The driver empties its state directory but leaves it.
        try {
            Files.deleteIfExists(stateDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

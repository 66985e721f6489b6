package com.shopintent.scoring.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.shopintent.scoring.Await;
import com.shopintent.scoring.TestModels;
import com.shopintent.scoring.config.ScoringConfig;
import com.shopintent.scoring.features.DatasetRow;
import com.shopintent.scoring.metrics.ScoringMetrics;
import com.shopintent.scoring.model.ActiveModels;
import com.shopintent.scoring.model.ScoringModel;
import com.shopintent.scoring.topology.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an IT against a real broker needs: a broker of its own (fresh storage) with the product's
 * topics created by {@link TopicPlan}, the things the test opens closed in reverse order (the broker
 * last: a client closing against a stopped broker waits for it), and the broker's log and the
 * application processes' output kept in {@code target/it-logs/<class>/<test>}.
 */
final class BrokerTestBed implements AutoCloseable {

    static final String APPLICATION_ID = "scoring-it";
    static final int PARTITIONS = 6;
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** Long enough for a restarted application to be let back into its group and restore its state. */
    static final Duration OUTPUT_TIMEOUT = Duration.ofSeconds(90);
    /** Relative to the module: the build runs the tests there. */
    private static final Path LOG_ROOT = Path.of("target", "it-logs");

    private static ScoringModel model;

    private final Logger log;
    private final Path logs;
    private final Path work;
    private final long start = System.nanoTime();
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final EmbeddedKafkaBroker broker;
    private final Admin admin;

    /** @param work a directory of the test's own, for state directories */
    BrokerTestBed(Class<?> testClass, String testName, Path work) {
        this(testClass, testName, work, Map.of());
    }

    /** @param brokerProperties broker properties on top of {@link EmbeddedKafkaBroker}'s single-node defaults */
    BrokerTestBed(Class<?> testClass, String testName, Path work, Map<String, String> brokerProperties) {
        this.log = LoggerFactory.getLogger(testClass);
        this.work = work;
        this.logs = LOG_ROOT.resolve(testClass.getSimpleName()).resolve(testName);
        try {
            deleteRecursively(logs);
            Files.createDirectories(logs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        broker = EmbeddedKafkaBroker.start(brokerProperties);
        // The broker deletes its directory when it closes; its log is kept with the test's for a failed run.
        closeLater(() -> {
            try {
                Files.copy(broker.directory().resolve("broker.log"), logs.resolve("broker.log"));
            } finally {
                broker.close();
            }
        });
        admin = closeLater(Admin.create(config("admin").clientProperties()));
        TopicPlan plan = new TopicPlan(config("admin"));
        assertThat(plan.apply(admin).created()).contains(Topics.EVENTS, Topics.PREDICTIONS, Topics.EVENTS_DLQ, Topics.MODELS);
        mark("broker up, topics created");
    }

    EmbeddedKafkaBroker broker() {
        return broker;
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    Admin admin() {
        return admin;
    }

    /** A file for this test's logs, kept after it. */
    Path logFile(String name) {
        return logs.resolve(name);
    }

    /** The settings of one instance, as environment variables; each instance has a state directory of its own. */
    Map<String, String> settings(String instance) {
        return Map.of(
                "SCORING_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                "SCORING_APPLICATION_ID", APPLICATION_ID,
                "SCORING_STATE_DIR", work.resolve("state-" + instance).toString(),
                "SCORING_MODEL_DIR", TestModels.packageDir().toString(),
                "SCORING_PARTITIONS", Integer.toString(PARTITIONS),
                "SCORING_REPLICATION_FACTOR", "1",
                // Any free port: instances and other builds on the machine must not meet on 8080.
                "SCORING_HTTP_PORT", "0");
    }

    ScoringConfig config(String instance) {
        return ScoringConfig.defaults().with(settings(instance));
    }

    /**
     * An instance of the application in this JVM with the model of {@link TestModels}, started and ready (Kafka
     * Streams RUNNING), closed with the test bed.
     */
    ScoringApp startApp(String instance, Map<String, String> moreSettings) {
        ScoringConfig config = config(instance).with(moreSettings);
        ScoringApp app = closeLater(new ScoringApp(config, () -> ActiveModels.of(model()), ScoringMetrics.inMemory()));
        assertThat(app.notReadyReason()).as("not ready before it starts").hasValueSatisfying(reason -> assertThat(reason).contains("CREATED"));
        app.start();
        // Ready is RUNNING: the model is loaded before the application exists.
        Await.until(START_TIMEOUT, () -> app.notReadyReason().isEmpty(), () -> "not ready: " + app.notReadyReason());
        return app;
    }

    /** Loaded once for all tests: it is read-only, and loading it costs a second. */
    private static synchronized ScoringModel model() {
        if (model == null) {
            model = TestModels.scoringModel();
        }
        return model;
    }

    /** Every dead letter committed so far; call once the application has committed all its input. */
    List<ConsumerRecord<byte[], byte[]>> readDeadLetters() {
        Records.Reader deadLetters = reader(Topics.EVENTS_DLQ);
        deadLetters.readToEnd(OUTPUT_TIMEOUT);
        return deadLetters.records();
    }

    /** The partitions of {@link Topics#EVENTS} whose tasks are active on this instance: the sessions it scores. */
    static Set<Integer> eventPartitions(ScoringApp app) {
        if (app.state() != KafkaStreams.State.RUNNING && app.state() != KafkaStreams.State.REBALANCING) {
            return Set.of();
        }
        return app.streams().metadataForLocalThreads().stream()
                .flatMap(thread -> thread.activeTasks().stream())
                .flatMap(task -> task.topicPartitions().stream())
                .filter(partition -> partition.topic().equals(Topics.EVENTS))
                .map(TopicPartition::partition)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    Records.Reader reader(String topic) {
        return closeLater(new Records.Reader(broker.bootstrapServers(), topic));
    }

    <T extends AutoCloseable> T closeLater(T resource) {
        resources.push(resource);
        return resource;
    }

    /** Where the time of a test goes, for tuning and for a slow run's log. */
    void mark(String what) {
        log.info("[{} s] {}", String.format("%.1f", (System.nanoTime() - start) / 1e9), what);
    }

    /** {@code count} rows spread evenly over the data set (its months come in blocks), from {@code offset}. */
    static List<DatasetRow> rows(int count, int offset) {
        List<DatasetRow> all = TestModels.shippedRows();
        int stride = all.size() / count;
        return IntStream.range(0, count).mapToObj(i -> all.get(offset + i * stride)).toList();
    }

    @Override
    public void close() throws Exception {
        Exception failure = null;
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        mark("closed everything");
        if (failure != null) {
            throw failure;
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (Files.exists(directory)) {
            try (Stream<Path> paths = Files.walk(directory)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }
}

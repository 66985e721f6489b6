package com.shopintent.scoring.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.shopintent.scoring.config.ScoringConfig;
import com.shopintent.scoring.events.Json;
import com.shopintent.scoring.features.DatasetRow;
import com.shopintent.scoring.loadgen.LoadGenerator;
import com.shopintent.scoring.loadgen.LoadReport;
import com.shopintent.scoring.metrics.ScoringMetrics;
import com.shopintent.scoring.model.ModelMetadata;
import com.shopintent.scoring.model.ActiveModels;
import com.shopintent.scoring.model.ModelPackage;
import com.shopintent.scoring.model.ModelTrainer;
import com.shopintent.scoring.model.ScoringModel;
import com.shopintent.scoring.model.TrainingSettings;
import com.shopintent.scoring.runtime.EmbeddedKafkaBroker;
import com.shopintent.scoring.runtime.ScoringApp;
import com.shopintent.scoring.runtime.TopicPlan;
import com.shopintent.scoring.topology.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code demo}: the whole product on one machine with nothing installed: a real Kafka broker (KRaft)
 * started by the program, the topics, a model, the scoring application and the load generator,
 * with live progress and a summary. Everything it starts is stopped and removed at the end, also
 * on Ctrl-C.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Start a Kafka broker, train a model (unless --model), run the scoring application and",
            "the load generator with live progress, print a summary, and clean up (also on Ctrl-C)."})
final class DemoCommand implements Callable<Integer> {

    @Mixin
    LoadOptions load = new LoadOptions();

    @Option(names = "--model", paramLabel = "<model-dir>", description = "use this model package instead of training one")
    Path model;

    @Option(names = "--partitions", defaultValue = "3", description = "partitions of the topics (default: ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--report", paramLabel = "<file>", description = "write the load summary as JSON here")
    Path report;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        Path work = Files.createTempDirectory("scoring-demo");
        List<DatasetRow> rows = new DataOption().rows();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            out.printf("Kafka broker (KRaft) up at %s after %.1f s%n", broker.bootstrapServers(), seconds(jvmStart));
            out.flush();
            // The environment's settings apply (SCORING_CACHE, SCORING_REDIS_URI, ... to measure the
            // cache); those that tie the application to this demo's broker and files are set here.
            ScoringConfig config = ScoringConfig.from(System.getenv()).with(Map.of(
                    "SCORING_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                    "SCORING_APPLICATION_ID", "scoring-demo",
                    "SCORING_STATE_DIR", work.resolve("state").toString(),
                    "SCORING_PARTITIONS", Integer.toString(partitions),
                    "SCORING_REPLICATION_FACTOR", "1",
                    // Event time runs speed-up times faster here: two seconds of wall-clock grace.
                    "SCORING_INSIGHTS_GRACE", Duration.ofMillis((long) Math.min(2000 * load.speedUp, 3_600_000)).toString(),
                    // The last events are duration x speed-up ahead of the wall clock; this broker accepts any timestamp.
                    "SCORING_MAX_EVENT_AHEAD", Duration.ofMillis((long) Math.min(load.duration.toMillis() * load.speedUp,
                            Duration.ofDays(3000).toMillis())).plusHours(1).toString()));
            try (Admin admin = Admin.create(config.clientProperties())) {
                new TopicPlan(config).apply(admin);
            }
            ScoringModel scoring = ModelPackage.load(model != null ? model : train(rows, work.resolve("model"), out));
            scoring.warmUp(ScoringModel.WARM_UP_ROWS);
            ActiveModels models = ActiveModels.of(scoring);
            ScoringApp app = new ScoringApp(config, () -> models, ScoringMetrics.inMemory());
            LoadGenerator generator = new LoadGenerator(config.clientProperties(), rows, config.get(ScoringConfig.SPECIAL_DAYS),
                    load.settings());
            Interrupts.onInterrupt(generator::stop);
            try (app) {
                app.start();
                if (!app.awaitRunning(Duration.ofSeconds(60))) {
                    throw new IllegalStateException("the scoring application did not reach RUNNING (state " + app.state() + ")");
                }
                out.printf("Scoring application running (model %s, %d partitions); sending %,.0f events/s for %ds from %d shops%n",
                        scoring.version(), partitions, load.rate, load.duration.toSeconds(), load.shops);
                out.flush();
                ProgressPrinter printer = new ProgressPrinter(out, app.metrics()::openSessions);
                LoadReport result = generator.run(printer::update, Duration.ofSeconds(2));
                printer.summary(result);
                printCache(app, out);
                if (generator.firstPredictionMillis() > 0) {
                    out.printf("  %-22s %15.1f s after the command started%n", "first prediction", (generator.firstPredictionMillis() - jvmStart) / 1000.0);
                }
                printTopShops(config, out);
                if (report != null) {
                    result.write(report);
                    out.println("report written to " + report);
                }
            }
        } finally {
            deleteRecursively(work);
        }
        out.println("stopped the application and the broker, removed their files");
        out.flush();
        return 0;
    }

    static Path train(List<DatasetRow> rows, Path dir, PrintWriter out) {
        TrainingSettings settings = TrainingSettings.defaults(42);
        ModelMetadata metadata = ModelPackage.write(dir, new ModelTrainer().train(rows, settings), settings, "shipped", "");
        out.printf("Trained model %s on the shipped data set (held-out AUC %.3f)%n", metadata.version(), metadata.metrics().auc());
        out.flush();
        return dir;
    }

    /** Requests and hit rate of each cache tier over the run. */
    private static void printCache(ScoringApp app, PrintWriter out) {
        if (!app.cache().enabled()) {
            out.printf("  %-22s %15s%n", "cache", "off");
            return;
        }
        for (String tier : List.of(ScoringMetrics.TIER_LOCAL, ScoringMetrics.TIER_REDIS)) {
            ScoringMetrics.CacheTotals totals = app.metrics().cacheTotals(tier);
            out.printf("  %-22s %,15.0f requests  %,.0f hits (%.1f%%)  %,.0f errors%n", "cache " + tier, totals.requests(),
                    totals.hits(), totals.requests() == 0 ? 0 : 100.0 * totals.hits() / totals.requests(), totals.errors());
        }
        out.flush();
    }

    /** Reads every final insight written so far and ranks shops by their high-intent sessions. */
    private static void printTopShops(ScoringConfig config, PrintWriter out) {
        Map<String, long[]> byShop = new HashMap<>();
        Map<String, Object> props = new HashMap<>(config.clientProperties());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(Topics.INSIGHTS).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline && partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    JsonNode insight = Json.MAPPER.readTree(record.value());
                    long[] totals = byShop.computeIfAbsent(record.key(), k -> new long[3]);
                    totals[0] += insight.get("highIntentSessions").asLong();
                    totals[1] += insight.get("activeSessions").asLong();
                    totals[2] += insight.get("events").asLong();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + Topics.INSIGHTS, e);
        }
        out.println();
        out.printf("  top shops by high-intent sessions (from %s, %d closed windows' shops)%n", Topics.INSIGHTS, byShop.size());
        out.printf("  %-12s %18s %16s %10s%n", "shop", "high-intent sessions", "active sessions", "events");
        byShop.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[0]).reversed())
                .limit(5)
                .forEach(e -> out.printf("  %-12s %18d %16d %10d%n", e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2]));
        out.flush();
    }

    private static double seconds(long since) {
        return (System.currentTimeMillis() - since) / 1000.0;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}

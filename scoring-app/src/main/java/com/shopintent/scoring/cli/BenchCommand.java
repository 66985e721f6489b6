package com.shopintent.scoring.cli;

import com.shopintent.scoring.bench.Benchmark;
import com.shopintent.scoring.config.ScoringConfig;
import com.shopintent.scoring.features.DatasetRow;
import com.shopintent.scoring.runtime.EmbeddedKafkaBroker;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.utils.Utils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench}: the pipeline's throughput and latency beside a pass-through baseline and a naive scorer, in one run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Pre-produce a backlog of replayed sessions, drain it in turn with a pass-through Kafka Streams app (A),",
            "the pipeline as shipped (B) and the pipeline scoring with Tribuo's per-record predict (C), repeated;",
            "then run the pipeline under open-loop load with exactly-once and at-least-once, and the scorer",
            "microbenchmark. Writes benchmarks.md, benchmarks.json and charts. SCORING_* settings apply to every variant."})
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--bootstrap", paramLabel = "<servers>", description = "use this Kafka cluster (default: start a broker here); the bench adds to its "
            + "shop.events and drains only what it added, and does not measure its brokers' CPU")
    String bootstrap;

    @Option(names = "--events", defaultValue = "500000", description = "events in the backlog, timed (default: ${DEFAULT-VALUE})")
    long events;

    @Option(names = "--drain-warm-up", defaultValue = "750000",
            description = "events each variant drains before the timed backlog, while the JIT compiles; 0 times from the first commit (default: ${DEFAULT-VALUE})")
    long drainWarmUp;

    @Option(names = "--partitions", defaultValue = "6", description = "partitions of the topics (default: ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--runs", defaultValue = "3", description = "drains of each variant (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--variants", defaultValue = "A,B,C", split = ",",
            description = "the drain variants to run, in this order each run (default: ${DEFAULT-VALUE})")
    List<String> variants;

    @Option(names = "--rate", defaultValue = "10000", description = "events/s of the latency runs (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--warm-up", defaultValue = "120s", converter = LoadOptions.DurationConverter.class,
            description = "load at --rate before each latency run is measured, without a pause: at least this long and until "
                    + "the pipeline has caught up, at most twice as long; reported apart; 0s skips (default: ${DEFAULT-VALUE})")
    Duration warmUp;

    @Option(names = "--latency-duration", defaultValue = "60s", converter = LoadOptions.DurationConverter.class,
            description = "length of each latency run; 0s skips them (default: ${DEFAULT-VALUE})")
    Duration latencyDuration;

    @Option(names = "--soak", defaultValue = "10m", converter = LoadOptions.DurationConverter.class,
            description = "load kept on the exactly-once process after its latency run, to watch its memory; 0s skips (default: ${DEFAULT-VALUE})")
    Duration soak;

    /**
     * As the deployment runs the pipeline (k8s/base/scoring-statefulset.yaml), with a smaller heap:
     * the whole heap committed and touched at start, so resident memory is flat from the start.
     */
    @Option(names = "--java-opts", defaultValue = "-Xms256m -Xmx256m -XX:+AlwaysPreTouch -XX:+ExitOnOutOfMemoryError",
            description = "JVM options of each variant's process (default: ${DEFAULT-VALUE})")
    String javaOptions;

    @Option(names = "--start-launches", defaultValue = "3",
            description = "launches of the pipeline for its start-to-ready time, with the class-data archive and without (default: ${DEFAULT-VALUE})")
    int startLaunches;

    @Option(names = "--jmh-iterations", defaultValue = "5",
            description = "warm-up and measured iterations of the scorer microbenchmark; 0 skips it (default: ${DEFAULT-VALUE})")
    int jmhIterations;

    @Option(names = "--jmh-time", defaultValue = "2s", converter = LoadOptions.DurationConverter.class,
            description = "length of each JMH iteration (default: ${DEFAULT-VALUE})")
    Duration jmhTime;

    @Option(names = "--model", paramLabel = "<model-dir>", description = "model package to serve (default: train one on the data set)")
    Path model;

    @Option(names = "--out", defaultValue = "docs", paramLabel = "<dir>",
            description = "where benchmarks.md, benchmarks.json and the charts go (default: ${DEFAULT-VALUE})")
    Path reportDir;

    @Mixin
    DataOption data = new DataOption();

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (events < 1 || runs < 1 || partitions < 1 || !(rate > 0) || startLaunches < 1 || jmhIterations < 0 || drainWarmUp < 0) {
            throw new IllegalArgumentException("--events, --runs, --partitions, --rate and --start-launches must be positive, "
                    + "--jmh-iterations and --drain-warm-up 0 or more");
        }
        if (!Benchmark.VARIANTS.containsAll(variants)) {
            throw new IllegalArgumentException("--variants takes " + String.join(", ", Benchmark.VARIANTS) + ", not " + variants);
        }
        PrintWriter out = spec.commandLine().getOut();
        List<DatasetRow> rows = data.rows();
        Path work = Files.createTempDirectory("scoring-bench");
        EmbeddedKafkaBroker broker = bootstrap == null ? EmbeddedKafkaBroker.start() : null;
        try {
            Map<String, String> overrides = new HashMap<>(Map.of(
                    "SCORING_BOOTSTRAP_SERVERS", broker != null ? broker.bootstrapServers() : bootstrap,
                    "SCORING_PARTITIONS", Integer.toString(partitions)));
            if (broker != null) {
                overrides.put("SCORING_REPLICATION_FACTOR", "1");
            }
            ScoringConfig config = ScoringConfig.from(System.getenv()).with(overrides);
            Path modelDir = model != null ? model : DemoCommand.train(rows, work.resolve("model"), out);
            Benchmark.Settings settings = new Benchmark.Settings(events, drainWarmUp, runs, variants, rate, warmUp, latencyDuration, soak, Duration.ofSeconds(30),
                    Arrays.asList(javaOptions.trim().split("\\s+")), jmhIterations, jmhTime,
                    Duration.ofSeconds(Math.max(300, (drainWarmUp + events) / 500)), startLaunches);
            ProgressPrinter printer = new ProgressPrinter(out, null);
            new Benchmark(config, modelDir, rows, settings, work, out, printer::update,
                    broker != null ? broker.process() : null).run(reportDir);
            out.println("report written to " + reportDir.resolve("benchmarks.md"));
            out.flush();
            return 0;
        } finally {
            if (broker != null) {
                broker.close();
            }
            Utils.delete(work.toFile());
        }
    }
}

package com.shopintent.scoring.bench;

import com.shopintent.scoring.config.ScoringConfig;
import com.shopintent.scoring.features.DatasetRow;
import com.shopintent.scoring.loadgen.LoadGenerator;
import com.shopintent.scoring.loadgen.LoadReport;
import com.shopintent.scoring.runtime.TopicPlan;
import com.shopintent.scoring.topology.ScoringTopology;
import com.shopintent.scoring.topology.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.common.utils.Utils;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * One benchmark run against a broker: a backlog of replayed sessions drained by the pass-through
 * baseline (A), the pipeline as shipped (B) and the pipeline with a naive scorer (C), in turn and
 * repeated; then the pipeline under open-loop load at a fixed rate with exactly-once and with
 * at-least-once, with its start-to-ready time and its memory; then the scorer microbenchmark.
 * Every variant runs as a process of its own with the same settings, so the ratios compare like
 * with like on whatever the machine is doing at the time.
 */
public final class Benchmark {

    /**
     * What to run.
     *
     * @param events size of the backlog the variants drain, timed
     * @param drainWarmUp events each variant drains before those, untimed (see {@link Drain})
     * @param runs how many times each variant drains it (A B C, A B C, ...)
     * @param rate events/s of the open-loop latency runs
     * @param warmUp load at that rate before each latency run is measured, at least this long and until
     *               the pipeline has caught up (at most twice as long): the JIT compiles the pipeline's
     *               code over the first minute, during which it runs at a fraction of its speed
     * @param soak how long the exactly-once process stays under that load after its latency run, for its memory
     * @param jvmOptions options of each variant's JVM
     * @param jmhIterations warm-up and measured JMH iterations; 0 skips the microbenchmark
     * @param startLaunches launches of the pipeline for its start-to-ready time, each way (with and without the class-data archive)
     */
    public record Settings(long events, long drainWarmUp, int runs, List<String> variants, double rate, Duration warmUp, Duration latencyDuration, Duration soak,
                           Duration soakSampleEvery, List<String> jvmOptions, int jmhIterations, Duration jmhIterationTime,
                           Duration drainTimeout, int startLaunches) {
    }

    /** The drain variants by their letters. */
    public static final List<String> VARIANTS = List.of("A", "B", "C");

    private static final int SHOPS = 500;
    private static final double SPEED_UP = 60;
    private static final String MALLOC_ARENA_MAX = "MALLOC_ARENA_MAX";
    /** How often a latency run reads the pipeline's commit meters, as often as a Prometheus server scraping it would. */
    static final Duration COMMIT_SAMPLE_EVERY = Duration.ofSeconds(5);

    private final ScoringConfig config;
    private final Path modelDir;
    private final List<DatasetRow> rows;
    private final Settings settings;
    private final Path work;
    private final PrintWriter out;
    private final Consumer<LoadGenerator.Progress> progress;
    private final ProcessHandle broker;
    /**
     * In this run's application ids: a consumer group outlives its application (see {@link #cleanUp}), so a run
     * against a cluster that earlier runs used (--bootstrap) must not meet their groups.
     */
    private final String runId = Long.toString(System.currentTimeMillis(), Character.MAX_RADIX);

    /**
     * @param config the broker and the Streams settings every variant runs with
     * @param work a directory of this run's own for state directories and logs
     * @param progress live progress of the open-loop runs
     * @param broker the broker's process when it runs here, for its CPU time; null when it runs elsewhere
     */
    public Benchmark(ScoringConfig config, Path modelDir, List<DatasetRow> rows, Settings settings, Path work, PrintWriter out,
                     Consumer<LoadGenerator.Progress> progress, ProcessHandle broker) {
        this.config = config;
        this.modelDir = modelDir;
        this.rows = rows;
        this.settings = settings;
        this.work = work;
        this.out = out;
        this.progress = progress;
        this.broker = broker;
    }

    /** Runs everything and writes the report into {@code reportDir}. */
    public void run(Path reportDir) throws InterruptedException, ExecutionException, RunnerException {
        try (Admin admin = Admin.create(config.clientProperties())) {
            new TopicPlan(config).apply(admin);
            createPassThroughOutput(admin);
            TopicPlan.awaitLeaders(admin, List.of(PassThroughTopology.OUTPUT));
            // One schedule for both parts: the timed events continue the warm-up's sessions, as a running instance's would.
            say("pre-producing %,d + %,d events (warm-up + timed) of replayed sessions from %d shops to %s",
                    settings.drainWarmUp(), settings.events(), SHOPS, Topics.EVENTS);
            // The backlog is what lies between these offsets: a cluster of --bootstrap can hold earlier records.
            Map<TopicPartition, Long> start = endOffsets(admin);
            loadGenerator(Duration.ofSeconds(1), Duration.ZERO).preload(settings.drainWarmUp() + settings.events());
            Map<TopicPartition, Long> end = endOffsets(admin);

            List<BenchReport.DrainRun> drains = new ArrayList<>();
            for (int run = 1; run <= settings.runs(); run++) {
                for (String variant : settings.variants()) {
                    drains.add(switch (variant) {
                        case "A" -> drain(admin, BenchReport.PASSTHROUGH, run, List.of(BenchTarget.class.getName(), BenchTarget.PASSTHROUGH), start, end);
                        case "B" -> drain(admin, BenchReport.PIPELINE, run, List.of(TargetProcess.PIPELINE_MAIN, "run"), start, end);
                        case "C" -> drain(admin, BenchReport.NAIVE, run, List.of(BenchTarget.class.getName(), BenchTarget.NAIVE), start, end);
                        default -> throw new IllegalArgumentException("no variant " + variant + "; the variants are " + VARIANTS);
                    });
                }
            }

            Map<String, BenchReport.LatencyRun> latency = new LinkedHashMap<>();
            List<double[]> rss = new ArrayList<>();
            String archiveInForce = "none";
            BenchReport.Starts starts = null;
            if (!settings.latencyDuration().isZero()) {
                // The pipeline as deployed starts with the image's class-data archive: made here the same way.
                List<String> jvmOptions = new ArrayList<>(settings.jvmOptions());
                String why = ClassArchive.whyNotArchivable();
                if (why == null) {
                    Path archive = work.resolve("scoring.jsa");
                    say("class-data archive: a training run of the pipeline, as the image's build makes it");
                    ClassArchive.make(config, modelDir, rows, archive, work);
                    jvmOptions.add(ClassArchive.useOption(archive));
                    archiveInForce = "made by a training run (class-archive), as in the image";
                } else {
                    say("no class-data archive: %s", why);
                    archiveInForce = "none: " + why;
                }
                starts = starts(admin, settings.jvmOptions(), jvmOptions);
                latency.put(BenchReport.EXACTLY_ONCE, latencyRun(admin, jvmOptions, BenchReport.EXACTLY_ONCE, settings.soak(), rss));
                latency.put(BenchReport.AT_LEAST_ONCE, latencyRun(admin, jvmOptions, BenchReport.AT_LEAST_ONCE, Duration.ZERO, new ArrayList<>()));
            }

            List<ScorerMicrobenchmark.Result> scorer = settings.jmhIterations() == 0 ? List.of()
                    : ScorerMicrobenchmark.run(settings.jmhIterations(), TimeValue.milliseconds(settings.jmhIterationTime().toMillis()));
            BenchReport report = new BenchReport(machine(), settingsInForce(archiveInForce), drains, latency, starts, rss, scorer);
            report.write(reportDir);
            out.print(report.markdown());
            out.flush();
        }
    }

    private BenchReport.DrainRun drain(Admin admin, String variant, int run, List<String> main, Map<TopicPartition, Long> start,
                                       Map<TopicPartition, Long> end) throws InterruptedException, ExecutionException {
        String applicationId = "bench-" + runId + "-" + variant.substring(0, 1).toLowerCase() + "-" + run;
        say("run %d, %s: draining as %s", run, variant, applicationId);
        TopicAppends before = TopicAppends.of(admin);
        startGroupAt(admin, applicationId, start);
        Drain drain;
        try (TargetProcess process = TargetProcess.start(settings.jvmOptions(), main, environment(applicationId, Map.of()),
                work.resolve(applicationId + ".log"))) {
            drain = Drain.await(admin, applicationId, start, end, settings.drainWarmUp(), settings.drainTimeout(), process::requireAlive,
                    () -> CpuTime.of(process.handle(), broker), (committed, rate) -> say("    %,d committed, %,.0f events/s", committed, rate));
        }
        // After the process has stopped: its last commit's entries count too. Over the whole backlog, warm-up included.
        Map<String, Double> appends = TopicAppends.of(admin).perEventSince(before, Drain.backlog(start, end), applicationId);
        BenchReport.DrainRun result = new BenchReport.DrainRun(variant, run, drain.events(), drain.seconds(), drain.eventsPerSecond(),
                drain.warmUpEvents(), drain.warmUpSeconds(), drain.warmUpEventsPerSecond(), drain.cpuMicrosPerEvent(),
                drain.brokerCpuMicrosPerEvent(), appends);
        String warmUp = drain.warmUpEvents() == 0 ? "no warm-up"
                : String.format(Locale.ROOT, "after a warm-up of %,d events at %,.0f events/s", drain.warmUpEvents(), drain.warmUpEventsPerSecond());
        String brokerCpu = BenchReport.figure("%.1f", drain.brokerCpuMicrosPerEvent(), "not measured");
        say("  %,.0f events/s (%,d events in %.1f s, %s); CPU %.1f µs an event, broker %s; %.2f log entries an event",
                drain.eventsPerSecond(), drain.events(), drain.seconds(), warmUp, drain.cpuMicrosPerEvent(), brokerCpu, result.appendsPerEvent());
        cleanUp(admin, applicationId);
        return result;
    }

    /**
     * Start to ready of the pipeline as it runs here, and, when that is with the class-data archive,
     * without it too, the launches alternating: each a new application, started and stopped.
     */
    private BenchReport.Starts starts(Admin admin, List<String> plain, List<String> asRun) throws InterruptedException {
        List<Double> without = new ArrayList<>();
        List<Double> with = new ArrayList<>();
        for (int i = 1; i <= settings.startLaunches(); i++) {
            if (!asRun.equals(plain)) {
                without.add(startToReady(admin, plain, "bench-start-plain-" + i));
            }
            with.add(startToReady(admin, asRun, "bench-start-" + i));
            say("start to ready: %.2f s%s", with.get(i - 1), without.isEmpty() ? ""
                    : String.format(" (without the class-data archive: %.2f s)", without.get(i - 1)));
        }
        return new BenchReport.Starts(with, without);
    }

    /** A pipeline of a new application started and stopped: the seconds from its launch to ready. */
    private double startToReady(Admin admin, List<String> jvmOptions, String applicationId) throws InterruptedException {
        int port = TargetProcess.freePort();
        double ready;
        try (TargetProcess process = TargetProcess.start(jvmOptions, List.of(TargetProcess.PIPELINE_MAIN, "run"),
                environment(applicationId, Map.of("SCORING_HTTP_PORT", Integer.toString(port))), work.resolve(applicationId + ".log"))) {
            ready = process.awaitReady(port, TargetProcess.READY_TIMEOUT);
        }
        cleanUp(admin, applicationId);
        return ready;
    }

    private BenchReport.LatencyRun latencyRun(Admin admin, List<String> jvmOptions, String guarantee, Duration soak, List<double[]> rss)
            throws InterruptedException, ExecutionException {
        String applicationId = "bench-" + runId + "-latency-" + guarantee.replace('_', '-');
        // From the topic's end, so that it serves the load as it comes rather than catching up on the backlog.
        startGroupAt(admin, applicationId, endOffsets(admin));
        int port = TargetProcess.freePort();
        say("latency, %s: starting the pipeline", guarantee);
        try (TargetProcess process = TargetProcess.start(jvmOptions, List.of(TargetProcess.PIPELINE_MAIN, "run"),
                environment(applicationId, Map.of("SCORING_PROCESSING_GUARANTEE", guarantee, "SCORING_HTTP_PORT", Integer.toString(port))),
                work.resolve(applicationId + ".log"))) {
            double ready = process.awaitReady(port, TargetProcess.READY_TIMEOUT);
            say("  ready %.2f s after its launch; %,.0f events/s, open loop: a warm-up of at least %d s, until caught up, then %d s measured",
                    ready, settings.rate(), settings.warmUp().toSeconds(), settings.latencyDuration().toSeconds());
            List<CommitCost.Totals> commits = new ArrayList<>();
            CommitCost.Totals.read(port).ifPresent(commits::add);
            LoadReport load = whileSampling("bench-commit-sampler", COMMIT_SAMPLE_EVERY, () -> CommitCost.Totals.read(port).ifPresent(commits::add),
                    () -> loadGenerator(settings.latencyDuration(), settings.warmUp()).run(progress, Duration.ofSeconds(5)));
            process.requireAlive();
            CommitCost.Totals.read(port).ifPresent(commits::add);
            // The last reading comes once every prediction was read back, a second or so after the measured part's last send.
            CommitCost commit = CommitCost.ofLast(commits, load.durationSeconds()).orElse(null);
            double rssAfter = process.rssMb();
            if (load.warmUp() != null) {
                say("  warm-up: %.0f s, p50 %.1f ms, p99 %.1f ms", load.warmUp().durationSeconds(), load.warmUp().latencyMs().p50(),
                        load.warmUp().latencyMs().p99());
            }
            say("  p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms; RSS %.0f MB", load.latencyMs().p50(), load.latencyMs().p99(),
                    load.latencyMs().p999(), rssAfter);
            if (commit != null) {
                say("  commits: %.1f a second a thread; a commit waited %.1f ms in the flush, %.1f sending the offsets, %.1f committing",
                        commit.commitsPerSecond(), commit.flushMs(), commit.sendOffsetsMs(), commit.commitTransactionMs());
            }
            if (!soak.isZero()) {
                soak(process, soak, rss);
            }
            return new BenchReport.LatencyRun(load, ready, rssAfter, commit);
        }
    }

    /** Keeps the load on for {@code soak}, sampling the process's memory as it goes. */
    private void soak(TargetProcess process, Duration soak, List<double[]> rss) throws InterruptedException {
        say("  keeping the load on for %s, sampling memory every %s", soak, settings.soakSampleEvery());
        long start = System.nanoTime();
        whileSampling("bench-rss-sampler", settings.soakSampleEvery(), () -> {
            double mb = process.rssMb();
            synchronized (rss) {
                rss.add(new double[] {(System.nanoTime() - start) / 1e9, mb});
            }
        }, () -> loadGenerator(soak, Duration.ZERO).run(progress, Duration.ofSeconds(30)));
        process.requireAlive();
        synchronized (rss) {
            rss.add(new double[] {(System.nanoTime() - start) / 1e9, process.rssMb()});
        }
    }

    /** A load the bench runs; interrupting the bench stops it. */
    @FunctionalInterface
    private interface Load {
        LoadReport run() throws InterruptedException;
    }

    /**
     * Runs {@code load} while a thread of its own runs {@code sample} every {@code every}, the first
     * time one period after the start; the sampling stops when the load ends.
     */
    private static LoadReport whileSampling(String name, Duration every, Runnable sample, Load load) throws InterruptedException {
        Thread sampler = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(every.toMillis());
                    sample.run();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        sampler.start();
        try {
            return load.run();
        } finally {
            sampler.interrupt();
            sampler.join();
        }
    }

    private LoadGenerator loadGenerator(Duration duration, Duration warmUp) {
        return new LoadGenerator(config.clientProperties(), rows, config.get(ScoringConfig.SPECIAL_DAYS),
                new LoadGenerator.Settings(settings.rate(), duration, warmUp, SHOPS, 0, 1, SPEED_UP, Duration.ofSeconds(60)));
    }

    /** The variant's settings: this process's SCORING_* environment (inherited), with its own identity and files. */
    private Map<String, String> environment(String applicationId, Map<String, String> extra) {
        Map<String, String> env = TargetProcess.pipelineEnvironment(config, applicationId, work.resolve(applicationId), modelDir,
                TargetProcess.freePort());
        env.put("SCORING_MAX_EVENT_AHEAD", eventTimeSpan().multipliedBy(2).toString());
        env.put(MALLOC_ARENA_MAX, mallocArenas());
        env.putAll(extra);
        return env;
    }

    /**
     * glibc's malloc arenas of the variants: the deployment's 2 (k8s/base/scoring-statefulset.yaml), so
     * the resident memory measured is the deployment's, unless this process's environment says otherwise.
     */
    private static String mallocArenas() {
        return System.getenv().getOrDefault(MALLOC_ARENA_MAX, "2");
    }

    /**
     * How far event time runs ahead of the wall clock by the end of the run: the sessions are
     * replayed {@value #SPEED_UP} times faster than they happened (so they complete within a run), the
     * backlog's too. Events beyond it would be dead-lettered as too far ahead (SCORING_MAX_EVENT_AHEAD).
     */
    private Duration eventTimeSpan() {
        double seconds = (settings.drainWarmUp() + settings.events()) / settings.rate() + 2 * (2 * settings.warmUp().toSeconds() + settings.latencyDuration().toSeconds())
                + settings.soak().toSeconds();
        return Duration.ofSeconds((long) Math.max(3600, seconds * SPEED_UP));
    }

    /**
     * Removes what a finished variant leaves on the broker and on disk, so runs do not add up. Its
     * consumer group stays: Kafka Streams leaves it on close only as a static member, so it holds a
     * member until the session times out; it has no data to speak of.
     */
    private void cleanUp(Admin admin, String applicationId) {
        // The pass-through has no internal topics: deleting them fails, harmlessly, unawaited.
        admin.deleteTopics(ScoringTopology.internalTopics(applicationId));
        try {
            Utils.delete(work.resolve(applicationId).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the state of " + applicationId, e);
        }
    }

    private void createPassThroughOutput(Admin admin) throws InterruptedException, ExecutionException {
        try {
            admin.createTopics(List.of(new NewTopic(PassThroughTopology.OUTPUT, Optional.of(config.get(ScoringConfig.PARTITIONS)),
                    Optional.empty()))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    /**
     * Commits a new application's first offsets on {@link Topics#EVENTS} before it starts, so that it reads from
     * there: a new consumer group would otherwise begin at the topic's beginning.
     */
    private static void startGroupAt(Admin admin, String groupId, Map<TopicPartition, Long> offsets)
            throws InterruptedException, ExecutionException {
        admin.alterConsumerGroupOffsets(groupId, offsets.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue())))).all().get();
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin) throws InterruptedException, ExecutionException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        admin.describeTopics(List.of(Topics.EVENTS)).allTopicNames().get().get(Topics.EVENTS).partitions()
                .forEach(p -> request.put(new TopicPartition(Topics.EVENTS, p.partition()), OffsetSpec.latest()));
        Map<TopicPartition, Long> end = new HashMap<>();
        admin.listOffsets(request).all().get().forEach((partition, info) -> end.put(partition, info.offset()));
        return end;
    }

    private Map<String, Object> machine() {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("cpu", cpuModel());
        machine.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        machine.put("kafka", AppInfoParser.getVersion());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("broker", broker != null ? "one KRaft node on the same machine"
                : "the cluster at " + config.get(ScoringConfig.BOOTSTRAP_SERVERS) + " (--bootstrap; its CPU not measured)");
        return machine;
    }

    private Map<String, Object> settingsInForce(String classArchive) {
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("events", settings.events());
        in.put("drain_warm_up_events", settings.drainWarmUp());
        in.put("partitions", config.get(ScoringConfig.PARTITIONS));
        in.put("runs", settings.runs());
        in.put("variants", settings.variants());
        in.put("processing_guarantee", config.get(ScoringConfig.PROCESSING_GUARANTEE));
        in.put("stream_threads", config.get(ScoringConfig.NUM_STREAM_THREADS));
        in.put("commit_interval_ms", config.commitInterval().toMillis());
        in.put("at_least_once_commit_interval_ms", config.with(Map.of(ScoringConfig.PROCESSING_GUARANTEE.env(), BenchReport.AT_LEAST_ONCE))
                .commitInterval().toMillis());
        in.put("state_store", config.get(ScoringConfig.STATE_STORE).toString());
        in.put("rocksdb_memory_mb", config.get(ScoringConfig.ROCKSDB_MEMORY_MB));
        in.put("malloc_arena_max", mallocArenas());
        in.put("prediction_cache", config.get(ScoringConfig.CACHE).toString());
        in.put("kafka_overrides", config.clientProperties().keySet().stream().filter(k -> !k.equals("bootstrap.servers")).sorted().toList());
        in.put("jvm_options", String.join(" ", settings.jvmOptions()));
        in.put("class_data_archive", classArchive);
        in.put("latency_rate", settings.rate());
        in.put("latency_warm_up_seconds", settings.warmUp().toSeconds());
        in.put("latency_seconds", settings.latencyDuration().toSeconds());
        in.put("soak_seconds", settings.soak().toSeconds());
        in.put("shops", SHOPS);
        return in;
    }

    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
        } catch (IOException | UncheckedIOException e) {
            return "unknown";
        }
    }

    private void say(String format, Object... args) {
        out.printf(format + "%n", args);
        out.flush();
    }
}

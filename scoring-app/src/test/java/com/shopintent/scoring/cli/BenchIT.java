package com.shopintent.scoring.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.shopintent.scoring.Await;
import com.shopintent.scoring.TestModels;
import com.shopintent.scoring.bench.PassThroughTopology;
import com.shopintent.scoring.events.Json;
import com.shopintent.scoring.runtime.EmbeddedKafkaBroker;
import com.shopintent.scoring.topology.Topics;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short smoke run of {@code ./scoring bench}: every step on a small backlog, its own broker,
 * the report written. It checks the harness, not the speed (that is the benchmark's own run).
 */
class BenchIT {

    private static final long EVENTS = 10_000;
    private static final long WARM_UP_EVENTS = 5_000;

    @Test
    void shouldMeasureEveryVariantAndWriteTheReport(@TempDir Path dir) throws IOException {
        Path markdown = dir.resolve("benchmarks.md");
        Files.writeString(markdown, """
                # Benchmarks

                Notes above the tables.
                <!-- bench:begin (written by ./scoring bench; edit outside these markers) -->
                tables of an earlier run
                <!-- bench:end -->
                Notes below the tables.
                """);
        long childrenBefore = ProcessHandle.current().children().filter(ProcessHandle::isAlive).count();

        CommandsTest.Run run = CommandsTest.run("bench", "--events", Long.toString(EVENTS), "--drain-warm-up", Long.toString(WARM_UP_EVENTS), "--runs", "1", "--rate", "500",
                "--warm-up", "2s", "--latency-duration", "4s", "--soak", "3s", "--start-launches", "1", "--jmh-iterations", "0", "--model", TestModels.packageDir().toString(),
                "--out", dir.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode report = Json.MAPPER.readTree(dir.resolve("benchmarks.json").toFile());
        for (String key : List.of("passthrough_eps", "pipeline_eps", "naive_eps", "ratio_pipeline_vs_passthrough",
                "ratio_pipeline_vs_naive", "latency_eos_p99_ms", "latency_alos_p99_ms", "start_to_ready_s",
                "rss_mb_after_latency_run", "rss_mb_10_min_later")) {
            assertThat(report.get(key).isNumber()).as(key).isTrue();
            assertThat(report.get(key).asDouble()).as(key).isPositive();
        }
        // One run each: the ratios are the two rates' ratios.
        assertThat(report.get("ratio_pipeline_vs_passthrough").asDouble())
                .isEqualTo(report.get("pipeline_eps").asDouble() / report.get("passthrough_eps").asDouble());
        assertThat(report.get("machine").get("cores").asInt()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(report.get("machine").get("kafka").asText()).isNotBlank();
        // The test JVM's class path has class directories, which the JVM cannot archive: the pipeline starts without.
        assertThat(report.get("settings").get("class_data_archive").asText()).startsWith("none: ");
        assertThat(report.get("starts").get("asRun")).hasSize(1);
        assertThat(report.get("starts").get("withoutArchive")).isEmpty();
        for (JsonNode drain : report.get("drains")) {
            assertThat(drain.get("events").asLong()).as(drain.toString()).isPositive().isLessThanOrEqualTo(EVENTS);
            assertThat(drain.get("warmUpEvents").asLong()).as(drain.toString()).isPositive()
                    .isLessThanOrEqualTo(WARM_UP_EVENTS + EVENTS - drain.get("events").asLong());
            // The variant's process and the broker, both started here, used CPU for the timed events.
            assertThat(drain.get("cpuMicrosPerEvent").asDouble()).as(drain.toString()).isPositive().isFinite();
            assertThat(drain.get("brokerCpuMicrosPerEvent").asDouble()).as(drain.toString()).isPositive().isFinite();
            // Each variant writes an output record an event (a marker now and then on top), the backlog nothing.
            JsonNode appends = drain.get("appendsByTopic");
            String output = drain.get("variant").asText().startsWith("A") ? PassThroughTopology.OUTPUT : Topics.PREDICTIONS;
            assertThat(appends.path(output).asDouble()).as(drain.toString()).isBetween(1.0, 1.1);
            assertThat(appends.has(Topics.EVENTS)).as(drain.toString()).isFalse();
        }
        // The pipeline and the naive one keep sessions, in a changelog named for the application; the pass-through none.
        assertThat(report.get("drains").findValues("appendsByTopic")).extracting(a -> a.has("<application>-sessions-changelog"))
                .containsExactly(false, true, true);
        assertThat(report.get("pipeline_log_entries_per_event").asDouble())
                .isGreaterThan(report.get("passthrough_log_entries_per_event").asDouble());
        assertThat(report.get("ratio_pipeline_vs_passthrough_by_cpu").asDouble()).isPositive().isFinite();
        for (String guarantee : List.of("exactly_once_v2", "at_least_once")) {
            JsonNode load = report.get("latency").get(guarantee).get("load");
            assertThat(load.get("produced").asLong()).as(guarantee).isGreaterThan(1000);
            assertThat(load.get("predicted").asLong()).as(guarantee).isEqualTo(load.get("produced").asLong());
            assertThat(load.get("duplicated").asLong()).as(guarantee).isZero();
            // One load: the warm-up (at least 2 s, at most twice that) and then the measured part, each counting its own events.
            JsonNode warmUp = load.get("warm_up");
            assertThat(warmUp.get("duration_seconds").asDouble()).as(guarantee).isBetween(2.0, 4.5);
            assertThat(warmUp.get("produced").asLong()).as(guarantee).isGreaterThan(500);
            assertThat(warmUp.get("predicted").asLong()).as(guarantee).isEqualTo(warmUp.get("produced").asLong());
            assertThat(warmUp.get("warm_up").isNull()).as(guarantee).isTrue();
        }
        // The commits, from the pipeline's meters: under exactly-once the flush is left to the
        // transaction's commit (StreamsClientSupplier); under at-least-once it is the commit's wait.
        JsonNode exactlyOnce = report.get("latency").get("exactly_once_v2").get("commit");
        assertThat(exactlyOnce.get("commitsPerSecond").asDouble()).as(exactlyOnce.toString()).isPositive();
        assertThat(exactlyOnce.get("flushMs").asDouble()).as(exactlyOnce.toString()).isZero();
        assertThat(exactlyOnce.get("sendOffsetsMs").asDouble()).as(exactlyOnce.toString()).isPositive();
        assertThat(exactlyOnce.get("commitTransactionMs").asDouble()).as(exactlyOnce.toString()).isPositive();
        JsonNode atLeastOnce = report.get("latency").get("at_least_once").get("commit");
        assertThat(atLeastOnce.get("flushMs").asDouble()).as(atLeastOnce.toString()).isPositive();
        assertThat(atLeastOnce.get("commitTransactionMs").asDouble()).as(atLeastOnce.toString()).isZero();
        assertThat(report.get("latency_eos_commit_ms").asDouble()).isPositive();

        String md = Files.readString(markdown);
        assertThat(md).startsWith("# Benchmarks\n\nNotes above the tables.\n").endsWith("<!-- bench:end -->\nNotes below the tables.\n")
                .doesNotContain("tables of an earlier run").contains("| B/A |").contains("| exactly_once_v2 |");
        for (String chart : List.of("benchmarks-throughput.png", "benchmarks-latency.png")) {
            BufferedImage image = ImageIO.read(dir.resolve(chart).toFile());
            assertThat(image).as(chart).isNotNull();
            assertThat(image.getWidth()).isEqualTo(900);
        }
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive).count()).isEqualTo(childrenBefore);
    }

    /**
     * A cluster of {@code --bootstrap} keeps what earlier runs wrote: the second run finds the first one's backlog in
     * {@code shop.events} and must drain, time and count its own backlog only.
     */
    @Test
    void shouldDrainOnlyItsOwnBacklogOnAClusterThatHoldsAnEarlierRunsEvents(@TempDir Path dir) throws Exception {
        long events = 2_000;
        long warmUp = 1_000;
        long[] outputs = new long[3];
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            for (int run = 1; run <= 2; run++) {
                CommandsTest.Run bench = CommandsTest.run("bench", "--bootstrap", broker.bootstrapServers(), "--variants", "A",
                        "--events", Long.toString(events), "--drain-warm-up", Long.toString(warmUp), "--runs", "1", "--latency-duration", "0s",
                        "--jmh-iterations", "0", "--model", TestModels.packageDir().toString(), "--out", dir.toString());
                assertThat(bench.exitCode()).as("run %d: %s", run, bench.err()).isZero();
                outputs[run] = endOffsets(admin, PassThroughTopology.OUTPUT);
            }
        }
        // The second run's pass-through wrote a record for each event of its own backlog (and a transaction marker now
        // and then), not for the first run's as well.
        assertThat(outputs[2] - outputs[1]).isBetween(events + warmUp, (long) ((events + warmUp) * 1.1));

        JsonNode report = Json.MAPPER.readTree(dir.resolve("benchmarks.json").toFile());
        JsonNode drain = report.get("drains").get(0);
        assertThat(drain.get("events").asLong()).as(drain.toString()).isPositive().isLessThanOrEqualTo(events);
        assertThat(drain.get("events").asLong() + drain.get("warmUpEvents").asLong()).as(drain.toString()).isLessThanOrEqualTo(events + warmUp);
        // An output record for each event of this run's backlog, not for the earlier run's as well.
        assertThat(drain.get("appendsByTopic").get(PassThroughTopology.OUTPUT).asDouble()).as(drain.toString()).isBetween(1.0, 1.1);
        // The broker is not the bench's: its CPU is not measured, and the report says so rather than "NaN".
        assertThat(report.get("machine").get("broker").asText()).startsWith("the cluster at 127.0.0.1:");
        assertThat(drain.get("brokerCpuMicrosPerEvent").isNull()).as(drain.toString()).isTrue();
        assertThat(Files.readString(dir.resolve("benchmarks.md"))).doesNotContain("NaN").contains("| not measured |");
    }

    @Test
    void shouldStopTheProcessesItStartedWhenItIsStopped(@TempDir Path dir) throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), ScoringCli.class.getName(), "bench", "--events", "2000", "--drain-warm-up", "1000", "--runs", "1",
                "--variants", "B", "--latency-duration", "0s", "--jmh-iterations", "0", "--model", TestModels.packageDir().toString(),
                "--out", dir.toString());
        Process bench = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("bench.log").toFile()).start();
        List<ProcessHandle> started = new ArrayList<>();
        try {
            // The broker, then the pipeline under test.
            Await.until(Duration.ofMinutes(2), () -> bench.descendants().anyMatch(BenchIT::isPipeline), () -> "pipeline process started by the bench; see " + dir.resolve("bench.log"));
            bench.descendants().forEach(started::add);
            assertThat(started).hasSizeGreaterThanOrEqualTo(2);

            bench.destroy();

            assertThat(bench.waitFor(60, TimeUnit.SECONDS)).as("the bench exits on SIGTERM").isTrue();
            for (ProcessHandle child : started) {
                Await.until(Duration.ofSeconds(60), () -> !child.isAlive(), () -> "exit of process " + child.pid() + ", started by the bench");
            }
        } finally {
            started.forEach(ProcessHandle::destroyForcibly);
            bench.destroyForcibly();
        }
    }

    private static long endOffsets(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                .forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        return admin.listOffsets(request).all().get().values().stream().mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
    }

    /**
     * Whether a process runs {@code ScoringCli run}: read from /proc, as the JDK's
     * {@code ProcessHandle.Info} gives no arguments for a command line over 4 KB (a class path).
     */
    private static boolean isPipeline(ProcessHandle process) {
        try {
            List<String> args = List.of(Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline")).split("\0"));
            return args.contains(ScoringCli.class.getName()) && args.contains("run");
        } catch (IOException exited) {
            return false;
        }
    }
}

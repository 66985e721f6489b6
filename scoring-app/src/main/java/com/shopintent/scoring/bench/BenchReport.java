package com.shopintent.scoring.bench;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.shopintent.scoring.events.Json;
import com.shopintent.scoring.loadgen.LoadReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * Everything one {@code ./scoring bench} run measured, and how it is written: {@code
 * benchmarks.json} (every figure), the generated part of {@code benchmarks.md} (the text around
 * it is kept, so the notes on what was tried stay with the numbers) and the charts.
 *
 * @param machine cores, JDK, Kafka version, CPU
 * @param settings what the run was asked to do
 * @param drains every drain, in the order run
 * @param latency the open-loop runs, by processing guarantee (their processes start with the class-data archive when there is one)
 * @param starts start-to-ready launches of the pipeline; null if not measured
 * @param rssSamples resident memory of the exactly-once process during the soak: [seconds since the latency run ended, MB]
 * @param scorer the JMH results
 */
record BenchReport(Map<String, Object> machine, Map<String, Object> settings, List<DrainRun> drains,
                   Map<String, LatencyRun> latency, Starts starts, List<double[]> rssSamples, List<ScorerMicrobenchmark.Result> scorer) {

    static final String PASSTHROUGH = "A passthrough";
    static final String PIPELINE = "B pipeline";
    static final String NAIVE = "C naive";
    static final String EXACTLY_ONCE = "exactly_once_v2";
    static final String AT_LEAST_ONCE = "at_least_once";
    /** The scorer target's model: 150 trees of depth 6 ({@link ScorerBenchmark#model}). */
    static final String TARGET_MODEL = "logistic-150-6";
    /** The shipped model's trees at the target's depth: Tribuo's 150 rounds are 300 trees. */
    static final String SHIPPED_MODEL_AT_DEPTH_6 = "softprob-300-6";
    private static final String BEGIN = "<!-- bench:begin (written by ./scoring bench; edit outside these markers) -->";
    private static final String END = "<!-- bench:end -->";
    private static final LoadReport.Split NO_SPLIT = new LoadReport.Split(LoadReport.Latency.NONE, LoadReport.Latency.NONE);
    /**
     * A figure not measured (NaN: a variant or a part the run was told to skip) is written as
     * null, so that a reader sees a gap, not the string "NaN" where the keys promise numbers.
     */
    private static final ObjectWriter JSON = Json.MAPPER.copy().registerModule(new SimpleModule("not-measured-as-null")
                    .addSerializer(Double.class, new NotMeasuredAsNull()).addSerializer(double.class, new NotMeasuredAsNull()))
            .writer(SerializationFeature.INDENT_OUTPUT);

    /**
     * One variant draining the backlog once: the timed part with the CPU time it took an event, the
     * warm-up before it (0 events and NaN events/s without one), and the log entries the whole drain
     * appended an event, by topic ({@link TopicAppends}).
     */
    record DrainRun(String variant, int run, long events, double seconds, double eventsPerSecond,
                    long warmUpEvents, double warmUpSeconds, double warmUpEventsPerSecond,
                    double cpuMicrosPerEvent, double brokerCpuMicrosPerEvent, Map<String, Double> appendsByTopic) {

        /** Log entries appended an event, every topic together. */
        double appendsPerEvent() {
            return appendsByTopic.values().stream().mapToDouble(Double::doubleValue).sum();
        }

        /**
         * Events per second of CPU, the variant's process and the broker together (NaN when the broker
         * runs elsewhere): what the drain would reach if CPU were all it waited for.
         */
        double eventsPerCpuSecond() {
            return 1e6 / (cpuMicrosPerEvent + brokerCpuMicrosPerEvent);
        }
    }

    /**
     * One open-loop run: the load generator's report (the measured part's, with the warm-up's before
     * it), the start-to-ready time, the memory after it, and the stream threads' commits over the
     * measured part (null when the pipeline's meters could not be read).
     */
    record LatencyRun(LoadReport load, double startToReadySeconds, double rssMbAfter, CommitCost commit) {

        /** What an average commit waited for, every call together; NaN when not measured. */
        double commitMs() {
            return commit == null ? Double.NaN : commit.flushMs() + commit.sendOffsetsMs() + commit.commitTransactionMs();
        }
    }

    /**
     * Seconds from launch to ready of the pipeline, a new application each time: as run here (with
     * the class-data archive, as deployed, when there is one) and, launched alternately, without
     * the archive (empty when there is none).
     */
    record Starts(List<Double> asRun, List<Double> withoutArchive) {
    }

    List<Double> rates(String variant) {
        return values(variant, DrainRun::eventsPerSecond);
    }

    /** The rates of the warm-ups: a new process's first minute, the JIT still compiling. */
    List<Double> warmUpRates(String variant) {
        return values(variant, DrainRun::warmUpEventsPerSecond);
    }

    List<Double> values(String variant, ToDoubleFunction<DrainRun> value) {
        return drains.stream().filter(d -> d.variant().equals(variant)).map(value::applyAsDouble).toList();
    }

    double median(String variant) {
        return median(rates(variant));
    }

    /** Ratio of two variants' rates run by run (the runs alternate, so each pair saw the same machine). */
    List<Double> ratios(String numerator, String denominator) {
        return ratios(numerator, denominator, DrainRun::eventsPerSecond);
    }

    List<Double> ratios(String numerator, String denominator, ToDoubleFunction<DrainRun> value) {
        List<Double> top = values(numerator, value);
        List<Double> bottom = values(denominator, value);
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < Math.min(top.size(), bottom.size()); i++) {
            out.add(top.get(i) / bottom.get(i));
        }
        return out;
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    private double scorerMicros(String benchmark, String model) {
        return scorer.stream().filter(r -> r.benchmark().equals(benchmark) && r.model().equals(model))
                .mapToDouble(ScorerMicrobenchmark.Result::microsPerRow).findFirst().orElse(Double.NaN);
    }

    private double latencyP99(String guarantee) {
        LatencyRun run = latency.get(guarantee);
        return run == null ? Double.NaN : run.load().latencyMs().p99();
    }

    private LoadReport.Split split(String guarantee) {
        LatencyRun run = latency.get(guarantee);
        return run == null || run.load().latencySplitMs() == null ? NO_SPLIT : run.load().latencySplitMs();
    }

    /** The figures, the keys first. */
    Map<String, Object> figures() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("passthrough_eps", median(PASSTHROUGH));
        out.put("pipeline_eps", median(PIPELINE));
        out.put("naive_eps", median(NAIVE));
        out.put("ratio_pipeline_vs_passthrough", median(ratios(PIPELINE, PASSTHROUGH)));
        out.put("ratio_pipeline_vs_naive", median(ratios(PIPELINE, NAIVE)));
        out.put("passthrough_warm_up_eps", median(warmUpRates(PASSTHROUGH)));
        out.put("pipeline_warm_up_eps", median(warmUpRates(PIPELINE)));
        out.put("naive_warm_up_eps", median(warmUpRates(NAIVE)));
        out.put("passthrough_cpu_us_per_event", median(values(PASSTHROUGH, DrainRun::cpuMicrosPerEvent)));
        out.put("pipeline_cpu_us_per_event", median(values(PIPELINE, DrainRun::cpuMicrosPerEvent)));
        out.put("naive_cpu_us_per_event", median(values(NAIVE, DrainRun::cpuMicrosPerEvent)));
        out.put("passthrough_broker_cpu_us_per_event", median(values(PASSTHROUGH, DrainRun::brokerCpuMicrosPerEvent)));
        out.put("pipeline_broker_cpu_us_per_event", median(values(PIPELINE, DrainRun::brokerCpuMicrosPerEvent)));
        out.put("naive_broker_cpu_us_per_event", median(values(NAIVE, DrainRun::brokerCpuMicrosPerEvent)));
        out.put("ratio_pipeline_vs_passthrough_by_cpu", median(ratios(PIPELINE, PASSTHROUGH, DrainRun::eventsPerCpuSecond)));
        out.put("passthrough_log_entries_per_event", median(values(PASSTHROUGH, DrainRun::appendsPerEvent)));
        out.put("pipeline_log_entries_per_event", median(values(PIPELINE, DrainRun::appendsPerEvent)));
        out.put("naive_log_entries_per_event", median(values(NAIVE, DrainRun::appendsPerEvent)));
        out.put("latency_eos_p99_ms", latencyP99(EXACTLY_ONCE));
        out.put("latency_alos_p99_ms", latencyP99(AT_LEAST_ONCE));
        out.put("latency_eos_send_to_scored_p99_ms", split(EXACTLY_ONCE).sendToScored().p99());
        out.put("latency_eos_scored_to_read_p99_ms", split(EXACTLY_ONCE).scoredToRead().p99());
        out.put("latency_alos_send_to_scored_p99_ms", split(AT_LEAST_ONCE).sendToScored().p99());
        out.put("latency_alos_scored_to_read_p99_ms", split(AT_LEAST_ONCE).scoredToRead().p99());
        out.put("latency_eos_commit_ms", latency.containsKey(EXACTLY_ONCE) ? latency.get(EXACTLY_ONCE).commitMs() : Double.NaN);
        out.put("scorer_us_per_row", scorerMicros("scorerSingleRow", TARGET_MODEL));
        out.put("xgboost4j_single_row_us", scorerMicros("xgboost4jSingleRow", TARGET_MODEL));
        out.put("xgboost4j_batch_1000_us_per_row", scorerMicros("xgboost4jBatchPerRow", TARGET_MODEL));
        out.put("scorer_300_trees_us_per_row", scorerMicros("scorerSingleRow", SHIPPED_MODEL_AT_DEPTH_6));
        out.put("xgboost4j_300_trees_single_row_us", scorerMicros("xgboost4jSingleRow", SHIPPED_MODEL_AT_DEPTH_6));
        LatencyRun eos = latency.get(EXACTLY_ONCE);
        out.put("start_to_ready_s", starts == null ? Double.NaN : median(starts.asRun()));
        out.put("start_to_ready_without_class_archive_s", starts == null ? Double.NaN : median(starts.withoutArchive()));
        out.put("rss_mb_after_latency_run", eos == null ? Double.NaN : eos.rssMbAfter());
        out.put("rss_mb_10_min_later", rssSamples.isEmpty() ? Double.NaN : rssSamples.get(rssSamples.size() - 1)[1]);
        out.put("machine", machine);
        out.put("settings", settings);
        out.put("ratios_pipeline_vs_passthrough", ratios(PIPELINE, PASSTHROUGH));
        out.put("ratios_pipeline_vs_naive", ratios(PIPELINE, NAIVE));
        out.put("ratios_pipeline_vs_passthrough_by_cpu", ratios(PIPELINE, PASSTHROUGH, DrainRun::eventsPerCpuSecond));
        out.put("drains", drains);
        out.put("latency", latency);
        out.put("starts", starts);
        out.put("rss_samples_s_mb", rssSamples);
        out.put("scorer", scorer);
        return out;
    }

    void write(Path dir) {
        try {
            Files.createDirectories(dir);
            JSON.writeValue(dir.resolve("benchmarks.json").toFile(), figures());
            Path markdown = dir.resolve("benchmarks.md");
            String old = Files.exists(markdown) ? Files.readString(markdown) : "# Benchmarks\n\n" + BEGIN + "\n" + END + "\n";
            int begin = old.indexOf(BEGIN);
            int end = old.indexOf(END);
            if (begin < 0 || end < begin) {
                throw new IllegalStateException(markdown + " has lost its markers " + BEGIN + " ... " + END + "; put them back where the tables go");
            }
            Files.writeString(markdown, old.substring(0, begin) + BEGIN + "\n" + markdown() + END + old.substring(end + END.length()),
                    StandardCharsets.UTF_8);
            BenchCharts.write(this, dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the benchmark report to " + dir, e);
        }
    }

    /** The generated tables. */
    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("\n## Machine and settings\n\n| | |\n|---|---|\n");
        machine.forEach((key, value) -> md.append("| ").append(key).append(" | ").append(value).append(" |\n"));
        settings.forEach((key, value) -> md.append("| ").append(key).append(" | ").append(value).append(" |\n"));

        md.append("\n## Throughput (drain of the same backlog, runs alternating A B C)\n\n");
        md.append("Each process drains the warm-up events first, untimed, then the timed backlog: the rate of a running "
                + "instance. The warm-up's own rate, a new process's while the JIT compiles, is in the warm-up column. "
                + "CPU is the time (every thread) the variant's process and the broker used in the timed part, an event: "
                + "unlike a rate, it leaves out time lost to waiting for a core.\n\n");
        md.append("| variant | events/s, median | min | max | runs | warm-up events/s, median | CPU µs an event, median | broker CPU µs an event, median |\n"
                + "|---|---:|---:|---:|---|---:|---:|---:|\n");
        for (String variant : variantsRun()) {
            List<Double> rates = rates(variant);
            md.append(String.format(Locale.ROOT, "| %s | %,.0f | %,.0f | %,.0f | %s | %s | %.1f | %s |%n", variant, median(rates),
                    rates.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                    rates.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN), list(rates, "%,.0f"),
                    figure("%,.0f", median(warmUpRates(variant)), "no warm-up"), median(values(variant, DrainRun::cpuMicrosPerEvent)),
                    figure("%.1f", median(values(variant, DrainRun::brokerCpuMicrosPerEvent)), "not measured")));
        }
        md.append("\n| ratio | median | run by run |\n|---|---:|---|\n");
        ratioRow(md, "B/A", ratios(PIPELINE, PASSTHROUGH), "%.2f");
        ratioRow(md, "B/C", ratios(PIPELINE, NAIVE), "%.1f");
        ratioRow(md, "B/A by CPU an event (process and broker)", ratios(PIPELINE, PASSTHROUGH, DrainRun::eventsPerCpuSecond), "%.2f");
        md.append("\n![throughput](benchmarks-throughput.png)\n");
        appendsTable(md);

        md.append("\n## End-to-end latency, open loop\n\n");
        md.append("| guarantee | target rate | achieved | sent | predicted | missing | duplicated | p50 ms | p95 ms | p99 ms | p99.9 ms | max ms | start to ready s | RSS after MB |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        latency.forEach((guarantee, run) -> {
            if (run.load().warmUp() != null) {
                md.append(row(guarantee + ", warm-up after start", run.load().warmUp(), "", ""));
            }
            md.append(row(guarantee, run.load(), String.format(Locale.ROOT, "%.2f", run.startToReadySeconds()),
                    String.format(Locale.ROOT, "%.0f", run.rssMbAfter())));
        });
        if (starts != null) {
            md.append(String.format(Locale.ROOT, "%n| start to ready, new application | median s | launches s |%n|---|---:|---|%n| as run above (%s) | %.2f | %s |%n",
                    starts.withoutArchive().isEmpty() ? "no class-data archive" : "with the class-data archive, as deployed",
                    median(starts.asRun()), list(starts.asRun(), "%.2f")));
            if (!starts.withoutArchive().isEmpty()) {
                md.append(String.format(Locale.ROOT, "| without the class-data archive (launches alternating) | %.2f | %s |%n",
                        median(starts.withoutArchive()), list(starts.withoutArchive(), "%.2f")));
            }
        }
        md.append("\nThe measured minutes cut at each prediction's `scoredAt`: send to scored is the event's wait in Kafka "
                + "and in the stream thread and its processing; scored to read is the prediction's send, the commit "
                + "(exactly-once) and the read. Percentiles of each part, which do not add up.\n\n"
                + "| guarantee | send to scored p50 ms | p95 ms | p99 ms | scored to read p50 ms | p95 ms | p99 ms |\n"
                + "|---|---:|---:|---:|---:|---:|---:|\n");
        latency.keySet().forEach(guarantee -> {
            LoadReport.Latency toScored = split(guarantee).sendToScored();
            LoadReport.Latency toRead = split(guarantee).scoredToRead();
            md.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |%n", guarantee, toScored.p50(),
                    toScored.p95(), toScored.p99(), toRead.p50(), toRead.p95(), toRead.p99()));
        });
        md.append("\nThe stream threads' commits in the measured minutes, from the pipeline's meters (Kafka Streams' and "
                + "its producers', read every " + Benchmark.COMMIT_SAMPLE_EVERY.toSeconds() + " s): commits a second a thread, and what an average commit waited for in "
                + "each of the producer's calls, ms. A prediction is read after the commit that follows it (exactly-once), "
                + "so the commit's duration adds to the commit interval. Under exactly-once the pipeline leaves the flush to "
                + "the transaction's commit (docs/DESIGN.md).\n\n"
                + "| guarantee | commits a second a thread | flush ms | offsets to the transaction ms | transaction commit ms | commit ms, all |\n"
                + "|---|---:|---:|---:|---:|---:|\n");
        latency.forEach((guarantee, run) -> {
            CommitCost c = run.commit();
            md.append(c == null ? "| " + guarantee + " | not measured | | | | |\n"
                    : String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f | %.1f |%n", guarantee, c.commitsPerSecond(),
                            c.flushMs(), c.sendOffsetsMs(), c.commitTransactionMs(), run.commitMs()));
        });
        md.append("\n![latency](benchmarks-latency.png)\n");
        if (!rssSamples.isEmpty()) {
            md.append("\n## Memory while the load goes on (exactly-once process)\n\n| seconds after the latency run | RSS MB |\n|---:|---:|\n");
            for (double[] sample : rssSamples) {
                md.append(String.format(Locale.ROOT, "| %.0f | %.0f |%n", sample[0], sample[1]));
            }
        }
        if (!scorer.isEmpty()) {
            md.append("\n## Scorer microbenchmark (JMH, one row per call, µs per row)\n\n| benchmark | model (objective-trees-depth) | µs/row | ± (99.9 %) |\n|---|---|---:|---:|\n");
            for (ScorerMicrobenchmark.Result r : scorer) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %.2f |%n", r.benchmark(), r.model(), r.microsPerRow(), r.error()));
            }
        }
        md.append('\n');
        return md.toString();
    }

    /** Log entries appended an event by topic, each variant's median over its runs. */
    private void appendsTable(StringBuilder md) {
        Set<String> topics = new TreeSet<>();
        drains.forEach(d -> topics.addAll(d.appendsByTopic().keySet()));
        if (topics.isEmpty()) {
            return;
        }
        List<String> variants = variantsRun();
        md.append("\nLog entries each drain made the broker append an event, by topic (records and transaction markers, "
                + "over the whole backlog, warm-up included; median of the runs; " + TopicAppends.APPLICATION
                + " is the variant's application id). Each is a send and an append, and in a repartition topic a read "
                + "back too.\n\n| topic | " + String.join(" | ", variants) + " |\n|---|" + "---:|".repeat(variants.size()) + "\n");
        for (String topic : topics) {
            md.append("| ").append(topic);
            variants.forEach(v -> md.append(String.format(Locale.ROOT, " | %.3f",
                    median(values(v, d -> d.appendsByTopic().getOrDefault(topic, 0.0))))));
            md.append(" |\n");
        }
        md.append("| every topic");
        variants.forEach(v -> md.append(String.format(Locale.ROOT, " | %.3f", median(values(v, DrainRun::appendsPerEvent)))));
        md.append(" |\n");
    }

    /** A, B and C, those of them the run drained (it can be told to run a subset). */
    List<String> variantsRun() {
        return List.of(PASSTHROUGH, PIPELINE, NAIVE).stream().filter(v -> !rates(v).isEmpty()).toList();
    }

    /**
     * A ratio's row, or its row saying so when one of its two variants was not run, or a part of it not measured (the
     * broker's CPU, when the bench did not start the broker).
     */
    private static void ratioRow(StringBuilder md, String label, List<Double> ratios, String format) {
        if (ratios.isEmpty()) {
            md.append("| ").append(label).append(" | not run | |\n");
        } else if (ratios.stream().anyMatch(ratio -> ratio.isNaN())) {
            md.append("| ").append(label).append(" | not measured | |\n");
        } else {
            md.append(String.format(Locale.ROOT, "| %s | " + format + " | %s |%n", label, median(ratios), list(ratios, format)));
        }
    }

    /** A figure, or what stands in for it when there is none (NaN). */
    static String figure(String format, double value, String none) {
        return Double.isNaN(value) ? none : String.format(Locale.ROOT, format, value);
    }

    private static String row(String label, LoadReport r, String ready, String rss) {
        LoadReport.Latency l = r.latencyMs();
        return String.format(Locale.ROOT, "| %s | %,.0f | %,.0f | %,d | %,d | %,d | %,d | %.1f | %.1f | %.1f | %.1f | %.1f | %s | %s |%n",
                label, r.targetRate(), r.eventsPerSecond(), r.produced(), r.predicted(), r.missing(), r.duplicated(),
                l.p50(), l.p95(), l.p99(), l.p999(), l.max(), ready, rss);
    }

    private static String list(List<Double> values, String format) {
        return String.join(", ", values.stream().map(v -> String.format(Locale.ROOT, format, v)).toList());
    }

    private static final class NotMeasuredAsNull extends JsonSerializer<Double> {
        @Override
        public void serialize(Double value, JsonGenerator json, SerializerProvider provider) throws IOException {
            if (value.isNaN()) {
                json.writeNull();
            } else {
                json.writeNumber(value);
            }
        }
    }
}

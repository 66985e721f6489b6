package com.shopintent.scoring.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.shopintent.scoring.events.Json;
import com.shopintent.scoring.loadgen.LoadReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchReportTest {

    private static BenchReport report(double... abcRates) {
        List<BenchReport.DrainRun> drains = new java.util.ArrayList<>();
        List<String> variants = List.of(BenchReport.PASSTHROUGH, BenchReport.PIPELINE, BenchReport.NAIVE);
        for (int i = 0; i < abcRates.length; i++) {
            // Each warm-up at half the timed rate, over twice the events.
            drains.add(new BenchReport.DrainRun(variants.get(i % 3), i / 3 + 1, 1000, 1000 / abcRates[i], abcRates[i],
                    2000, 4000 / abcRates[i], abcRates[i] / 2, Double.NaN, Double.NaN, Map.of()));
        }
        return new BenchReport(Map.of(), Map.of(), drains, Map.of(), null, List.of(), List.of());
    }

    @Test
    void shouldPairRatiosRunByRunAndTakeMedians() {
        // Run 2 was slow for everyone (the machine was busy): its ratios stay sound.
        BenchReport report = report(100, 50, 10, 40, 20, 4, 90, 60, 10);

        assertThat(report.ratios(BenchReport.PIPELINE, BenchReport.PASSTHROUGH)).containsExactly(0.5, 0.5, 60.0 / 90);
        assertThat(report.ratios(BenchReport.PIPELINE, BenchReport.NAIVE)).containsExactly(5.0, 5.0, 6.0);
        assertThat(report.median(BenchReport.PASSTHROUGH)).isEqualTo(90);
        assertThat(report.figures()).containsEntry("ratio_pipeline_vs_passthrough", 0.5).containsEntry("ratio_pipeline_vs_naive", 5.0)
                .containsEntry("pipeline_eps", 50.0);
    }

    @Test
    void shouldRateTheTimedPartAndReportTheWarmUpApart() {
        BenchReport report = report(100, 50, 10, 40, 20, 4, 90, 60, 10);

        assertThat(report.figures()).containsEntry("pipeline_eps", 50.0).containsEntry("pipeline_warm_up_eps", 25.0)
                .containsEntry("passthrough_warm_up_eps", 45.0).containsEntry("ratio_pipeline_vs_passthrough", 0.5);
        assertThat(report.markdown()).contains("| B pipeline | 50 | 20 | 60 | 50, 20, 60 | 25 |");
    }

    @Test
    void shouldRatioTheCpuAnEventOfProcessAndBrokerRunByRun() {
        // Round 2 ran on a busy host: its rates fell unevenly, the CPU each event took did not.
        List<BenchReport.DrainRun> drains = List.of(
                drain(BenchReport.PASSTHROUGH, 1, 100, 8, 2), drain(BenchReport.PIPELINE, 1, 50, 30, 10),
                drain(BenchReport.PASSTHROUGH, 2, 40, 9, 1), drain(BenchReport.PIPELINE, 2, 30, 35, 5));
        BenchReport report = new BenchReport(Map.of(), Map.of(), drains, Map.of(), null, List.of(), List.of());

        assertThat(report.ratios(BenchReport.PIPELINE, BenchReport.PASSTHROUGH)).containsExactly(0.5, 0.75);
        assertThat(report.ratios(BenchReport.PIPELINE, BenchReport.PASSTHROUGH, BenchReport.DrainRun::eventsPerCpuSecond))
                .containsExactly(0.25, 0.25);
        assertThat(report.figures()).containsEntry("ratio_pipeline_vs_passthrough_by_cpu", 0.25)
                .containsEntry("pipeline_cpu_us_per_event", 32.5).containsEntry("pipeline_broker_cpu_us_per_event", 7.5)
                .containsEntry("passthrough_cpu_us_per_event", 8.5);
        assertThat(report.markdown()).contains("| B pipeline | 40 | 30 | 50 | 50, 30 | no warm-up | 32.5 | 7.5 |")
                .contains("| B/A by CPU an event (process and broker) | 0.25 | 0.25, 0.25 |");
    }

    @Test
    void shouldLeaveTheRatioByCpuOpenWhenTheBrokerRunsElsewhere() {
        BenchReport report = new BenchReport(Map.of(), Map.of(),
                List.of(drain(BenchReport.PASSTHROUGH, 1, 100, 8, Double.NaN), drain(BenchReport.PIPELINE, 1, 50, 30, Double.NaN)),
                Map.of(), null, List.of(), List.of());

        assertThat(report.figures()).containsEntry("pipeline_cpu_us_per_event", 30.0)
                .containsEntry("ratio_pipeline_vs_passthrough_by_cpu", Double.NaN);
        assertThat(report.markdown()).doesNotContain("NaN")
                .contains("| A passthrough | 100 | 100 | 100 | 100 | no warm-up | 8.0 | not measured |")
                .contains("| B/A by CPU an event (process and broker) | not measured | |");
    }

    private static BenchReport.DrainRun drain(String variant, int run, double rate, double cpuMicros, double brokerCpuMicros) {
        return new BenchReport.DrainRun(variant, run, 1000, 1000 / rate, rate, 0, 0, Double.NaN, cpuMicros, brokerCpuMicros, Map.of());
    }

    @Test
    void shouldTabulateTheLogEntriesAnEventByTopicWithATopicAVariantDidNotWriteAsNone() {
        List<BenchReport.DrainRun> drains = List.of(
                appends(BenchReport.PASSTHROUGH, 1, Map.of("bench.out", 1.0, "__consumer_offsets", 0.01)),
                appends(BenchReport.PIPELINE, 1, Map.of("shop.predictions", 1.0, "<application>-sessions-changelog", 0.875)),
                appends(BenchReport.PASSTHROUGH, 2, Map.of("bench.out", 1.0, "__consumer_offsets", 0.03)),
                appends(BenchReport.PIPELINE, 2, Map.of("shop.predictions", 1.0, "<application>-sessions-changelog", 0.625)));
        BenchReport report = new BenchReport(Map.of(), Map.of(), drains, Map.of(), null, List.of(), List.of());

        assertThat(report.figures()).containsEntry("passthrough_log_entries_per_event", 1.02)
                .containsEntry("pipeline_log_entries_per_event", 1.75);
        // C was not run: it has no column.
        assertThat(report.markdown()).contains("| topic | A passthrough | B pipeline |\n")
                .contains("| <application>-sessions-changelog | 0.000 | 0.750 |\n")
                .contains("| __consumer_offsets | 0.020 | 0.000 |\n")
                .contains("| every topic | 1.020 | 1.750 |\n");
    }

    @Test
    void shouldLeaveAVariantNotRunOutOfTheTablesAndWriteItsFiguresAsNull(@TempDir Path dir) throws IOException {
        BenchReport report = new BenchReport(Map.of("cores", 2), Map.of(),
                List.of(drain(BenchReport.PASSTHROUGH, 1, 100, 8, 2), drain(BenchReport.PIPELINE, 1, 50, 30, 10)),
                Map.of(), null, List.of(), List.of());

        report.write(dir);

        JsonNode json = Json.MAPPER.readTree(dir.resolve("benchmarks.json").toFile());
        assertThat(json.get("pipeline_eps").isNumber()).isTrue();
        assertThat(json.get("ratio_pipeline_vs_passthrough").asDouble()).isEqualTo(0.5);
        for (String key : List.of("naive_eps", "ratio_pipeline_vs_naive", "latency_eos_p99_ms", "start_to_ready_s")) {
            assertThat(json.get(key).isNull()).as(key).isTrue();
        }
        // Inside a drain too: these drains had no warm-up.
        assertThat(json.get("drains").get(0).get("warmUpEventsPerSecond").isNull()).isTrue();
        String markdown = Files.readString(dir.resolve("benchmarks.md"));
        assertThat(markdown).contains("| B pipeline | 50 |").doesNotContain("| C naive |")
                .contains("| B/A | 0.50 | 0.50 |").contains("| B/C | not run | |");
    }

    private static BenchReport.DrainRun appends(String variant, int run, Map<String, Double> byTopic) {
        return new BenchReport.DrainRun(variant, run, 1000, 1, 1000, 0, 0, Double.NaN, 10, 5, byTopic);
    }

    @Test
    void shouldTakeTheMeanOfTheMiddleTwoOfAnEvenCount() {
        assertThat(BenchReport.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
        assertThat(BenchReport.median(List.of())).isNaN();
    }

    @Test
    void shouldReportTheScorerTargetOnTheTargetsModelAndTheShippedKindApart() {
        List<ScorerMicrobenchmark.Result> scorer = List.of(
                new ScorerMicrobenchmark.Result("scorerSingleRow", "softprob-300-4", 2.5, 0.1),
                new ScorerMicrobenchmark.Result("scorerSingleRow", "softprob-300-6", 3.6, 0.1),
                new ScorerMicrobenchmark.Result("scorerSingleRow", "logistic-150-6", 1.9, 0.1),
                new ScorerMicrobenchmark.Result("xgboost4jSingleRow", "softprob-300-6", 107, 5),
                new ScorerMicrobenchmark.Result("xgboost4jSingleRow", "logistic-150-6", 88, 5));
        BenchReport report = new BenchReport(Map.of(), Map.of(), List.of(), Map.of(), null, List.of(), scorer);

        assertThat(report.figures()).containsEntry("scorer_us_per_row", 1.9).containsEntry("xgboost4j_single_row_us", 88.0)
                .containsEntry("scorer_300_trees_us_per_row", 3.6).containsEntry("xgboost4j_300_trees_single_row_us", 107.0)
                .containsEntry("xgboost4j_batch_1000_us_per_row", Double.NaN);
    }

    @Test
    void shouldReportStartToReadyAsDeployedAndWithoutTheArchiveApart() {
        BenchReport.Starts starts = new BenchReport.Starts(List.of(4.8, 4.6, 5.2), List.of(5.9, 6.4, 5.5));
        BenchReport report = new BenchReport(Map.of(), Map.of(), List.of(), Map.of(), starts, List.of(), List.of());

        assertThat(report.figures()).containsEntry("start_to_ready_s", 4.8).containsEntry("start_to_ready_without_class_archive_s", 5.9);
        assertThat(report.markdown()).contains("| as run above (with the class-data archive, as deployed) | 4.80 | 4.80, 4.60, 5.20 |")
                .contains("| without the class-data archive (launches alternating) | 5.90 | 5.90, 6.40, 5.50 |");
    }

    @Test
    void shouldSayWhenThePipelineStartedWithoutAnArchive() {
        BenchReport report = new BenchReport(Map.of(), Map.of(), List.of(), Map.of(),
                new BenchReport.Starts(List.of(6.0, 5.0, 7.0), List.of()), List.of(), List.of());

        assertThat(report.figures()).containsEntry("start_to_ready_s", 6.0);
        assertThat((double) report.figures().get("start_to_ready_without_class_archive_s")).isNaN();
        assertThat(report.markdown()).contains("| as run above (no class-data archive) | 6.00 |").doesNotContain("| without the class-data archive");
    }

    @Test
    void shouldReportWhereEachGuaranteesLatencyWentTheScoreSplittingIt() {
        LoadReport.Latency whole = new LoadReport.Latency(120, 300, 900, 1200, 1500);
        LoadReport.Split split = new LoadReport.Split(new LoadReport.Latency(10, 200, 800, 1000, 1400),
                new LoadReport.Latency(105, 120, 140, 150, 160));
        LoadReport warmUp = new LoadReport(10_000, 150, 1_500_000, 0, 0, 1_499_990, 10, 0, 0, 1000, 10_000, false, 3,
                new LoadReport.Latency(2000, 9000, 11000, 12000, 12500), split, null);
        LoadReport load = new LoadReport(10_000, 60, 600_000, 0, 0, 600_000, 0, 0, 0, 1000, 10_000, false, 3, whole, split, warmUp);
        BenchReport report = new BenchReport(Map.of(), Map.of(), List.of(),
                Map.of(BenchReport.EXACTLY_ONCE, new BenchReport.LatencyRun(load, 4.8, 500, null)), null, List.of(), List.of());

        assertThat(report.figures()).containsEntry("latency_eos_p99_ms", 900.0)
                .containsEntry("latency_eos_send_to_scored_p99_ms", 800.0).containsEntry("latency_eos_scored_to_read_p99_ms", 140.0);
        assertThat((double) report.figures().get("latency_alos_send_to_scored_p99_ms")).isNaN();
        assertThat(report.markdown()).contains("| exactly_once_v2 | 10.0 | 200.0 | 800.0 | 105.0 | 120.0 | 140.0 |")
                // The warm-up has its own row, before the measured part's, and its figures are not the measured part's.
                .contains("| exactly_once_v2, warm-up after start | 10,000 | 10,000 | 1,500,000 | 1,499,990 | 10 | 0 | 2000.0 | 9000.0 | 11000.0 |");
    }

    @Test
    void shouldReportWhatAnAverageCommitWaitedForUnderEachGuarantee() {
        LoadReport.Latency latency = new LoadReport.Latency(120, 300, 900, 1200, 1500);
        LoadReport load = new LoadReport(10_000, 60, 600_000, 0, 0, 600_000, 0, 0, 0, 1000, 10_000, false, 3, latency, null, null);
        Map<String, BenchReport.LatencyRun> runs = new LinkedHashMap<>();
        runs.put(BenchReport.EXACTLY_ONCE, new BenchReport.LatencyRun(load, 4.8, 500, new CommitCost(7.1, 0.5, 8.0, 11.0)));
        runs.put(BenchReport.AT_LEAST_ONCE, new BenchReport.LatencyRun(load, 4.9, 490, null));
        BenchReport report = new BenchReport(Map.of(), Map.of(), List.of(), runs, null, List.of(), List.of());

        assertThat(report.figures()).containsEntry("latency_eos_commit_ms", 19.5);
        assertThat(report.markdown()).contains("| exactly_once_v2 | 7.1 | 0.5 | 8.0 | 11.0 | 19.5 |")
                .contains("| at_least_once | not measured | | | | |");
    }
}

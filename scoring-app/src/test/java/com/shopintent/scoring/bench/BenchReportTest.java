package com.shopintent.scoring.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchReportTest {

    private static BenchReport report(double... abcRates) {
        List<BenchReport.DrainRun> drains = new java.util.ArrayList<>();
        List<String> variants = List.of(BenchReport.PASSTHROUGH, BenchReport.PIPELINE, BenchReport.NAIVE);
        for (int i = 0; i < abcRates.length; i++) {
            drains.add(new BenchReport.DrainRun(variants.get(i % 3), i / 3 + 1, 1000, 1000 / abcRates[i], abcRates[i]));
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
}

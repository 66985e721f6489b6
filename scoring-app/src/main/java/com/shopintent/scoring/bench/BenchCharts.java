package com.shopintent.scoring.bench;

import com.shopintent.scoring.loadgen.LoadReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/** The report's two charts, as PNG files beside benchmarks.md. */
final class BenchCharts {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 500;

    private BenchCharts() {
    }

    static void write(BenchReport report, Path dir) throws IOException {
        if (!report.drains().isEmpty()) {
            BitmapEncoder.saveBitmap(throughput(report), dir.resolve("benchmarks-throughput.png").toString(), BitmapEncoder.BitmapFormat.PNG);
        }
        if (!report.latency().isEmpty()) {
            BitmapEncoder.saveBitmap(latency(report), dir.resolve("benchmarks-latency.png").toString(), BitmapEncoder.BitmapFormat.PNG);
        }
    }

    /** Events per second of each variant, a bar per run, so the spread shows beside the level. */
    private static CategoryChart throughput(BenchReport report) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Drain throughput, same backlog and broker (" + report.settings().get("processing_guarantee") + ")")
                .xAxisTitle("variant").yAxisTitle("events/s").build();
        style(chart);
        List<String> variants = report.variantsRun();
        int runs = variants.stream().mapToInt(v -> report.rates(v).size()).max().orElse(0);
        for (int run = 0; run < runs; run++) {
            final int r = run;
            List<Double> values = variants.stream().map(v -> r < report.rates(v).size() ? report.rates(v).get(r) : 0.0).toList();
            chart.addSeries("run " + (run + 1), variants, values);
        }
        return chart;
    }

    /** End-to-end latency percentiles of the open-loop runs, one series per processing guarantee. */
    private static CategoryChart latency(BenchReport report) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("End-to-end latency at " + report.settings().get("latency_rate") + " events/s, open loop")
                .xAxisTitle("percentile").yAxisTitle("ms").build();
        style(chart);
        List<String> percentiles = List.of("p50", "p95", "p99", "p99.9", "max");
        report.latency().forEach((guarantee, run) -> {
            LoadReport.Latency l = run.load().latencyMs();
            chart.addSeries(guarantee, percentiles, List.of(l.p50(), l.p95(), l.p99(), l.p999(), l.max()));
        });
        return chart;
    }

    private static void style(CategoryChart chart) {
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setYAxisDecimalPattern("#,###.#");
    }
}

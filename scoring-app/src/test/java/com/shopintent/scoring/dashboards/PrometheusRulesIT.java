package com.shopintent.scoring.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code promtool}, Prometheus' own checker, on the files of {@code dashboards/prometheus}: the rules
 * load, the example configuration is valid and finds them, and the rules' unit tests
 * ({@code rules.test.yml}: each alert fires just over its threshold and not under it) pass.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PrometheusRulesIT {

    @Test
    void shouldPassPromtoolCheckRules() {
        Result result = promtool("check", "rules", Dashboards.rules().toString());

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS: " + Dashboards.declaredRules() + " rules found");
    }

    @Test
    void shouldPassPromtoolCheckConfigOfTheExampleWithItsRuleFile() {
        Result result = promtool("check", "config", Dashboards.prometheusConfig().toString());

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS: 1 rule files found");
    }

    @Test
    void shouldFireEachAlertOverItsThresholdAndNotUnderIt() {
        Result result = promtool("test", "rules", Dashboards.rules().resolveSibling("rules.test.yml").toString());

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS");
    }

    private record Result(int exitCode, String output) {
    }

    private static Result promtool(String... args) {
        Path promtool = PrometheusBinaries.promtool();
        List<String> command = new ArrayList<>(List.of(promtool.toString()));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            // Read to the end before waiting, so that a long output cannot fill the pipe and stall promtool.
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Result(process.waitFor(), String.join(" ", command) + "\n" + output);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while running " + String.join(" ", command), e);
        }
    }
}

package com.shopintent.scoring.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.shopintent.scoring.TestModels;
import com.shopintent.scoring.events.Json;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's main command, end to end: its own broker, the application, the load, the summary, the clean-up. */
class DemoIT {

    @Test
    void shouldScoreEveryEventExactlyOnceAndCleanUpEverythingItStarted(@TempDir Path dir) throws IOException {
        Path report = dir.resolve("report.json");
        long childrenBefore = ProcessHandle.current().children().filter(ProcessHandle::isAlive).count();

        CommandsTest.Run run = CommandsTest.run("demo", "--duration", "8s", "--rate", "500", "--shops", "50",
                "--bad-fraction", "0.01", "--model", TestModels.packageDir().toString(), "--report", report.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode summary = Json.MAPPER.readTree(report.toFile());
        long produced = summary.get("produced").asLong();
        assertThat(produced).isGreaterThan(3000);
        assertThat(summary.get("predicted").asLong()).isEqualTo(produced);
        assertThat(summary.get("missing").asLong()).isZero();
        assertThat(summary.get("send_errors").asLong()).isZero();
        assertThat(summary.get("duplicated").asLong()).isZero();
        assertThat(summary.get("dead_lettered").asLong()).isEqualTo(summary.get("bad_sent").asLong());
        assertThat(summary.get("latency_ms").get("p99").asDouble()).isPositive();
        assertThat(run.out()).contains("top shops by high-intent sessions").contains("first prediction")
                .contains("stopped the application and the broker");
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive).count()).isEqualTo(childrenBefore);
    }
}

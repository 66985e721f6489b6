package com.shopintent.scoring.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.shopintent.scoring.Await;
import com.shopintent.scoring.TestModels;
import com.shopintent.scoring.events.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code SCORING_LOG_FORMAT} as production runs it: {@code ScoringCli run} in a JVM of its own, with the
 * application's logging configuration, its stdout and stderr read line by line.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LogFormatIT {

    /** Enough for a JVM to start, load and warm the model and try the broker once. */
    private static final Duration FIRST_WARNING_TIMEOUT = Duration.ofSeconds(60);
    /** The line {@link ScoringProcess} writes before each start; not the application's. */
    private static final String START_MARKER = "---- ";

    @TempDir
    Path work;

    /** Against a bootstrap address where nothing listens: INFO lines of the start, then the Kafka clients' WARN. */
    @Test
    void shouldWriteEveryLogLineAsOneJsonObjectWhenTheFormatIsJson() throws IOException {
        Path output = work.resolve("json.log");
        try (ScoringProcess app = new ScoringProcess(Map.of("SCORING_LOG_FORMAT", "json",
                "SCORING_BOOTSTRAP_SERVERS", "127.0.0.1:" + closedPort(), "SCORING_MODEL_DIR", TestModels.packageDir().toString(),
                "SCORING_STATE_DIR", work.resolve("state").toString(), "SCORING_HTTP_PORT", "0"), output)) {
            app.start();
            Await.until(FIRST_WARNING_TIMEOUT, () -> Files.exists(output) && readString(output).contains("\"level\":\"WARN\""),
                    app::outputTail);
            app.kill();

            List<JsonNode> events = jsonLines(output);
            assertThat(events).extracting(event -> event.get("level").asText()).contains("INFO", "WARN");
            assertThat(events).allSatisfy(event -> assertThat(event.has("timestamp") && event.has("threadName")
                    && event.has("loggerName") && event.has("mdc") && event.has("formattedMessage")).as(event.toString()).isTrue());
            JsonNode settings = events.stream().filter(event -> event.get("formattedMessage").asText().startsWith("Starting with settings"))
                    .findFirst().orElseThrow();
            assertThat(settings.get("loggerName").asText()).isEqualTo("com.shopintent.scoring.cli.RunCommand");
            assertThat(settings.get("formattedMessage").asText()).as("the settings, one event for all their lines")
                    .contains("\n  SCORING_LOG_FORMAT").contains("json");
        }
    }

    @Test
    void shouldLogTheErrorThatStopsTheStartAsJsonToo() {
        Path output = work.resolve("json-error.log");
        try (ScoringProcess app = new ScoringProcess(Map.of("SCORING_LOG_FORMAT", "json"), output)) {
            app.start();
            assertThat(app.awaitExit()).as(app.outputTail()).isEqualTo(1);

            List<JsonNode> events = jsonLines(output);
            JsonNode last = events.get(events.size() - 1);
            assertThat(last.get("level").asText()).isEqualTo("ERROR");
            assertThat(last.get("formattedMessage").asText()).contains("SCORING_MODEL_DIR");
        }
    }

    @Test
    void shouldWritePlainLinesByDefault() {
        Path output = work.resolve("text.log");
        try (ScoringProcess app = new ScoringProcess(Map.of(), output)) {
            app.start();
            assertThat(app.awaitExit()).as(app.outputTail()).isEqualTo(1);

            List<String> lines = applicationLines(output);
            assertThat(lines.get(0)).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\[main] \\S*RunCommand - Starting with settings:");
            assertThat(lines).noneMatch(line -> line.startsWith("{"));
            assertThat(lines.get(lines.size() - 1)).startsWith("error: SCORING_MODEL_DIR");
        }
    }

    @Test
    void shouldStopWithTheSettingsErrorWhenTheFormatIsUnknown() {
        Path output = work.resolve("unknown.log");
        try (ScoringProcess app = new ScoringProcess(Map.of("SCORING_LOG_FORMAT", "xml"), output)) {
            app.start();
            assertThat(app.awaitExit()).as(app.outputTail()).isEqualTo(1);

            List<String> lines = applicationLines(output);
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0)).isEqualTo("error: invalid configuration:");
            assertThat(lines.get(1)).startsWith("  SCORING_LOG_FORMAT='xml' is invalid: allowed text or json");
        }
    }

    /** Every line the application wrote, each parsed as JSON; fails on the first that is not one JSON object. */
    private static List<JsonNode> jsonLines(Path output) {
        List<String> lines = applicationLines(output);
        assertThat(lines).as("log lines").isNotEmpty();
        return lines.stream().map(line -> {
            try {
                JsonNode node = Json.MAPPER.readTree(line);
                assertThat(node.isObject()).as("a JSON object: %s", line).isTrue();
                return node;
            } catch (JsonProcessingException e) {
                throw new AssertionError("Not a JSON line: " + line, e);
            }
        }).toList();
    }

    private static List<String> applicationLines(Path output) {
        return readString(output).lines().filter(line -> !line.startsWith(START_MARKER)).toList();
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A port that was free a moment ago, so that nothing listens there. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

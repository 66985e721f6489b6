package com.shopintent.scoring.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.shopintent.scoring.Await;
import com.shopintent.scoring.events.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server in a child process, for the ITs: it scrapes one target every second, evaluates
 * a rule file every second, keeps its data in a directory of the test's, and answers the HTTP API on a
 * free loopback port. Its output goes to a file kept with the test's logs.
 */
final class PrometheusServer implements AutoCloseable {

    static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(10);

    private final Process process;
    private final URI base;
    private final Path output;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();

    private PrometheusServer(Process process, int port, Path output) {
        this.process = process;
        this.base = URI.create("http://127.0.0.1:" + port);
        this.output = output;
    }

    /**
     * Starts {@code binary} scraping {@code target} ({@code host:port}, path {@code /metrics}) as job
     * {@code job}, with {@code rules} loaded, and returns once it is ready to answer queries.
     */
    static PrometheusServer start(Path binary, Path dir, Path rules, String job, String target, Path output) {
        try {
            Files.createDirectories(dir);
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                      scrape_timeout: 1s
                      evaluation_interval: 1s
                    rule_files:
                      - %s
                    scrape_configs:
                      - job_name: %s
                        metrics_path: /metrics
                        static_configs:
                          - targets: [%s]
                    """.formatted(quoted(rules.toAbsolutePath().toString()), quoted(job), quoted(target)), StandardCharsets.UTF_8);
            int port = freePort();
            Process process = new ProcessBuilder(binary.toString(),
                    "--config.file=" + config,
                    "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true)
                    .redirectOutput(Redirect.appendTo(output.toFile()))
                    .start();
            PrometheusServer server = new PrometheusServer(process, port, output);
            try {
                Await.until(START_TIMEOUT, server::ready, () -> "Prometheus not ready on port " + port + "; alive: " + process.isAlive()
                        + "; its output is in " + output);
            } catch (AssertionError e) {
                server.close();
                throw e;
            }
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + binary + " in " + dir, e);
        }
    }

    /** A JSON string, which YAML reads as the same string whatever it holds. */
    private static String quoted(String value) throws IOException {
        return Json.MAPPER.writeValueAsString(value);
    }

    /** The answer's {@code data} of an instant query now; fails if Prometheus refuses the query. */
    JsonNode query(String promql) {
        return data("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8), promql);
    }

    /** The rule groups loaded, with each rule's query, health and last error. */
    JsonNode ruleGroups() {
        return data("/api/v1/rules", "rules").path("groups");
    }

    /** The alerts pending or firing now. */
    JsonNode alerts() {
        return data("/api/v1/alerts", "alerts").path("alerts");
    }

    /** Each scrape target's health and last error, for failure messages. */
    String targets() {
        StringBuilder text = new StringBuilder();
        for (JsonNode target : data("/api/v1/targets", "targets").path("activeTargets")) {
            text.append(target.path("scrapeUrl").asText()).append(' ').append(target.path("health").asText())
                    .append(' ').append(target.path("lastError").asText()).append('\n');
        }
        return text.toString();
    }

    private boolean ready() {
        if (!process.isAlive()) {
            throw new AssertionError("Prometheus exited with " + process.exitValue() + "; its output is in " + output);
        }
        try {
            return get("/-/ready").statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    private JsonNode data(String pathAndQuery, String what) {
        try {
            HttpResponse<String> response = get(pathAndQuery);
            JsonNode body = Json.MAPPER.readTree(response.body());
            if (!"success".equals(body.path("status").asText())) {
                throw new IllegalArgumentException("Prometheus refused " + what + ": " + body.path("errorType").asText() + ": "
                        + body.path("error").asText());
            }
            return body.path("data");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not ask Prometheus at " + base + " for " + what, e);
        }
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException {
        try {
            return http.send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(REQUEST_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking Prometheus", e);
        }
    }

    /** SIGTERM, then SIGKILL if it has not exited within {@link #EXIT_TIMEOUT}; returns once it is gone. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** A free port on the loopback address, for a server the test starts next. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not find a free port on the loopback address", e);
        }
    }
}

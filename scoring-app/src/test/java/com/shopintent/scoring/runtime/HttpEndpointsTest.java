package com.shopintent.scoring.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.shopintent.scoring.events.Json;
import com.shopintent.scoring.metrics.ScoringMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The endpoints over real HTTP on a loopback port; the application's state is a stand-in. */
class HttpEndpointsTest {

    private final HttpClient client = HttpClient.newHttpClient();
    private final Readiness readiness = new Readiness();
    private final ScoringMetrics metrics = ScoringMetrics.prometheus();
    private final HttpEndpoints endpoints = new HttpEndpoints(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            readiness, metrics).start();
    private final AtomicReference<Optional<String>> notReady = new AtomicReference<>(Optional.of("Kafka Streams is REBALANCING, not RUNNING"));
    private final AtomicReference<Optional<String>> failure = new AtomicReference<>(Optional.empty());

    @AfterEach
    void stop() {
        endpoints.close();
    }

    @Test
    void shouldBeAliveButNotReadyWhileStartingAndSayWhy() throws Exception {
        readiness.step("loading model /models/current");

        assertThat(get("/health").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = get("/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.headers().firstValue("Content-Type")).contains("application/json");
        JsonNode body = Json.MAPPER.readTree(ready.body());
        assertThat(body.get("ready").asBoolean()).isFalse();
        assertThat(body.get("reason").asText()).isEqualTo("loading model /models/current");
    }

    @Test
    void shouldFollowTheApplicationOnceItServes() throws Exception {
        readiness.serving(status());
        assertThat(get("/ready").statusCode()).isEqualTo(503);
        assertThat(Json.MAPPER.readTree(get("/ready").body()).get("reason").asText()).contains("REBALANCING");

        notReady.set(Optional.empty());
        assertThat(get("/ready").statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(get("/ready").body()).get("ready").asBoolean()).isTrue();
        assertThat(get("/health").statusCode()).isEqualTo(200);

        failure.set(Optional.of("Kafka Streams is in ERROR"));
        HttpResponse<String> health = get("/health");
        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(Json.MAPPER.readTree(health.body()).get("reason").asText()).isEqualTo("Kafka Streams is in ERROR");
    }

    @Test
    void shouldServeTheMetersInPrometheusTextFormat() throws Exception {
        metrics.readiness(readiness::ready);
        metrics.model("xgb-000000000001").success().increment();

        HttpResponse<String> scrape = get("/metrics");

        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type")).contains(HttpEndpoints.METRICS_CONTENT_TYPE);
        assertThat(scrape.body())
                .contains("ml_prediction_requests_total{model_version=\"xgb-000000000001\",status=\"success\"} 1.0")
                .contains("ml_prediction_duration_seconds_bucket{model_version=\"xgb-000000000001\",le=\"1.0E-6\"}")
                .contains("scoring_ready 0.0")
                .contains("jvm_memory_used_bytes")
                .contains("process_cpu_usage");
    }

    @Test
    void shouldAnswerEachScrapeWithItsOwnMetersOnlyThoughItsBufferIsReused() throws Exception {
        // A meter whose text alone is larger than the buffer's first size, and the whole first scrape.
        String longTag = "x".repeat(100_000);
        Gauge gauge = Gauge.builder("scrape.test.long", () -> 1).tag("long", longTag).register(metrics.registry());
        HttpResponse<String> first = get("/metrics");
        metrics.registry().remove(gauge);

        HttpResponse<String> second = get("/metrics");

        assertThat(first.body()).contains(longTag).contains("jvm_memory_used_bytes");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.body()).contains("jvm_memory_used_bytes").doesNotContain("scrape_test_long").doesNotContain("xxxx");
        // Not the exact length without the tag: meters can appear between the two scrapes (a first GC's pause).
        assertThat(second.body().length()).isLessThan(first.body().length() - longTag.length() / 2);
    }

    @Test
    void shouldLeaveOutKafkaStreamsNegativeOpenFilesCountWhichPrometheusRefuses() throws Exception {
        // What Kafka Streams 4.x reports for RocksDB's number-open-files at the DEBUG recording level.
        FunctionCounter.builder(ScoringMetrics.KAFKA_NUMBER_OPEN_FILES, this, any -> -1).tag("rocksdb.state.id", "sessions")
                .register(metrics.registry());

        HttpResponse<String> scrape = get("/metrics");

        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.body()).contains("jvm_memory_used_bytes").doesNotContain("number_open_files");
    }

    @Test
    void shouldAnswerAFailedScrapeWith500AndItsCause() throws Exception {
        FunctionCounter.builder("some.broken.total", this, any -> -2).register(metrics.registry());

        HttpResponse<String> scrape = get("/metrics");

        assertThat(scrape.statusCode()).isEqualTo(500);
        JsonNode body = Json.MAPPER.readTree(scrape.body());
        assertThat(body.get("status").asText()).isEqualTo("ERROR");
        assertThat(body.get("reason").asText()).startsWith("/metrics failed: ").contains("counters cannot have a negative value");
        // The other endpoints still answer.
        assertThat(get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void shouldRefuseOtherPathsAndMethods() throws Exception {
        assertThat(get("/healthz").statusCode()).isEqualTo(404);
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(uri("/ready")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
    }

    private Readiness.Status status() {
        return new Readiness.Status() {
            @Override
            public Optional<String> notReadyReason() {
                return notReady.get();
            }

            @Override
            public Optional<String> failure() {
                return failure.get();
            }
        };
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + endpoints.port() + path);
    }
}

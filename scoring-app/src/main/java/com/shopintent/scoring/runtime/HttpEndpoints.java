package com.shopintent.scoring.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.shopintent.scoring.events.Json;
import com.shopintent.scoring.metrics.ScoringMetrics;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /health}, {@code /ready} and {@code /metrics} on the JDK's own HTTP server: three small
 * answers, polled every few seconds, need no web framework. One thread answers, so a slow scrape
 * never takes a core from the stream threads.
 *
 * <ul>
 *   <li>{@code /health} (liveness): 200 unless the application failed (Kafka Streams in ERROR, or
 *       stopped without being asked): a restart is then the cure;</li>
 *   <li>{@code /ready} (readiness): 200 once the model is loaded and warmed and Kafka Streams is
 *       RUNNING, else 503 with the reason as JSON;</li>
 *   <li>{@code /metrics}: every meter in Prometheus' text format.</li>
 * </ul>
 */
public final class HttpEndpoints implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpEndpoints.class);

    /** Prometheus' text exposition format, which every Prometheus version scrapes. */
    static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;
    /**
     * Every scrape's text is written here, over the last one's: at 12 tasks the meters' text is
     * over half a megabyte, and an array that large is a humongous object to G1 (half a region or
     * more), allocated straight into the old generation. Micrometer's {@code scrape()} builds three
     * a scrape (its buffer, the String, the String's bytes), and they started some of the
     * pipeline's concurrent GC cycles, with longer young pauses; with the buffer kept, none
     * (docs/benchmarks.md). One thread answers, so one buffer serves.
     */
    private final Buffer metricsText = new Buffer();

    public HttpEndpoints(InetSocketAddress address, Readiness readiness, ScoringMetrics metrics) {
        try {
            server = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + address + " for /health, /ready and /metrics", e);
        }
        server.createContext("/health", exchange -> answer(exchange, () -> {
            Optional<String> failure = readiness.failure();
            return failure.map(reason -> json(503, status("DOWN", reason))).orElseGet(() -> json(200, status("UP", null)));
        }));
        server.createContext("/ready", exchange -> answer(exchange, () -> {
            Optional<String> reason = readiness.notReadyReason();
            ObjectNode body = Json.MAPPER.createObjectNode().put("ready", reason.isEmpty());
            reason.ifPresent(r -> body.put("reason", r));
            return json(reason.isEmpty() ? 200 : 503, body);
        }));
        server.createContext("/metrics", exchange -> answer(exchange, () -> {
            metricsText.reset();
            metrics.scrape(metricsText);
            return new Response(200, METRICS_CONTENT_TYPE, metricsText.bytes(), metricsText.size());
        }));
        executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "http-endpoints");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
    }

    public HttpEndpoints start() {
        server.start();
        return this;
    }

    /** The port listened on (the one chosen by the system when 0 was asked for). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** An answer: the first {@code length} bytes of {@code body}. */
    private record Response(int status, String contentType, byte[] body, int length) {

        Response(int status, String contentType, byte[] body) {
            this(status, contentType, body, body.length);
        }
    }

    /** A byte buffer whose bytes are read in place, not copied out. */
    private static final class Buffer extends ByteArrayOutputStream {

        Buffer() {
            super(64 * 1024);
        }

        byte[] bytes() {
            return buf;
        }
    }

    private static ObjectNode status(String status, String reason) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("status", status);
        if (reason != null) {
            body.put("reason", reason);
        }
        return body;
    }

    private static Response json(int status, ObjectNode body) {
        try {
            return new Response(status, "application/json", Json.MAPPER.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void answer(HttpExchange exchange, java.util.function.Supplier<Response> handler) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            boolean head = method.equals("HEAD");
            Response response;
            if (!head && !method.equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                response = json(405, status("ERROR", method + " is not allowed; use GET"));
            } else if (!exchange.getRequestURI().getPath().equals(exchange.getHttpContext().getPath())) {
                response = json(404, status("ERROR", "no such endpoint; there are /health, /ready and /metrics"));
            } else {
                response = answerOrError(exchange, handler);
            }
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            if (head) {
                exchange.sendResponseHeaders(response.status(), -1);
                return;
            }
            exchange.sendResponseHeaders(response.status(), response.length());
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(response.body(), 0, response.length());
            }
        }
    }

    /**
     * The handler's answer, or a 500 naming its failure: the JDK's server would close the
     * connection without a word and log nothing a deployment sees, so a scrape that fails would
     * look like a network fault.
     */
    private static Response answerOrError(HttpExchange exchange, java.util.function.Supplier<Response> handler) {
        try {
            return handler.get();
        } catch (RuntimeException e) {
            String path = exchange.getRequestURI().getPath();
            LOG.warn("{} failed", path, e);
            return json(500, status("ERROR", path + " failed: " + e));
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}

package com.shopintent.scoring.loadgen;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.shopintent.scoring.events.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * What a load run measured; written as JSON by {@code --report}. Latency is from the moment the
 * generator sent an event to the moment it read that event's prediction (read_committed).
 */
public record LoadReport(
        @JsonProperty("target_rate") double targetRate,
        @JsonProperty("duration_seconds") double durationSeconds,
        @JsonProperty("produced") long produced,
        @JsonProperty("bad_sent") long badSent,
        @JsonProperty("send_errors") long sendErrors,
        @JsonProperty("predicted") long predicted,
        @JsonProperty("missing") long missing,
        @JsonProperty("duplicated") long duplicated,
        @JsonProperty("dead_lettered") long deadLettered,
        @JsonProperty("sessions_started") long sessionsStarted,
        @JsonProperty("events_per_second") double eventsPerSecond,
        @JsonProperty("fell_behind") boolean fellBehind,
        @JsonProperty("max_behind_ms") double maxBehindMs,
        @JsonProperty("latency_ms") Latency latencyMs) {

    /** Percentiles of the end-to-end latency in milliseconds. */
    public record Latency(double p50, double p95, double p99, double p999, double max) {
    }

    public void write(Path file) {
        try {
            Json.MAPPER.writer(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), this);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write report " + file, e);
        }
    }
}

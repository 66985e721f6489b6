package com.shopintent.scoring.loadgen;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.shopintent.scoring.events.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;

/**
 * What a load run measured; written as JSON by {@code --report}. Latency is from the moment the
 * generator sent an event to the moment it read that event's prediction (read_committed).
 *
 * <p>With a warm-up, the figures are the measured part's, by the events sent in it, and
 * {@code warmUp} holds the warm-up's the same way; send errors, duplicates, dead letters and
 * sessions started are the whole run's in both, as an event's part is not known for them.
 *
 * @param warmUp the warm-up's report, or null when the run had none
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
        @JsonProperty("latency_ms") Latency latencyMs,
        @JsonProperty("latency_split_ms") Split latencySplitMs,
        @JsonProperty("warm_up") LoadReport warmUp) {

    /** Percentiles of the end-to-end latency in milliseconds. */
    public record Latency(double p50, double p95, double p99, double p999, double max) {

        /** Nothing measured. */
        public static final Latency NONE = new Latency(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

        /** The percentiles of a histogram of microseconds; {@link #NONE} when it is empty. */
        static Latency of(Histogram micros) {
            if (micros.getTotalCount() == 0) {
                return NONE;
            }
            return new Latency(micros.getValueAtPercentile(50) / 1000.0, micros.getValueAtPercentile(95) / 1000.0,
                    micros.getValueAtPercentile(99) / 1000.0, micros.getValueAtPercentile(99.9) / 1000.0, micros.getMaxValue() / 1000.0);
        }
    }

    /**
     * The latency cut at the prediction's {@code scoredAt} (see {@link LatencySplit}); percentiles
     * of each part, which do not add up to the whole's.
     */
    public record Split(@JsonProperty("send_to_scored") Latency sendToScored, @JsonProperty("scored_to_read") Latency scoredToRead) {
    }

    public void write(Path file) {
        try {
            Json.MAPPER.writer(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), this);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write report " + file, e);
        }
    }
}

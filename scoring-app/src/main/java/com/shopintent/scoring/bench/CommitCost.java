package com.shopintent.scoring.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the stream threads' commits cost while a latency run is measured, from the pipeline's own
 * meters (Kafka Streams' and its producers', as {@code /metrics} serves them) read at both ends of
 * the measured part: commits a second a thread, and how long an average commit waited in each of
 * the producer's calls. Under exactly-once a prediction is read only after the commit that follows
 * it, so the commit's own duration is the part of its latency the commit interval does not set.
 *
 * @param commitsPerSecond commits a second, each stream thread
 * @param flushMs the producer's {@code flush}, a commit
 * @param sendOffsetsMs {@code sendOffsetsToTransaction}, a commit (exactly-once)
 * @param commitTransactionMs {@code commitTransaction}, a commit (exactly-once)
 */
record CommitCost(double commitsPerSecond, double flushMs, double sendOffsetsMs, double commitTransactionMs) {

    /** The stream threads' clients: their ids end in {@code -StreamThread-<n>} (the thread) or that and {@code -producer}. */
    private static final Pattern LINE = Pattern.compile(
            "^(kafka_stream_thread_commit_total|kafka_producer_flush_time_ns_total|kafka_producer_txn_send_offsets_time_ns_total"
                    + "|kafka_producer_txn_commit_time_ns_total)\\{[^}]*(?:thread_id|client_id)=\"[^\"]*-StreamThread-\\d+(?:-producer)?\"[^}]*} (\\S+)$",
            Pattern.MULTILINE);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    /** The meters' totals, every stream thread together, at one moment. */
    record Totals(long nanos, int threads, double commits, double flushNanos, double sendOffsetsNanos, double commitTransactionNanos) {

        /** The totals in a Prometheus text exposition read at {@code nanos}. */
        static Totals parse(String exposition, long nanos) {
            int threads = 0;
            double commits = 0;
            double flush = 0;
            double sendOffsets = 0;
            double commitTransaction = 0;
            Matcher m = LINE.matcher(exposition);
            while (m.find()) {
                double value = Double.parseDouble(m.group(2));
                switch (m.group(1)) {
                    case "kafka_stream_thread_commit_total" -> {
                        threads++;
                        commits += value;
                    }
                    case "kafka_producer_flush_time_ns_total" -> flush += value;
                    case "kafka_producer_txn_send_offsets_time_ns_total" -> sendOffsets += value;
                    default -> commitTransaction += value;
                }
            }
            return new Totals(nanos, threads, commits, flush, sendOffsets, commitTransaction);
        }

        /** The pipeline's totals now; empty if its meters cannot be read (a scrape is a sample, not a requirement). */
        static Optional<Totals> read(int httpPort) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
                    .timeout(Duration.ofSeconds(2)).build();
            try {
                HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                return response.statusCode() == 200 ? Optional.of(parse(response.body(), System.nanoTime())) : Optional.empty();
            } catch (IOException e) {
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    /**
     * The commits over about the last {@code seconds} of a series of readings: from the first reading
     * at most that long before the last one.
     */
    static Optional<CommitCost> ofLast(List<Totals> readings, double seconds) {
        if (readings.size() < 2) {
            return Optional.empty();
        }
        Totals end = readings.get(readings.size() - 1);
        long from = end.nanos() - (long) (seconds * 1e9);
        Totals start = readings.stream().filter(t -> t.nanos() >= from).findFirst().orElse(end);
        return between(start, end);
    }

    /** The commits between two readings; empty when there were none, or no stream thread. */
    static Optional<CommitCost> between(Totals start, Totals end) {
        double commits = end.commits() - start.commits();
        double seconds = (end.nanos() - start.nanos()) / 1e9;
        if (commits <= 0 || end.threads() == 0 || seconds <= 0) {
            return Optional.empty();
        }
        return Optional.of(new CommitCost(commits / seconds / end.threads(),
                (end.flushNanos() - start.flushNanos()) / commits / 1e6,
                (end.sendOffsetsNanos() - start.sendOffsetsNanos()) / commits / 1e6,
                (end.commitTransactionNanos() - start.commitTransactionNanos()) / commits / 1e6));
    }
}

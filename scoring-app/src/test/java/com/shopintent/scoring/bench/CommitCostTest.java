package com.shopintent.scoring.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class CommitCostTest {

    /**
     * Lines as the pipeline's /metrics serves them (Micrometer's names for Kafka's meters), with a
     * consumer's and a producer outside the stream threads that must not count.
     */
    private static String exposition(double commits1, double commits2, double flush, double sendOffsets, double commit) {
        String app = "bench-latency-exactly-once-v2-4b48693f";
        return "# HELP kafka_stream_thread_commit_total The total number of calls to commit\n"
                + "# TYPE kafka_stream_thread_commit_total counter\n"
                + "kafka_stream_thread_commit_total{kafka_version=\"4.1.1\",thread_id=\"" + app + "-StreamThread-1\"} " + commits1 + "\n"
                + "kafka_stream_thread_commit_total{kafka_version=\"4.1.1\",thread_id=\"" + app + "-StreamThread-2\"} " + commits2 + "\n"
                + "kafka_producer_flush_time_ns_total{client_id=\"" + app + "-StreamThread-1-producer\",kafka_version=\"4.1.1\"} " + flush / 2 + "\n"
                + "kafka_producer_flush_time_ns_total{client_id=\"" + app + "-StreamThread-2-producer\",kafka_version=\"4.1.1\"} " + flush / 2 + "\n"
                + "kafka_producer_flush_time_ns_total{client_id=\"dead-letters-producer\",kafka_version=\"4.1.1\"} 9.9E12\n"
                + "kafka_producer_txn_send_offsets_time_ns_total{client_id=\"" + app + "-StreamThread-1-producer\",kafka_version=\"4.1.1\"} "
                + sendOffsets + "\n"
                + "kafka_producer_txn_commit_time_ns_total{client_id=\"" + app + "-StreamThread-2-producer\",kafka_version=\"4.1.1\"} " + commit + "\n"
                + "kafka_consumer_fetch_manager_records_consumed_total{client_id=\"" + app + "-StreamThread-1-consumer\",kafka_version=\"4.1.1\"} 5.0E5\n";
    }

    @Test
    void shouldAddUpTheStreamThreadsMetersAndNothingElse() {
        CommitCost.Totals totals = CommitCost.Totals.parse(exposition(109, 106, 2.4E9, 1.474133262E9, 6.3E8), 7);

        assertThat(totals).isEqualTo(new CommitCost.Totals(7, 2, 215, 2.4E9, 1.474133262E9, 6.3E8));
    }

    @Test
    void shouldAverageEachCallOverTheCommitsBetweenTwoReadings() {
        CommitCost.Totals start = CommitCost.Totals.parse(exposition(100, 100, 1E9, 1E9, 1E9), 0);
        // 10 s later: 150 commits (7.5 a second on each of two threads), which waited 3 s in flushes in all.
        CommitCost.Totals end = CommitCost.Totals.parse(exposition(175, 175, 4E9, 2.5E9, 1.6E9), 10_000_000_000L);

        CommitCost cost = CommitCost.between(start, end).orElseThrow();

        assertThat(cost.commitsPerSecond()).isCloseTo(7.5, within(1e-9));
        assertThat(cost.flushMs()).isCloseTo(20.0, within(1e-9));
        assertThat(cost.sendOffsetsMs()).isCloseTo(10.0, within(1e-9));
        assertThat(cost.commitTransactionMs()).isCloseTo(4.0, within(1e-9));
    }

    @Test
    void shouldTakeTheReadingsOfTheLastSecondsOnly() {
        // A reading every 5 s; the first, during the warm-up, had ten times the commits' cost.
        List<CommitCost.Totals> readings = List.of(
                new CommitCost.Totals(0, 2, 0, 0, 0, 0),
                new CommitCost.Totals(5_000_000_000L, 2, 100, 5E9, 0, 0),
                new CommitCost.Totals(10_000_000_000L, 2, 200, 5.5E9, 0, 0),
                new CommitCost.Totals(15_000_000_000L, 2, 300, 6E9, 0, 0));

        CommitCost lastTen = CommitCost.ofLast(readings, 10).orElseThrow();

        assertThat(lastTen.flushMs()).isCloseTo(5.0, within(1e-9));
        assertThat(lastTen.commitsPerSecond()).isCloseTo(10.0, within(1e-9));
    }

    @Test
    void shouldHaveNothingToSayWithoutCommitsOrWithOneReading() {
        CommitCost.Totals idle = new CommitCost.Totals(0, 2, 50, 0, 0, 0);

        assertThat(CommitCost.between(idle, new CommitCost.Totals(5_000_000_000L, 2, 50, 0, 0, 0))).isEmpty();
        assertThat(CommitCost.ofLast(List.of(idle), 60)).isEmpty();
        assertThat(CommitCost.Totals.parse("", 0).threads()).isZero();
    }
}

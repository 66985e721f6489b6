package com.shopintent.scoring.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LatencySplitTest {

    private static final long MS = 1_000_000L;

    @Test
    void shouldCutEachLatencyAtTheScoreOnTheWallClock() {
        // The monotonic clock reads 500 ms behind the wall clock.
        LatencySplit split = new LatencySplit(500 * MS);
        for (int i = 0; i < 99; i++) {
            // sent at wall 1,000 ms, scored at 1,004 ms, read at 1,030 ms
            split.record(500 * MS, 1_004, 530 * MS);
        }
        // one event that waited 200 ms before it was scored and was read 20 ms later
        split.record(500 * MS, 1_200, 720 * MS);

        LoadReport.Split result = split.result();
        assertThat(result.sendToScored().p50()).isCloseTo(4.0, within(0.01));
        assertThat(result.sendToScored().max()).isCloseTo(200.0, within(0.2));
        assertThat(result.scoredToRead().p50()).isCloseTo(26.0, within(0.03));
        assertThat(result.scoredToRead().max()).isCloseTo(26.0, within(0.03));
    }

    @Test
    void shouldCountAScoreRoundedToBeforeItsSendAsNoWait() {
        LatencySplit split = new LatencySplit(0);
        // sent at 1,000.6 ms; scoredAt (whole milliseconds) says 1,000 ms
        split.record(1_000 * MS + 600_000, 1_000, 1_010 * MS);

        LoadReport.Split result = split.result();
        assertThat(result.sendToScored().max()).isZero();
        assertThat(result.scoredToRead().max()).isCloseTo(10.0, within(0.01));
    }

    @Test
    void shouldReportNothingMeasuredAsNotANumber() {
        LoadReport.Split result = new LatencySplit().result();
        assertThat(result.sendToScored().p99()).isNaN();
        assertThat(result.scoredToRead().max()).isNaN();
    }
}

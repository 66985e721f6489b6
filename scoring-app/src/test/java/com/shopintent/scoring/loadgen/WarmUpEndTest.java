package com.shopintent.scoring.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WarmUpEndTest {

    private static final long SECOND = 1_000_000_000L;
    /** Two minutes at least, at 10,000 events/s: caught up below 10,000 events awaiting. */
    private final WarmUpEnd end = WarmUpEnd.of(Duration.ofMinutes(2), 10_000);

    @Test
    void shouldNotEndBeforeTheMinimumEvenWhenCaughtUp() {
        assertThat(end.reached(119 * SECOND, 0)).isFalse();
    }

    @Test
    void shouldEndAtTheMinimumWhenFewerThanOneSecondOfEventsAwaitTheirPrediction() {
        assertThat(end.reached(120 * SECOND, 9_999)).isTrue();
    }

    @Test
    void shouldGoOnPastTheMinimumWhileTheQueueHoldsASecondOfLoadOrMore() {
        assertThat(end.reached(120 * SECOND, 10_000)).isFalse();
        assertThat(end.reached(239 * SECOND, 500_000)).isFalse();
        assertThat(end.reached(239 * SECOND, 42)).isTrue();
    }

    @Test
    void shouldEndAtTwiceTheMinimumWhateverThePipelinesState() {
        assertThat(end.reached(240 * SECOND, 500_000)).isTrue();
    }

    @Test
    void shouldEndAtOnceWithoutAWarmUp() {
        assertThat(WarmUpEnd.of(Duration.ZERO, 10_000).reached(0, 1_000_000)).isTrue();
    }

    @Test
    void shouldCountAnyQueueAsBehindAtARateBelowOneEventASecond() {
        WarmUpEnd slow = WarmUpEnd.of(Duration.ofSeconds(10), 0.5);

        assertThat(slow.reached(10 * SECOND, 1)).isFalse();
        assertThat(slow.reached(10 * SECOND, 0)).isTrue();
    }
}

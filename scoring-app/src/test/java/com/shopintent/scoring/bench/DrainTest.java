package com.shopintent.scoring.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DrainTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void shouldTimeFromTheFirstPollPastTheWarmUpToTheEnd() {
        Drain.Timer timer = new Drain.Timer(1000, 600);

        assertThat(timer.observe(1 * SECOND, 0)).isNull();
        assertThat(timer.observe(2 * SECOND, 100)).as("first commit").isNull();
        assertThat(timer.observe(4 * SECOND, 500)).isNull();
        assertThat(timer.observe(5 * SECOND, 650)).as("past the warm-up").isNull();
        Drain drain = timer.observe(7 * SECOND, 1000);

        assertThat(drain.events()).isEqualTo(350);
        assertThat(drain.seconds()).isCloseTo(2.0, within(1e-9));
        assertThat(drain.eventsPerSecond()).isCloseTo(175.0, within(1e-9));
        assertThat(drain.warmUpEvents()).isEqualTo(550);
        assertThat(drain.warmUpEventsPerSecond()).isCloseTo(550 / 3.0, within(1e-9));
    }

    @Test
    void shouldTimeFromTheFirstCommitWithoutAWarmUp() {
        Drain.Timer timer = new Drain.Timer(1000, 0);

        assertThat(timer.observe(1 * SECOND, 0)).isNull();
        assertThat(timer.observe(2 * SECOND, 200)).isNull();
        Drain drain = timer.observe(4 * SECOND, 1000);

        assertThat(drain.events()).isEqualTo(800);
        assertThat(drain.seconds()).isCloseTo(2.0, within(1e-9));
        assertThat(drain.warmUpEvents()).isZero();
        assertThat(drain.warmUpEventsPerSecond()).isNaN();
    }

    @Test
    void shouldRefuseATimedPartCommittedAtOnce() {
        Drain.Timer timer = new Drain.Timer(1000, 600);
        timer.observe(1 * SECOND, 300);

        assertThatThrownBy(() -> timer.observe(2 * SECOND, 1000)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("400 events after the warm-up at once");
    }

    @Test
    void shouldRefuseAWarmUpThatLeavesNothingToTime() {
        assertThatThrownBy(() -> new Drain.Timer(1000, 1000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("leaves nothing");
    }
}

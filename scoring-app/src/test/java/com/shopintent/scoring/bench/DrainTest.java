package com.shopintent.scoring.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DrainTest {

    private static final long SECOND = 1_000_000_000L;

    /** CPU time by the given moment: the process busy 1.5 cores, the broker half a core. */
    private static CpuTime cpu(long nanos) {
        return new CpuTime(1.5 * nanos / SECOND, 0.5 * nanos / SECOND);
    }

    @Test
    void shouldTimeFromTheFirstPollPastTheWarmUpToTheEnd() {
        Drain.Timer timer = new Drain.Timer(1000, 600);

        assertThat(timer.observe(1 * SECOND, 0, cpu(1 * SECOND))).isNull();
        assertThat(timer.observe(2 * SECOND, 100, cpu(2 * SECOND))).as("first commit").isNull();
        assertThat(timer.observe(4 * SECOND, 500, cpu(4 * SECOND))).isNull();
        assertThat(timer.observe(5 * SECOND, 650, cpu(5 * SECOND))).as("past the warm-up").isNull();
        Drain drain = timer.observe(7 * SECOND, 1000, cpu(7 * SECOND));

        assertThat(drain.events()).isEqualTo(350);
        assertThat(drain.seconds()).isCloseTo(2.0, within(1e-9));
        assertThat(drain.eventsPerSecond()).isCloseTo(175.0, within(1e-9));
        assertThat(drain.warmUpEvents()).isEqualTo(550);
        assertThat(drain.warmUpEventsPerSecond()).isCloseTo(550 / 3.0, within(1e-9));
        // The process used 1.5 cores and the broker 0.5 throughout: 3 s and 1 s of CPU in the timed 2 s.
        assertThat(drain.cpu().process()).isCloseTo(3.0, within(1e-9));
        assertThat(drain.cpuMicrosPerEvent()).isCloseTo(3e6 / 350, within(1e-6));
        assertThat(drain.brokerCpuMicrosPerEvent()).isCloseTo(1e6 / 350, within(1e-6));
    }

    @Test
    void shouldTimeFromTheFirstCommitWithoutAWarmUp() {
        Drain.Timer timer = new Drain.Timer(1000, 0);

        assertThat(timer.observe(1 * SECOND, 0, cpu(1 * SECOND))).isNull();
        assertThat(timer.observe(2 * SECOND, 200, cpu(2 * SECOND))).isNull();
        Drain drain = timer.observe(4 * SECOND, 1000, cpu(4 * SECOND));

        assertThat(drain.events()).isEqualTo(800);
        assertThat(drain.seconds()).isCloseTo(2.0, within(1e-9));
        assertThat(drain.warmUpEvents()).isZero();
        assertThat(drain.warmUpEventsPerSecond()).isNaN();
        assertThat(drain.cpu().broker()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void shouldRefuseATimedPartCommittedAtOnce() {
        Drain.Timer timer = new Drain.Timer(1000, 600);
        timer.observe(1 * SECOND, 300, cpu(1 * SECOND));

        assertThatThrownBy(() -> timer.observe(2 * SECOND, 1000, cpu(2 * SECOND))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("400 events after the warm-up at once");
    }

    @Test
    void shouldRefuseAWarmUpThatLeavesNothingToTime() {
        assertThatThrownBy(() -> new Drain.Timer(1000, 1000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("leaves nothing");
    }
}

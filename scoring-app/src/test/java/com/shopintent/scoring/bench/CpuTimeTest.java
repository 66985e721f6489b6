package com.shopintent.scoring.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CpuTimeTest {

    @Test
    void shouldReadAProcesssCpuTimeAndGrowWithItsWork() {
        CpuTime before = CpuTime.of(ProcessHandle.current(), null);
        long sum = 0;
        long deadline = System.nanoTime() + 200_000_000L;
        while (System.nanoTime() < deadline) {
            sum += Long.numberOfTrailingZeros(sum + System.nanoTime());
        }
        CpuTime used = CpuTime.of(ProcessHandle.current(), null).minus(before);

        assertThat(sum).isPositive();
        // 0.2 s of a busy loop on this thread, with whatever the JVM's other threads did beside it.
        assertThat(used.process()).isGreaterThan(0.1);
        assertThat(used.broker()).as("no broker known here").isNaN();
    }
}

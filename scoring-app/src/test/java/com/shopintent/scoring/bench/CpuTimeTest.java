package com.shopintent.scoring.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.junit.jupiter.api.Test;

class CpuTimeTest {

    @Test
    void shouldReadAProcesssCpuTimeAndGrowWithItsWork() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        CpuTime before = CpuTime.of(ProcessHandle.current(), null);
        long threadStart = threads.getCurrentThreadCpuTime();
        long sum = 0;
        // Until this thread alone has used 0.2 s of CPU, however busy the machine (within a minute).
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (threads.getCurrentThreadCpuTime() - threadStart < 200_000_000L && System.nanoTime() < deadline) {
            sum += Long.numberOfTrailingZeros(sum + System.nanoTime());
        }
        CpuTime used = CpuTime.of(ProcessHandle.current(), null).minus(before);

        assertThat(sum).isPositive();
        // The process' CPU time includes this thread's 0.2 s (the kernel counts in clock ticks: 10 ms).
        assertThat(used.process()).isGreaterThan(0.18);
        assertThat(used.broker()).as("no broker known here").isNaN();
    }
}

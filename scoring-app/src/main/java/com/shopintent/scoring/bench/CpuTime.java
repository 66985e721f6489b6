package com.shopintent.scoring.bench;

/**
 * CPU time (user and system, every thread) used so far by the process under test and by the broker,
 * in seconds; NaN for a process not known here (a broker elsewhere) or gone.
 *
 * <p>Beside events/s it says which process the cost is in, and it leaves out the time a process
 * waits for a core, which a rate counts. On these shared machines it still varies between runs
 * (docs/benchmarks.md).
 */
record CpuTime(double process, double broker) {

    static CpuTime of(ProcessHandle process, ProcessHandle broker) {
        return new CpuTime(seconds(process), seconds(broker));
    }

    CpuTime minus(CpuTime earlier) {
        return new CpuTime(process - earlier.process, broker - earlier.broker);
    }

    private static double seconds(ProcessHandle handle) {
        return handle == null ? Double.NaN
                : handle.info().totalCpuDuration().map(cpu -> cpu.toNanos() / 1e9).orElse(Double.NaN);
    }
}

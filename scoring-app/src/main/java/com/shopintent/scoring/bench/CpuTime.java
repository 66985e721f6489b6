package com.shopintent.scoring.bench;

/**
 * CPU time (user and system, every thread) used so far by the process under test and by the broker,
 * in seconds; NaN for a process not known here (a broker elsewhere) or gone.
 *
 * <p>CPU time an event is steadier than events/s on these shared machines: time a process waits
 * for a core, or loses to the host, counts in a rate but not in its CPU time.
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

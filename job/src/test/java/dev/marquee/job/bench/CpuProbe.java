package dev.marquee.job.bench;

import java.util.Arrays;

/**
 * A fixed single-thread integer workload timed on the wall clock: how much CPU this machine gives right now. The
 * benchmarks' VM shares its host with other tenants, and a latency or throughput figure means little without it
 * (docs/BENCHMARKS.md, session 14: the same run gave p99 29 ms beside a quiet probe and 77 ms beside a slow one).
 */
final class CpuProbe {
    private static final int STEPS = 100_000_000;

    private CpuProbe() {}

    /** The median wall time, in ms, of {@code rounds} runs of the workload, after one discarded run (compilation). */
    static double medianMs(int rounds) {
        if (rounds < 1) throw new IllegalArgumentException("rounds must be at least 1, got " + rounds);
        long sink = work();
        double[] ms = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            sink ^= work();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        if (sink == 0x5EED) System.out.print(""); // keeps the work observable, so the compiler cannot drop it
        Arrays.sort(ms);
        return ms[rounds / 2];
    }

    /** The workload: xorshift steps and a division each, the same result every time. */
    static long work() {
        long x = 0x9E3779B97F4A7C15L;
        long acc = 0;
        for (int i = 0; i < STEPS; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            acc += Long.remainderUnsigned(x, 1000);
        }
        return acc;
    }
}

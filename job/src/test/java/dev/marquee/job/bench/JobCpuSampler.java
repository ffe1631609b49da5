package dev.marquee.job.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * CPU time spent by a job running in this JVM, for benchmarks that share the process with an embedded broker:
 * every 20 ms it samples the process's CPU time (all threads, including JIT, GC and TensorFlow's native
 * threads) and the CPU time of the threads that were alive when it started (the broker and the harness). The
 * job's CPU between two moments is the process's minus those threads', so a job's per-record cost can be
 * measured without the broker's share, which is the same with or without what is being compared.
 */
final class JobCpuSampler implements AutoCloseable {
    private record Sample(long wallMs, long processNs, long excludedNs) { }

    private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final long[] excluded;
    /** Per excluded thread, its last CPU time read: a thread that ends keeps counting what it used. */
    private final long[] lastSeen;
    private final List<Sample> samples = new ArrayList<>();
    private final ScheduledExecutorService sampler;

    JobCpuSampler() {
        Set<Long> ids = new HashSet<>();
        for (long id : threads.getAllThreadIds()) ids.add(id);
        Thread[] samplerThread = new Thread[1];
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            samplerThread[0] = new Thread(r, "bench-cpu-sampler");
            samplerThread[0].setDaemon(true);
            return samplerThread[0];
        });
        executor.prestartAllCoreThreads();
        this.sampler = executor;
        ids.add(samplerThread[0].getId());
        this.excluded = ids.stream().mapToLong(Long::longValue).toArray();
        this.lastSeen = new long[excluded.length];
        sample();
        sampler.scheduleAtFixedRate(this::sample, 20, 20, TimeUnit.MILLISECONDS);
    }

    /** The job's CPU seconds between the two wall-clock moments (ms since the epoch), interpolated between samples. */
    synchronized double jobCpuSeconds(long fromMs, long toMs) {
        Sample a = at(fromMs);
        Sample b = at(toMs);
        return ((b.processNs - a.processNs) - (b.excludedNs - a.excludedNs)) / 1e9;
    }

    private Sample at(long wallMs) {
        Sample before = samples.get(0);
        for (Sample s : samples) {
            if (s.wallMs >= wallMs) {
                if (s.wallMs == before.wallMs) return s;
                double f = (wallMs - before.wallMs) / (double) (s.wallMs - before.wallMs);
                f = Math.max(0, Math.min(1, f));
                return new Sample(wallMs, before.processNs + (long) (f * (s.processNs - before.processNs)),
                        before.excludedNs + (long) (f * (s.excludedNs - before.excludedNs)));
            }
            before = s;
        }
        throw new IllegalStateException("no CPU sample after " + wallMs + "; the sampler has stopped");
    }

    private synchronized void sample() {
        long wall = System.currentTimeMillis();
        long process = os.getProcessCpuTime();
        long excludedNs = 0;
        for (int i = 0; i < excluded.length; i++) {
            long t = threads.getThreadCpuTime(excluded[i]);
            if (t > lastSeen[i]) lastSeen[i] = t;
            excludedNs += lastSeen[i];
        }
        samples.add(new Sample(wall, process, excludedNs));
        if (samples.size() > 200_000) samples.subList(0, 100_000).clear();
    }

    @Override
    public void close() throws InterruptedException {
        sampler.shutdownNow();
        sampler.awaitTermination(5, TimeUnit.SECONDS);
    }
}

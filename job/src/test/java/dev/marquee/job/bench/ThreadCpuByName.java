package dev.marquee.job.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The CPU time of the threads whose names contain a marker, sampled every 50 ms, so that two jobs running side by
 * side in one JVM can each be given their own CPU over a span known only afterwards. A Flink task thread and its
 * source's fetcher thread carry the chain's name ("Source: requests -> parse and validate -> ..."), so a marker
 * taken from the chain picks out one job's task threads; its Kafka producers' network threads and TensorFlow's
 * own threads, named otherwise, are not counted. A thread that ends keeps what it used.
 */
final class ThreadCpuByName implements AutoCloseable {
    private record Sample(long wallMs, long[] cpuNs) { }

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final String[] markers;
    /** Per thread id: the marker index it matched and its last CPU time read. */
    private final Map<Long, long[]> seen = new HashMap<>();
    private final List<Sample> samples = new ArrayList<>();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-thread-cpu");
        t.setDaemon(true);
        return t;
    });

    ThreadCpuByName(String... markers) {
        this.markers = markers.clone();
        sample();
        sampler.scheduleAtFixedRate(this::sample, 50, 50, TimeUnit.MILLISECONDS);
    }

    private synchronized void sample() {
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) continue;
            long cpu = threads.getThreadCpuTime(info.getThreadId());
            if (cpu < 0) continue;
            long[] entry = seen.get(info.getThreadId());
            if (entry == null) {
                int m = markerOf(info.getThreadName());
                if (m < 0) continue;
                entry = new long[] {m, 0};
                seen.put(info.getThreadId(), entry);
            }
            entry[1] = cpu;
        }
        long[] sums = new long[markers.length];
        for (long[] e : seen.values()) sums[(int) e[0]] += e[1];
        samples.add(new Sample(System.currentTimeMillis(), sums));
    }

    private int markerOf(String name) {
        for (int i = 0; i < markers.length; i++) {
            if (name.contains(markers[i])) return i;
        }
        return -1;
    }

    /** CPU seconds of the threads with marker {@code i} between two wall-clock moments (ms since the epoch). */
    synchronized double cpuSeconds(int i, long fromMs, long toMs) {
        return (at(toMs).cpuNs[i] - at(fromMs).cpuNs[i]) / 1e9;
    }

    /** The first sample at or after {@code wallMs} (the last one when none). */
    private Sample at(long wallMs) {
        for (Sample s : samples) {
            if (s.wallMs >= wallMs) return s;
        }
        return samples.get(samples.size() - 1);
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}

package dev.marquee.job.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The CPU time of every Java thread at one moment, grouped by name with the numbers taken out (both slots' task
 * threads, or all Kafka producers' network threads, are one group): two snapshots say where a JVM's CPU went
 * between them. Threads that ended in between are lost; what no Java thread did (the garbage collector, the JIT
 * compiler, TensorFlow's native threads) is the process's CPU minus the sum.
 */
final class ThreadCpuSnapshot {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Map<Long, String> groupOf = new HashMap<>();
    private final Map<Long, Long> cpuNs = new HashMap<>();

    static ThreadCpuSnapshot take() {
        ThreadCpuSnapshot s = new ThreadCpuSnapshot();
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info == null) continue;
            long cpu = THREADS.getThreadCpuTime(info.getThreadId());
            if (cpu < 0) continue;
            s.groupOf.put(info.getThreadId(), group(info.getThreadName()));
            s.cpuNs.put(info.getThreadId(), cpu);
        }
        return s;
    }

    static String group(String threadName) {
        String g = threadName.replaceAll("[0-9]+", "#");
        return g.length() > 70 ? g.substring(0, 70) + "…" : g;
    }

    /** CPU ns per group from {@code before} to this snapshot; a thread started in between counts from zero. */
    Map<String, Long> since(ThreadCpuSnapshot before) {
        Map<String, Long> out = new HashMap<>();
        cpuNs.forEach((id, cpu) -> out.merge(groupOf.get(id), cpu - before.cpuNs.getOrDefault(id, 0L), Long::sum));
        return out;
    }

    /** The {@code top} groups by CPU, as "name: µs" per {@code requests}, largest first. */
    static String perRequest(Map<String, Long> byGroup, long requests, int top) {
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(byGroup.entrySet());
        sorted.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        StringJoiner out = new StringJoiner("; ");
        for (int i = 0; i < Math.min(top, sorted.size()); i++) {
            out.add(String.format(Locale.ROOT, "%s: %.1f", sorted.get(i).getKey(), sorted.get(i).getValue() / 1e3 / requests));
        }
        return out.toString();
    }
}

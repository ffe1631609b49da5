package dev.marquee.data.dashboard;

import dev.marquee.data.event.DriftReport;
import java.util.ArrayList;
import java.util.List;

/**
 * The last {@code capacity} drift reports in arrival order, each numbered with an index that only grows (the
 * report's own {@code sequence} starts again when the job restarts, so it cannot say what a reader has seen).
 * Thread-safe: the Kafka reader adds while HTTP requests read.
 */
final class ReportBuffer {
    private final DriftReport[] ring;
    private long nextIndex;
    /** The last sequence and window end added per numbering ({@code run_started_at_ms}), for the last few runs seen. */
    private final java.util.LinkedHashMap<Long, long[]> lastByRun = new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<Long, long[]> eldest) {
            return size() > 16;
        }
    };

    ReportBuffer(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        this.ring = new DriftReport[capacity];
    }

    /**
     * Adds {@code report}, unless it repeats one already held: the same numbering, numbered at or below the last added,
     * and a window that ends no later (delivered twice). After a failover an at-least-once job numbers its windows from its last checkpoint
     * again; those are windows measured after the restore, later ones, and are added, as the retraining trigger counts
     * them. Returns its index, or -1 for a repeat.
     */
    synchronized long add(DriftReport report) {
        if (report.runStartedAtMs > 0) {
            long[] last = lastByRun.get(report.runStartedAtMs);
            if (last != null && report.sequence <= last[0] && (report.windowEndMs <= 0 || report.windowEndMs <= last[1])) {
                return -1;
            }
            if (last == null) lastByRun.put(report.runStartedAtMs, last = new long[2]);
            last[0] = report.sequence; // the last added, not the highest: windows numbered again follow one another
            last[1] = Math.max(last[1], report.windowEndMs);
        }
        long index = nextIndex++;
        ring[(int) (index % ring.length)] = report;
        return index;
    }

    /** The reports with an index above {@code index} still held, oldest first; {@code -1} gives all of them. */
    synchronized List<Entry> after(long index) {
        long from = Math.max(index + 1, oldestIndex());
        List<Entry> entries = new ArrayList<>((int) Math.max(0, nextIndex - from));
        for (long i = from; i < nextIndex; i++) {
            entries.add(new Entry(i, ring[(int) (i % ring.length)]));
        }
        return entries;
    }

    synchronized int size() {
        return (int) (nextIndex - oldestIndex());
    }

    /** How many reports were ever added (the index the next one gets). */
    synchronized long added() {
        return nextIndex;
    }

    int capacity() {
        return ring.length;
    }

    private long oldestIndex() {
        return Math.max(0, nextIndex - ring.length);
    }

    record Entry(long index, DriftReport report) {}
}

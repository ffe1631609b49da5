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
    /** The last sequence added per numbering ({@code run_started_at_ms}), for the last few runs seen. */
    private final java.util.LinkedHashMap<Long, Long> lastSequenceByRun = new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<Long, Long> eldest) {
            return size() > 16;
        }
    };

    ReportBuffer(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        this.ring = new DriftReport[capacity];
    }

    /**
     * Adds {@code report}, unless it repeats one already held: after a failover, an at-least-once job sends the
     * reports since its last checkpoint again under the same numbering, and the retraining trigger counts them once
     * too. Returns its index, or -1 for a repeat.
     */
    synchronized long add(DriftReport report) {
        if (report.runStartedAtMs > 0) {
            Long last = lastSequenceByRun.get(report.runStartedAtMs);
            if (last != null && report.sequence <= last) return -1;
            lastSequenceByRun.put(report.runStartedAtMs, report.sequence);
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

package dev.marquee.job.bench;

import org.HdrHistogram.Histogram;

/**
 * Latencies of the predictions a reader gets, in microseconds, two ways: from the request's due time in its
 * {@link SendSchedule} (what a user sending at that rate would see) and from the moment the producer actually
 * sent it (its Kafka timestamp, millisecond resolution), which leaves out the sender's own delays. Only
 * measured requests count; one thread records.
 */
final class LatencyRecorder {
    private final SendSchedule schedule;
    private final Histogram fromDue = new Histogram(3);
    private final Histogram fromSend = new Histogram(3);

    LatencyRecorder(SendSchedule schedule) {
        this.schedule = schedule;
    }

    /**
     * @param sentMs   the request's Kafka timestamp (epoch ms), or -1 when unknown
     * @param nowNanos {@link System#nanoTime()} when the prediction was read
     * @param nowMs    {@link System#currentTimeMillis()} at the same moment
     * @return whether the prediction was one of the measured requests
     */
    boolean record(String requestId, long sentMs, long nowNanos, long nowMs) {
        long due = schedule.dueNanos(requestId);
        if (due < 0) return false;
        fromDue.recordValue(Math.max(0, (nowNanos - due) / 1_000));
        if (sentMs >= 0) fromSend.recordValue(Math.max(0, nowMs - sentMs) * 1_000);
        return true;
    }

    LatencySummary fromDue() {
        return LatencySummary.of(fromDue);
    }

    LatencySummary fromSend() {
        return LatencySummary.of(fromSend);
    }
}

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
    /**
     * The measured requests answered, by index in the schedule: a bit each, where a set of boxed due times rehashed its
     * table (and gave the collector megabytes to copy) on this thread, in the JVM under measurement, mid-run.
     */
    private final java.util.BitSet answered = new java.util.BitSet();
    private final Histogram fromSend = new Histogram(3);
    private final Histogram inWindow = new Histogram(3);
    /** From the actual send to the end of scoring, and from there to the read: where the time goes. */
    private final Histogram sendToScored = new Histogram(3);
    private final Histogram scoredToRead = new Histogram(3);
    /** Due times (nanoTime) of the requests {@link #window()} covers; set by another thread, read by the recorder. */
    private volatile long windowFrom = Long.MAX_VALUE;
    private volatile long windowTo = Long.MIN_VALUE;
    private final LatencyTimeline timeline;

    LatencyRecorder(SendSchedule schedule) {
        this(schedule, null);
    }

    /** As above, also keeping the latencies per second of the measured part ({@code timeline}, null for none). */
    LatencyRecorder(SendSchedule schedule, LatencyTimeline timeline) {
        this.schedule = schedule;
        this.timeline = timeline;
    }

    /**
     * @param sentMs   the request's Kafka timestamp (epoch ms), or -1 when unknown
     * @param nowNanos {@link System#nanoTime()} when the prediction was read
     * @param nowMs    {@link System#currentTimeMillis()} at the same moment
     * @return whether the prediction was one of the measured requests
     */
    boolean record(String requestId, long sentMs, long nowNanos, long nowMs) {
        return record(requestId, sentMs, -1, nowNanos, nowMs);
    }

    /** As above, with the prediction's {@code scored_at_ms} (-1 when unknown) to split the time at the scorer. */
    boolean record(String requestId, long sentMs, long scoredAtMs, long nowNanos, long nowMs) {
        long due = schedule.dueNanos(requestId);
        if (due < 0) return false;
        // a request answered twice (at-least-once: replayed after a restart) counts once, by its first answer, or
        // duplicates would make up for requests never answered in the count the reader stops at
        long index = schedule.index(due);
        if (index < 0 || index > Integer.MAX_VALUE || answered.get((int) index)) return false;
        answered.set((int) index);
        long micros = Math.max(0, (nowNanos - due) / 1_000);
        fromDue.recordValue(micros);
        if (timeline != null) timeline.record(due, micros);
        if (due >= windowFrom && due <= windowTo) inWindow.recordValue(micros);
        if (sentMs >= 0) fromSend.recordValue(Math.max(0, nowMs - sentMs) * 1_000);
        if (sentMs >= 0 && scoredAtMs >= 0) {
            sendToScored.recordValue(Math.max(0, scoredAtMs - sentMs) * 1_000);
            scoredToRead.recordValue(Math.max(0, nowMs - scoredAtMs) * 1_000);
        }
        return true;
    }

    /** Also records, from the due time, the requests due between {@code fromNanos} and {@code toNanos}. */
    void window(long fromNanos, long toNanos) {
        windowTo = toNanos;
        windowFrom = fromNanos;
    }

    /** The latencies (from the due time) of the requests due in the {@link #window(long, long)}. */
    LatencySummary window() {
        return LatencySummary.of(inWindow);
    }

    LatencySummary fromDue() {
        return LatencySummary.of(fromDue);
    }

    LatencySummary sendToScored() {
        return LatencySummary.of(sendToScored);
    }

    LatencySummary scoredToRead() {
        return LatencySummary.of(scoredToRead);
    }

    LatencySummary fromSend() {
        return LatencySummary.of(fromSend);
    }
}

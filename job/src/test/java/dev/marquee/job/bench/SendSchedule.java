package dev.marquee.job.bench;

/**
 * An open-loop send schedule at a steady rate: request {@code i} is due {@code i / rate} seconds after the start,
 * whether or not the sender keeps up. Measured requests carry their due time in their id, so that a reader on
 * another thread can take latency from when a request should have been sent: a sender that falls behind (a GC
 * pause, a full producer buffer) then shows as latency instead of hiding it (coordinated omission).
 */
record SendSchedule(long startNanos, double rate, long warmupRequests) {
    private static final String MEASURED = "l-";
    private static final String WARMUP = "w-";

    /** The {@link System#nanoTime()} at which request {@code i} is due. */
    long dueNanos(long i) {
        return startNanos + offsetNanos(i);
    }

    /** "w-&lt;i&gt;" during the warm-up; then "l-&lt;nanoseconds from the start to the request's due time&gt;". */
    String requestId(long i) {
        return i < warmupRequests ? WARMUP + i : MEASURED + offsetNanos(i);
    }

    /** The due time stamped into a measured request's id, or -1 for any other id. */
    long dueNanos(String requestId) {
        if (requestId == null || !requestId.startsWith(MEASURED)) return -1;
        try {
            return startNanos + Long.parseLong(requestId.substring(MEASURED.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The index of the request due at {@code dueNanos} (the inverse of {@link #dueNanos(long)}). */
    long index(long dueNanos) {
        return Math.round((dueNanos - startNanos) * rate / 1e9);
    }

    private long offsetNanos(long i) {
        return (long) (i * 1e9 / rate);
    }
}

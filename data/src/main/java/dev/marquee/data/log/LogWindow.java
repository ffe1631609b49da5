package dev.marquee.data.log;

import java.util.function.LongSupplier;

/**
 * At most one log line per interval for an event that can repeat at the input's rate (a record that does not
 * decode, a batch a model fails on): the first event of each interval is logged, with how many went unlogged since
 * the line before. The counters say how many there were in all; the log says what the latest ones were like.
 */
public final class LogWindow {
    private final long intervalMs;
    private final LongSupplier clockMs;
    private boolean logged;
    private long nextAtMs;
    private long unlogged;

    /** On a monotonic clock: a wall clock stepped back (NTP, a VM restored) would silence the log for the step. */
    public LogWindow(long intervalMs) {
        this(intervalMs, () -> System.nanoTime() / 1_000_000);
    }

    public LogWindow(long intervalMs, LongSupplier clockMs) {
        if (intervalMs < 0) throw new IllegalArgumentException("intervalMs must be >= 0");
        this.intervalMs = intervalMs;
        this.clockMs = clockMs;
    }

    /**
     * For an event that just happened: -1 when it is not to be logged, else how many events went unlogged since the
     * last line (0 for the first).
     */
    public synchronized long next() {
        long now = clockMs.getAsLong();
        // a clock gone back past the line before (an injected wall clock) re-arms, not silences for the step
        if (logged && now < nextAtMs && now >= nextAtMs - intervalMs) {
            unlogged++;
            return -1;
        }
        long since = unlogged;
        logged = true;
        unlogged = 0;
        nextAtMs = now + intervalMs;
        return since;
    }

    /** " (N more since the last line)" for {@code unlogged} > 0, else "": for the end of a line. */
    public static String since(long unlogged) {
        return unlogged > 0 ? " (" + unlogged + " more since the last such line)" : "";
    }
}

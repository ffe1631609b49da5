package dev.marquee.job.label;

import java.time.Duration;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.streaming.api.TimerService;

/**
 * Keyed state that expires after a time without writes, cleared by a coarse processing-time timer per key instead of
 * by Flink's background cleanup of the heap backend (decision 0014). That cleanup runs on every state access and,
 * while a state holds few or no entries (no labels yet), starts a new walk over all the subtask's key groups on each
 * access: it was 18% of the labels' task thread at 10,000 predictions/s with no label sent. The TTL itself stays:
 * an expired value is never returned and is cleared when read, left out of full snapshots and dropped by RocksDB's
 * compaction filter.
 */
final class TtlSweep {
    /** Sweep times are rounded up to a sixteenth of the TTL (at least a second), so a key has few timers. */
    static final int STEPS_PER_TTL = 16;

    private TtlSweep() {}

    /** A TTL of {@code ttlMs} without background cleanup. */
    static StateTtlConfig config(long ttlMs) {
        return StateTtlConfig.newBuilder(Duration.ofMillis(ttlMs))
                .disableCleanupInBackground().cleanupFullSnapshot().cleanupInRocksdbCompactFilter(1000).build();
    }

    /**
     * When to look again at a key written at {@code nowMs}: the first step boundary at or after its expiry, or
     * {@link Long#MAX_VALUE} when that is past any clock.
     */
    static long at(long nowMs, long ttlMs) {
        long step = Math.max(1000, ttlMs / STEPS_PER_TTL);
        if (nowMs > Long.MAX_VALUE - ttlMs - step) return Long.MAX_VALUE;
        long expiry = nowMs + ttlMs;
        return (expiry + step - 1) / step * step;
    }

    /** Registers the current key's sweep after a write to its expiring state (timers of one key and time are one). */
    static void afterWrite(TimerService timers, long ttlMs) {
        long at = at(timers.currentProcessingTime(), ttlMs);
        if (at != Long.MAX_VALUE) timers.registerProcessingTimeTimer(at);
    }

    /**
     * Registers the current key's next sweep from its sweep at {@code firedAt}, whose state is still alive: after
     * the step, at the earliest. Flink fires a timer by a monotonic clock; with the wall clock stepped back by more
     * than the TTL, a sweep judged by the wall clock alone would fall at or before the one firing, which Flink would
     * fire again at once, in a loop.
     */
    static void afterSweep(TimerService timers, long ttlMs, long firedAt) {
        long at = next(timers.currentProcessingTime(), ttlMs, firedAt);
        if (at != Long.MAX_VALUE) timers.registerProcessingTimeTimer(at);
    }

    static long next(long nowMs, long ttlMs, long firedAt) {
        long at = at(nowMs, ttlMs);
        if (at == Long.MAX_VALUE || at > firedAt) return at;
        long step = Math.max(1000, ttlMs / STEPS_PER_TTL);
        return firedAt > Long.MAX_VALUE - step ? Long.MAX_VALUE : firedAt + step;
    }
}

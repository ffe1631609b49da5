package dev.marquee.model.trainer;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * At most {@code perHour} retrain requests trained in any sliding hour: {@code retrain-requests} is a topic
 * anyone with write access can fill, and each request costs minutes of both cores. 0 means no limit.
 */
final class RequestRateLimit {
    static final long HOUR_MS = 3_600_000L;

    private final int perHour;
    private final Deque<Long> taken = new ArrayDeque<>();

    RequestRateLimit(int perHour) {
        if (perHour < 0) throw new IllegalArgumentException("the limit must be >= 0, got " + perHour);
        this.perHour = perHour;
    }

    /** Takes a slot at {@code nowMs} when one is free in the hour before it; false when the limit is reached. */
    boolean tryTake(long nowMs) {
        if (perHour == 0) return true;
        while (!taken.isEmpty() && taken.peekFirst() <= nowMs - HOUR_MS) taken.pollFirst();
        if (taken.size() >= perHour) return false;
        taken.addLast(nowMs);
        return true;
    }

    /** When the next slot frees up, for the outcome's reason; {@code nowMs} when one is free now. */
    long nextFreeAtMs(long nowMs) {
        if (perHour == 0 || taken.size() < perHour) return nowMs;
        return taken.peekFirst() + HOUR_MS;
    }

    int perHour() {
        return perHour;
    }
}

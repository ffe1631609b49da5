package dev.marquee.data.profile;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * How many reference rows fell in each absolute event hour ({@code timestamp / 3600}) of the reference period:
 * the "matching slice" a window of requests from inside that period is compared with
 * ({@code timestamp.slice_gap_rate}, docs/DRIFT.md).
 *
 * @param firstHour the first hour counted, in hours since the epoch
 * @param counts rows per hour from {@code firstHour} on
 */
public record EventHours(long firstHour, long[] counts) implements Serializable {
    /** Periods longer than this (about 11 years) are not profiled hour by hour: the file would grow too big. */
    public static final int MAX_HOURS = 100_000;

    public EventHours {
        if (counts == null || counts.length == 0 || counts.length > MAX_HOURS) {
            throw new IllegalArgumentException("event hours need 1 to " + MAX_HOURS + " counts");
        }
        for (long c : counts) {
            if (c < 0) throw new IllegalArgumentException("event hour counts must be >= 0");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EventHours h && h.firstHour == firstHour && java.util.Arrays.equals(h.counts, counts);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(firstHour) * 31 + java.util.Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "EventHours[first " + firstHour + ", " + counts.length + " hours]";
    }

    public static long hourOf(long epochSeconds) {
        return Math.floorDiv(epochSeconds, 3600L);
    }

    public long lastHour() {
        return firstHour + counts.length - 1;
    }

    /** Rows in {@code hour}, 0 outside the period. */
    public long count(long hour) {
        return hour < firstHour || hour > lastHour() ? 0 : counts[(int) (hour - firstHour)];
    }

    public boolean contains(long hour) {
        return hour >= firstHour && hour <= lastHour();
    }

    /** Counts timestamps; {@link #build()} is null when the period is longer than {@link #MAX_HOURS}. */
    static final class Counter {
        private final Map<Long, Long> hours = new HashMap<>();
        private long min = Long.MAX_VALUE;
        private long max = Long.MIN_VALUE;

        void add(long epochSeconds) {
            long h = hourOf(epochSeconds);
            hours.merge(h, 1L, Long::sum);
            min = Math.min(min, h);
            max = Math.max(max, h);
        }

        EventHours build() {
            if (hours.isEmpty() || max - min + 1 > MAX_HOURS) return null;
            long[] counts = new long[(int) (max - min + 1)];
            hours.forEach((h, c) -> counts[(int) (h - min)] = c);
            return new EventHours(min, counts);
        }
    }
}

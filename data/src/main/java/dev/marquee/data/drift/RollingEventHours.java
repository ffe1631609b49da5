package dev.marquee.data.drift;

import dev.marquee.data.profile.TimestampProfile;
import java.util.Map;
import java.util.TreeMap;

/**
 * The last {@value #SPAN_HOURS} hours (28 days) of event time seen by the stream, counted per absolute hour,
 * for the seasonal metrics: a window of a few seconds holds minutes to hours of event time from a few users,
 * and its hour-of-day histogram says nothing when compared with months of training data; 7 days of event time
 * do, and 28 days are steadier than 7 (measured on ML-100K: decision 0007). The anchor follows the windows' median event hour, so a few records with wild timestamps move nothing.
 * A Flink POJO: it is the drift window operator's state.
 */
public class RollingEventHours {
    public static final int SPAN_HOURS = 28 * 24;

    /** Rows per absolute hour, for hours in {@code [anchor - SPAN_HOURS, anchor + 24]}. */
    public Map<Long, Long> hours = new TreeMap<>();
    /** The highest window median hour seen; Long.MIN_VALUE before the first window. */
    public long anchor = Long.MIN_VALUE;
    /** The lowest window median hour seen. */
    public long first = Long.MAX_VALUE;

    public RollingEventHours() {}

    /** Adds one window's rows per event hour. */
    public void add(Map<Long, Long> windowHours) {
        if (windowHours.isEmpty()) return;
        long median = medianHour(windowHours);
        anchor = Math.max(anchor, median);
        first = Math.min(first, median);
        TreeMap<Long, Long> kept = new TreeMap<>();
        long from = anchor - SPAN_HOURS;
        long to = anchor + 24;
        hours.forEach((h, n) -> {
            if (h >= from && h <= to) kept.put(h, n);
        });
        windowHours.forEach((h, n) -> {
            if (h >= from && h <= to) kept.merge(h, n, Long::sum);
        });
        hours = kept;
    }

    /** True once the stream's windows have covered 28 days of event time. */
    public boolean spansItsSpan() {
        return anchor != Long.MIN_VALUE && anchor - first >= SPAN_HOURS;
    }

    public long rows() {
        long n = 0;
        for (long c : hours.values()) n += c;
        return n;
    }

    /** Shares per hour of day (UTC) of the retained rows. */
    public double[] hourOfDay() {
        long[] counts = new long[TimestampProfile.HOURS];
        hours.forEach((h, n) -> counts[TimestampProfile.hourOf(h * 3600)] += n);
        return Distances.shares(counts);
    }

    /** Shares per day of week (ISO, Monday first) of the retained rows. */
    public double[] dayOfWeek() {
        long[] counts = new long[TimestampProfile.DAYS];
        hours.forEach((h, n) -> counts[TimestampProfile.dayOfWeekOf(h * 3600)] += n);
        return Distances.shares(counts);
    }

    static long medianHour(Map<Long, Long> windowHours) {
        TreeMap<Long, Long> sorted = new TreeMap<>(windowHours);
        long total = 0;
        for (long n : sorted.values()) total += n;
        long seen = 0;
        for (Map.Entry<Long, Long> e : sorted.entrySet()) {
            seen += e.getValue();
            if (2 * seen >= total) return e.getKey();
        }
        return sorted.lastKey();
    }
}

package dev.marquee.data.drift;

import dev.marquee.data.profile.TimestampProfile;
import java.util.Map;
import java.util.TreeMap;

/**
 * The last {@value #SPAN_HOURS} hours (28 days) of event time seen by the stream, counted per absolute hour,
 * for the seasonal metrics: a window of a few seconds holds minutes to hours of event time from a few users,
 * and its hour-of-day histogram says nothing when compared with months of training data. 28 days do better (7
 * still alarmed on ML-100K: decision 0007). The span follows the windows' median event hours and their
 * activity around it, so a few records with wild timestamps move nothing.
 * A Flink POJO: it is the drift window operator's state.
 */
public class RollingEventHours {
    public static final int SPAN_HOURS = 28 * 24;
    static final int MAX_GAP_HOURS = 7 * 24;

    /** Rows per absolute hour, for hours in {@code [top - SPAN_HOURS, top]}. */
    public Map<Long, Long> hours = new TreeMap<>();
    /** The highest window median hour seen; Long.MIN_VALUE before the first window. */
    public long anchor = Long.MIN_VALUE;
    /** The lowest window median hour seen. */
    public long first = Long.MAX_VALUE;
    /** The last hour reached from a window median without a gap of more than a week: the span kept ends here. */
    public long top = Long.MIN_VALUE;

    public RollingEventHours() {}

    /** Adds one window's rows per event hour. */
    public void add(Map<Long, Long> windowHours) {
        if (windowHours.isEmpty()) return;
        TreeMap<Long, Long> sorted = new TreeMap<>(windowHours);
        long median = percentileHour(sorted, 0.5);
        if (anchor != Long.MIN_VALUE && (median < anchor - SPAN_HOURS || median > anchor + SPAN_HOURS)) {
            // Event time went back by more than the span (a replay started again, a backfill): start over, or every
            // later window would fall before the kept span and the seasonal metrics would freeze on stale hours.
            // Forward by more than the span (live again after a backfill, a restore of old state): start over too,
            // or the span would count as covered while it holds this one window's hours.
            hours = new TreeMap<>();
            anchor = Long.MIN_VALUE;
            first = Long.MAX_VALUE;
            top = Long.MIN_VALUE;
        }
        anchor = Math.max(anchor, median);
        first = Math.min(first, median);
        // The kept span ends at the window's last hour reached from its median without a gap of more than a week:
        // a window of several days keeps all its days, and rows with wild timestamps, far from the rest, move nothing.
        top = Math.max(top, Math.max(anchor, lastContiguousHour(sorted, median)));
        TreeMap<Long, Long> kept = new TreeMap<>();
        long from = top - SPAN_HOURS;
        hours.forEach((h, n) -> {
            if (h >= from && h <= top) kept.put(h, n);
        });
        sorted.forEach((h, n) -> {
            if (h >= from && h <= top) kept.merge(h, n, Long::sum);
        });
        hours = kept;
    }

    /**
     * Adds the rows of a window too small to place the span (a few records, a stale one among them, would set its
     * median): only those inside the span the larger windows placed count, and the span does not move. Nothing
     * before a first larger window.
     */
    public void addWithinSpan(Map<Long, Long> windowHours) {
        if (anchor == Long.MIN_VALUE) return;
        long from = top - SPAN_HOURS;
        windowHours.forEach((h, n) -> {
            if (h >= from && h <= top) hours.merge(h, n, Long::sum);
        });
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
        return percentileHour(new TreeMap<>(windowHours), 0.5);
    }

    /** The last hour of {@code sorted} reached from {@code from} upwards without a gap of more than a week. */
    static long lastContiguousHour(TreeMap<Long, Long> sorted, long from) {
        long last = from;
        for (long h : sorted.tailMap(from, false).keySet()) {
            if (h - last > MAX_GAP_HOURS) break;
            last = h;
        }
        return last;
    }

    /** The smallest hour at or below which a share {@code q} of the rows lie. */
    static long percentileHour(TreeMap<Long, Long> sorted, double q) {
        long total = 0;
        for (long n : sorted.values()) total += n;
        long seen = 0;
        for (Map.Entry<Long, Long> e : sorted.entrySet()) {
            seen += e.getValue();
            if (seen >= q * total) return e.getKey();
        }
        return sorted.lastKey();
    }
}

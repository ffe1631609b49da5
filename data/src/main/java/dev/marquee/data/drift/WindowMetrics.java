package dev.marquee.data.drift;

import static dev.marquee.data.drift.DriftMetricNames.*;

import dev.marquee.data.profile.EventHours;
import java.util.Arrays;
import java.util.Map;

/**
 * The distribution metrics of one window's scored requests against a model version's reference: the same code
 * for the live job and for the calibration that sets their thresholds, so both measure the same thing.
 */
public final class WindowMetrics {
    /** Share of a window's rows that must fall inside the reference period for {@code timestamp.slice_gap_rate}. */
    static final double SLICE_MIN_INSIDE = 0.5;

    private WindowMetrics() {}

    /**
     * Puts the data and prediction metrics of {@code c} into {@code m}; adds the window's event hours to
     * {@code rolling}, the stream's last 28 days of event time. Against a {@link ReferenceBuckets#placeholder}
     * only the metrics that need no reference ({@link DriftMetricNames#NEED_REFERENCE}), and the OOV rates only
     * when every prediction had its flags.
     */
    public static void put(Map<String, Double> m, DriftCounts c, ReferenceBuckets ref, RollingEventHours rolling) {
        double n = c.scored;
        boolean oovKnown = c.oovUnknown == 0;
        if (oovKnown) m.put(USER_OOV, c.userOov / n);
        m.put(USER_TOP5, topShare(c.userHashes, 5, c.scored));
        if (oovKnown) m.put(TITLE_OOV, c.titleOov / n);
        long matched = c.titleMatches.values().stream().mapToLong(Long::longValue).sum();
        for (Map.Entry<String, Long> e : c.titleMatches.entrySet()) {
            m.put(TITLE_MATCH_RATE_PREFIX + e.getKey(), (double) e.getValue() / matched);
        }
        // A window's counts can come from a subtask that had no readable profile (one "other" bucket): compared only
        // when they have the reference's buckets.
        if (ref.hasProfile && c.titleBuckets.length == ref.titleExpected.length) {
            double[] titles = Distances.shares(c.titleBuckets);
            m.put(TITLE_LINF, Distances.linf(titles, ref.titleExpected));
            m.put(TITLE_JS, Distances.jensenShannon(titles, ref.titleExpected));
        }
        rolling.add(c.eventHours);
        if (ref.hasProfile && rolling.spansItsSpan()) {
            m.put(HOUR_JS, Distances.jensenShannon(rolling.hourOfDay(), ref.hourExpected));
            m.put(DAY_JS, Distances.jensenShannon(rolling.dayOfWeek(), ref.dayExpected));
        }
        double slice = sliceGapRate(c, ref.eventHours);
        if (!Double.isNaN(slice)) m.put(SLICE_GAP, slice);
        if (ref.predictionExpected != null && c.predictionSlots.length == ref.predictionExpected.length) {
            double[] predictions = Distances.shares(c.predictionSlots);
            m.put(PREDICTION_PSI, Distances.psi(predictions, ref.predictionExpected));
            m.put(PREDICTION_JS, Distances.jensenShannon(predictions, ref.predictionExpected));
        }
        m.put(PREDICTION_MEAN, c.predictionSum / n);
        if (ref.baseline != null && c.baselined > 0) {
            m.put(PREDICTION_MEAN_SHIFT, Math.abs(c.residualSum / c.baselined - ref.baseline.residualMean()));
        }
    }

    /** Share of {@code total} in the {@code k} largest buckets. */
    static double topShare(long[] buckets, int k, long total) {
        if (total == 0 || buckets.length == 0) return 0;
        long[] sorted = buckets.clone();
        Arrays.sort(sorted);
        long top = 0;
        for (int i = 0; i < k && i < sorted.length; i++) top += sorted[sorted.length - 1 - i];
        return (double) top / total;
    }

    /**
     * The share of the window's rows whose event hour holds no row of the reference, or is outside its period;
     * NaN when the reference has no hourly profile or less than {@value #SLICE_MIN_INSIDE} of the window lies
     * inside the period (live traffic after it). Windows of a stream are not contiguous slices (several slots
     * and partitions interleave), so this asks only whether each hour is one the reference had at all. Rows in hours
     * beyond what the summary keeps ({@code eventHoursOverflow}: a window spanning thousands of hours, a shuffled
     * backfill) are unknown, neither gaps nor not: left out, and NaN when they outnumber the rows kept.
     */
    static double sliceGapRate(DriftCounts c, EventHours reference) {
        if (reference == null || c.eventHours.isEmpty()) return Double.NaN;
        long total = 0;
        long inside = 0;
        long gaps = 0;
        for (Map.Entry<Long, Long> e : c.eventHours.entrySet()) {
            total += e.getValue();
            if (reference.contains(e.getKey())) inside += e.getValue();
            if (reference.count(e.getKey()) == 0) gaps += e.getValue();
        }
        if (total == 0 || c.eventHoursOverflow > total || inside < SLICE_MIN_INSIDE * total) return Double.NaN;
        return (double) gaps / total;
    }
}

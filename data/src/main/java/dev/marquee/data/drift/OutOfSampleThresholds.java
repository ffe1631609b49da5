package dev.marquee.data.drift;

import dev.marquee.data.profile.Histogram;
import dev.marquee.data.profile.ReferenceProfile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The thresholds of the distances that compare a window with the reference profile, for traffic the model did not
 * train on. The calibration replays the training rows: the model's predictions there are in sample (a model that fits
 * its training rows closely spreads them wider than its live ones), and its contiguous, overlapping windows resolve
 * the tail of a distance only loosely where windows are few. Rows held out from the same period (a random hold-out,
 * not a later one) show what live traffic looks like: independent windows drawn from them are compared with the
 * reference as the job compares a window, and each of {@link #METRICS} gets, for each window size and alert streak
 * {@code h}, at least what the calibration would take of them (the quantile of the smallest of {@code h} windows in a
 * row, with its margin) (docs/DRIFT.md, "Calibration").
 *
 * <p>A held-out part from a later period (a time split's validation part) is left out: its distance from the
 * training rows also holds the change over time (new users) that drift detection is there to report.
 */
public final class OutOfSampleThresholds {
    /** Fewer held-out rows than this are too few to stand for out-of-sample traffic: the thresholds stay as calibrated. */
    public static final int MIN_ROWS = 1_000;
    /** Held-out rows at least this share of which lie within the training rows' time range count as the same period. */
    public static final double SAME_PERIOD_SHARE = 0.9;
    /**
     * Windows are drawn for sizes up to this share of the held-out rows: a window drawn from a few rows carries their
     * own sampling noise too (about a fifth more at a quarter). Larger sizes get the largest drawn size's need, more
     * than they need (the need falls as windows grow), so never less than the fix asks for.
     */
    static final double MAX_WINDOW_SHARE = 0.25;
    static final int WINDOWS_PER_SIZE = 2_000;
    static final List<String> METRICS = List.of(DriftMetricNames.PREDICTION_PSI, DriftMetricNames.PREDICTION_JS,
            DriftMetricNames.TITLE_LINF, DriftMetricNames.TITLE_JS);

    private OutOfSampleThresholds() {}

    /** Whether {@code heldOut} timestamps lie within the training rows' time range ({@link #SAME_PERIOD_SHARE} of them). */
    public static boolean samePeriod(long[] training, long[] heldOut) {
        if (training.length == 0 || heldOut.length == 0) return false;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (long t : training) {
            min = Math.min(min, t);
            max = Math.max(max, t);
        }
        long inside = 0;
        for (long t : heldOut) if (t >= min && t <= max) inside++;
        return inside >= SAME_PERIOD_SHARE * heldOut.length;
    }

    /**
     * {@code calibration} with each of {@link #METRICS}' thresholds at least what independent windows of the held-out
     * rows need (sizes over {@link #MAX_WINDOW_SHARE} of them: the largest drawn size's need); unchanged, with a line
     * to {@code progress} saying why, when there is no calibration, the held-out rows are fewer than {@link #MIN_ROWS},
     * or of a later period.
     *
     * @param predictions the model's predictions on the held-out rows
     * @param titles their titles, as the job counts them
     * @param heldOutSource what the held-out rows are, e.g. "validation" or "training hold-out"
     */
    public static DriftCalibration allowFor(DriftCalibration calibration, ReferenceProfile profile, float[] predictions,
                                            String[] titles, boolean samePeriod, String heldOutSource, Consumer<String> progress) {
        if (calibration == null) return null;
        String asCalibrated = "drift calibration: distance thresholds as calibrated on the training rows: ";
        int n = predictions.length;
        if (n < MIN_ROWS) {
            progress.accept(asCalibrated + (n == 0 ? "no held-out rows" : String.format(Locale.ROOT, "the held-out rows (%s) are %,d",
                    heldOutSource, n))
                    + String.format(Locale.ROOT, ", too few to stand for traffic the model did not train on (%,d needed)", MIN_ROWS));
            return calibration;
        }
        if (!samePeriod) {
            progress.accept(asCalibrated + "the held-out rows (" + heldOutSource + ") are of a later period, whose change"
                    + " over time is what drift detection reports");
            return calibration;
        }
        ReferenceBuckets ref = ReferenceBuckets.of(0, profile);
        int[] sizes = calibration.windowSizes();
        int usable = 0;
        while (usable < sizes.length && sizes[usable] <= MAX_WINDOW_SHARE * n) usable++;
        if (usable == 0) { // not with MIN_ROWS and the smallest size, 200; kept for other calibrations
            progress.accept(asCalibrated + String.format(Locale.ROOT, "windows of %,d are over a quarter of the %,d held-out"
                    + " rows (%s)", sizes[0], n, heldOutSource));
            return calibration;
        }
        int[] predictionSlot = new int[n];
        int[] titleBucket = new int[n];
        int titleBuckets = ref.titleBuckets();
        for (int i = 0; i < n; i++) {
            predictionSlot[i] = Histogram.slotOf(ref.predictionEdges, predictions[i]);
            ReferenceBuckets.Known t = titles[i] == null ? null : ref.titles.get(titles[i]);
            titleBucket[i] = t == null || t.bucket() < 0 ? titleBuckets - 1 : t.bucket();
        }
        double q = 1 - calibration.budget() / DriftMetricNames.CALIBRATED.size();
        int streaks = DriftCalibration.MAX_ALERT_WINDOWS;
        double[][][] needed = new double[streaks][METRICS.size()][sizes.length]; // [streak - 1][metric][size]
        Random random = new Random(42);
        for (int s = 0; s < usable; s++) {
            double[][] values = windowDistances(sizes[s], predictionSlot, titleBucket, ref, random);
            for (int m = 0; m < METRICS.size(); m++) {
                for (int h = 1; h <= streaks; h++) {
                    double[] minima = new double[WINDOWS_PER_SIZE];
                    for (int b = 0; b < WINDOWS_PER_SIZE; b++) {
                        double min = Double.POSITIVE_INFINITY;
                        for (int j = 0; j < h; j++) min = Math.min(min, values[m][b + j]);
                        minima[b] = min;
                    }
                    // as the calibration: never more for a longer streak than for a shorter one
                    double need = DriftCalibrator.withMargin(minima, q);
                    needed[h - 1][m][s] = h == 1 ? need : Math.min(need, needed[h - 2][m][s]);
                }
            }
        }
        for (double[][] byStreak : needed) {
            for (double[] bySize : byStreak) {
                for (int s = usable; s < sizes.length; s++) bySize[s] = bySize[usable - 1];
            }
        }
        Map<String, Map<String, double[]>> raised = new TreeMap<>();
        int raisedCount = 0;
        for (Map.Entry<String, Map<String, double[]>> streak : calibration.thresholds().entrySet()) {
            int h = Math.max(1, Math.min(streaks, Integer.parseInt(streak.getKey())));
            Map<String, double[]> byMetric = new TreeMap<>(streak.getValue());
            for (int m = 0; m < METRICS.size(); m++) {
                double[] t = byMetric.get(METRICS.get(m));
                if (t == null) continue;
                double[] up = t.clone();
                for (int s = 0; s < sizes.length; s++) {
                    if (needed[h - 1][m][s] > up[s]) {
                        up[s] = needed[h - 1][m][s];
                        raisedCount++;
                    }
                }
                byMetric.put(METRICS.get(m), up);
            }
            raised.put(streak.getKey(), byMetric);
        }
        String what = raisedCount == 0 ? "the calibrated thresholds are above what they need"
                : String.format(Locale.ROOT, "%d threshold%s (of window sizes by alert streaks) raised to what they need: %s"
                        + " (the held-out checks above were measured before)", raisedCount, raisedCount == 1 ? "" : "s",
                        describe(calibration.thresholds(), raised, sizes));
        String drawn = usable == sizes.length ? String.format(Locale.ROOT, "sizes %,d to %,d", sizes[0], sizes[usable - 1])
                : String.format(Locale.ROOT, "sizes %,d to %,d (larger ones take the need of %,d)", sizes[0], sizes[usable - 1],
                        sizes[usable - 1]);
        progress.accept(String.format(Locale.ROOT, "drift calibration: independent windows of %,d held-out rows (%s; out of"
                + " sample), %s: %s", n, heldOutSource, drawn, what));
        return new DriftCalibration(calibration.formatVersion(), calibration.budget(), calibration.calibrationRows(),
                calibration.heldOutRows(), calibration.baseline(), sizes, raised, calibration.checks());
    }

    /** {@link #METRICS}' distances of {@code WINDOWS_PER_SIZE + MAX_ALERT_WINDOWS - 1} independent windows of {@code w} rows. */
    private static double[][] windowDistances(int w, int[] predictionSlot, int[] titleBucket, ReferenceBuckets ref, Random random) {
        int windows = WINDOWS_PER_SIZE + DriftCalibration.MAX_ALERT_WINDOWS - 1;
        double[][] values = new double[METRICS.size()][windows];
        long[] predictionCounts = new long[ref.predictionSlots()];
        long[] titleCounts = new long[ref.titleBuckets()];
        for (int b = 0; b < windows; b++) {
            Arrays.fill(predictionCounts, 0);
            Arrays.fill(titleCounts, 0);
            for (int k = 0; k < w; k++) {
                int row = random.nextInt(predictionSlot.length);
                predictionCounts[predictionSlot[row]]++;
                titleCounts[titleBucket[row]]++;
            }
            double[] predictions = Distances.shares(predictionCounts);
            double[] titles = Distances.shares(titleCounts);
            values[0][b] = ref.predictionExpected == null ? 0 : Distances.psi(predictions, ref.predictionExpected);
            values[1][b] = ref.predictionExpected == null ? 0 : Distances.jensenShannon(predictions, ref.predictionExpected);
            values[2][b] = Distances.linf(titles, ref.titleExpected);
            values[3][b] = Distances.jensenShannon(titles, ref.titleExpected);
        }
        return values;
    }

    /** For each raised metric, its largest raise: "metric a -> b (h in a row of w)". */
    private static String describe(Map<String, Map<String, double[]>> before, Map<String, Map<String, double[]>> after, int[] sizes) {
        List<String> parts = new ArrayList<>();
        for (String metric : METRICS) {
            double largest = 0;
            String part = null;
            for (String streak : before.keySet()) {
                double[] a = before.get(streak).get(metric);
                double[] b = after.get(streak).get(metric);
                if (a == null) continue;
                for (int s = 0; s < a.length; s++) {
                    if (b[s] - a[s] > largest) {
                        largest = b[s] - a[s];
                        part = String.format(Locale.ROOT, "%s %.4f -> %.4f (%s in a row of %,d)", metric, a[s], b[s], streak, sizes[s]);
                    }
                }
            }
            if (part != null) parts.add(part);
        }
        return String.join(", ", parts);
    }
}

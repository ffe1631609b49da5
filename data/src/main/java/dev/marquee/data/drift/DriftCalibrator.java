package dev.marquee.data.drift;

import static dev.marquee.data.drift.DriftMetricNames.*;

import dev.marquee.data.event.DriftReport;
import dev.marquee.data.profile.ReferenceProfile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Calibrates drift thresholds from a model's reference data (docs/DRIFT.md, "Calibration"). The reference rows,
 * in time order and with the model's predictions, are cut into windows the way live windows are drawn:
 * contiguous runs of rows, not shuffled samples, so the bursts of a few users that real windows hold are in the
 * calibration too. For each window size and each of several phase offsets, consecutive windows go through the
 * same {@link WindowMetrics} the job uses; a metric's threshold is the value that {@code h} consecutive windows
 * all exceed in at most its share of the budget (the budget split evenly over {@link DriftMetricNames#CALIBRATED}),
 * for {@code h} = 1..3 consecutive windows. Thresholds come from the earlier {@value #CALIBRATION_SHARE} of the
 * rows; the false-alarm rate is then measured on the later, held-out rows, and recorded with the thresholds.
 */
public final class DriftCalibrator {
    /** The default false-alarm budget: at most 1% of stationary windows give a drifted report. */
    public static final double DEFAULT_BUDGET = 0.01;
    static final double CALIBRATION_SHARE = 0.7;
    static final int OFFSETS = 16;
    /** A window size is calibrated only when the calibration rows hold at least this many windows of it. */
    static final int MIN_WINDOWS = 40;
    static final int[] CANDIDATE_SIZES = {200, 300, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000};
    /** The smallest window any calibration has thresholds for. */
    public static final int SMALLEST_WINDOW = CANDIDATE_SIZES[0];
    /**
     * The smallest threshold a metric gets: a change below it is not worth an alarm, however quiet the reference.
     * The seasonal metrics' floors are their defaults: a reference of a few months holds only a few independent
     * 28-day spans, too few to calibrate them on (a stationary continuation of generated traffic exceeded
     * their calibrated values in up to 2/3 of the windows: DriftCalibratorTest).
     */
    static final Map<String, Double> FLOORS = Map.of(USER_OOV, 0.05, TITLE_OOV, 0.05, SLICE_GAP, 0.05,
            PREDICTION_MEAN_SHIFT, 0.05, HOUR_JS, 0.10, DAY_JS, 0.10);
    static final double DEFAULT_FLOOR = 0.005;
    static final double MARGIN = 1.25;

    /** A reference row as the model scored it. */
    public record Row(String userId, String title, long timestamp, double rating, double prediction,
                      boolean oovUser, boolean oovTitle) {}

    private final double budget;
    private final Consumer<String> progress;

    public DriftCalibrator(double budget, Consumer<String> progress) {
        if (!(budget > 0 && budget < 1)) throw new IllegalArgumentException("the budget must be in (0, 1), got " + budget);
        this.budget = budget;
        this.progress = progress;
    }

    /**
     * Calibrates on {@code rows} (the reference rows in time order, scored by the model) against
     * {@code profile}. Null, with a line to {@code progress}, when there are too few rows for even the smallest
     * window size.
     */
    public DriftCalibration calibrate(ReferenceProfile profile, List<Row> rows) {
        long started = System.nanoTime();
        int nCal = (int) (rows.size() * CALIBRATION_SHARE);
        List<Integer> sizes = new ArrayList<>();
        for (int w : CANDIDATE_SIZES) {
            if ((long) w * MIN_WINDOWS <= nCal) sizes.add(w);
        }
        if (sizes.isEmpty()) {
            progress.accept("drift calibration: " + rows.size() + " reference rows are too few (windows of "
                    + CANDIDATE_SIZES[0] + " need " + (int) Math.ceil(CANDIDATE_SIZES[0] * MIN_WINDOWS / CALIBRATION_SHARE)
                    + "); the version stays uncalibrated");
            return null;
        }
        RatingBaseline baseline = RatingBaseline.fit(rows);
        ReferenceBuckets ref = ReferenceBuckets.of(0, profile, withBaseline(baseline), null);
        List<Row> calibration = rows.subList(0, nCal);
        List<Row> heldOut = rows.subList(nCal, rows.size());
        int[] windowSizes = sizes.stream().mapToInt(Integer::intValue).toArray();
        double perMetric = budget / CALIBRATED.size();
        Map<String, Map<String, double[]>> thresholds = new TreeMap<>();
        for (int h = 1; h <= DriftCalibration.MAX_ALERT_WINDOWS; h++) thresholds.put(Integer.toString(h), new TreeMap<>());
        for (int s = 0; s < windowSizes.length; s++) {
            int w = windowSizes[s];
            List<List<Map<String, Double>>> runs = new ArrayList<>();
            for (int k = 0; k < OFFSETS; k++) runs.add(windows(calibration, (int) ((long) k * w / OFFSETS), w, ref));
            for (int h = 1; h <= DriftCalibration.MAX_ALERT_WINDOWS; h++) {
                Map<String, double[]> byMetric = thresholds.get(Integer.toString(h));
                for (String metric : CALIBRATED) {
                    double[] values = runMinima(runs, metric, h);
                    if (values.length == 0) continue;
                    double t = Math.max(FLOORS.getOrDefault(metric, DEFAULT_FLOOR), withMargin(values, 1 - perMetric));
                    byMetric.computeIfAbsent(metric, m -> fill(new double[windowSizes.length], Double.NaN))[s] = t;
                }
            }
        }
        // A metric some size could not measure (e.g. 28 days of event time in fewer windows) takes the next size's.
        for (Map<String, double[]> byMetric : thresholds.values()) {
            byMetric.values().forEach(DriftCalibrator::fillGaps);
            byMetric.values().removeIf(t -> Double.isNaN(t[0]));
        }
        // Asking for more windows in a row never needs a higher threshold: the margin, moved from a lower median, can
        // make it so (a run's minima have a lower median than single windows). After the gaps are filled, so that a
        // size filled from its neighbour is held to it too.
        for (int h = 2; h <= DriftCalibration.MAX_ALERT_WINDOWS; h++) {
            Map<String, double[]> fewer = thresholds.get(Integer.toString(h - 1));
            for (Map.Entry<String, double[]> e : thresholds.get(Integer.toString(h)).entrySet()) {
                double[] before = fewer.get(e.getKey());
                if (before == null) continue;
                for (int s = 0; s < windowSizes.length; s++) {
                    if (!Double.isNaN(before[s]) && !Double.isNaN(e.getValue()[s])) {
                        e.getValue()[s] = Math.min(e.getValue()[s], before[s]);
                    }
                }
            }
        }
        DriftCalibration draft = new DriftCalibration(DriftCalibration.FORMAT_VERSION, budget, nCal, heldOut.size(),
                baseline, windowSizes, thresholds, List.of());
        List<DriftCalibration.Check> checks = new ArrayList<>();
        ReferenceBuckets calibrated = ReferenceBuckets.of(0, profile, draft, null);
        for (int w : windowSizes) {
            if (heldOut.size() < 3L * w) continue;
            checks.add(check(calibration, heldOut, w, calibrated));
        }
        DriftCalibration done = new DriftCalibration(DriftCalibration.FORMAT_VERSION, budget, nCal, heldOut.size(),
                baseline, windowSizes, thresholds, checks);
        progress.accept(String.format(java.util.Locale.ROOT, "drift calibration: %d window sizes from %,d rows in %.1f s",
                windowSizes.length, rows.size(), (System.nanoTime() - started) / 1e9));
        for (DriftCalibration.Check c : checks) {
            progress.accept(String.format(java.util.Locale.ROOT,
                    "drift calibration, windows of %,d: drifted %d of %d calibration windows (in-sample), %d of %d held-out windows%s",
                    c.windowSize(), c.calibrationDrifted(), c.calibrationWindows(), c.heldOutDrifted(), c.heldOutWindows(),
                    c.heldOutAlertsByMetric().isEmpty() ? "" : " " + c.heldOutAlertsByMetric()));
        }
        return done;
    }

    /** The metrics of consecutive windows of {@code w} rows from {@code offset} on. */
    static List<Map<String, Double>> windows(List<Row> rows, int offset, int w, ReferenceBuckets ref) {
        List<Map<String, Double>> out = new ArrayList<>();
        RollingEventHours rolling = new RollingEventHours();
        LogBuckets latency = LogBuckets.latencyMs();
        LogBuckets lag = LogBuckets.lagSeconds();
        for (int from = offset; from + w <= rows.size(); from += w) {
            DriftCounts c = DriftCounts.forVersion(ref, latency, lag);
            for (int i = from; i < from + w; i++) {
                Row r = rows.get(i);
                c.countScored(r.userId, r.title, r.oovUser, r.oovTitle, r.timestamp, r.prediction, ref);
            }
            Map<String, Double> m = new HashMap<>();
            WindowMetrics.put(m, c, ref, rolling);
            out.add(m);
        }
        return out;
    }

    /** For every run of {@code h} consecutive windows that all have the metric, the smallest of its values. */
    static double[] runMinima(List<List<Map<String, Double>>> runs, String metric, int h) {
        List<Double> out = new ArrayList<>();
        for (List<Map<String, Double>> run : runs) {
            for (int i = 0; i + h <= run.size(); i++) {
                double min = Double.POSITIVE_INFINITY;
                for (int j = i; j < i + h; j++) {
                    Double v = run.get(j).get(metric);
                    min = v == null ? Double.NaN : Math.min(min, v);
                    if (Double.isNaN(min)) break;
                }
                if (!Double.isNaN(min)) out.add(min);
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * The {@code q} quantile, moved {@value #MARGIN} times as far from the median: the calibration windows are
     * few and correlated, and the later, held-out period drifts a little on its own (new releases gain
     * ratings), so the raw quantile of the calibration part gave 3-5% false alarms on held-out windows of 200.
     */
    static double withMargin(double[] values, double q) {
        double median = upperQuantile(values, 0.5);
        return median + MARGIN * (upperQuantile(values, q) - median);
    }

    /** The smallest value that at most a share {@code 1 - q} of {@code values} exceeds. */
    static double upperQuantile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private DriftCalibration.Check check(List<Row> calibration, List<Row> heldOut, int w, ReferenceBuckets ref) {
        int alertWindows = 2;
        int[] cal = drifted(windows(calibration, 0, w, ref), ref, w, alertWindows, new LinkedHashMap<>());
        Map<String, Integer> byMetric = new LinkedHashMap<>();
        int[] held = drifted(windows(heldOut, 0, w, ref), ref, w, alertWindows, byMetric);
        return new DriftCalibration.Check(w, alertWindows, cal[0], cal[1], held[0], held[1], byMetric);
    }

    /** {windows, drifted windows} of a run judged with the calibrated thresholds; alerts counted per metric. */
    private static int[] drifted(List<Map<String, Double>> run, ReferenceBuckets ref, int w, int alertWindows,
                                 Map<String, Integer> byMetric) {
        AlertTracker tracker = new AlertTracker(alertWindows);
        int drifted = 0;
        for (Map<String, Double> m : run) {
            DriftReport r = new DriftReport();
            r.modelVersion = 0;
            r.metrics.putAll(m);
            for (String metric : CALIBRATED) {
                double t = ref.calibration.threshold(metric, w, alertWindows);
                if (!Double.isNaN(t) && m.containsKey(metric)) r.thresholds.put(metric, t);
            }
            tracker.apply(r);
            if (r.drifted) drifted++;
            r.alerts.forEach(a -> byMetric.merge(a.metric, 1, Integer::sum));
        }
        return new int[] {run.size(), drifted};
    }

    private static DriftCalibration withBaseline(RatingBaseline baseline) {
        return new DriftCalibration(DriftCalibration.FORMAT_VERSION, DEFAULT_BUDGET, 0, 0, baseline, new int[] {1},
                Map.of(), List.of());
    }

    private static double[] fill(double[] a, double v) {
        Arrays.fill(a, v);
        return a;
    }

    static void fillGaps(double[] t) {
        for (int i = t.length - 2; i >= 0; i--) {
            if (Double.isNaN(t[i])) t[i] = t[i + 1];
        }
        for (int i = 1; i < t.length; i++) {
            if (Double.isNaN(t[i])) t[i] = t[i - 1];
        }
    }
}

package dev.marquee.data.drift;

import dev.marquee.data.profile.Histogram;
import dev.marquee.data.profile.ReferenceProfile;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The prediction thresholds for traffic the model did not train on. The calibration replays the training rows, so it
 * sees the model's predictions in sample only, and live traffic is out of sample: a model that fits its training rows
 * closely spreads its in-sample predictions wider than its live ones, and every ordinary window would read as
 * prediction drift. Rows held out from the same period (a random hold-out, not a later one) show what the model
 * answers out of sample: windows drawn from their predictions are compared with the reference as the job compares a
 * window, and each prediction distance's threshold becomes at least the same quantile, with the same margin, that the
 * calibration takes of its own windows (docs/DRIFT.md, "Calibration").
 *
 * <p>A held-out part from a later period (a time split's validation part) is left out: its distance from the
 * training rows also holds the change over time (new users) that drift detection is there to report.
 */
public final class HeldOutPredictionGap {
    /** Fewer held-out rows than this are too few to stand for out-of-sample traffic: the thresholds stay as calibrated. */
    public static final int MIN_ROWS = 1_000;
    /** Held-out rows at least this share of which lie within the training rows' time range count as the same period. */
    public static final double SAME_PERIOD_SHARE = 0.9;
    static final int WINDOWS_PER_SIZE = 2_000;
    private static final List<String> METRICS = List.of(DriftMetricNames.PREDICTION_PSI, DriftMetricNames.PREDICTION_JS);

    private HeldOutPredictionGap() {}

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
     * {@code calibration} with each prediction distance's threshold at least what windows of the held-out predictions
     * need, streak by streak as the calibration takes them (the quantile of the smallest of {@code h} windows in a
     * row, with its margin); unchanged, with a line to {@code progress} saying why, when there is no calibration, the
     * held-out rows are fewer than {@link #MIN_ROWS}, or of a later period.
     *
     * @param heldOutSource what the held-out rows are, e.g. "validation" or "training hold-out"
     */
    public static DriftCalibration allowFor(DriftCalibration calibration, ReferenceProfile profile, float[] heldOutPredictions,
                                            boolean samePeriod, String heldOutSource, Consumer<String> progress) {
        if (calibration == null) return null;
        String asCalibrated = "drift calibration: prediction thresholds as calibrated on the training rows: ";
        if (heldOutPredictions.length < MIN_ROWS) {
            progress.accept(asCalibrated + (heldOutPredictions.length == 0 ? "no held-out rows"
                    : "the held-out rows (" + heldOutSource + ") are " + heldOutPredictions.length) + ", too few to stand for"
                    + " traffic the model did not train on (" + MIN_ROWS + " needed)");
            return calibration;
        }
        if (!samePeriod) {
            progress.accept(asCalibrated + "the held-out rows (" + heldOutSource + ") are of a later period, whose change"
                    + " over time is what drift detection reports");
            return calibration;
        }
        ReferenceBuckets ref = ReferenceBuckets.of(0, profile);
        if (ref.predictionExpected == null) return calibration;
        int[] slotOf = new int[heldOutPredictions.length];
        for (int i = 0; i < slotOf.length; i++) slotOf[i] = Histogram.slotOf(ref.predictionEdges, heldOutPredictions[i]);
        double q = 1 - calibration.budget() / DriftMetricNames.CALIBRATED.size();
        int[] sizes = calibration.windowSizes();
        int streaks = DriftCalibration.MAX_ALERT_WINDOWS;
        // needed[streak - 1][metric index][size]
        double[][][] needed = new double[streaks][METRICS.size()][sizes.length];
        Random random = new Random(42);
        for (int s = 0; s < sizes.length; s++) {
            double[][] values = new double[METRICS.size()][WINDOWS_PER_SIZE + streaks - 1];
            long[] counts = new long[ref.predictionSlots()];
            for (int b = 0; b < values[0].length; b++) {
                java.util.Arrays.fill(counts, 0);
                for (int k = 0; k < sizes[s]; k++) counts[slotOf[random.nextInt(slotOf.length)]]++;
                double[] shares = Distances.shares(counts);
                values[0][b] = Distances.psi(shares, ref.predictionExpected);
                values[1][b] = Distances.jensenShannon(shares, ref.predictionExpected);
            }
            for (int h = 1; h <= streaks; h++) {
                for (int m = 0; m < METRICS.size(); m++) {
                    double[] minima = new double[WINDOWS_PER_SIZE];
                    for (int b = 0; b < WINDOWS_PER_SIZE; b++) {
                        double min = Double.POSITIVE_INFINITY;
                        for (int j = 0; j < h; j++) min = Math.min(min, values[m][b + j]);
                        minima[b] = min;
                    }
                    needed[h - 1][m][s] = DriftCalibrator.withMargin(minima, q);
                }
            }
        }
        Map<String, Map<String, double[]>> raised = new TreeMap<>();
        boolean anyRaised = false;
        for (Map.Entry<String, Map<String, double[]>> streak : calibration.thresholds().entrySet()) {
            int h = Math.max(1, Math.min(streaks, Integer.parseInt(streak.getKey())));
            Map<String, double[]> byMetric = new TreeMap<>(streak.getValue());
            for (int m = 0; m < METRICS.size(); m++) {
                double[] t = byMetric.get(METRICS.get(m));
                if (t == null) continue;
                double[] up = t.clone();
                for (int s = 0; s < up.length; s++) {
                    if (needed[h - 1][m][s] > up[s]) {
                        up[s] = needed[h - 1][m][s];
                        anyRaised = true;
                    }
                }
                byMetric.put(METRICS.get(m), up);
            }
            raised.put(streak.getKey(), byMetric);
        }
        progress.accept(String.format(Locale.ROOT, "drift calibration: windows of the model's predictions on %,d held-out rows"
                        + " (%s; out of sample) need prediction.psi up to %.3f and prediction.js up to %.3f (one window; windows"
                        + " of %d to %d): %s", heldOutPredictions.length, heldOutSource, max(needed[0][0]), max(needed[0][1]),
                sizes[0], sizes[sizes.length - 1], anyRaised
                        ? "the thresholds under that are raised to it (the held-out checks above were measured before)"
                        : "the calibrated thresholds are above that"));
        return new DriftCalibration(calibration.formatVersion(), calibration.budget(), calibration.calibrationRows(),
                calibration.heldOutRows(), calibration.baseline(), sizes, raised, calibration.checks());
    }

    private static double max(double[] values) {
        return java.util.Arrays.stream(values).max().orElse(Double.NaN);
    }
}

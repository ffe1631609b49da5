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
     * need; unchanged, with a line to {@code progress} saying why, when there is no calibration, the held-out rows are
     * fewer than {@link #MIN_ROWS}, or they are of a later period.
     */
    public static DriftCalibration allowFor(DriftCalibration calibration, ReferenceProfile profile, float[] heldOutPredictions,
                                            boolean samePeriod, String heldOutSource, Consumer<String> progress) {
        if (calibration == null) return null;
        if (heldOutPredictions.length < MIN_ROWS) {
            progress.accept("drift calibration: " + (heldOutPredictions.length == 0 ? "no " + heldOutSource + " rows"
                    : heldOutPredictions.length + " " + heldOutSource + " rows are too few") + " to stand for traffic the model"
                    + " did not train on (" + MIN_ROWS + " needed); prediction thresholds as calibrated on the training rows");
            return calibration;
        }
        if (!samePeriod) {
            progress.accept("drift calibration: the " + heldOutSource + " rows are of a later period than the training rows;"
                    + " prediction thresholds as calibrated on the training rows");
            return calibration;
        }
        ReferenceBuckets ref = ReferenceBuckets.of(0, profile);
        if (ref.predictionExpected == null) return calibration;
        int[] slotOf = new int[heldOutPredictions.length];
        for (int i = 0; i < slotOf.length; i++) slotOf[i] = Histogram.slotOf(ref.predictionEdges, heldOutPredictions[i]);
        double q = 1 - calibration.budget() / DriftMetricNames.CALIBRATED.size();
        int[] sizes = calibration.windowSizes();
        Map<String, double[]> needed = new TreeMap<>();
        for (String metric : METRICS) needed.put(metric, new double[sizes.length]);
        Random random = new Random(42);
        for (int s = 0; s < sizes.length; s++) {
            double[] psi = new double[WINDOWS_PER_SIZE];
            double[] js = new double[WINDOWS_PER_SIZE];
            long[] counts = new long[ref.predictionSlots()];
            for (int b = 0; b < WINDOWS_PER_SIZE; b++) {
                java.util.Arrays.fill(counts, 0);
                for (int k = 0; k < sizes[s]; k++) counts[slotOf[random.nextInt(slotOf.length)]]++;
                double[] shares = Distances.shares(counts);
                psi[b] = Distances.psi(shares, ref.predictionExpected);
                js[b] = Distances.jensenShannon(shares, ref.predictionExpected);
            }
            needed.get(DriftMetricNames.PREDICTION_PSI)[s] = DriftCalibrator.withMargin(psi, q);
            needed.get(DriftMetricNames.PREDICTION_JS)[s] = DriftCalibrator.withMargin(js, q);
        }
        Map<String, Map<String, double[]>> raised = new TreeMap<>();
        boolean anyRaised = false;
        for (Map.Entry<String, Map<String, double[]>> streak : calibration.thresholds().entrySet()) {
            Map<String, double[]> byMetric = new TreeMap<>(streak.getValue());
            for (String metric : METRICS) {
                double[] t = byMetric.get(metric);
                if (t == null) continue;
                double[] up = t.clone();
                for (int s = 0; s < up.length; s++) {
                    if (needed.get(metric)[s] > up[s]) {
                        up[s] = needed.get(metric)[s];
                        anyRaised = true;
                    }
                }
                byMetric.put(metric, up);
            }
            raised.put(streak.getKey(), byMetric);
        }
        double[] psiNeeded = needed.get(DriftMetricNames.PREDICTION_PSI);
        double[] jsNeeded = needed.get(DriftMetricNames.PREDICTION_JS);
        progress.accept(String.format(Locale.ROOT, "drift calibration: windows of the model's predictions on %,d %s rows (out of"
                        + " sample) need prediction.psi up to %.3f and prediction.js up to %.3f (windows of %d to %d): %s",
                heldOutPredictions.length, heldOutSource, psiNeeded[0], jsNeeded[0], sizes[0], sizes[sizes.length - 1],
                anyRaised ? "thresholds under that are raised to it" : "the calibrated thresholds are above that"));
        return new DriftCalibration(calibration.formatVersion(), calibration.budget(), calibration.calibrationRows(),
                calibration.heldOutRows(), calibration.baseline(), sizes, raised, calibration.checks());
    }
}

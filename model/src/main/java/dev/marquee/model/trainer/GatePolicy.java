package dev.marquee.model.trainer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whether a candidate may replace the serving version (a TFX Evaluator-style change threshold): it must load
 * in the scoring runtime and answer a probe batch with finite ratings in [{@value #MIN_RATING},
 * {@value #MAX_RATING}], its RMSE on the hold-out must be strictly lower than the serving version's by at
 * least {@code minImprovement}, and, when {@code maxRmse} is set, at most {@code maxRmse}. Without a serving
 * version to compare with (none, or it no longer loads) the improvement rule is skipped.
 *
 * @param minImprovement the RMSE margin, >= 0
 * @param maxRmse an absolute bound on the candidate's RMSE; NaN = none
 */
public record GatePolicy(double minImprovement, double maxRmse) {
    public static final double MIN_RATING = 0.5;
    public static final double MAX_RATING = 5.5;

    public GatePolicy {
        if (!(minImprovement >= 0) || Double.isInfinite(minImprovement)) {
            throw new IllegalArgumentException("minimum improvement must be a finite number >= 0, got " + minImprovement);
        }
        if (!Double.isNaN(maxRmse) && !(maxRmse > 0 && !Double.isInfinite(maxRmse))) {
            throw new IllegalArgumentException("maximum RMSE must be a positive number, got " + maxRmse);
        }
    }

    /**
     * What the gate measured.
     *
     * @param probeFailure why the candidate failed to load or answer the probe, or null when it answered well
     * @param candidateRmse the candidate's RMSE on the hold-out (NaN when it could not be measured)
     * @param currentRmse the serving version's RMSE on the same rows; NaN when there is no version to compare
     * @param holdoutRows rows the RMSEs were measured on
     */
    public record Measurement(String probeFailure, double candidateRmse, double currentRmse, int holdoutRows) {}

    /** The decision, with one line saying why and the numbers for the outcome and the report. */
    public record Decision(boolean passed, String reason, Map<String, Double> metrics) {}

    public Decision decide(Measurement m) {
        List<String> failures = new ArrayList<>();
        if (m.probeFailure() != null) {
            failures.add("the candidate failed the runtime check: " + m.probeFailure());
        } else if (!Double.isFinite(m.candidateRmse())) {
            failures.add("the candidate's hold-out RMSE is not a number");
        } else {
            if (Double.isFinite(m.currentRmse())) {
                double improvement = m.currentRmse() - m.candidateRmse();
                if (!(improvement > 0 && improvement >= minImprovement)) {
                    failures.add(String.format(Locale.ROOT,
                            "candidate RMSE %.4f does not beat the serving version's %.4f by at least %.4f",
                            m.candidateRmse(), m.currentRmse(), minImprovement));
                }
            }
            if (!Double.isNaN(maxRmse) && m.candidateRmse() > maxRmse) {
                failures.add(String.format(Locale.ROOT, "candidate RMSE %.4f is above the maximum %.4f",
                        m.candidateRmse(), maxRmse));
            }
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        putFinite(metrics, "candidate_rmse", m.candidateRmse());
        putFinite(metrics, "current_rmse", m.currentRmse());
        if (Double.isFinite(m.candidateRmse()) && Double.isFinite(m.currentRmse())) {
            metrics.put("improvement", m.currentRmse() - m.candidateRmse());
        }
        metrics.put("holdout_rows", (double) m.holdoutRows());
        metrics.put("min_improvement", minImprovement);
        putFinite(metrics, "max_rmse", maxRmse);
        metrics.put("runtime_check_passed", m.probeFailure() == null ? 1.0 : 0.0);
        return new Decision(failures.isEmpty(), failures.isEmpty() ? null : String.join("; ", failures), metrics);
    }

    /** Why a probe batch's answers are unacceptable, or null when every one is a finite rating in range. */
    public static String checkProbe(float[] ratings, int expectedRows) {
        if (ratings.length != expectedRows) {
            return ratings.length + " answers for " + expectedRows + " probe rows";
        }
        for (int i = 0; i < ratings.length; i++) {
            float r = ratings[i];
            if (!Float.isFinite(r) || r < MIN_RATING || r > MAX_RATING) {
                return "probe row " + i + " got " + r + ", outside [" + MIN_RATING + ", " + MAX_RATING + "]";
            }
        }
        return null;
    }

    private static void putFinite(Map<String, Double> metrics, String key, double value) {
        if (Double.isFinite(value)) {
            metrics.put(key, value);
        }
    }
}

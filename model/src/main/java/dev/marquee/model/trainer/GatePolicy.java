package dev.marquee.model.trainer;

import dev.marquee.data.event.Rating;
import dev.marquee.model.stats.PairedUserComparison;
import dev.marquee.model.stats.PairedUserComparison.Decision;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Whether a candidate may replace the serving version (docs/RETRAINING.md, "The gate"). The candidate must load
 * in the scoring runtime and answer a probe batch with finite ratings in [{@value #MIN_RATING},
 * {@value #MAX_RATING}]; then both versions' squared errors on the same held-out labels are compared, paired per
 * label and clustered by user ({@link PairedUserComparison}): publish when the interval of the MSE difference
 * (candidate − serving) lies below the margin, reject when it lies above, defer otherwise, and defer too when
 * there are fewer than {@code minLabels} labels or {@code minUsers} users to judge on. {@code maxRmse}, when set,
 * rejects a candidate whose RMSE on at least {@code minLabels} held-out labels is above it. Without a serving
 * version (none published) a candidate that passes the runtime check is published; one that exists but cannot be
 * measured (it no longer loads, or answers a non-finite rating) defers the candidate, with the reason.
 *
 * @param margin δ, in MSE units: the candidate may be this much worse and still be published (it has seen more
 *     data); negative asks for an improvement of at least |δ|
 * @param confidence the interval's two-sided level, in (0, 1)
 * @param resamples bootstrap resamples, >= 100
 * @param minLabels fewer held-out labels than this: defer
 * @param minUsers fewer users among them than this: defer
 * @param maxRmse an absolute bound on the candidate's RMSE; NaN = none
 */
public record GatePolicy(double margin, double confidence, int resamples, int minLabels, int minUsers,
        double maxRmse) {
    public static final double MIN_RATING = Rating.MIN_LABEL;
    public static final double MAX_RATING = Rating.MAX_LABEL;
    /** About 0.005 of RMSE near an RMSE of 1: smaller than anything the hold-outs seen so far can resolve. */
    public static final double DEFAULT_MARGIN = 0.01;
    public static final int DEFAULT_MIN_LABELS = 200;
    public static final int DEFAULT_MIN_USERS = 10;
    /** Bootstrap draws beyond each bound of the interval, at least: fewer, and a bound is a draw or two's luck. */
    static final int MIN_DRAWS_BEYOND_A_BOUND = 10;
    /** The bootstrap's seed: fixed, so the same labels always give the same decision. */
    static final long SEED = PairedUserComparison.DEFAULT_SEED;

    public GatePolicy {
        if (!Double.isFinite(margin)) {
            throw new IllegalArgumentException("margin must be a finite number, got " + margin);
        }
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be between 0 and 1, got " + confidence);
        }
        if (resamples < 100) {
            throw new IllegalArgumentException("resamples must be at least 100, got " + resamples);
        }
        if (minLabels < 1 || minUsers < 2) {
            throw new IllegalArgumentException("the gate needs at least 1 label and 2 users, got " + minLabels
                    + " and " + minUsers);
        }
        if (!Double.isNaN(maxRmse) && !(maxRmse > 0 && !Double.isInfinite(maxRmse))) {
            throw new IllegalArgumentException("maximum RMSE must be a positive number, got " + maxRmse);
        }
    }

    static GatePolicy defaults() {
        return new GatePolicy(DEFAULT_MARGIN, PairedUserComparison.DEFAULT_CONFIDENCE,
                PairedUserComparison.DEFAULT_RESAMPLES, DEFAULT_MIN_LABELS, DEFAULT_MIN_USERS, Double.NaN);
    }

    /**
     * What the gate measured.
     *
     * @param probeFailure why the candidate failed to load or answer the probe, or null when it answered well
     * @param paired per-user squared errors, A = serving, B = candidate; null when there is no version to compare
     * @param candidateRmse the candidate's RMSE on the hold-out (NaN without one, or when it could not be measured)
     * @param currentRmse the serving version's RMSE on the same labels; NaN when there is none to compare
     * @param holdoutRows labels measured on
     * @param holdoutUsers users among them
     * @param servingFailure why a serving version that exists could not be measured (it does not load, or answers
     *     a non-finite rating), or null
     * @param holdoutUnrepresentable held-out labels left out because a version's inputs cannot take them (an imported
     *     version's integer user id), not among {@code holdoutRows}
     */
    public record Measurement(String probeFailure, PairedUserComparison.Sums paired, double candidateRmse,
            double currentRmse, int holdoutRows, int holdoutUsers, String servingFailure, int holdoutUnrepresentable) {
        public Measurement(String probeFailure, PairedUserComparison.Sums paired, double candidateRmse,
                double currentRmse, int holdoutRows, int holdoutUsers, String servingFailure) {
            this(probeFailure, paired, candidateRmse, currentRmse, holdoutRows, holdoutUsers, servingFailure, 0);
        }

        public Measurement(String probeFailure, PairedUserComparison.Sums paired, double candidateRmse,
                double currentRmse, int holdoutRows, int holdoutUsers) {
            this(probeFailure, paired, candidateRmse, currentRmse, holdoutRows, holdoutUsers, null);
        }
    }

    /**
     * The decision, with one line saying why (null when published), the numbers for the outcome and the report,
     * and the paired test's result (null when nothing was compared).
     */
    public record Verdict(Decision decision, String reason, Map<String, Double> metrics,
            PairedUserComparison.Result interval) {
        public boolean passed() {
            return decision == Decision.PUBLISH;
        }
    }

    /** The paired test at this policy's confidence and resamples: the gate's, and the shadow promoter's. */
    public PairedUserComparison.Result compare(PairedUserComparison.Sums sums) {
        return PairedUserComparison.compare(sums, confidence, resamples, SEED);
    }

    public Verdict decide(Measurement m) {
        PairedUserComparison.Result interval = m.paired() != null && m.paired().users() > 0 ? compare(m.paired()) : null;
        boolean enough = m.holdoutRows() >= minLabels && m.holdoutUsers() >= minUsers;
        Decision decision;
        String reason = null;
        if (m.probeFailure() != null) {
            decision = Decision.REJECT;
            reason = "the candidate failed the runtime check: " + m.probeFailure();
        } else if (m.holdoutRows() > 0 && !Double.isFinite(m.candidateRmse())) {
            decision = Decision.REJECT;
            reason = "the candidate's hold-out RMSE is not a number";
        } else if (!Double.isNaN(maxRmse) && m.holdoutRows() >= minLabels && m.candidateRmse() > maxRmse) {
            decision = Decision.REJECT;
            reason = String.format(Locale.ROOT, "candidate RMSE %.4f is above the maximum %.4f", m.candidateRmse(),
                    maxRmse);
        } else if (m.servingFailure() != null) {
            // a version serves but cannot be measured: publishing unjudged could replace a good version with a worse one
            decision = Decision.DEFER;
            reason = "the serving version could not be measured: " + m.servingFailure();
        } else if (m.paired() == null) {
            decision = Decision.PUBLISH; // nothing serves: nothing to be worse than
        } else if (!enough) {
            decision = Decision.DEFER;
            reason = String.format(Locale.ROOT, "too few held-out labels to judge: %d from %d users (the gate needs"
                    + " at least %d from %d users)", m.holdoutRows(), m.holdoutUsers(), minLabels, minUsers)
                    + (m.holdoutUnrepresentable() == 0 ? "" : "; " + m.holdoutUnrepresentable() + " more left out: a"
                            + " version's inputs cannot take them (an imported version's integer user id), and more"
                            + " such labels will not help");
        } else {
            decision = interval.decide(margin);
            if (decision == Decision.REJECT) {
                reason = interval.showsWorse()
                        ? String.format(Locale.ROOT, "the candidate is worse: %s lies above the margin %+.4f",
                                interval, margin)
                        : String.format(Locale.ROOT, "the candidate does not improve by %.4f: %s lies above the"
                                + " margin %+.4f", -margin, interval, margin);
            } else if (decision == Decision.DEFER) {
                reason = String.format(Locale.ROOT, "the labels cannot tell: %s contains the margin %+.4f",
                        interval, margin);
            }
        }
        return new Verdict(decision, reason, metrics(m, interval, decision), interval);
    }

    private Map<String, Double> metrics(Measurement m, PairedUserComparison.Result interval, Decision decision) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        putFinite(metrics, "candidate_rmse", m.candidateRmse());
        putFinite(metrics, "current_rmse", m.currentRmse());
        if (Double.isFinite(m.candidateRmse()) && Double.isFinite(m.currentRmse())) {
            metrics.put("improvement", m.currentRmse() - m.candidateRmse());
        }
        metrics.put("holdout_rows", (double) m.holdoutRows());
        metrics.put("holdout_users", (double) m.holdoutUsers());
        if (m.holdoutUnrepresentable() > 0) metrics.put("holdout_unrepresentable", (double) m.holdoutUnrepresentable());
        if (interval != null) {
            metrics.put("mse_diff", interval.difference());
            metrics.put("mse_diff_low", interval.low());
            metrics.put("mse_diff_high", interval.high());
        }
        metrics.put("gate_margin", margin);
        metrics.put("gate_confidence", confidence);
        metrics.put("gate_resamples", (double) resamples);
        metrics.put("gate_min_labels", (double) minLabels);
        metrics.put("gate_min_users", (double) minUsers);
        putFinite(metrics, "max_rmse", maxRmse);
        metrics.put("runtime_check_passed", m.probeFailure() == null ? 1.0 : 0.0);
        metrics.put("gate_decision", code(decision));
        return metrics;
    }

    /** The decision as a number for the outcome's metrics: 1 publish, 0 defer, -1 reject. */
    static double code(Decision d) {
        return switch (d) {
            case PUBLISH -> 1.0;
            case DEFER -> 0.0;
            case REJECT -> -1.0;
        };
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

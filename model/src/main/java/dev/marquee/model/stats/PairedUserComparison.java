package dev.marquee.model.stats;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Compares two versions (A, the serving one, and B, the candidate) on the same labels, paired per label and
 * clustered by user: the statistic is the MSE difference {@code (SSE_B - SSE_A) / labels} (negative: B is
 * better), and its confidence interval comes from a user-block bootstrap: users are drawn with replacement,
 * each bringing all of its labels, so a few users with many labels count as a few observations, not many.
 * This matters on rating streams, where most users rate in bursts: label-level resampling would treat one
 * user's 300 labels as 300 independent draws and give an interval far too narrow.
 *
 * <p>The interval is the bootstrap's percentile interval at the given confidence (two-sided: 95% leaves 2.5% on
 * each side). Resampling is seeded, and users are ordered by id before it, so the same sums always give the
 * same interval, whatever order they were added in (up to
 * the rounding of each user's sums). Pure arithmetic: no Kafka, no TensorFlow.
 */
public final class PairedUserComparison {
    /**
     * Resamples by default: at 2,000 the Monte-Carlo error of a 95% percentile bound is about 1% of the
     * interval's width (the 2.5% quantile of 2,000 draws rests on 50 of them), small beside the sampling error
     * it estimates, and 2,000 resamples of 1,000 users take a few milliseconds.
     */
    public static final int DEFAULT_RESAMPLES = 2_000;
    public static final double DEFAULT_CONFIDENCE = 0.95;
    public static final long DEFAULT_SEED = 1L;

    /** What the interval says about B against A for a margin δ: see {@link Result#decide(double)}. */
    public enum Decision {
        /** The whole interval is below δ: B is no worse than A by δ or more (non-inferior). */
        PUBLISH,
        /** The whole interval is above δ: B is worse than A by more than δ. */
        REJECT,
        /** The interval contains δ: these labels cannot tell. */
        DEFER
    }

    /**
     * @param difference the MSE difference B − A over all labels
     * @param low the interval's lower bound
     * @param high its upper bound
     * @param users users (clusters) compared
     * @param labels labels compared
     * @param confidence the interval's two-sided confidence level
     * @param resamples bootstrap resamples drawn
     */
    public record Result(double difference, double low, double high, int users, long labels, double confidence,
            int resamples) {

        /** Publish when {@code high < margin}, reject when {@code low > margin}, else defer. */
        public Decision decide(double margin) {
            if (high < margin) return Decision.PUBLISH;
            if (low > margin) return Decision.REJECT;
            return Decision.DEFER;
        }

        /**
         * Whether B is shown worse than A (the whole interval above 0). A rejection against a negative margin (a
         * required gain of |δ|) may not be: B can be better, by less than |δ|.
         */
        public boolean showsWorse() {
            return low > 0;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "MSE difference %+.4f, %s%% interval [%+.4f, %+.4f] over %d labels from %d users",
                    difference, java.math.BigDecimal.valueOf(confidence).movePointRight(2).stripTrailingZeros().toPlainString(),
                    low, high, labels, users);
        }
    }

    /** Per-user sums, built label by label. */
    public static final class Sums {
        private final Map<String, double[]> byUser = new TreeMap<>(); // {labels, SSE of A, SSE of B}

        /** Adds one label: the squared errors of A and of B on it. */
        public Sums add(String user, double squaredErrorA, double squaredErrorB) {
            if (!Double.isFinite(squaredErrorA) || !Double.isFinite(squaredErrorB)) {
                throw new IllegalArgumentException("squared errors must be finite, got " + squaredErrorA + " and "
                        + squaredErrorB); // no user id: the reason may be kept in a gate report or an outcome
            }
            double[] s = byUser.computeIfAbsent(user, u -> new double[3]);
            s[0]++;
            s[1] += squaredErrorA;
            s[2] += squaredErrorB;
            return this;
        }

        /** Adds a user's totals at once. */
        public Sums addUser(String user, long labels, double sseA, double sseB) {
            if (labels <= 0) throw new IllegalArgumentException("a user needs at least one label, got " + labels);
            double[] s = byUser.computeIfAbsent(user, u -> new double[3]);
            s[0] += labels;
            s[1] += sseA;
            s[2] += sseB;
            return this;
        }

        public int users() {
            return byUser.size();
        }

        public long labels() {
            long n = 0;
            for (double[] s : byUser.values()) n += (long) s[0];
            return n;
        }

        /** Mean squared error of A over every label (NaN without labels). */
        public double mseA() {
            return total(1) / labels();
        }

        /** Mean squared error of B over every label (NaN without labels). */
        public double mseB() {
            return total(2) / labels();
        }

        private double total(int column) {
            double t = 0;
            for (double[] s : byUser.values()) t += s[column];
            return t;
        }
    }

    private PairedUserComparison() {}

    /** {@link #compare(Sums, double, int, long)} at the defaults: 95%, 2,000 resamples, seed 1. */
    public static Result compare(Sums sums) {
        return compare(sums, DEFAULT_CONFIDENCE, DEFAULT_RESAMPLES, DEFAULT_SEED);
    }

    /**
     * @param confidence two-sided, in (0, 1)
     * @param resamples at least 1
     * @throws IllegalArgumentException without users
     */
    public static Result compare(Sums sums, double confidence, int resamples, long seed) {
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be between 0 and 1, got " + confidence);
        }
        if (resamples < 1) {
            throw new IllegalArgumentException("resamples must be at least 1, got " + resamples);
        }
        int users = sums.users();
        if (users == 0) {
            throw new IllegalArgumentException("no users to compare");
        }
        double[] n = new double[users];
        double[] d = new double[users]; // SSE_B - SSE_A per user
        int i = 0;
        double totalN = 0;
        double totalD = 0;
        for (double[] s : sums.byUser.values()) {
            n[i] = s[0];
            d[i] = s[2] - s[1];
            totalN += n[i];
            totalD += d[i];
            i++;
        }
        SplittableRandom random = new SplittableRandom(seed);
        double[] draws = new double[resamples];
        for (int b = 0; b < resamples; b++) {
            double sn = 0;
            double sd = 0;
            for (int k = 0; k < users; k++) {
                int u = random.nextInt(users);
                sn += n[u];
                sd += d[u];
            }
            draws[b] = sd / sn;
        }
        Arrays.sort(draws);
        double tail = (1 - confidence) / 2;
        return new Result(totalD / totalN, quantile(draws, tail), quantile(draws, 1 - tail), users, (long) totalN,
                confidence, resamples);
    }

    /** The p-quantile of sorted values, interpolating linearly between order statistics. */
    static double quantile(double[] sorted, double p) {
        double pos = p * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}

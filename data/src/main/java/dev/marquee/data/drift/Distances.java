package dev.marquee.data.drift;

/**
 * Distances between two discrete distributions over the same buckets, as drift detection compares a window
 * against the reference profile. Inputs are shares (each array sums to 1, or is all zeros).
 */
public final class Distances {
    /** Stands in for an empty bucket in PSI, whose log would otherwise be infinite. */
    static final double PSI_FLOOR = 1e-4;

    private Distances() {}

    /** The largest absolute difference of one bucket's share (TFDV's L-infinity comparator). In [0, 1]. */
    public static double linf(double[] p, double[] q) {
        check(p, q);
        double max = 0;
        for (int i = 0; i < p.length; i++) max = Math.max(max, Math.abs(p[i] - q[i]));
        return max;
    }

    /** Jensen-Shannon divergence in bits: symmetric, finite with empty buckets, in [0, 1]. */
    public static double jensenShannon(double[] p, double[] q) {
        check(p, q);
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            double m = (p[i] + q[i]) / 2;
            sum += term(p[i], m) + term(q[i], m);
        }
        return Math.max(0, Math.min(1, sum / 2));
    }

    /**
     * Population stability index: {@code sum (p - q) ln(p / q)}, empty buckets floored at {@value #PSI_FLOOR}.
     * Rules of thumb: below 0.1 stable, 0.1-0.25 moderate shift, above 0.25 significant.
     */
    public static double psi(double[] actual, double[] expected) {
        check(actual, expected);
        double sum = 0;
        for (int i = 0; i < actual.length; i++) {
            double a = Math.max(actual[i], PSI_FLOOR);
            double e = Math.max(expected[i], PSI_FLOOR);
            sum += (a - e) * Math.log(a / e);
        }
        return sum;
    }

    /** Counts as shares of their total (all zeros when the total is 0). */
    public static double[] shares(long[] counts) {
        long total = 0;
        for (long c : counts) total += c;
        double[] out = new double[counts.length];
        if (total == 0) return out;
        for (int i = 0; i < counts.length; i++) out[i] = (double) counts[i] / total;
        return out;
    }

    private static double term(double x, double m) {
        return x == 0 ? 0 : x * (Math.log(x / m) / Math.log(2));
    }

    private static void check(double[] p, double[] q) {
        if (p.length != q.length) {
            throw new IllegalArgumentException("distributions over different buckets: " + p.length + " vs " + q.length);
        }
    }
}

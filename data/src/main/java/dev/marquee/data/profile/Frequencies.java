package dev.marquee.data.profile;

import java.util.List;

/** Shares of a total, and the checks every profile part applies to the shares it reads. */
final class Frequencies {
    /** Shares may miss 1 by rounding; a file off by more than this was not written by us. */
    static final double SUM_TOLERANCE = 1e-6;

    private Frequencies() {}

    static double share(long part, long total) {
        return total == 0 ? 0.0 : (double) part / total;
    }

    /** Each share in [0, 1]; all of them (plus {@code extra}) sum to 1, or all are 0 (nothing counted). */
    static void check(String what, List<Double> shares, double... extra) {
        double sum = 0;
        for (Double s : shares) {
            sum += checkOne(what, s);
        }
        for (double s : extra) {
            sum += checkOne(what, s);
        }
        if (sum != 0 && Math.abs(sum - 1) > SUM_TOLERANCE) {
            throw new IllegalArgumentException(what + " frequencies sum to " + sum + ", not 1");
        }
    }

    private static double checkOne(String what, Double s) {
        if (s == null || !(s >= 0 && s <= 1)) {
            throw new IllegalArgumentException(what + " frequency " + s + " is not in [0, 1]");
        }
        return s;
    }

    static List<Double> shares(long[] counts, long total) {
        Double[] out = new Double[counts.length];
        for (int i = 0; i < counts.length; i++) {
            out[i] = share(counts[i], total);
        }
        return List.of(out);
    }
}

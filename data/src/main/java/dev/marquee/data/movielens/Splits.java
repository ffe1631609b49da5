package dev.marquee.data.movielens;

import dev.marquee.data.event.Rating;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/** The ways this project cuts ratings into training, validation and test sets. */
public final class Splits {
    private Splits() {}

    /**
     * The reference series' split: train on the first 60% of the time range, validate on the next 20%,
     * test on the last 20%. On MovieLens 100K: 65,336 / 15,778 / 18,886 ratings.
     */
    public static Split referenceTime(List<Rating> ratings) {
        return byTimeRange(ratings, 0.6, 0.2);
    }

    /**
     * Cuts by the time RANGE, not by row count. With {@code min} and {@code max} the smallest and largest
     * timestamps, the boundaries are the real numbers {@code b1 = min + trainFraction·(max−min)} and
     * {@code b2 = min + (trainFraction+validationFraction)·(max−min)} (computed in double); a rating is
     * training if {@code t <= b1}, validation if {@code b1 < t <= b2}, test if {@code t > b2}. This is the
     * reference series' filter ({@code timestamp <= sixtieth_percentile}, etc.). On MovieLens 100K the
     * boundaries are not whole seconds, so {@code <} and {@code <=} give the same sets. Each part is in
     * timestamp order (ties keep input order).
     */
    public static Split byTimeRange(List<Rating> ratings, double trainFraction, double validationFraction) {
        checkFractions(trainFraction, validationFraction);
        List<Rating> sorted = byTimestamp(ratings);
        List<Rating> train = new ArrayList<>();
        List<Rating> validation = new ArrayList<>();
        List<Rating> test = new ArrayList<>();
        if (!sorted.isEmpty()) {
            long min = sorted.get(0).timestamp;
            double range = (double) (sorted.get(sorted.size() - 1).timestamp - min);
            double b1 = min + trainFraction * range;
            double b2 = min + (trainFraction + validationFraction) * range;
            for (Rating r : sorted) {
                (r.timestamp <= b1 ? train : r.timestamp <= b2 ? validation : test).add(r);
            }
        }
        String name = "time-" + percent(trainFraction) + "/" + percent(validationFraction) + "/"
                + percent(1 - trainFraction - validationFraction);
        return new Split(name, train, validation, test);
    }

    /**
     * The ratings in timestamp order, ties in input order. When the time range and the row count fit one long
     * (any real dataset: 2^31 s of range and 2^32 rows), each row becomes {@code (t - min) << b | index} and a
     * primitive sort orders them, which is stable by construction and, unlike sorting objects by a comparator,
     * touches no rating until the final pass: 32 million rows sort in seconds, not minutes.
     */
    static List<Rating> byTimestamp(List<Rating> ratings) {
        if (!(ratings instanceof java.util.RandomAccess)) ratings = new ArrayList<>(ratings);
        int n = ratings.size();
        if (n == 0) return new ArrayList<>();
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (Rating r : ratings) {
            min = Math.min(min, r.timestamp);
            max = Math.max(max, r.timestamp);
        }
        int indexBits = 64 - Long.numberOfLeadingZeros(Math.max(1, n - 1));
        long range = max - min;
        if (range < 0 || 64 - Long.numberOfLeadingZeros(range) + indexBits > 63) {
            List<Rating> sorted = new ArrayList<>(ratings);
            sorted.sort(Comparator.comparingLong(r -> r.timestamp));
            return sorted;
        }
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) keys[i] = ((ratings.get(i).timestamp - min) << indexBits) | i;
        java.util.Arrays.sort(keys);
        long mask = (1L << indexBits) - 1;
        List<Rating> sorted = new ArrayList<>(n);
        for (long k : keys) sorted.add(ratings.get((int) (k & mask)));
        return sorted;
    }

    /** The project's random split ({@code --split random} in train, evaluate and replay alike): seeded 80/10/10. */
    public static Split seededRandom(List<Rating> ratings, long seed) {
        return random(ratings, 0.8, 0.1, seed);
    }

    /** MovieLens' own first fold: {@code u1.base} for training, {@code u1.test} for test, no validation. */
    public static Split movieLensU1(MovieLens100K movieLens) {
        return new Split("u1", movieLens.u1Base(), List.of(), movieLens.u1Test());
    }

    /**
     * A seeded random split with exact sizes: {@code round(n·trainFraction)} training and
     * {@code round(n·validationFraction)} validation ratings, the rest test. Each part keeps the input
     * order. The same seed and input give the same split.
     */
    public static Split random(List<Rating> ratings, double trainFraction, double validationFraction, long seed) {
        checkFractions(trainFraction, validationFraction);
        int n = ratings.size();
        int nTrain = (int) Math.round(n * trainFraction);
        int nValidation = Math.min(n - nTrain, (int) Math.round(n * validationFraction));
        // Draw which positions go where, then read them back in input order.
        byte[] part = new byte[n];
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        for (int k = 0; k < n; k++) {
            part[order[k]] = (byte) (k < nTrain ? 0 : k < nTrain + nValidation ? 1 : 2);
        }
        List<Rating> train = new ArrayList<>(nTrain);
        List<Rating> validation = new ArrayList<>(nValidation);
        List<Rating> test = new ArrayList<>(n - nTrain - nValidation);
        for (int i = 0; i < n; i++) {
            (part[i] == 0 ? train : part[i] == 1 ? validation : test).add(ratings.get(i));
        }
        String name = "random-" + percent(trainFraction) + "/" + percent(validationFraction) + "/"
                + percent(1 - trainFraction - validationFraction) + "-seed" + seed;
        return new Split(name, train, validation, test);
    }

    private static void checkFractions(double train, double validation) {
        if (!(train >= 0 && validation >= 0 && train + validation <= 1.0 + 1e-9)) {
            throw new IllegalArgumentException("fractions must be >= 0 and sum to at most 1: train " + train
                    + ", validation " + validation);
        }
    }

    private static String percent(double fraction) {
        return Long.toString(Math.round(fraction * 100));
    }
}

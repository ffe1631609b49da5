package dev.marquee.model;

import dev.marquee.data.event.Rating;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The regularised user + item bias baseline {@code mu + b_u + b_i}, fitted in closed form by alternating
 * least squares: {@code b_i = sum(r - mu - b_u) / (lambdaItem + n_i)}, then
 * {@code b_u = sum(r - mu - b_i) / (lambdaUser + n_u)}, repeated. Unknown users or titles get bias 0.
 * Predictions are clipped to the training ratings' range. {@link BiasBaselineTuner} chooses the two lambdas on
 * validation rows.
 */
public final class BiasBaseline implements RatingPredictor {
    /** Its row name in evaluation reports and model cards. */
    public static final String NAME = "user+item biases";
    /** The untuned lambdas, used when there are no rows to tune on. */
    public static final double DEFAULT_LAMBDA_USER = 10;
    public static final double DEFAULT_LAMBDA_ITEM = 25;
    public static final int DEFAULT_ITERATIONS = 10;

    private final double mean;
    private final Map<String, Double> userBias;
    private final Map<String, Double> itemBias;
    private final float min;
    private final float max;

    private BiasBaseline(double mean, Map<String, Double> userBias, Map<String, Double> itemBias, float min, float max) {
        this.mean = mean;
        this.userBias = userBias;
        this.itemBias = itemBias;
        this.min = min;
        this.max = max;
    }

    public static BiasBaseline fit(List<Rating> train) {
        return fit(train, DEFAULT_LAMBDA_USER, DEFAULT_LAMBDA_ITEM, DEFAULT_ITERATIONS);
    }

    public static BiasBaseline fit(List<Rating> train, double lambdaUser, double lambdaItem, int iterations) {
        return Encoded.of(train).fit(lambdaUser, lambdaItem, iterations);
    }

    @Override
    public float[] predict(List<Rating> rows) {
        float[] out = new float[rows.size()];
        for (int i = 0; i < out.length; i++) {
            Rating r = rows.get(i);
            double p = mean + userBias.getOrDefault(r.userId, 0.0) + itemBias.getOrDefault(r.movieTitle, 0.0);
            out[i] = (float) Math.max(min, Math.min(max, p));
        }
        return out;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Training rows as index columns, encoded once so that a grid of lambdas refits cheaply. */
    static final class Encoded {
        private final List<Rating> rows;
        private final Map<String, Integer> users = new HashMap<>();
        private final Map<String, Integer> items = new HashMap<>();
        private final int[] user;
        private final int[] item;
        private final double[] rating;
        private final double mu;

        private Encoded(List<Rating> rows) {
            this.rows = rows;
            int n = rows.size();
            user = new int[n];
            item = new int[n];
            rating = new double[n];
            for (int i = 0; i < n; i++) {
                Rating r = rows.get(i);
                user[i] = users.computeIfAbsent(r.userId, k -> users.size());
                item[i] = items.computeIfAbsent(r.movieTitle, k -> items.size());
                rating[i] = r.rating;
            }
            mu = GlobalMeanBaseline.mean(rows);
        }

        static Encoded of(List<Rating> rows) {
            return new Encoded(rows);
        }

        BiasBaseline fit(double lambdaUser, double lambdaItem, int iterations) {
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            for (Rating r : rows) {
                min = Math.min(min, r.rating);
                max = Math.max(max, r.rating);
            }
            double[] bu = new double[users.size()];
            double[] bi = new double[items.size()];
            double[] sum = new double[Math.max(bu.length, bi.length)];
            int[] count = new int[sum.length];
            for (int it = 0; it < iterations; it++) {
                solve(bi, item, user, bu, lambdaItem, sum, count);
                solve(bu, user, item, bi, lambdaUser, sum, count);
            }
            return new BiasBaseline(mu, named(users, bu), named(items, bi), rows.isEmpty() ? 1 : min,
                    rows.isEmpty() ? 5 : max);
        }

        /** {@code target[k] = sum over k's rows of (r - mu - other) / (lambda + n_k)}. */
        private void solve(double[] target, int[] key, int[] otherKey, double[] other, double lambda, double[] sum,
                int[] count) {
            java.util.Arrays.fill(sum, 0, target.length, 0);
            java.util.Arrays.fill(count, 0, target.length, 0);
            for (int i = 0; i < key.length; i++) {
                sum[key[i]] += rating[i] - mu - other[otherKey[i]];
                count[key[i]]++;
            }
            for (int k = 0; k < target.length; k++) {
                target[k] = sum[k] / (lambda + count[k]);
            }
        }

        private static Map<String, Double> named(Map<String, Integer> index, double[] values) {
            Map<String, Double> out = new HashMap<>(index.size() * 2);
            index.forEach((name, i) -> out.put(name, values[i]));
            return out;
        }
    }
}

package dev.marquee.model;

import dev.marquee.data.event.Rating;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The regularised user + item bias baseline {@code mu + b_u + b_i}, fitted in closed form by alternating
 * least squares: {@code b_i = sum(r - mu - b_u) / (lambdaItem + n_i)}, then
 * {@code b_u = sum(r - mu - b_i) / (lambdaUser + n_u)}, repeated. Unknown users or titles get bias 0.
 * Predictions are clipped to the training ratings' range.
 */
public final class BiasBaseline implements RatingPredictor {
    /** Its row name in evaluation reports and model cards. */
    public static final String NAME = "user+item biases";
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
        double mu = GlobalMeanBaseline.mean(train);
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (Rating r : train) {
            min = Math.min(min, r.rating);
            max = Math.max(max, r.rating);
        }
        Map<String, Double> bu = new HashMap<>();
        Map<String, Double> bi = new HashMap<>();
        for (int it = 0; it < iterations; it++) {
            Map<String, double[]> acc = new HashMap<>();
            for (Rating r : train) {
                double[] a = acc.computeIfAbsent(r.movieTitle, k -> new double[2]);
                a[0] += r.rating - mu - bu.getOrDefault(r.userId, 0.0);
                a[1]++;
            }
            acc.forEach((k, a) -> bi.put(k, a[0] / (lambdaItem + a[1])));
            acc.clear();
            for (Rating r : train) {
                double[] a = acc.computeIfAbsent(r.userId, k -> new double[2]);
                a[0] += r.rating - mu - bi.getOrDefault(r.movieTitle, 0.0);
                a[1]++;
            }
            acc.forEach((k, a) -> bu.put(k, a[0] / (lambdaUser + a[1])));
        }
        return new BiasBaseline(mu, bu, bi, train.isEmpty() ? 1 : min, train.isEmpty() ? 5 : max);
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
}

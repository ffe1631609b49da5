package dev.marquee.model;

import dev.marquee.data.event.Rating;
import java.util.List;

/** Root mean squared error and mean absolute error of predictions against true ratings. */
public record Metrics(double rmse, double mae, int count) {

    public static Metrics of(float[] predicted, List<Rating> actual) {
        if (predicted.length != actual.size()) {
            throw new IllegalArgumentException(predicted.length + " predictions for " + actual.size() + " ratings");
        }
        double se = 0;
        double ae = 0;
        for (int i = 0; i < predicted.length; i++) {
            double d = predicted[i] - actual.get(i).rating;
            se += d * d;
            ae += Math.abs(d);
        }
        int n = predicted.length;
        return n == 0 ? new Metrics(Double.NaN, Double.NaN, 0) : new Metrics(Math.sqrt(se / n), ae / n, n);
    }

    public static Metrics of(RatingPredictor predictor, List<Rating> actual) {
        return of(predictor.predict(actual), actual);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "RMSE %.4f  MAE %.4f  (n=%d)", rmse, mae, count);
    }
}

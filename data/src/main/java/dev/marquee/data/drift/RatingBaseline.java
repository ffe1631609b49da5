package dev.marquee.data.drift;

import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The regularised user + title bias model of the reference ratings: what a request's prediction is expected to
 * be from who asks and for what. A window's mean of (prediction - baseline) removes which users and titles the
 * window happens to hold (a few users in a burst), so {@code prediction.mean_shift} sees the model's ratings
 * move, not the traffic's mix.
 *
 * @param ratingMean the mean reference rating
 * @param userBias user id to bias (unknown users: 0)
 * @param titleBias title to bias (unknown titles: 0)
 * @param residualMean the mean of (prediction - baseline) over the reference rows
 * @param titleShare title to its share of the reference rows, every title's (the profile keeps the top K's only):
 *     what an episode's {@code titles_grown} compares a title's window share with; null in calibrations made before
 *     session 38
 */
public record RatingBaseline(double ratingMean, Map<String, Double> userBias, Map<String, Double> titleBias,
                             double residualMean, Map<String, Double> titleShare) implements Serializable {
    static final double SHRINK = 10;

    public double expected(String userId, String title) {
        Double u = userId == null ? null : userBias.get(userId);
        Double t = title == null ? null : titleBias.get(title);
        return ratingMean + (u == null ? 0 : u) + (t == null ? 0 : t);
    }

    /** Fits the biases on {@code rows}' true ratings, and the residual mean of their predictions. */
    public static RatingBaseline fit(List<DriftCalibrator.Row> rows) {
        double mean = 0;
        for (DriftCalibrator.Row r : rows) mean += r.rating();
        mean /= Math.max(1, rows.size());
        Map<String, double[]> users = new HashMap<>();
        for (DriftCalibrator.Row r : rows) {
            double[] a = users.computeIfAbsent(r.userId(), k -> new double[2]);
            a[0] += r.rating() - mean;
            a[1]++;
        }
        Map<String, Double> userBias = new HashMap<>();
        users.forEach((k, a) -> userBias.put(k, round(a[0] / (a[1] + SHRINK))));
        Map<String, double[]> titles = new HashMap<>();
        for (DriftCalibrator.Row r : rows) {
            double[] a = titles.computeIfAbsent(r.title(), k -> new double[2]);
            a[0] += r.rating() - mean - userBias.get(r.userId());
            a[1]++;
        }
        Map<String, Double> titleBias = new HashMap<>();
        titles.forEach((k, a) -> titleBias.put(k, round(a[0] / (a[1] + SHRINK))));
        Map<String, Double> titleShare = new HashMap<>();
        titles.forEach((k, a) -> titleShare.put(k, Math.round(a[1] / rows.size() * 1e7) / 1e7)); // one row in 10M
        RatingBaseline b = new RatingBaseline(mean, userBias, titleBias, 0, titleShare);
        double residual = 0;
        for (DriftCalibrator.Row r : rows) residual += r.prediction() - b.expected(r.userId(), r.title());
        return new RatingBaseline(mean, userBias, titleBias, residual / Math.max(1, rows.size()), titleShare);
    }

    private static double round(double v) {
        return Math.round(v * 1e4) / 1e4; // four decimals keep the asset small and change nothing that matters
    }
}

package dev.marquee.job.bench;

import dev.marquee.data.event.Rating;
import dev.marquee.data.movielens.MovieLens100K;
import dev.marquee.data.movielens.MovieLensDir;
import dev.marquee.data.movielens.Split;
import dev.marquee.data.movielens.Splits;
import dev.marquee.model.Architecture;
import dev.marquee.model.BiasBaseline;
import dev.marquee.model.Trainer;
import dev.marquee.model.TrainedModel;
import dev.marquee.model.TrainingConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Offline tuning aid (no Kafka): prequential RMSE of the static model and of per-user residual adaptation. */
public final class AdaptationSimulation {
    public static void main(String[] args) throws Exception {
        List<Rating> all = new MovieLens100K(MovieLensDir.resolve()).ratings();
        Split split = Splits.byTimeRange(all, 0.6, 0.0);
        List<Rating> train = split.train();
        List<Rating> replay = new ArrayList<>(split.test());
        replay.sort((a, b) -> Long.compare(a.timestamp, b.timestamp));
        System.out.printf("train %d, replay %d%n", train.size(), replay.size());
        float[] bias = BiasBaseline.fit(train).predict(replay);
        System.out.printf("static biases %.4f%n", rmse(replay, bias, 0, 1, 9));
        try (TrainedModel model = new Trainer(TrainingConfig.defaults(Architecture.DEFAULT), l -> { }).train(train, List.of())) {
            float[] p = model.predict(replay);
            System.out.printf("static model %.4f%n", rmse(replay, p, 0, 1, 9));
            for (double k : new double[] {1, 2, 3, 5, 8}) {
                for (double decay : new double[] {1, 0.98, 0.95, 0.9}) {
                    System.out.printf("k=%.0f decay=%.2f model+adapt %.4f  biases+adapt %.4f%n", k, decay,
                            rmse(replay, p, k, decay, 2), rmse(replay, bias, k, decay, 2));
                }
            }
        }
    }

    static double rmse(List<Rating> rows, float[] pred, double k, double decay, double max) {
        Map<String, double[]> users = new HashMap<>();
        double se = 0;
        for (int i = 0; i < rows.size(); i++) {
            Rating r = rows.get(i);
            double[] s = users.computeIfAbsent(r.userId, u -> new double[2]);
            double adj = k == 0 ? 0 : Math.max(-max, Math.min(max, s[0] / (s[1] + k)));
            double served = Math.max(1, Math.min(5, pred[i] + adj));
            se += (served - r.rating) * (served - r.rating);
            s[0] = s[0] * decay + (r.rating - pred[i]);
            s[1] = s[1] * decay + 1;
        }
        return Math.sqrt(se / rows.size());
    }
}

package dev.marquee.model;

import dev.marquee.data.event.Rating;
import dev.marquee.data.profile.ReferenceProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Trains a {@link RatingGraph}: seeded shuffled mini-batches, the configured optimiser, early stopping on
 * validation RMSE (the best epoch's weights are restored), one progress line per epoch.
 *
 * <p>Without a validation set, a seeded {@value #HOLDOUT_PERCENT}% of the training rows is held out for
 * early stopping and not trained on. {@link #refit} trains the same recipe again on train + validation for the
 * epochs the first run chose ({@link TrainedModel#schedule()}), holding nothing out.
 *
 * <p>The model it returns carries the {@link ReferenceProfile} of the given training rows, with the histogram
 * of its predictions on those training rows ({@link DriftAssets}; validation rows fit the error model and, from the
 * training rows' period, set the least thresholds of the distances to the reference).
 */
public final class Trainer {
    public static final int HOLDOUT_PERCENT = TrainingRows.HOLDOUT_PERCENT;
    private static final double MIN_IMPROVEMENT = 1e-5;

    private final TrainingConfig config;
    private final Consumer<String> progress;

    public Trainer(TrainingConfig config, Consumer<String> progress) {
        this.config = config;
        this.progress = progress;
    }

    public TrainedModel train(List<Rating> train, List<Rating> validation) {
        if (train.isEmpty()) {
            throw new IllegalArgumentException("no training ratings");
        }
        long start = System.nanoTime();
        TrainingRows rows = TrainingRows.of(train, validation, config.seed());
        if (rows.heldOut()) {
            progress.accept("no validation set: holding out " + rows.validation().size() + " of " + train.size()
                    + " training ratings for early stopping");
        }
        return fit(start, rows.fit(), rows.validation(), train, rows.validationSource(), null);
    }

    /**
     * Trains the same recipe again on {@code rows} (train + validation), nothing held out and nothing chosen:
     * exactly the schedule's epochs per component, no early stopping, the schedule's blend weights.
     *
     * @param trainedOn the first run's validation rows; they are part of {@code rows} and serve only where a
     *     held-out part is needed (the drift assets' error model), which they no longer are (so they set no
     *     distance thresholds)
     */
    public TrainedModel refit(List<Rating> rows, List<Rating> trainedOn, RefitSchedule schedule) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no training ratings");
        }
        if (schedule.epochsA() < 1) {
            throw new IllegalArgumentException("the first run chose no epoch (no validation RMSE); nothing to refit");
        }
        if ((schedule.blendWeights() != null) != (config.architecture() == Architecture.BLEND)) {
            throw new IllegalArgumentException("blend weights come with --arch blend only");
        }
        return fit(System.nanoTime(), rows, trainedOn, rows, "validation rows, trained on by the refit", schedule);
    }

    /** With a schedule: its epochs, no validation; without: early stopping on {@code validation}. */
    private TrainedModel fit(long start, List<Rating> train, List<Rating> validation, List<Rating> givenTrain,
            String validationSource, RefitSchedule schedule) {
        List<String> userIds = new ArrayList<>(train.size());
        List<String> titleNames = new ArrayList<>(train.size());
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        double sum = 0;
        for (Rating r : train) {
            userIds.add(r.userId);
            titleNames.add(r.movieTitle);
            min = Math.min(min, r.rating);
            max = Math.max(max, r.rating);
            sum += r.rating;
        }
        Vocabulary users = Vocabulary.of(Vocabulary.byFrequency(userIds));
        Vocabulary titles = Vocabulary.ofTitles(Vocabulary.byFrequency(titleNames));
        float mean = (float) (sum / train.size());

        TensorFlowHost.check();
        Graph graph = new Graph();
        Session session = null;
        try {
            long[] userDayKeys = train.stream()
                    .mapToLong(r -> RatingGraph.userDayKey(users.indexOrOov(r.userId), r.timestamp))
                    .distinct().sorted().toArray();
            RatingGraph net = new RatingGraph(graph, users, titles, config, mean, min, max, userDayKeys);
            // One thread means every op on the caller's thread (inter-op -1): with a pool of one, ops can still
            // run beside the caller, and reads of ref variables then race with the optimiser's updates, so the
            // same seed gave different curves. Serial execution makes training reproducible, and was faster.
            ConfigProto proto = ConfigProto.newBuilder().setIntraOpParallelismThreads(config.threads())
                    .setInterOpParallelismThreads(config.threads() == 0 ? 0 : config.threads() == 1 ? -1 : 1).build();
            session = new Session(graph, proto);
            session.initialize();
            session.run(net.tablesInit);

            InputEncoder encoder = new InputEncoder(users, titles);
            Columns fit = Columns.of(train, encoder);
            Columns val = Columns.of(validation, encoder);
            LearningCurve curve = new LearningCurve();
            Random random = new Random(config.seed());
            int[] order = new int[fit.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            int bestEpoch;
            if (schedule == null) {
                bestEpoch = trainEarlyStopping(session, net, fit, val, order, users.oovIndex(), random, curve);
            } else {
                trainFixed(session, net, fit, order, users.oovIndex(), random, curve, schedule.epochsA());
                bestEpoch = schedule.epochsA();
            }
            RefitSchedule chosen;
            if (net.blend == null) {
                chosen = RefitSchedule.of(bestEpoch);
            } else if (schedule == null) {
                BlendTraining.Outcome o = new BlendTraining(session, net, config.seed(), progress).run(fit.users,
                        fit.titles, fit.timestamps, fit.labels, val.users, val.titles, val.timestamps, val.labels);
                chosen = new RefitSchedule(bestEpoch, o.bestEpochB(), o.bestEpochC(), o.weights());
            } else {
                new BlendTraining(session, net, config.seed(), progress).refit(fit.users, fit.titles, fit.timestamps,
                        fit.labels, schedule);
                chosen = schedule;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            // The prediction reference is the model on its own training rows: the population it learned. On
            // validation rows (a later period with many new users) it is narrower, and traffic like the
            // training data would read as drift (docs/decisions/0005).
            Columns reference = Columns.of(givenTrain, encoder);
            DriftAssets drift = DriftAssets.compute(
                    new DriftAssets.Scored(givenTrain, predictIndices(session, net, reference),
                            oov(reference.users, users.oovIndex()), oov(reference.titles, titles.oovIndex())),
                    new DriftAssets.Scored(validation, predictIndices(session, net, val),
                            oov(val.users, users.oovIndex()), oov(val.titles, titles.oovIndex())),
                    validationSource, schedule == null, progress);
            return new TrainedModel(graph, session, net, users, titles, config, curve, bestEpoch, seconds,
                    train.size(), drift, chosen, schedule != null);
        } catch (RuntimeException | Error e) {
            if (session != null) {
                session.close();
            }
            graph.close();
            throw e;
        }
    }

    /** Early stopping on validation RMSE; restores the best epoch's weights and returns that epoch. */
    private int trainEarlyStopping(Session session, RatingGraph net, Columns fit, Columns val, int[] order,
            int oovUser, Random random, LearningCurve curve) {
        double best = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        int stale = 0;
        List<Tensor> snapshot = List.of();
        try {
            for (int epoch = 1; epoch <= config.maxEpochs(); epoch++) {
                long t0 = System.nanoTime();
                shuffle(order, random);
                double trainRmse = runEpoch(session, net, fit, order, oovUser, random);
                double valRmse = rmse(predictIndices(session, net, val), val.labels);
                LearningCurve.Epoch e = new LearningCurve.Epoch(epoch, trainRmse, valRmse,
                        (System.nanoTime() - t0) / 1e9);
                curve.add(e);
                progress.accept(e.progressLine());
                if (valRmse < best - MIN_IMPROVEMENT) {
                    best = valRmse;
                    bestEpoch = epoch;
                    stale = 0;
                    closeAll(snapshot);
                    snapshot = snapshot(session, net);
                } else if (++stale >= config.patience()) {
                    progress.accept("early stop: no better validation RMSE for " + stale + " epochs; best "
                            + String.format(java.util.Locale.ROOT, "%.4f", best) + " at epoch " + bestEpoch);
                    break;
                }
            }
            restore(session, net, snapshot);
        } finally {
            closeAll(snapshot);
        }
        return bestEpoch;
    }

    /** Exactly {@code epochs} epochs, the same shuffles and draws as early stopping's, nothing validated. */
    private void trainFixed(Session session, RatingGraph net, Columns fit, int[] order, int oovUser, Random random,
            LearningCurve curve, int epochs) {
        for (int epoch = 1; epoch <= epochs; epoch++) {
            long t0 = System.nanoTime();
            shuffle(order, random);
            double trainRmse = runEpoch(session, net, fit, order, oovUser, random);
            LearningCurve.Epoch e = new LearningCurve.Epoch(epoch, trainRmse, Double.NaN,
                    (System.nanoTime() - t0) / 1e9);
            curve.add(e);
            progress.accept(String.format(java.util.Locale.ROOT, "refit epoch %3d of %d  train RMSE %.4f  %.2f s",
                    epoch, epochs, trainRmse, e.seconds()));
        }
    }

    private static boolean[] oov(int[] indices, int oovIndex) {
        boolean[] out = new boolean[indices.length];
        for (int i = 0; i < out.length; i++) out[i] = indices[i] == oovIndex;
        return out;
    }

    /** Index columns of a rating list, encoded once. */
    private record Columns(int[] users, int[] titles, long[] timestamps, float[] labels) {
        static Columns of(List<Rating> ratings, InputEncoder encoder) {
            int n = ratings.size();
            int[] u = new int[n];
            int[] t = new int[n];
            long[] ts = new long[n];
            float[] y = new float[n];
            for (int i = 0; i < n; i++) {
                Rating r = ratings.get(i);
                u[i] = encoder.userIndex(r.userId);
                t[i] = encoder.titleIndex(r.movieTitle);
                ts[i] = r.timestamp;
                y[i] = r.rating;
            }
            return new Columns(u, t, ts, y);
        }

        int size() {
            return labels.length;
        }
    }

    private double runEpoch(Session session, RatingGraph net, Columns data, int[] order, int oovUser,
            Random random) {
        int batch = config.batchSize();
        double squaredErrors = 0;
        int[] u = new int[batch];
        int[] t = new int[batch];
        long[] ts = new long[batch];
        float[] y = new float[batch];
        float oovRate = config.oovRate();
        for (int from = 0; from < order.length; from += batch) {
            int n = Math.min(batch, order.length - from);
            if (n != u.length) {
                u = new int[n];
                t = new int[n];
                ts = new long[n];
                y = new float[n];
            }
            for (int k = 0; k < n; k++) {
                int row = order[from + k];
                u[k] = oovRate > 0 && random.nextFloat() < oovRate ? oovUser : data.users[row];
                t[k] = data.titles[row];
                ts[k] = data.timestamps[row];
                y[k] = data.labels[row];
            }
            try (TInt32 ut = TInt32.vectorOf(u);
                    TInt32 tt = TInt32.vectorOf(t);
                    TInt64 tst = TInt64.vectorOf(ts);
                    TFloat32 yt = TFloat32.vectorOf(y);
                    Result r = session.runner().feed(net.userIndex, ut).feed(net.titleIndex, tt)
                            .feed(net.timestamp, tst).feed(net.label, yt).addTarget(net.trainStep).fetch(net.mse).run()) {
                squaredErrors += ((TFloat32) r.get(0)).getFloat() * n;
            }
        }
        return Math.sqrt(squaredErrors / order.length);
    }

    static float[] predictIndices(Session session, RatingGraph net, Columns data) {
        float[] out = new float[data.size()];
        for (int from = 0; from < out.length; from += TrainedModel.PREDICT_CHUNK) {
            int to = Math.min(out.length, from + TrainedModel.PREDICT_CHUNK);
            try (TInt32 ut = TInt32.vectorOf(java.util.Arrays.copyOfRange(data.users, from, to));
                    TInt32 tt = TInt32.vectorOf(java.util.Arrays.copyOfRange(data.titles, from, to));
                    TInt64 tst = TInt64.vectorOf(java.util.Arrays.copyOfRange(data.timestamps, from, to));
                    Result r = session.runner().feed(net.userIndex, ut).feed(net.titleIndex, tt)
                            .feed(net.timestamp, tst).fetch(net.rating).run()) {
                float[] chunk = new float[to - from];
                ((TFloat32) r.get(0)).copyTo(DataBuffers.of(chunk, false, false));
                System.arraycopy(chunk, 0, out, from, chunk.length);
            }
        }
        return out;
    }

    static double rmse(float[] predicted, float[] actual) {
        double se = 0;
        for (int i = 0; i < predicted.length; i++) {
            double d = predicted[i] - actual[i];
            se += d * d;
        }
        return predicted.length == 0 ? Double.NaN : Math.sqrt(se / predicted.length);
    }

    /** Fisher–Yates, in place; every component's epochs shuffle this way. */
    static void shuffle(int[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = a[i];
            a[i] = a[j];
            a[j] = tmp;
        }
    }

    private static List<Tensor> snapshot(Session session, RatingGraph net) {
        Session.Runner runner = session.runner();
        net.weights.forEach(runner::fetch);
        List<Tensor> values = new ArrayList<>();
        try (Result r = runner.run()) {
            // Result closes its tensors; copy each one out so the snapshot outlives it.
            for (int i = 0; i < net.weights.size(); i++) {
                TFloat32 v = (TFloat32) r.get(i);
                values.add(copy(v));
            }
        }
        return values;
    }

    private static TFloat32 copy(TFloat32 v) {
        TFloat32 c = TFloat32.tensorOf(v.shape());
        v.copyTo(c);
        return c;
    }

    private static void restore(Session session, RatingGraph net, List<Tensor> snapshot) {
        if (snapshot.isEmpty()) {
            return;
        }
        Session.Runner runner = session.runner();
        for (int i = 0; i < net.weights.size(); i++) {
            runner.feed(net.weightFeeds.get(i), snapshot.get(i)).addTarget(net.weightAssigns.get(i));
        }
        runner.run().close();
    }

    private static void closeAll(List<Tensor> tensors) {
        tensors.forEach(Tensor::close);
    }
}

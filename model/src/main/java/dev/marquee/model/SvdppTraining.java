package dev.marquee.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Trains {@link SvdppGraph} (component B of a blend): seeded N(0, sd) init of p and q, shuffled mini-batches
 * with each row's implicit feedback fed densely, early stopping on the validation RMSE of its served (baked)
 * prediction, best epoch restored and baked; or, for a refit, a fixed number of epochs.
 */
final class SvdppTraining {

    private final Session session;
    private final RatingGraph net;
    private final SvdppGraph g;
    private final long seed;
    private final Consumer<String> progress;
    private final int users;
    private final int titles;

    SvdppTraining(Session session, RatingGraph net, long seed, Consumer<String> progress) {
        this.session = session;
        this.net = net;
        this.g = net.blend.svdpp;
        this.seed = seed;
        this.progress = progress;
        this.users = net.blend.knownUsers + 1;
        this.titles = net.blend.knownTitles + 1;
    }

    /** Returns the best epoch. The rows are vocabulary indices; validation rows may hold OOV indices. */
    int run(int[] fitUsers, int[] fitTitles, long[] fitTimestamps, float[] fitLabels, int[] valUsers,
            int[] valTitles, long[] valTimestamps, float[] valLabels, BlendTraining fetcher) {
        SvdppConfig c = g.config;
        Epochs epochs = new Epochs(fitUsers, fitTitles, fitTimestamps, fitLabels);
        int bestEpoch;
        try (BestEpoch best = new BestEpoch(c.patience())) {
            for (int epoch = 1; epoch <= c.maxEpochs(); epoch++) {
                long t0 = System.nanoTime();
                double trainRmse = epochs.next();
                double val = Trainer.rmse(fetcher.fetch(net.blend.componentB, valUsers, valTitles, valTimestamps),
                        valLabels);
                progress.accept(String.format(java.util.Locale.ROOT, "svd++ epoch %3d  train %.4f  validation %.4f  %.1fs",
                        epoch, trainRmse, val, (System.nanoTime() - t0) / 1e9));
                if (best.record(epoch, val, session, g.weights)) {
                    progress.accept(String.format(java.util.Locale.ROOT,
                            "svd++ early stop: best validation RMSE %.4f at epoch %d", best.rmse(), best.epoch()));
                    break;
                }
            }
            best.restore(session, g.weightFeeds, g.weightAssigns);
            bestEpoch = best.epoch();
        }
        bake(epochs.full);
        return bestEpoch;
    }

    /** A refit: exactly {@code count} epochs on the given rows, nothing validated, the last weights baked. */
    void runFixed(int[] fitUsers, int[] fitTitles, long[] fitTimestamps, float[] fitLabels, int count) {
        Epochs epochs = new Epochs(fitUsers, fitTitles, fitTimestamps, fitLabels);
        for (int epoch = 1; epoch <= count; epoch++) {
            long t0 = System.nanoTime();
            double trainRmse = epochs.next();
            progress.accept(String.format(java.util.Locale.ROOT, "svd++ refit epoch %3d of %d  train %.4f  %.1fs",
                    epoch, count, trainRmse, (System.nanoTime() - t0) / 1e9));
        }
        bake(epochs.full);
    }

    /**
     * The epochs of one run: initialises p and q, then each {@link #next()} shuffles (seeded), trains one epoch
     * with each row's implicit feedback fed densely, and bakes the served user vectors.
     */
    private final class Epochs {
        final int[] fitUsers;
        final int[] fitTitles;
        final long[] fitTimestamps;
        final float[] fitLabels;
        final int[][] rated;
        final float[] norm = new float[users];
        final float[] full = new float[users * titles];
        final Random random = new Random(seed);
        final int[] order;
        final float[] implicit;

        Epochs(int[] fitUsers, int[] fitTitles, long[] fitTimestamps, float[] fitLabels) {
            this.fitUsers = fitUsers;
            this.fitTitles = fitTitles;
            this.fitTimestamps = fitTimestamps;
            this.fitLabels = fitLabels;
            rated = ratedTitles(fitUsers, fitTitles);
            for (int u = 0; u < users; u++) {
                norm[u] = rated[u].length == 0 ? 0f : (float) (1 / Math.sqrt(rated[u].length));
                for (int t : rated[u]) full[u * titles + t] = norm[u];
            }
            initialise();
            order = new int[fitLabels.length];
            for (int i = 0; i < order.length; i++) order[i] = i;
            implicit = new float[g.config.batchSize() * titles];
        }

        /** Trains one epoch; returns its training RMSE (over the batches as they were trained). */
        double next() {
            int batchSize = g.config.batchSize();
            Trainer.shuffle(order, random);
            double squared = 0;
            for (int from = 0; from < order.length; from += batchSize) {
                int n = Math.min(batchSize, order.length - from);
                int[] u = new int[n];
                int[] t = new int[n];
                long[] ts = new long[n];
                float[] y = new float[n];
                Arrays.fill(implicit, 0f);
                for (int k = 0; k < n; k++) {
                    int row = order[from + k];
                    u[k] = fitUsers[row];
                    t[k] = fitTitles[row];
                    ts[k] = fitTimestamps[row];
                    y[k] = fitLabels[row];
                    for (int j : rated[u[k]]) implicit[k * titles + j] = norm[u[k]];
                }
                try (TInt32 ut = TInt32.vectorOf(u);
                        TInt32 tt = TInt32.vectorOf(t);
                        TInt64 tst = TInt64.vectorOf(ts);
                        TFloat32 yt = TFloat32.vectorOf(y);
                        TFloat32 it = TFloat32.tensorOf(Shape.of(n, titles),
                                DataBuffers.of(implicit, true, false).narrow((long) n * titles));
                        Result r = session.runner().feed(net.userIndex, ut).feed(net.titleIndex, tt)
                                .feed(net.timestamp, tst).feed(net.label, yt).feed(g.implicit, it)
                                .addTarget(g.trainStep).fetch(g.mse).run()) {
                    squared += ((TFloat32) r.get(0)).getFloat() * n;
                }
            }
            bake(full);
            return Math.sqrt(squared / order.length);
        }
    }

    /** Distinct titles each user rated in the fit rows (the OOV user: none). */
    private int[][] ratedTitles(int[] fitUsers, int[] fitTitles) {
        List<java.util.TreeSet<Integer>> sets = new ArrayList<>();
        for (int u = 0; u < users; u++) sets.add(new java.util.TreeSet<>());
        for (int i = 0; i < fitUsers.length; i++) {
            if (fitUsers[i] < users - 1 && fitTitles[i] < titles - 1) sets.get(fitUsers[i]).add(fitTitles[i]);
        }
        int[][] out = new int[users][];
        for (int u = 0; u < users; u++) out[u] = sets.get(u).stream().mapToInt(Integer::intValue).toArray();
        return out;
    }

    /** p and q: N(0, sd), their OOV rows 0. */
    private void initialise() {
        Random random = new Random(seed ^ 0x2545F4914F6CDD1DL);
        List<TFloat32> values = new ArrayList<>();
        for (int i = 0; i < g.weights.size(); i++) values.add(null);
        int k = g.config.factors();
        values.set(g.userFactorsIndex, normalRows(random, users, k));
        values.set(g.titleFactorsIndex, normalRows(random, titles, k));
        try {
            WeightSnapshot.assign(session, g.weightFeeds, g.weightAssigns, values);
        } finally {
            WeightSnapshot.close(values);
        }
    }

    private TFloat32 normalRows(Random random, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int j = 0; j < (rows - 1) * cols; j++) v[j] = (float) (random.nextGaussian() * g.config.initSd());
        return TFloat32.tensorOf(Shape.of(rows, cols), DataBuffers.of(v, true, false));
    }

    private void bake(float[] full) {
        try (TFloat32 in = TFloat32.tensorOf(Shape.of(users, titles), DataBuffers.of(full, true, false))) {
            session.runner().feed(g.implicit, in).addTarget(g.bake).run().close();
        }
    }
}

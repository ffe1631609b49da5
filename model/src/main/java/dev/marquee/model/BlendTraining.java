package dev.marquee.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The second stage of a {@link Architecture#BLEND} run, after component A is trained: trains SVD++ (B, early
 * stopping on all validation rows) and the autoencoder (C, early stopping on the validation rows whose user and
 * title are known), each restored to its best epoch and baked, then fits the blend weights by least squares on
 * the known validation rows. A {@linkplain #refit refit} trains both for fixed epochs and keeps given weights.
 */
final class BlendTraining {
    /** Known validation rows the blend's four weights are fitted on at the least: ten per weight. */
    static final int MIN_KNOWN_ROWS = 40;

    /** What the stage chose; the RMSEs are on the known validation rows. */
    record Outcome(int bestEpochB, int bestEpochC, int knownRows, double[] weights, double rmseA, double rmseB,
            double rmseC, double rmseBlend) {}

    private final Session session;
    private final RatingGraph net;
    private final BlendGraph g;
    private final long seed;
    private final Consumer<String> progress;
    private final int width;
    private final int titleRows;

    BlendTraining(Session session, RatingGraph net, long seed, Consumer<String> progress) {
        this.session = session;
        this.net = net;
        this.g = net.blend;
        this.seed = seed;
        this.progress = progress;
        this.width = g.knownUsers + 1;
        this.titleRows = g.knownTitles + 1;
    }

    /** Fit rows and validation rows as vocabulary indices (the OOV index for unknown ids). */
    Outcome run(int[] fitUsers, int[] fitTitles, long[] fitTimestamps, float[] fitLabels, int[] valUsers,
            int[] valTitles, long[] valTimestamps, float[] valLabels) {
        float[] ratings = ratingMatrix(fitUsers, fitTitles, fitLabels);
        int[] known = knownRows(valUsers, valTitles);
        int[] ku = pick(valUsers, known);
        int[] kt = pick(valTitles, known);
        long[] kts = new long[known.length];
        float[] ky = new float[known.length];
        for (int i = 0; i < known.length; i++) {
            kts[i] = valTimestamps[known[i]];
            ky[i] = valLabels[known[i]];
        }
        if (known.length < MIN_KNOWN_ROWS) { // four weights by least squares on fewer rows would fit their noise
            progress.accept("blend: " + known.length + " validation rows with a known user and title; serving A alone");
            return new Outcome(0, 0, known.length, new double[] {0, 1, 0, 0}, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN);
        }
        int bestEpochB = new SvdppTraining(session, net, seed, progress).run(fitUsers, fitTitles, fitTimestamps,
                fitLabels, valUsers, valTitles, valTimestamps, valLabels, this);
        initialiseGlorot();
        int bestEpochC = trainAutoencoder(ratings, ku, kt, kts, ky);
        float[] a = fetch(g.componentA, ku, kt, kts);
        float[] b = fetch(g.componentB, ku, kt, kts);
        float[] c = fetch(g.componentC, ku, kt, kts);
        double[] w;
        try {
            w = LeastSquares.fit(new float[][] {a, b, c}, ky);
        } catch (IllegalArgumentException e) {
            progress.accept("blend: " + e.getMessage() + "; serving A alone");
            w = new double[] {0, 1, 0, 0};
        }
        float[] wf = {(float) w[0], (float) w[1], (float) w[2], (float) w[3]};
        try (TFloat32 t = TFloat32.vectorOf(wf)) {
            session.runner().feed(g.blendWeightsFeed, t).addTarget(g.blendWeightsAssign).run().close();
        }
        float[] blended = new float[ky.length];
        for (int i = 0; i < blended.length; i++) {
            blended[i] = wf[0] + wf[1] * a[i] + wf[2] * b[i] + wf[3] * c[i];
        }
        Outcome o = new Outcome(bestEpochB, bestEpochC, known.length, w, Trainer.rmse(a, ky), Trainer.rmse(b, ky),
                Trainer.rmse(c, ky), Trainer.rmse(blended, ky));
        progress.accept(String.format(java.util.Locale.ROOT,
                "blend: weights w0 %.4f, A %.4f, B %.4f, C %.4f fitted on %d validation rows with a known user and"
                        + " title (RMSE there: A %.4f, B %.4f, C %.4f, blend %.4f)",
                w[0], w[1], w[2], w[3], o.knownRows(), o.rmseA(), o.rmseB(), o.rmseC(), o.rmseBlend()));
        return o;
    }

    /**
     * A refit's second stage: SVD++ and the autoencoder trained for exactly the schedule's epochs on the given
     * rows (nothing validated, nothing held out), and the schedule's blend weights, fitted by the first run.
     */
    void refit(int[] fitUsers, int[] fitTitles, long[] fitTimestamps, float[] fitLabels, RefitSchedule schedule) {
        if (schedule.blendsComponents()) {
            new SvdppTraining(session, net, seed, progress).runFixed(fitUsers, fitTitles, fitTimestamps, fitLabels,
                    schedule.epochsSvdpp());
            initialiseGlorot();
            float[] ratings = ratingMatrix(fitUsers, fitTitles, fitLabels);
            AutoencoderEpochs epochs = new AutoencoderEpochs(ratings);
            for (int epoch = 1; epoch <= schedule.epochsAutoRec(); epoch++) {
                long t0 = System.nanoTime();
                double train = epochs.next();
                progress.accept(String.format(java.util.Locale.ROOT, "autorec refit epoch %3d of %d  train %.4f  %.1fs",
                        epoch, schedule.epochsAutoRec(), train, (System.nanoTime() - t0) / 1e9));
            }
            bake(ratings);
        } else {
            progress.accept("blend: the first run served A alone; so does the refit");
        }
        double[] w = schedule.blendWeights();
        float[] wf = {(float) w[0], (float) w[1], (float) w[2], (float) w[3]};
        try (TFloat32 t = TFloat32.vectorOf(wf)) {
            session.runner().feed(g.blendWeightsFeed, t).addTarget(g.blendWeightsAssign).run().close();
        }
        progress.accept(String.format(java.util.Locale.ROOT,
                "blend: weights w0 %.4f, A %.4f, B %.4f, C %.4f kept from the first run", w[0], w[1], w[2], w[3]));
    }

    /** Each title's ratings over the users, the autoencoder's input (0 = not rated; unknown ids left out). */
    private float[] ratingMatrix(int[] fitUsers, int[] fitTitles, float[] fitLabels) {
        float[] ratings = new float[titleRows * width];
        for (int i = 0; i < fitLabels.length; i++) {
            if (fitUsers[i] < g.knownUsers && fitTitles[i] < g.knownTitles) {
                ratings[fitTitles[i] * width + fitUsers[i]] = fitLabels[i];
            }
        }
        return ratings;
    }

    /** The autoencoder's epochs: each {@link #next()} shuffles the titles (seeded), trains one epoch, bakes. */
    private final class AutoencoderEpochs {
        final float[] ratings;
        final Random random = new Random(seed);
        final int[] order = new int[g.knownTitles];
        final int rated;

        AutoencoderEpochs(float[] ratings) {
            this.ratings = ratings;
            for (int i = 0; i < order.length; i++) order[i] = i;
            int count = 0;
            for (float r : ratings) if (r != 0) count++;
            rated = count;
        }

        /** Trains one epoch; returns its training RMSE over the rated cells. */
        double next() {
            AutoRecConfig c = g.config;
            Trainer.shuffle(order, random);
            double squared = 0;
            for (int from = 0; from < order.length; from += c.batchTitles()) {
                int n = Math.min(c.batchTitles(), order.length - from);
                float[] batch = new float[n * width];
                for (int k = 0; k < n; k++) {
                    System.arraycopy(ratings, order[from + k] * width, batch, k * width, width);
                }
                float scale = (float) n / g.knownTitles * c.l2() / 2;
                try (TFloat32 in = TFloat32.tensorOf(Shape.of(n, width), DataBuffers.of(batch, true, false));
                        TFloat32 s = TFloat32.scalarOf(scale);
                        Result r = session.runner().feed(g.input, in).feed(g.l2Scale, s)
                                .addTarget(g.trainStep).fetch(g.squaredErrors).run()) {
                    squared += ((TFloat32) r.get(0)).getFloat();
                }
            }
            bake(ratings);
            return Math.sqrt(squared / Math.max(1, rated));
        }
    }

    private int trainAutoencoder(float[] ratings, int[] ku, int[] kt, long[] kts, float[] ky) {
        AutoRecConfig c = g.config;
        AutoencoderEpochs epochs = new AutoencoderEpochs(ratings);
        int bestEpoch;
        try (BestEpoch best = new BestEpoch(c.patience())) {
            for (int epoch = 1; epoch <= c.maxEpochs(); epoch++) {
                long t0 = System.nanoTime();
                double train = epochs.next();
                double val = Trainer.rmse(fetch(g.componentC, ku, kt, kts), ky);
                progress.accept(String.format(java.util.Locale.ROOT,
                        "autorec epoch %3d  train %.4f  validation (known rows) %.4f  %.1fs", epoch,
                        train, val, (System.nanoTime() - t0) / 1e9));
                if (best.record(epoch, val, session, g.weights)) {
                    progress.accept(String.format(java.util.Locale.ROOT,
                            "autorec early stop: best validation RMSE %.4f at epoch %d", best.rmse(), best.epoch()));
                    break;
                }
            }
            best.restore(session, g.weightFeeds, g.weightAssigns);
            bestEpoch = best.epoch();
        }
        bake(ratings);
        return bestEpoch;
    }

    private void initialiseGlorot() {
        Random random = new Random(seed ^ 0x5DEECE66DL);
        int h = g.config.hidden();
        double limit = Math.sqrt(6.0 / (width + h));
        Session.Runner runner = session.runner();
        List<TFloat32> values = new ArrayList<>();
        for (int i = 0; i < g.weights.size(); i++) {
            Shape shape = g.weights.get(i).shape();
            if (shape.numDimensions() != 2) {
                continue;
            }
            float[] v = new float[(int) shape.size()];
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) ((random.nextDouble() * 2 - 1) * limit);
            }
            TFloat32 t = TFloat32.tensorOf(shape, DataBuffers.of(v, true, false));
            values.add(t);
            runner.feed(g.weightFeeds.get(i), t).addTarget(g.weightAssigns.get(i));
        }
        try {
            runner.run().close();
        } finally {
            values.forEach(TFloat32::close);
        }
    }

    private void bake(float[] ratings) {
        try (TFloat32 in = TFloat32.tensorOf(Shape.of(titleRows, width), DataBuffers.of(ratings, true, false))) {
            session.runner().feed(g.input, in).addTarget(g.bake).run().close();
        }
    }

    /** One [batch]-shaped float operand for the given rows, through the serving path. */
    float[] fetch(Operand<TFloat32> op, int[] users, int[] titles, long[] timestamps) {
        float[] out = new float[users.length];
        for (int from = 0; from < out.length; from += TrainedModel.PREDICT_CHUNK) {
            int to = Math.min(out.length, from + TrainedModel.PREDICT_CHUNK);
            try (TInt32 ut = TInt32.vectorOf(Arrays.copyOfRange(users, from, to));
                    TInt32 tt = TInt32.vectorOf(Arrays.copyOfRange(titles, from, to));
                    TInt64 tst = TInt64.vectorOf(Arrays.copyOfRange(timestamps, from, to));
                    Result r = session.runner().feed(net.userIndex, ut).feed(net.titleIndex, tt)
                            .feed(net.timestamp, tst).fetch(op).run()) {
                float[] chunk = new float[to - from];
                ((TFloat32) r.get(0)).copyTo(DataBuffers.of(chunk, false, false));
                System.arraycopy(chunk, 0, out, from, chunk.length);
            }
        }
        return out;
    }

    private static int[] pick(int[] values, int[] rows) {
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) out[i] = values[rows[i]];
        return out;
    }

    private int[] knownRows(int[] users, int[] titles) {
        return java.util.stream.IntStream.range(0, users.length)
                .filter(i -> users[i] < g.knownUsers && titles[i] < g.knownTitles).toArray();
    }
}

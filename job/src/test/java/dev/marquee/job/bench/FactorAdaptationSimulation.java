package dev.marquee.job.bench;

import dev.marquee.data.config.SettingException;
import dev.marquee.data.config.Settings;
import dev.marquee.data.event.Rating;
import dev.marquee.data.movielens.MovieLens100K;
import dev.marquee.data.movielens.MovieLensDir;
import dev.marquee.data.movielens.Split;
import dev.marquee.data.movielens.Splits;
import dev.marquee.job.label.LabelSettings;
import dev.marquee.job.label.RegistryTitleEmbeddings;
import dev.marquee.job.label.TitleAdaptation;
import dev.marquee.job.label.TitleBias;
import dev.marquee.job.label.TitleEmbeddings;
import dev.marquee.job.label.UserFactors;
import dev.marquee.job.label.UserResidual;
import dev.marquee.model.Architecture;
import dev.marquee.model.BatchScorer;
import dev.marquee.model.ModelImporter;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.ScoredBatch;
import dev.marquee.model.ScorerThreads;
import dev.marquee.model.TrainedModel;
import dev.marquee.model.Trainer;
import dev.marquee.model.TrainingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Offline prequential simulation (no Kafka, no Flink) of online adaptation on MovieLens 100K, the tuning aid
 * behind the {@code adaptation.factors.*} and {@code adaptation.title-bias*} defaults (docs/BENCHMARKS.md,
 * "Online learning: user factors"). Version 1 is trained as {@link PrequentialBenchmark} trains it, on the first
 * 60% of the time range, and published to a scratch registry so its title embeddings are computed exactly as the
 * job computes them ({@link RegistryTitleEmbeddings}). The replay is the validation then the test part in time
 * order; each rating is predicted before its label is learned from, by the job's own state classes
 * ({@link UserResidual}, {@link UserFactors}, {@link TitleBias}). Hyperparameters are chosen on the validation
 * part only ({@code --tune}); every arm reports validation, test and the whole replay.
 *
 * <p>{@code --import SAVED_MODEL_DIR} replaces version 1 by a model made elsewhere, trained on the same 60%,
 * imported with {@code output_2} as its embedding output (the series' Keras model, say).
 *
 * <p>Also: a plain online biased matrix factorisation (River's {@code BiasedMF}: SGD on global mean + biases +
 * dot product, no model underneath), streamed over the training part once and then prequentially over the
 * replay; and the arms under delayed labels, a share of labelled requests, and labels applied some requests late.
 */
public final class FactorAdaptationSimulation {
    private FactorAdaptationSimulation() {}

    public static void main(String[] args) {
        BenchMain.exit("FactorAdaptationSimulation", true, () -> run(args));
    }

    /** The replay's rows, in time order, with version 1's outputs. */
    record Replay(String[] users, String[] titles, long[] timestamps, float[] ratings, float[] model,
                  boolean[] newTitle, int validationRows, Path registry, List<Rating> train,
                  Map<Integer, TitleEmbeddings> projections) {
        int size() {
            return users.length;
        }

        /** Version 1's embeddings kept to {@code dimensions} directions, as the job computes them (null for 0). */
        TitleEmbeddings embeddings(int dimensions) {
            if (dimensions == 0) return null;
            return projections.computeIfAbsent(dimensions, d -> {
                try {
                    return new RegistryTitleEmbeddings(registry.toString(), "marquee", d).load(1).orElseThrow();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
    }

    /** One way of serving and learning. */
    interface Learner {
        double predict(Replay r, int i);

        void learn(Replay r, int i);
    }

    /** RMSE over the validation part, the test part and the whole replay. */
    record Score(double validation, double test, double all) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.4f | %.4f | %.4f", validation, test, all);
        }
    }

    /** The job's settings that matter here. */
    record Params(double shrinkage, double decay, double biasPrior, double factorPrior, double biasDrift,
                  int dimensions, String titleScope, double titleNewPrior, double titleKnownPrior, double maxAdjustment) {
        static final Params DEFAULTS = of(LabelSettings.from(Settings.empty()));

        /** As the job would run with these settings (factors off: no dimensions, no title bias). */
        static Params of(LabelSettings s) {
            return new Params(s.shrinkage, s.decay, s.factorBiasPrior, s.factorPrior, s.factorBiasDrift,
                    s.factorsEnabled ? s.factorDimensions : -1, s.titleBias.name().toLowerCase(Locale.ROOT), s.titleNewPrior,
                    s.titleKnownPrior, s.maxAdjustment);
        }

        Params with(String key, double v) {
            return switch (key) {
                case "bias-prior" -> new Params(shrinkage, decay, v, factorPrior, biasDrift, dimensions, titleScope, titleNewPrior, titleKnownPrior, maxAdjustment);
                case "prior" -> new Params(shrinkage, decay, biasPrior, v, biasDrift, dimensions, titleScope, titleNewPrior, titleKnownPrior, maxAdjustment);
                case "bias-drift" -> new Params(shrinkage, decay, biasPrior, factorPrior, v, dimensions, titleScope, titleNewPrior, titleKnownPrior, maxAdjustment);
                case "new-prior" -> new Params(shrinkage, decay, biasPrior, factorPrior, biasDrift, dimensions, titleScope, v, titleKnownPrior, maxAdjustment);
                case "known-prior" -> new Params(shrinkage, decay, biasPrior, factorPrior, biasDrift, dimensions, titleScope, titleNewPrior, v, maxAdjustment);
                default -> throw new IllegalArgumentException(key);
            };
        }

        Params scope(String s) {
            return new Params(shrinkage, decay, biasPrior, factorPrior, biasDrift, dimensions, s, titleNewPrior, titleKnownPrior, maxAdjustment);
        }

        Params dims(int d) {
            return new Params(shrinkage, decay, biasPrior, factorPrior, biasDrift, d, titleScope, titleNewPrior, titleKnownPrior, maxAdjustment);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "bias-prior %s, prior %s, bias-drift %s, dimensions %d, title-bias %s (new %s, known %s)",
                    num(biasPrior), num(factorPrior), num(biasDrift), dimensions, titleScope, num(titleNewPrior), num(titleKnownPrior));
        }
    }

    static int run(String[] args) throws Exception {
        boolean tune = false;
        Path imported = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--tune")) tune = true;
            else if (args[i].equals("--import") && i + 1 < args.length) imported = Path.of(args[++i]);
            else throw new SettingException("unknown option " + args[i] + "; known: --tune, --import SAVED_MODEL_DIR");
        }
        Replay r = load(imported);
        TitleEmbeddings full = r.embeddings(32);
        System.out.printf(Locale.ROOT, "replay: %,d ratings (validation %,d, test %,d), %,d new-title rows; version 1's embeddings: "
                + "%,d titles, rank %d%n", r.size(), r.validationRows, r.size() - r.validationRows, count(r.newTitle), full.size(), full.dimensions());
        Params p = Params.DEFAULTS;
        if (tune) p = tune(r, p);
        LabelPlan now = LabelPlan.immediate(r.timestamps);
        Map<String, Score> arms = new LinkedHashMap<>();
        arms.put("static `output_3`", run(r, staticModel(), now));
        arms.put("residual bias (today's adaptation)", run(r, residual(p), now));
        arms.put("user bias as a random walk (Kalman), no factors", run(r, factors(r, p.dims(0).scope("off")), now));
        arms.put("+ user factors on `output_2` (" + p.dimensions + " dimensions)", run(r, factors(r, p.scope("off")), now));
        arms.put("+ new titles' bias (defaults)", run(r, factors(r, p.scope("new")), now));
        arms.put("+ every title's bias (`adaptation.title-bias all`)", run(r, factors(r, p.scope("all")), now));
        arms.put("defaults, bias without drift", run(r, factors(r, p.with("bias-drift", 0)), now));
        for (int d : new int[] {4, 8}) {
            arms.put("defaults, " + d + " dimensions", run(r, factors(r, p.dims(d)), now));
        }
        arms.put("defaults + a global scale on `output_3` (learned online)", run(r, new GlobalScale(factors(r, p)), now));
        Mf.Params mf = tune ? Mf.tune(r) : Mf.Params.TUNED;
        arms.put("online biased MF alone (" + mf + ")", run(r, new Mf(r, mf), now));
        print("Each label learned before the next request (" + p + ")", arms);

        Map<String, Score> late = new LinkedHashMap<>();
        for (LabelPlan plan : new LabelPlan[] {lag(r, 1), lag(r, 2), lag(r, 5), lag(r, 20),
                new LabelPlan(r.timestamps, 3_600, 1, 0, 1), new LabelPlan(r.timestamps, 86_400, 1, 0, 1),
                new LabelPlan(r.timestamps, 0, 0.5, 0, 1), new LabelPlan(r.timestamps, 0, 0.2, 0, 1)}) {
            late.put("residual bias, " + plan.describe(), run(r, residual(p), plan));
            late.put("factors + new titles' bias, " + plan.describe(), run(r, factors(r, p), plan));
            late.put("online biased MF, " + plan.describe(), run(r, new Mf(r, mf), plan));
        }
        print("Labels late or missing (static " + arms.get("static `output_3`") + ")", late);
        return 0;
    }

    private static LabelPlan lag(Replay r, int rows) {
        return new LabelPlan(r.timestamps, 0, 1, rows, 1);
    }

    /** The model alone. */
    static Learner staticModel() {
        return new Learner() {
            @Override
            public double predict(Replay r, int i) {
                return r.model[i];
            }

            @Override
            public void learn(Replay r, int i) {
            }
        };
    }

    /** The learner the job runs with these settings. */
    static Learner of(Replay r, LabelSettings s) {
        if (!s.adaptationEnabled) return staticModel();
        Params p = Params.of(s);
        return p.dimensions < 0 ? residual(p) : factors(r, p);
    }

    /**
     * Version 1 trained as the benchmark trains it, or, with {@code imported}, a SavedModel made elsewhere and
     * trained on the same 60% (the series' Keras model), imported as {@code marquee import} does with its
     * {@code output_2} as the embedding output and the training part as its data.
     */
    private static Replay load(Path imported) throws Exception {
        MovieLensDir dir = MovieLensDir.resolve();
        List<Rating> all = new MovieLens100K(dir).ratings();
        Split reference = Splits.referenceTime(all);
        List<Rating> replay = new ArrayList<>(reference.validation());
        replay.addAll(reference.test());
        Path work = Files.createTempDirectory("marquee-factor-sim");
        ModelRegistry registry = new ModelRegistry(work);
        if (imported != null) {
            long v = new ModelImporter(registry, "marquee", line -> { }).importModel(new ModelImporter.Request(imported,
                    "serving_default", "user_id", "movie_title", "timestamp", "output_3", "output_2"),
                    new ModelImporter.Data("MovieLens 100K at " + dir.path(), reference.name(), "train", reference.train(),
                            reference.validation(), reference.test()));
            if (v != 1) throw new IllegalStateException("expected version 1");
            try (BatchScorer scorer = BatchScorer.open(registry.versionDir("marquee", 1), ScorerThreads.callerThread())) {
                System.out.println("imported " + imported + " as version 1, embedding output output_2");
                return replay(replay, reference.validation().size(), scorer::score, work, reference.train());
            }
        }
        try (TrainedModel m = new Trainer(TrainingConfig.defaults(Architecture.DEFAULT), line -> { }).train(reference.train(), List.of())) {
            if (registry.publish("marquee", m::exportSavedModel) != 1) throw new IllegalStateException("expected version 1");
            return replay(replay, reference.validation().size(), (u, t, ts) -> m.score(u, t, ts, false), work, reference.train());
        }
    }

    /** A model's ratings and OOV flags for a batch of rows. */
    interface Scorer {
        ScoredBatch score(String[] users, String[] titles, long[] timestamps);
    }

    /**
     * The replay's rows with {@code model}'s outputs; {@code registry} holds the same model as version 1 of
     * "marquee" (its title embeddings are read from there, as the job reads them).
     */
    static Replay replay(List<Rating> replay, int validationRows, Scorer model, Path registry, List<Rating> train) {
        int n = replay.size();
        String[] users = new String[n];
        String[] titles = new String[n];
        long[] ts = new long[n];
        float[] ratings = new float[n];
        for (int i = 0; i < n; i++) {
            Rating x = replay.get(i);
            users[i] = x.userId;
            titles[i] = x.movieTitle;
            ts[i] = x.timestamp;
            ratings[i] = x.rating;
        }
        float[] out = new float[n];
        boolean[] newTitle = new boolean[n];
        for (int from = 0; from < n; from += 8192) {
            int to = Math.min(n, from + 8192);
            ScoredBatch b = model.score(Arrays.copyOfRange(users, from, to), Arrays.copyOfRange(titles, from, to),
                    Arrays.copyOfRange(ts, from, to));
            System.arraycopy(b.ratings(), 0, out, from, to - from);
            System.arraycopy(b.titleOov(), 0, newTitle, from, to - from);
        }
        return new Replay(users, titles, ts, ratings, out, newTitle, validationRows, registry, train, new HashMap<>());
    }

    /** Prequential RMSE of {@code learner}: each row predicted, then the labels {@code plan} sends after it learned. */
    static Score run(Replay r, Learner learner, LabelPlan plan) {
        return run(r, learner, plan, null);
    }

    /** As above, keeping each row's served prediction (within 1..5) in {@code served} when it is not null. */
    static Score run(Replay r, Learner learner, LabelPlan plan, float[] served) {
        int n = r.size();
        double[] se = new double[2];
        for (int i = 0; i < n; i++) {
            double p = Math.max(1, Math.min(5, learner.predict(r, i)));
            if (served != null) served[i] = (float) p;
            double e = p - r.ratings[i];
            se[i < r.validationRows ? 0 : 1] += e * e;
            for (int k : plan.dueAfter(i)) {
                learner.learn(r, k);
            }
        }
        int v = r.validationRows;
        return new Score(v == 0 ? Double.NaN : Math.sqrt(se[0] / v), v == n ? Double.NaN : Math.sqrt(se[1] / (n - v)),
                Math.sqrt((se[0] + se[1]) / n));
    }

    /** Today's adaptation: the user's decayed, shrunk residual ({@link UserResidual}). */
    static Learner residual(Params p) {
        Map<String, UserResidual> users = new HashMap<>();
        return new Learner() {
            @Override
            public double predict(Replay r, int i) {
                UserResidual u = users.get(r.users[i]);
                return r.model[i] + (u == null ? 0 : u.adjustment(p.shrinkage, p.maxAdjustment));
            }

            @Override
            public void learn(Replay r, int i) {
                users.computeIfAbsent(r.users[i], k -> new UserResidual()).add(r.ratings[i] - r.model[i], 1, p.decay, 1);
            }
        };
    }

    /** The job's factor path: {@link UserFactors} on the projected embeddings, and {@link TitleBias} per title as scoped. */
    static Learner factors(Replay r, Params p) {
        TitleEmbeddings e = r.embeddings(p.dimensions);
        Map<String, UserFactors> users = new HashMap<>();
        Map<String, TitleBias> titles = new HashMap<>();
        float[] none = new float[0];
        return new Learner() {
            private float[] vector(Replay x, int i) {
                return e == null ? none : e.of(x.titles[i]);
            }

            private boolean titled(Replay x, int i) {
                return p.titleScope.equals("all") || (p.titleScope.equals("new") && x.newTitle[i]);
            }

            private String titleKey(Replay x, int i) {
                return TitleAdaptation.key(x.titles[i]);
            }

            private double userPart(Replay x, int i) {
                UserFactors u = users.get(x.users[i]);
                return u == null ? 0 : u.adjustment(vector(x, i));
            }

            @Override
            public double predict(Replay x, int i) {
                double a = userPart(x, i);
                TitleBias t = titled(x, i) ? titles.get(titleKey(x, i)) : null;
                if (t != null) a += t.mean;
                return x.model[i] + Math.max(-p.maxAdjustment, Math.min(p.maxAdjustment, a));
            }

            @Override
            public void learn(Replay x, int i) {
                double residual = x.ratings[i] - x.model[i];
                if (titled(x, i)) {
                    titles.computeIfAbsent(titleKey(x, i), k -> TitleBias.prior(1, x.newTitle[i] ? p.titleNewPrior : p.titleKnownPrior))
                            .learn(residual - userPart(x, i));
                }
                users.computeIfAbsent(x.users[i], k -> UserFactors.prior(1, vector(x, i).length, p.biasPrior, p.factorPrior))
                        .learn(vector(x, i), residual, p.biasDrift);
            }
        };
    }

    /** Another learner plus one slope on the model's output, shared by every user, learned online. */
    static final class GlobalScale implements Learner {
        private static final double CENTRE = 3.5;
        private final Learner inner;
        private double slope;
        private double variance = 1 / 100.0;

        GlobalScale(Learner inner) {
            this.inner = inner;
        }

        @Override
        public double predict(Replay r, int i) {
            return inner.predict(r, i) + slope * (r.model[i] - CENTRE);
        }

        @Override
        public void learn(Replay r, int i) {
            double x = r.model[i] - CENTRE;
            double residual = r.ratings[i] - inner.predict(r, i) - slope * x;
            double gain = variance * x / (1 + x * variance * x);
            slope += gain * residual;
            variance -= gain * x * variance;
            inner.learn(r, i);
        }
    }

    /**
     * River's {@code reco.BiasedMF}: running global mean + user and item biases + user·item factors, plain SGD
     * on each rating after predicting it, factors drawn from N(0, 0.1). Streamed once over the training part in
     * time order, then prequentially over the replay.
     */
    static final class Mf implements Learner {
        record Params(int factors, double biasRate, double factorRate, double l2) {
            /** Chosen on the validation part by {@link #tune}; River's own example uses 10, 0.025, 0.05, 0. */
            static final Params TUNED = new Params(10, 0.05, 0.05, 0);

            @Override
            public String toString() {
                return String.format(Locale.ROOT, "%d factors, SGD %s on biases and %s on factors, L2 %s", factors, num(biasRate), num(factorRate), num(l2));
            }
        }

        private final Params p;
        private final SplittableRandom random = new SplittableRandom(73);
        private final Map<String, double[]> users = new HashMap<>();
        private final Map<String, double[]> items = new HashMap<>();
        private double mean;
        private long count;

        Mf(Replay r, Params p) {
            this.p = p;
            for (Rating x : r.train) {
                step(x.userId, x.movieTitle, x.rating);
            }
        }

        @Override
        public double predict(Replay r, int i) {
            return predict(r.users[i], r.titles[i]);
        }

        @Override
        public void learn(Replay r, int i) {
            step(r.users[i], r.titles[i], r.ratings[i]);
        }

        private double predict(String user, String item) {
            double[] u = row(users, user);
            double[] v = row(items, item);
            double s = mean + u[0] + v[0];
            for (int k = 1; k <= p.factors; k++) {
                s += u[k] * v[k];
            }
            return s;
        }

        private void step(String user, String item, double rating) {
            double e = rating - predict(user, item);
            count++;
            mean += (rating - mean) / count;
            double[] u = users.get(user);
            double[] v = items.get(item);
            u[0] += p.biasRate * (e - p.l2 * u[0]);
            v[0] += p.biasRate * (e - p.l2 * v[0]);
            for (int k = 1; k <= p.factors; k++) {
                double uk = u[k];
                u[k] += p.factorRate * (e * v[k] - p.l2 * uk);
                v[k] += p.factorRate * (e * uk - p.l2 * v[k]);
            }
        }

        private double[] row(Map<String, double[]> m, String key) {
            return m.computeIfAbsent(key, k -> {
                double[] x = new double[p.factors + 1];
                for (int j = 1; j < x.length; j++) {
                    x[j] = gaussian() * 0.1;
                }
                return x;
            });
        }

        private double gaussian() {
            double u1 = random.nextDouble();
            double u2 = random.nextDouble();
            return Math.sqrt(-2 * Math.log(Math.max(u1, 1e-300))) * Math.cos(2 * Math.PI * u2);
        }

        static Params tune(Replay r) {
            Params best = null;
            Score bestScore = null;
            for (int f : new int[] {10, 20}) {
                for (double lb : new double[] {0.01, 0.025, 0.05, 0.1}) {
                    for (double lf : new double[] {0.01, 0.05}) {
                        for (double l2 : new double[] {0, 0.02, 0.1}) {
                            Params p = new Params(f, lb, lf, l2);
                            Score s = run(r, new Mf(r, p), LabelPlan.immediate(r.timestamps));
                            System.out.printf(Locale.ROOT, "  mf %s: %s%n", p, s);
                            if (bestScore == null || s.validation < bestScore.validation) {
                                best = p;
                                bestScore = s;
                            }
                        }
                    }
                }
            }
            System.out.printf(Locale.ROOT, "mf chosen on validation: %s (%s)%n", best, bestScore);
            return best;
        }
    }

    /** Coordinate search on the validation part. */
    private static Params tune(Replay r, Params start) {
        Map<String, double[]> grid = new LinkedHashMap<>();
        grid.put("bias-prior", new double[] {1.5, 2, 3, 5, 8});
        grid.put("prior", new double[] {2, 3, 5, 8, 12, 20, 50, 100});
        grid.put("bias-drift", new double[] {0, 0.002, 0.005, 0.01, 0.02});
        grid.put("new-prior", new double[] {0.5, 1, 3, 10});
        Params best = start;
        Score bestScore = run(r, factors(r, best), LabelPlan.immediate(r.timestamps));
        System.out.printf(Locale.ROOT, "tuning from %s: %s%n", best, bestScore);
        for (int round = 0; round < 2; round++) {
            for (Map.Entry<String, double[]> g : grid.entrySet()) {
                for (double v : g.getValue()) {
                    Params p = best.with(g.getKey(), v);
                    if (p.equals(best)) continue;
                    Score s = run(r, factors(r, p), LabelPlan.immediate(r.timestamps));
                    System.out.printf(Locale.ROOT, "  %s = %s: %s%n", g.getKey(), num(v), s);
                    if (s.validation < bestScore.validation) {
                        best = p;
                        bestScore = s;
                    }
                }
            }
            System.out.printf(Locale.ROOT, "after round %d: %s: %s%n", round + 1, best, bestScore);
        }
        // the known titles' prior only matters with adaptation.title-bias all
        Params all = best.scope("all");
        Score allScore = run(r, factors(r, all), LabelPlan.immediate(r.timestamps));
        for (double v : new double[] {10, 30, 100, 300}) {
            Params p = all.with("known-prior", v);
            Score s = run(r, factors(r, p), LabelPlan.immediate(r.timestamps));
            System.out.printf(Locale.ROOT, "  title-bias all, known-prior = %s: %s%n", num(v), s);
            if (s.validation < allScore.validation) {
                all = p;
                allScore = s;
            }
        }
        System.out.printf(Locale.ROOT, "known-prior for title-bias all: %s%n", num(all.titleKnownPrior));
        return best.with("known-prior", all.titleKnownPrior);
    }

    private static void print(String title, Map<String, Score> arms) {
        System.out.printf(Locale.ROOT, "%n%s%n%n| arm | validation | test | all |%n|---|---|---|---|%n", title);
        arms.forEach((name, s) -> System.out.printf(Locale.ROOT, "| %s | %s |%n", name, s));
    }

    private static int count(boolean[] b) {
        int n = 0;
        for (boolean x : b) {
            if (x) n++;
        }
        return n;
    }

    private static String num(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}

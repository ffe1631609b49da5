package dev.marquee.model;

import dev.marquee.data.movielens.MovieLens100K;
import dev.marquee.data.movielens.MovieLensDir;
import dev.marquee.data.movielens.Split;
import dev.marquee.data.movielens.Splits;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Trains on MovieLens 100K, prints the evaluation beside the baselines, and optionally exports.
 * {@code --data DIR --split time|u1|random --arch default|reference --seed N --epochs N --lr X --batch N
 * --factors K --optimizer adam|adagrad --oov-rate X --bias-l2 X --factor-l2 X --user-day true|false
 * --patience N --out DIR --registry BASE --name NAME}.
 */
public final class TrainMain {
    private TrainMain() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value, got " + args[i]);
            }
            opts.put(args[i].substring(2), args[i + 1]);
        }
        MovieLens100K ml = new MovieLens100K(MovieLensDir.resolve(opts.get("data")));
        Architecture arch = Architecture.parse(opts.getOrDefault("arch", "default"));
        TrainingConfig c = TrainingConfig.defaults(arch);
        long seed = Long.parseLong(opts.getOrDefault("seed", String.valueOf(c.seed())));
        c = c.withSeed(seed);
        if (opts.containsKey("epochs")) c = c.withEpochs(Integer.parseInt(opts.get("epochs")));
        if (opts.containsKey("lr")) c = c.withLearningRate(Float.parseFloat(opts.get("lr")));
        if (opts.containsKey("batch")) c = c.withBatchSize(Integer.parseInt(opts.get("batch")));
        if (opts.containsKey("factors")) c = c.withFactors(Integer.parseInt(opts.get("factors")));
        if (opts.containsKey("optimizer")) c = c.withOptimizer(OptimizerKind.parse(opts.get("optimizer")));
        if (opts.containsKey("oov-rate")) c = c.withOovRate(Float.parseFloat(opts.get("oov-rate")));
        if (opts.containsKey("user-day")) c = c.withUserDayBias(Boolean.parseBoolean(opts.get("user-day")));
        if (opts.containsKey("patience")) c = c.withPatience(Integer.parseInt(opts.get("patience")));
        if (opts.containsKey("bias-l2") || opts.containsKey("factor-l2")) {
            c = c.withL2(Float.parseFloat(opts.getOrDefault("bias-l2", String.valueOf(c.biasL2()))),
                    Float.parseFloat(opts.getOrDefault("factor-l2", String.valueOf(c.factorL2()))));
        }
        String splitName = opts.getOrDefault("split", "time");
        Split split = switch (splitName) {
            case "time" -> Splits.referenceTime(ml.ratings());
            case "u1" -> Splits.movieLensU1(ml);
            case "random" -> Splits.random(ml.ratings(), 0.8, 0.1, seed);
            default -> throw new IllegalArgumentException("unknown split " + splitName + ": use time, u1 or random");
        };
        System.out.println(split + "  " + c);
        try (TrainedModel model = new Trainer(c, System.out::println).train(split.train(), split.validation())) {
            System.out.printf("trained in %.1f s (best epoch %d)%n", model.trainingSeconds(), model.bestEpoch());
            EvaluationReport report = EvaluationReport.evaluate(model, split);
            report.lines().forEach(System.out::println);
            if (opts.containsKey("registry")) {
                ModelRegistry registry = new ModelRegistry(Path.of(opts.get("registry")));
                String name = opts.getOrDefault("name", "movies");
                long version = registry.publish(name, dir -> {
                    model.exportSavedModel(dir);
                    ModelCard.of(model, ml.dir().path().toString(), split, report).write(dir);
                });
                System.out.println("published " + registry.versionDir(name, version));
            }
            if (opts.containsKey("out")) {
                Path out = Path.of(opts.get("out"));
                model.exportSavedModel(out);
                ModelCard.of(model, ml.dir().path().toString(), split, report).write(out);
                System.out.println("exported to " + out);
            }
        }
    }
}

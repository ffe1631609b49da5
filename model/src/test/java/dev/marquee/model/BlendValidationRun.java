package dev.marquee.model;

import dev.marquee.data.event.Rating;
import dev.marquee.data.movielens.MovieLens100K;
import dev.marquee.data.movielens.MovieLensDir;
import dev.marquee.data.movielens.Split;
import dev.marquee.data.movielens.Splits;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A measurement, not a test: trains one architecture on MovieLens 100K ({@code $MOVIELENS_DIR}) and prints
 * its VALIDATION RMSE and training time only (no test rows are scored). For u1 the validation rows are the
 * Trainer's seeded hold-out of u1.base, rebuilt here the same way.
 *
 * <p>Arguments: {@code default|blend u1|time seed [--test] [--export DIR] [--bias-l2 X]}. {@code --test} also scores the
 * split's test rows: do that once per final configuration, and log it in
 * docs/research/test-evaluations-pending.tsv.
 */
public final class BlendValidationRun {
    private BlendValidationRun() {}

    public static void main(String[] args) throws java.io.IOException {
        Architecture arch = Architecture.parse(args[0]);
        String splitName = args[1];
        long seed = Long.parseLong(args[2]);
        MovieLens100K ml = new MovieLens100K(MovieLensDir.findForTests().orElseThrow());
        Split split = splitName.equals("u1") ? Splits.movieLensU1(ml) : Splits.referenceTime(ml.ratings());
        List<Rating> train = split.train();
        List<Rating> validation = split.validation();
        if (validation.isEmpty()) {
            List<Rating> fit = new ArrayList<>();
            validation = new ArrayList<>();
            Random r = new Random(seed ^ 0x9E3779B97F4A7C15L);
            for (Rating rating : train) {
                (r.nextInt(100) < Trainer.HOLDOUT_PERCENT ? validation : fit).add(rating);
            }
        }
        TrainingConfig config = TrainingConfig.defaults(arch).withSeed(seed);
        int biasL2 = List.of(args).indexOf("--bias-l2");
        if (biasL2 >= 0) {
            config = config.withL2(Float.parseFloat(args[biasL2 + 1]), config.factorL2());
        }
        try (TrainedModel model = new Trainer(config, System.out::println).train(split.train(), split.validation())) {
            float[] predicted = model.predict(validation);
            float[] actual = new float[validation.size()];
            for (int i = 0; i < actual.length; i++) actual[i] = validation.get(i).rating;
            System.out.printf(java.util.Locale.ROOT, "RESULT arch=%s split=%s seed=%d validation_rmse=%.4f rows=%d"
                    + " best_epoch_a=%d training_seconds=%.1f%n", arch.id(), splitName, seed,
                    Trainer.rmse(predicted, actual), actual.length, model.bestEpoch(), model.trainingSeconds());
            List<String> options = List.of(args).subList(3, args.length);
            if (options.contains("--test")) {
                List<Rating> test = split.test();
                float[] y = new float[test.size()];
                for (int i = 0; i < y.length; i++) y[i] = test.get(i).rating;
                System.out.printf(java.util.Locale.ROOT, "TEST arch=%s split=%s seed=%d test_rmse=%.4f rows=%d%n",
                        arch.id(), splitName, seed, Trainer.rmse(model.predict(test), y), y.length);
            }
            int export = options.indexOf("--export");
            if (export >= 0) {
                model.exportSavedModel(java.nio.file.Path.of(options.get(export + 1)));
            }
        }
    }
}

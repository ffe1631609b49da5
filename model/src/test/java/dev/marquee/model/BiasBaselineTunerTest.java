package dev.marquee.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.marquee.data.event.Rating;
import dev.marquee.data.movielens.Split;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BiasBaselineTunerTest {

    /** Ratings {@code 3 + b_u + b_i + noise}; user biases are real or zero, ratings not rounded. */
    private static List<Rating> ratings(long seed, int users, int items, int perUser, double userSd, double itemSd,
            double noiseSd) {
        Random r = new Random(seed);
        double[] bu = new double[users];
        double[] bi = new double[items];
        for (int u = 0; u < users; u++) bu[u] = userSd * r.nextGaussian();
        for (int i = 0; i < items; i++) bi[i] = itemSd * r.nextGaussian();
        List<Rating> out = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            for (int k = 0; k < perUser; k++) {
                int i = r.nextInt(items);
                double y = 3 + bu[u] + bi[i] + noiseSd * r.nextGaussian();
                out.add(new Rating("u" + u, "t" + i, (float) Math.max(1, Math.min(5, y)), u * 1000L + k));
            }
        }
        return out;
    }

    private static List<List<Rating>> cut(List<Rating> all, int validationEvery) {
        List<Rating> fit = new ArrayList<>();
        List<Rating> validation = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            (i % validationEvery == 0 ? validation : fit).add(all.get(i));
        }
        return List.of(fit, validation);
    }

    private static double validationRmse(List<Rating> fit, List<Rating> validation, double lu, double li) {
        return Metrics.of(BiasBaseline.fit(fit, lu, li, BiasBaseline.DEFAULT_ITERATIONS), validation).rmse();
    }

    private static double bestOfGrid(List<Rating> fit, List<Rating> validation) {
        double best = Double.POSITIVE_INFINITY;
        for (double lu : BiasBaselineTuner.GRID) {
            for (double li : BiasBaselineTuner.GRID) {
                best = Math.min(best, validationRmse(fit, validation, lu, li));
            }
        }
        return best;
    }

    @Test
    void noisyUsersWithFewRatingsGetTheStrongestUserShrinkage() {
        // Users carry no signal and have 4 noisy ratings each: any user bias is noise, so the most shrinkage wins.
        List<List<Rating>> parts = cut(ratings(1, 2000, 30, 4, 0.0, 0.6, 0.9), 5);
        BiasBaselineTuner.Tuned t = BiasBaselineTuner.tune(parts.get(0), parts.get(1), "validation");
        assertThat(t.lambdaUser()).isEqualTo(200.0);
        assertThat(t.validationRmse()).isEqualTo(bestOfGrid(parts.get(0), parts.get(1)));
        assertThat(t.validationRmse()).isLessThan(validationRmse(parts.get(0), parts.get(1), 0, 0));
        assertThat(t.tuned()).isTrue();
    }

    @Test
    void exactlyAdditiveRatingsNeedNoShrinkage() {
        // No noise: the unregularised fit is exact, every lambda > 0 only pulls the biases away from the truth.
        List<List<Rating>> parts = cut(ratings(2, 150, 20, 40, 0.3, 0.3, 0.0), 7);
        BiasBaselineTuner.Tuned t = BiasBaselineTuner.tune(parts.get(0), parts.get(1), "validation");
        assertThat(t.lambdaUser()).isZero();
        assertThat(t.lambdaItem()).isZero();
        assertThat(t.validationRmse()).isLessThan(0.01).isEqualTo(bestOfGrid(parts.get(0), parts.get(1)));
    }

    @Test
    void theChosenBaselineIsFittedOnTheFitRowsOnly() {
        List<List<Rating>> parts = cut(ratings(3, 300, 25, 10, 0.3, 0.5, 0.7), 4);
        BiasBaselineTuner.Tuned t = BiasBaselineTuner.tune(parts.get(0), parts.get(1), "validation");
        float[] expected = BiasBaseline.fit(parts.get(0), t.lambdaUser(), t.lambdaItem(),
                BiasBaseline.DEFAULT_ITERATIONS).predict(parts.get(1));
        assertThat(t.baseline().predict(parts.get(1))).containsExactly(expected);
        assertThat(t.describe()).contains("lambda user " + BiasBaselineTuner.number(t.lambdaUser()))
                .contains("chosen on the validation").contains("{0,1,3,10,25,50,100,200}");
    }

    @Test
    void withoutValidationRowsTheUntunedDefaultsAreUsed() {
        List<Rating> fit = ratings(4, 50, 10, 10, 0.3, 0.3, 0.5);
        BiasBaselineTuner.Tuned t = BiasBaselineTuner.tune(fit, List.of(), "validation");
        assertThat(t.tuned()).isFalse();
        assertThat(t.lambdaUser()).isEqualTo(BiasBaseline.DEFAULT_LAMBDA_USER);
        assertThat(t.lambdaItem()).isEqualTo(BiasBaseline.DEFAULT_LAMBDA_ITEM);
        assertThat(t.describe()).contains("untuned");
    }

    @Test
    void theTestRowsNeverChangeTheChoiceNorTheValidationScores() {
        Split split = SmallData.split(21);
        List<Rating> alteredTest = new ArrayList<>();
        for (Rating r : split.test()) {
            alteredTest.add(new Rating(r.userId, r.movieTitle, r.rating >= 3 ? 1 : 5, r.timestamp));
        }
        Split altered = new Split(split.name(), split.train(), split.validation(), alteredTest);
        RatingPredictor model = GlobalMeanBaseline.fit(split.train());
        EvaluationReport a = EvaluationReport.evaluate(model, split, 7, true);
        EvaluationReport b = EvaluationReport.evaluate(model, altered, 7, true);
        EvaluationReport notScored = EvaluationReport.evaluate(model, split, 7, false);
        assertThat(b.baseline().lambdaUser()).isEqualTo(a.baseline().lambdaUser());
        assertThat(b.baseline().lambdaItem()).isEqualTo(a.baseline().lambdaItem());
        assertThat(b.baseline().validationRmse()).isEqualTo(a.baseline().validationRmse());
        assertThat(notScored.baseline()).usingRecursiveComparison().comparingOnlyFields("lambdaUser", "lambdaItem",
                "validationRmse").isEqualTo(a.baseline());
        assertThat(b.biasBaseline().validation()).isEqualTo(a.biasBaseline().validation());
        assertThat(b.biasBaseline().test().rmse()).isNotEqualTo(a.biasBaseline().test().rmse());
    }

    @Test
    void aSplitWithoutValidationIsTunedOnTheTrainersHoldOut() {
        Split split = SmallData.split(22);
        Split noValidation = new Split("u1-like", split.train(), List.of(), split.test());
        EvaluationReport report = EvaluationReport.evaluate(GlobalMeanBaseline.fit(split.train()), noValidation, 5,
                false);
        TrainingRows rows = TrainingRows.of(split.train(), List.of(), 5);
        assertThat(rows.heldOut()).isTrue();
        assertThat(report.baseline().validationSource()).isEqualTo("training hold-out");
        assertThat(report.biasBaseline().validation().count()).isEqualTo(rows.validation().size()).isPositive();
        assertThat(report.baseline().validationRmse()).isCloseTo(
                validationRmse(rows.fit(), rows.validation(), report.baseline().lambdaUser(),
                        report.baseline().lambdaItem()), within(1e-12));
        assertThat(report.testScored()).isFalse();
        assertThat(report.model().test()).isNull();
        assertThat(report.lines()).anyMatch(l -> l.startsWith("global mean") && l.strip().endsWith("(not scored)"));
    }

    @Test
    void theEncodedFitEqualsTheMapBasedAlgorithm() {
        // The closed-form ALS as first written (maps, row order), kept here as the reference.
        List<Rating> train = SmallData.split(23).train();
        double lu = 10;
        double li = 25;
        double mu = GlobalMeanBaseline.mean(train);
        Map<String, Double> bu = new HashMap<>();
        Map<String, Double> bi = new HashMap<>();
        for (int it = 0; it < BiasBaseline.DEFAULT_ITERATIONS; it++) {
            Map<String, double[]> acc = new HashMap<>();
            for (Rating r : train) {
                double[] a = acc.computeIfAbsent(r.movieTitle, k -> new double[2]);
                a[0] += r.rating - mu - bu.getOrDefault(r.userId, 0.0);
                a[1]++;
            }
            acc.forEach((k, a) -> bi.put(k, a[0] / (li + a[1])));
            acc.clear();
            for (Rating r : train) {
                double[] a = acc.computeIfAbsent(r.userId, k -> new double[2]);
                a[0] += r.rating - mu - bi.getOrDefault(r.movieTitle, 0.0);
                a[1]++;
            }
            acc.forEach((k, a) -> bu.put(k, a[0] / (lu + a[1])));
        }
        float[] predicted = BiasBaseline.fit(train).predict(train);
        for (int i = 0; i < train.size(); i++) {
            Rating r = train.get(i);
            double p = Math.max(1, Math.min(5, mu + bu.get(r.userId) + bi.get(r.movieTitle)));
            assertThat(predicted[i]).isEqualTo((float) p);
        }
    }
}

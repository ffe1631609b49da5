package dev.marquee.model;

import dev.marquee.data.event.Rating;
import java.util.List;
import java.util.Locale;

/**
 * Chooses the {@link BiasBaseline}'s two lambdas on validation rows only: every pair of {@link #GRID} is fitted
 * on the fit rows and scored on the validation rows; the pair with the lowest validation RMSE wins (on a tie,
 * the first in grid order, user lambda outer). The winner is the baseline fitted on the fit rows, the rows the
 * model is fitted on. When the model is refit on train + validation ({@code train --refit}), the report also fits
 * the baseline with the same lambdas on those rows ({@link EvaluationReport#refit}).
 */
public final class BiasBaselineTuner {
    /** The lambdas tried for users and for titles (the research found 100 / 1 best on the time split). */
    public static final List<Double> GRID = List.of(0.0, 1.0, 3.0, 10.0, 25.0, 50.0, 100.0, 200.0);

    private BiasBaselineTuner() {}

    /**
     * The chosen baseline and how it was chosen.
     *
     * @param validationRmse the chosen pair's validation RMSE; NaN when there were no validation rows and the
     *     untuned defaults were used
     * @param validationSource where the validation rows came from ("validation", "training hold-out")
     */
    public record Tuned(BiasBaseline baseline, double lambdaUser, double lambdaItem, double validationRmse,
            String validationSource) {

        public boolean tuned() {
            return !Double.isNaN(validationRmse);
        }

        /** One line for the evaluation output. */
        public String describe() {
            if (!tuned()) {
                return String.format(Locale.ROOT, "%s: lambda user %s, item %s (untuned: no validation rows)",
                        BiasBaseline.NAME, number(lambdaUser), number(lambdaItem));
            }
            return String.format(Locale.ROOT, "%s: lambda user %s, item %s, chosen on the %s (RMSE %.4f) from %s each",
                    BiasBaseline.NAME, number(lambdaUser), number(lambdaItem), validationSource, validationRmse,
                    gridText());
        }
    }

    public static Tuned tune(TrainingRows rows) {
        return tune(rows.fit(), rows.validation(), rows.validationSource());
    }

    public static Tuned tune(List<Rating> fit, List<Rating> validation, String validationSource) {
        BiasBaseline.Encoded encoded = BiasBaseline.Encoded.of(fit);
        if (validation.isEmpty()) {
            return new Tuned(encoded.fit(BiasBaseline.DEFAULT_LAMBDA_USER, BiasBaseline.DEFAULT_LAMBDA_ITEM,
                    BiasBaseline.DEFAULT_ITERATIONS), BiasBaseline.DEFAULT_LAMBDA_USER,
                    BiasBaseline.DEFAULT_LAMBDA_ITEM, Double.NaN, validationSource);
        }
        Tuned best = null;
        for (double lambdaUser : GRID) {
            for (double lambdaItem : GRID) {
                BiasBaseline b = encoded.fit(lambdaUser, lambdaItem, BiasBaseline.DEFAULT_ITERATIONS);
                double rmse = Metrics.of(b, validation).rmse();
                if (best == null || rmse < best.validationRmse) {
                    best = new Tuned(b, lambdaUser, lambdaItem, rmse, validationSource);
                }
            }
        }
        return best;
    }

    static String gridText() {
        StringBuilder b = new StringBuilder("{");
        for (double v : GRID) {
            b.append(b.length() > 1 ? "," : "").append(number(v));
        }
        return b.append('}').toString();
    }

    static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}

package dev.marquee.model;

import dev.marquee.data.event.Rating;
import dev.marquee.data.movielens.Split;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A model's RMSE/MAE on the validation rows (the split's validation part, else the trainer's seeded hold-out)
 * and, only when asked, on the split's test part, beside the global-mean baseline and the user+item-bias
 * baseline tuned on the same validation rows ({@link BiasBaselineTuner}); both baselines are fitted on the rows
 * the model was fitted on and scored by the same code.
 *
 * <p>A {@linkplain #refit refit} model's report keeps the first run's validation metrics (the refit trained on the
 * validation rows) and adds the tuned baseline refit on the same train + validation rows with the same lambdas.
 *
 * @param testScored whether the test part was scored (otherwise every row's {@code test} is null)
 * @param refit for a refit model: the rows it was refit on; null otherwise
 */
public record EvaluationReport(String split, List<Row> rows, BiasBaselineTuner.Tuned baseline, boolean testScored,
        Refit refit) {
    /** The seed of the hold-out when the caller does not say: the default training seed. */
    public static final long DEFAULT_SEED = 42L;
    /** The name of the bias baseline refit on train + validation. */
    public static final String REFIT_BASELINE = BiasBaseline.NAME + ", refit";
    static final String REFIT_NOTE = "validation metrics: before the refit (the refit trains on the validation rows)";

    /** One predictor's metrics; {@code validation} or {@code test} is null when not scored. */
    public record Row(String name, Metrics validation, Metrics test) {}

    /** A refit: how many rows the model and the refit baseline were fitted on (train + validation). */
    public record Refit(int rows) {}

    public EvaluationReport(String split, List<Row> rows, BiasBaselineTuner.Tuned baseline, boolean testScored) {
        this(split, rows, baseline, testScored, null);
    }

    /**
     * The model against the baselines on {@code rows}' validation rows, and on {@code test} unless it is
     * empty.
     */
    public static EvaluationReport evaluate(RatingPredictor model, String splitName, TrainingRows rows,
            List<Rating> test) {
        BiasBaselineTuner.Tuned tuned = BiasBaselineTuner.tune(rows);
        List<RatingPredictor> predictors = List.of(model, GlobalMeanBaseline.fit(rows.fit()), tuned.baseline());
        List<Row> out = new ArrayList<>();
        for (RatingPredictor p : predictors) {
            out.add(new Row(p.name(), metrics(p, rows.validation()), metrics(p, test)));
        }
        return new EvaluationReport(splitName, out, tuned, !test.isEmpty());
    }

    /**
     * A model trained by {@code Trainer.train(split.train(), split.validation())} with training seed
     * {@code seed} (which decides the hold-out when the split has no validation part); the test part is scored
     * only when {@code scoreTest}.
     */
    public static EvaluationReport evaluate(RatingPredictor model, Split split, long seed, boolean scoreTest) {
        return evaluate(model, split.name(), TrainingRows.of(split.train(), split.validation(), seed),
                scoreTest ? split.test() : List.of());
    }

    /**
     * A model refit on train + validation ({@code refitRows}): its validation row is {@code firstRunValidation},
     * the metrics of the run whose choices it repeats; its test row (unless {@code test} is empty) is its own.
     * The baselines are fitted on {@code rows.fit()} as for any run, lambdas tuned on {@code rows.validation()};
     * the tuned baseline is also refit with the same lambdas on {@code refitRows} and scored on test only.
     */
    public static EvaluationReport refit(RatingPredictor model, Metrics firstRunValidation, String splitName,
            TrainingRows rows, List<Rating> refitRows, List<Rating> test) {
        BiasBaselineTuner.Tuned tuned = BiasBaselineTuner.tune(rows);
        RatingPredictor globalMean = GlobalMeanBaseline.fit(rows.fit());
        BiasBaseline refitBaseline = BiasBaseline.fit(refitRows, tuned.lambdaUser(), tuned.lambdaItem(),
                BiasBaseline.DEFAULT_ITERATIONS);
        List<Row> out = List.of(
                new Row(model.name(), firstRunValidation, metrics(model, test)),
                new Row(globalMean.name(), metrics(globalMean, rows.validation()), metrics(globalMean, test)),
                new Row(tuned.baseline().name(), metrics(tuned.baseline(), rows.validation()),
                        metrics(tuned.baseline(), test)),
                new Row(REFIT_BASELINE, null, metrics(refitBaseline, test)));
        return new EvaluationReport(splitName, out, tuned, !test.isEmpty(), new Refit(refitRows.size()));
    }

    /** As above with the default seed, test part scored (benchmarks and tests). */
    public static EvaluationReport evaluate(RatingPredictor model, Split split) {
        return evaluate(model, split, DEFAULT_SEED, true);
    }

    private static Metrics metrics(RatingPredictor p, List<Rating> rows) {
        return rows.isEmpty() ? null : Metrics.of(p, rows);
    }

    /** The model's row (the first). */
    public Row model() {
        return rows.get(0);
    }

    /**
     * The tuned user+item-bias baseline's row fitted on the rows the model was fitted on: for a refit, the one
     * refit on train + validation.
     */
    public Row biasBaseline() {
        return rows.get(refit == null ? 2 : 3);
    }

    /**
     * Printable table, one line per predictor, then how the bias baseline was chosen and, when the test part
     * was not scored, how to score it.
     */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        int width = 20;
        for (Row r : refit == null ? List.<Row>of() : rows) width = Math.max(width, r.name.length() + 1);
        String format = "%-" + width + "s %-24s %-24s";
        out.add(String.format(Locale.ROOT, format, "split " + split, "validation RMSE / MAE", "test RMSE / MAE"));
        for (Row r : rows) {
            out.add(String.format(Locale.ROOT, format, r.name, cell(r.validation),
                    r.test == null && !testScored ? "(not scored)" : cell(r.test)));
        }
        if (refit != null) {
            out.add(REFIT_NOTE);
        }
        out.add(baseline.describe() + (refit == null ? "" : "; fitted on the first run's training rows"));
        if (refit != null) {
            out.add(String.format(Locale.ROOT, "%s: the same lambdas fitted on train + validation (%d rows, as the"
                    + " refit model)", REFIT_BASELINE, refit.rows()));
        }
        return out;
    }

    private static String cell(Metrics m) {
        return m == null ? "-" : String.format(Locale.ROOT, "%.4f / %.4f", m.rmse(), m.mae());
    }

    /** For the model card: {name: {validation: {rmse, mae, count}, test: {...}}}. */
    public Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Row r : rows) {
            Map<String, Object> row = new LinkedHashMap<>();
            if (r.validation != null) {
                row.put("validation", metricMap(r.validation));
            }
            if (r.test != null) {
                row.put("test", metricMap(r.test));
            }
            out.put(r.name, row);
        }
        return out;
    }

    /** For the model card: how the bias baseline was chosen and whether the test part was scored. */
    public Map<String, Object> protocolMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("choices_made_on", baseline.validationSource());
        out.put("test_scored", testScored);
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("name", BiasBaseline.NAME);
        b.put("lambda_user", baseline.lambdaUser());
        b.put("lambda_item", baseline.lambdaItem());
        b.put("tuned", baseline.tuned());
        if (baseline.tuned()) {
            b.put("grid", BiasBaselineTuner.GRID);
            b.put("validation_rmse", baseline.validationRmse());
        }
        b.put("fitted_on", refit == null ? "the rows the model was fitted on" : "the first run's training rows");
        out.put("bias_baseline", b);
        if (refit != null) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("validation_metrics", "the first run's, before the refit (the refit trains on the validation rows)");
            r.put("trained_on", "train + validation");
            r.put("rows", refit.rows());
            r.put("bias_baseline", REFIT_BASELINE + ": the same lambdas fitted on the same train + validation rows");
            out.put("refit", r);
        }
        return out;
    }

    private static Map<String, Object> metricMap(Metrics m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("rmse", m.rmse());
        out.put("mae", m.mae());
        out.put("count", m.count());
        return out;
    }
}

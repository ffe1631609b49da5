package dev.marquee.model;

import dev.marquee.data.event.Rating;
import dev.marquee.data.movielens.Split;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A model's RMSE/MAE on a split's validation and test sets, beside the global-mean and user+item-bias
 * baselines fitted on the same split's training set and scored by the same code.
 */
public record EvaluationReport(String split, List<Row> rows) {

    /** One predictor's metrics; {@code validation} is null when the split has none. */
    public record Row(String name, Metrics validation, Metrics test) {}

    public static EvaluationReport evaluate(RatingPredictor model, Split split) {
        List<RatingPredictor> predictors = List.of(model, GlobalMeanBaseline.fit(split.train()),
                BiasBaseline.fit(split.train()));
        List<Row> rows = new ArrayList<>();
        for (RatingPredictor p : predictors) {
            rows.add(new Row(p.name(), metrics(p, split.validation()), metrics(p, split.test())));
        }
        return new EvaluationReport(split.name(), rows);
    }

    private static Metrics metrics(RatingPredictor p, List<Rating> rows) {
        return rows.isEmpty() ? null : Metrics.of(p, rows);
    }

    /** The model's row (the first). */
    public Row model() {
        return rows.get(0);
    }

    /** Printable table, one line per predictor. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "%-20s %-24s %-24s", "split " + split, "validation RMSE / MAE",
                "test RMSE / MAE"));
        for (Row r : rows) {
            out.add(String.format(Locale.ROOT, "%-20s %-24s %-24s", r.name, cell(r.validation), cell(r.test)));
        }
        return out;
    }

    private static String cell(Metrics m) {
        return m == null ? "-" : String.format(Locale.ROOT, "%.4f / %.4f", m.rmse(), m.mae());
    }

    /** For the model card: {name: {validation: {rmse, mae, n}, test: {...}}}. */
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

    private static Map<String, Object> metricMap(Metrics m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("rmse", m.rmse());
        out.put("mae", m.mae());
        out.put("count", m.count());
        return out;
    }
}

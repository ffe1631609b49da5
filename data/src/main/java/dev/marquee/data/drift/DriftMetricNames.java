package dev.marquee.data.drift;

import java.util.List;

/** The names of the drift report's metrics (docs/DRIFT.md describes each); gauges and alert rules use them. */
public final class DriftMetricNames {
    public static final String USER_OOV = "user_id.oov_rate";
    /** Share of the window's requests from its 5 most frequent user ids: a few ids taking over. */
    public static final String USER_TOP5 = "user_id.top5_share";
    public static final String TITLE_OOV = "movie_title.oov_rate";
    /**
     * Prefix of the shares of the window's predictions by how their title matched the catalog, e.g.
     * {@code movie_title.match_rate.alias} (docs/TITLES.md); reported, no threshold by default.
     */
    public static final String TITLE_MATCH_RATE_PREFIX = "movie_title.match_rate.";
    public static final String TITLE_LINF = "movie_title.linf";
    public static final String TITLE_JS = "movie_title.js";
    /** Hour of day and day of week over the last 28 days of event time (only once the stream spans them). */
    public static final String HOUR_JS = "timestamp.hour_js";
    public static final String DAY_JS = "timestamp.day_js";
    /**
     * For a window from inside the reference period (a replay, a backfill): the share of its requests whose
     * event hour holds no reference row, or lies outside the period. 0 when the timestamps are as recorded.
     */
    public static final String SLICE_GAP = "timestamp.slice_gap_rate";
    public static final String FUTURE_RATE = "timestamp.future_rate";
    public static final String LAG_P50 = "timestamp.lag_p50_s";
    public static final String LAG_P95 = "timestamp.lag_p95_s";
    public static final String LAG_P99 = "timestamp.lag_p99_s";
    public static final String PREDICTION_PSI = "prediction.psi";
    public static final String PREDICTION_JS = "prediction.js";
    public static final String PREDICTION_MEAN = "prediction.mean";
    /**
     * |mean(prediction - baseline) in the window - the same on the reference|, the baseline being the reference
     * ratings' regularised user + title biases (so the window's mix of users and titles cancels out).
     */
    public static final String PREDICTION_MEAN_SHIFT = "prediction.mean_shift";
    public static final String INVALID_RATE = "schema.invalid_rate";
    /** Prefix of the per-error-code invalid rates, e.g. {@code schema.invalid_rate.WRONG_TYPE}. */
    public static final String INVALID_RATE_CODE_PREFIX = "schema.invalid_rate.";
    public static final String UNEXPECTED_FIELD_RATE = "schema.unexpected_field_rate";
    public static final String TYPE_CHANGE_RATE = "schema.type_change_rate";
    public static final String MISSING_OPTIONAL_RATE = "schema.missing_optional_rate";
    public static final String LATENCY_P50 = "latency.p50_ms";
    public static final String LATENCY_P95 = "latency.p95_ms";
    public static final String LATENCY_P99 = "latency.p99_ms";
    public static final String THROUGHPUT = "throughput.per_second";
    /** Online accuracy of the ratings served, over the labels matched in the window (all versions). */
    public static final String LABELS_RMSE = "labels.rmse";
    public static final String LABELS_MAE = "labels.mae";
    /**
     * The labels of the report's model version against its own output_3, before online adaptation: what a retrain
     * can change. Late labels of a version swapped out are left out (they are another model's error).
     */
    public static final String LABELS_MODEL_RMSE = "labels.model_rmse";
    /** How many labels {@link #LABELS_MODEL_RMSE} is over. */
    public static final String LABELS_MODEL_COUNT = "labels.model_count";
    public static final String LABELS_COUNT = "labels.count";
    /** The shadow version's RMSE (its output_3) on the window's labels that had a shadow rating. */
    public static final String LABELS_SHADOW_RMSE = "labels.shadow_rmse";
    /** The serving version's model RMSE on the same labels: the side-by-side partner of the shadow's. */
    public static final String LABELS_SHADOW_SERVING_RMSE = "labels.shadow_serving_rmse";
    public static final String LABELS_SHADOW_COUNT = "labels.shadow_count";
    /** Labels that expired in the window without a prediction to match (after {@code labels.join-ttl-ms}). */
    public static final String LABELS_UNMATCHED_COUNT = "labels.unmatched_count";
    /** Predictions that expired in the window without a label. */
    public static final String LABELS_UNLABELLED_COUNT = "labels.unlabelled_count";
    /** The model's RMSE on the window estimated from inputs and predictions alone (no labels needed). */
    public static final String LABELS_ESTIMATED_RMSE = "labels.estimated_rmse";

    /** Every fixed metric name, in report order (the per-code invalid rates come and go with the codes seen). */
    public static final List<String> ALL = List.of(USER_OOV, USER_TOP5, TITLE_OOV, TITLE_LINF, TITLE_JS,
            HOUR_JS, DAY_JS, SLICE_GAP, FUTURE_RATE, LAG_P50, LAG_P95, LAG_P99, PREDICTION_PSI,
            PREDICTION_JS, PREDICTION_MEAN, PREDICTION_MEAN_SHIFT, INVALID_RATE, UNEXPECTED_FIELD_RATE,
            TYPE_CHANGE_RATE, MISSING_OPTIONAL_RATE, LATENCY_P50, LATENCY_P95, LATENCY_P99, THROUGHPUT, LABELS_RMSE,
            LABELS_MAE, LABELS_MODEL_RMSE, LABELS_MODEL_COUNT, LABELS_COUNT, LABELS_ESTIMATED_RMSE, LABELS_SHADOW_RMSE, LABELS_SHADOW_SERVING_RMSE,
            LABELS_SHADOW_COUNT, LABELS_UNMATCHED_COUNT, LABELS_UNLABELLED_COUNT);

    /** The metrics measured against a model version's reference profile: unavailable for a version without one. */
    public static final List<String> NEED_REFERENCE = List.of(TITLE_LINF, TITLE_JS, HOUR_JS, DAY_JS, SLICE_GAP,
            PREDICTION_PSI, PREDICTION_JS, PREDICTION_MEAN_SHIFT);

    /**
     * The metrics whose thresholds are calibrated from the reference data (docs/DRIFT.md, "Calibration"): they
     * share the false-alarm budget. The others (schema, future timestamps, latency) are zero on data like the
     * reference and keep fixed thresholds.
     */
    public static final List<String> CALIBRATED = List.of(USER_OOV, USER_TOP5, TITLE_OOV, TITLE_LINF, TITLE_JS,
            HOUR_JS, DAY_JS, SLICE_GAP, PREDICTION_PSI, PREDICTION_JS, PREDICTION_MEAN_SHIFT);

    private DriftMetricNames() {}

    /** The Flink gauge name of a metric: dots become underscores. */
    public static String gaugeName(String metric) {
        return metric.replace('.', '_');
    }
}

package dev.marquee.job.drift;

import java.util.List;

/** The names of the drift report's metrics (docs/DRIFT.md describes each); gauges and alert rules use them. */
public final class DriftMetricNames {
    public static final String USER_OOV = "user_id.oov_rate";
    public static final String USER_LINF = "user_id.linf";
    public static final String USER_JS = "user_id.js";
    public static final String TITLE_OOV = "movie_title.oov_rate";
    public static final String TITLE_LINF = "movie_title.linf";
    public static final String TITLE_JS = "movie_title.js";
    public static final String HOUR_JS = "timestamp.hour_js";
    public static final String HOUR_PSI = "timestamp.hour_psi";
    public static final String DAY_JS = "timestamp.day_js";
    public static final String DAY_PSI = "timestamp.day_psi";
    public static final String FUTURE_RATE = "timestamp.future_rate";
    public static final String LAG_P50 = "timestamp.lag_p50_s";
    public static final String LAG_P95 = "timestamp.lag_p95_s";
    public static final String LAG_P99 = "timestamp.lag_p99_s";
    public static final String PREDICTION_PSI = "prediction.psi";
    public static final String PREDICTION_JS = "prediction.js";
    public static final String PREDICTION_MEAN = "prediction.mean";
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
    /** The same labels against the model's own output_3, before online adaptation. */
    public static final String LABELS_MODEL_RMSE = "labels.model_rmse";
    public static final String LABELS_COUNT = "labels.count";

    /** Every fixed metric name, in report order (the per-code invalid rates come and go with the codes seen). */
    public static final List<String> ALL = List.of(USER_OOV, USER_LINF, USER_JS, TITLE_OOV, TITLE_LINF, TITLE_JS,
            HOUR_JS, HOUR_PSI, DAY_JS, DAY_PSI, FUTURE_RATE, LAG_P50, LAG_P95, LAG_P99, PREDICTION_PSI,
            PREDICTION_JS, PREDICTION_MEAN, INVALID_RATE, UNEXPECTED_FIELD_RATE, TYPE_CHANGE_RATE,
            MISSING_OPTIONAL_RATE, LATENCY_P50, LATENCY_P95, LATENCY_P99, THROUGHPUT, LABELS_RMSE, LABELS_MAE,
            LABELS_MODEL_RMSE, LABELS_COUNT);

    private DriftMetricNames() {}

    /** The Flink gauge name of a metric: dots become underscores. */
    public static String gaugeName(String metric) {
        return metric.replace('.', '_');
    }
}

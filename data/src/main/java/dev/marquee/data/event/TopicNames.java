package dev.marquee.data.event;

/**
 * The default names of marquee's Kafka topics (docs/EVENTS.md): part of the event contract, so every module names
 * them from here. Each is a setting's default; deployments may rename them.
 */
public final class TopicNames {
    public static final String RATING_REQUESTS = "rating-requests";
    public static final String PREDICTIONS = "predictions";
    public static final String RATING_REQUESTS_DLQ = "rating-requests-dlq";
    public static final String DRIFT_METRICS = "drift-metrics";
    public static final String MODEL_UPDATES = "model-updates";
    public static final String RATINGS = "ratings";
    public static final String RETRAIN_REQUESTS = "retrain-requests";
    public static final String MODEL_STATUS = "model-status";
    public static final String RETRAIN_OUTCOMES = "retrain-outcomes";
    public static final String LABELED_PREDICTIONS = "labeled-predictions";

    private TopicNames() {}
}

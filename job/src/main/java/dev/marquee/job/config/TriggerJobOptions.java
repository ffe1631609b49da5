package dev.marquee.job.config;

import static org.apache.flink.configuration.ConfigOptions.key;

import dev.marquee.data.event.TopicNames;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;

/**
 * The retraining trigger job's own settings ({@link TriggerSettings}); it also takes the {@link #SHARED} keys of
 * the scoring job, two of them with defaults of its own.
 */
public final class TriggerJobOptions {
    private TriggerJobOptions() {}

    private static final long DAY_MS = 86_400_000L;

    public static final ConfigOption<String> GROUP_ID = key(ScoringJobOptions.GROUP_ID.key()).stringType()
            .defaultValue("marquee-trigger").withDescription("consumer group of the trigger's sources (`marquee-trigger-<model.name>`"
                    + " for a model other than `marquee`)");
    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX =
            key(ScoringJobOptions.TRANSACTIONAL_ID_PREFIX.key()).stringType().defaultValue("marquee-trigger")
            .withDescription("prefix of its sink's transactional ids (exactly-once; `marquee-trigger-<model.name>` for a"
                    + " model other than `marquee`)");
    public static final ConfigOption<String> TOPIC_RETRAIN_REQUESTS = key("topic.retrain-requests").stringType()
            .defaultValue(TopicNames.RETRAIN_REQUESTS).withDescription("output, keyed by `request_id`");
    public static final ConfigOption<String> TOPIC_RETRAIN_OUTCOMES = key("topic.retrain-outcomes").stringType()
            .defaultValue(TopicNames.RETRAIN_OUTCOMES)
            .withDescription("the trainer's answers; one ends the request in flight it names");
    public static final ConfigOption<Integer> DRIFTED_WINDOWS = key("trigger.drifted-windows").intType()
            .defaultValue(3).withDescription("consecutive drift reports with `drifted` true, and an alert a retrain"
                    + " could answer (not only schema rates or future timestamps), that request a retrain, once per drift"
                    + " episode (again only if that retrain published nothing (not for a candidate superseded by a later"
                    + " one), if its version was later retired or rolled back, once its version serves and is kept (its"
                    + " drift persisting against that version's own reference), or once only the producers' input holds"
                    + " the episode open); 0 turns the rule off");
    public static final ConfigOption<Double> MAX_RMSE = key("trigger.max-rmse").doubleType().defaultValue(Double.NaN)
            .withDescription("absolute limit on the online RMSE of the model's own rating (`labels.model_rmse`; `labels.rmse`,"
                    + " the rating served, for reports without it); a number > 0, or `off`");
    public static final ConfigOption<Double> RMSE_MARGIN = key("trigger.rmse-margin").doubleType().defaultValue(0.05)
            .withDescription("limit on the online RMSE relative to the serving version's model card: its test RMSE"
                    + " (validation RMSE when its test part was not scored) plus this; `off` turns it off. With both limits set, the lower applies");
    public static final ConfigOption<Integer> RMSE_WINDOWS = key("trigger.rmse-windows").intType().defaultValue(3)
            .withDescription("consecutive judged groups of labels (trigger.min-labels each) over the RMSE limit that"
                    + " request a retrain");
    public static final ConfigOption<Long> MIN_LABELS = key("trigger.min-labels").longType().defaultValue(200L)
            .withDescription("labels of their own model version (`labels.model_count`) judged together by the RMSE rule:"
                    + " a report with this many is judged alone, reports with fewer are pooled with the next ones until"
                    + " they have this many");
    public static final ConfigOption<Long> SCHEDULE_MS = key("trigger.schedule-ms").longType().defaultValue(0L)
            .withDescription("request a retrain when this long has passed since the last request or model update;"
                    + " 0: off");
    public static final ConfigOption<Long> COOLDOWN_MS = key("trigger.cooldown-ms").longType()
            .defaultValue(30 * 60_000L).withDescription("no request within this long of the previous one, nor of the"
                    + " trigger's giving up on one before its answer (the in-flight timeout, or a newer version that came to"
                    + " serve): that answer may still come");
    public static final ConfigOption<Long> IN_FLIGHT_TIMEOUT_MS = key("trigger.in-flight-timeout-ms").longType()
            .defaultValue(2 * 3_600_000L).withDescription("a request unanswered (no outcome, no newer model version)"
                    + " for this long stops blocking the next; so does a candidate awaited in shadow, a deferred one, or"
                    + " a watch of a newly serving version, this long after it began");

    static final long YEAR_MS = 365 * DAY_MS;

    /** The scoring job's options that mean the same here (its defaults, except {@link #GROUP_ID} and {@link #TRANSACTIONAL_ID_PREFIX}). */
    public static final List<ConfigOption<?>> SHARED = List.of(ScoringJobOptions.BOOTSTRAP_SERVERS,
            ScoringJobOptions.GROUP_ID, ScoringJobOptions.STARTING_OFFSETS, ScoringJobOptions.TOPIC_DRIFT,
            ScoringJobOptions.TOPIC_MODEL_UPDATES, ScoringJobOptions.DELIVERY, ScoringJobOptions.TRANSACTIONAL_ID_PREFIX,
            ScoringJobOptions.TRANSACTION_TIMEOUT_MS, ScoringJobOptions.CHECKPOINT_INTERVAL_MS,
            ScoringJobOptions.PARALLELISM, ScoringJobOptions.MODEL_REGISTRY, ScoringJobOptions.MODEL_NAME,
            ScoringJobOptions.PROMETHEUS_PORTS);

    public static final OptionSection TRIGGER = OptionSection.of("trigger", TOPIC_RETRAIN_REQUESTS,
            TOPIC_RETRAIN_OUTCOMES, GROUP_ID, TRANSACTIONAL_ID_PREFIX, DRIFTED_WINDOWS, OptionRow.of(MAX_RMSE, "`off`"),
            RMSE_MARGIN, RMSE_WINDOWS, MIN_LABELS, OptionRow.of(SCHEDULE_MS, "`0` (off)"), COOLDOWN_MS,
            IN_FLIGHT_TIMEOUT_MS);

    public static final List<OptionSection> SECTIONS = List.of(TRIGGER);
}

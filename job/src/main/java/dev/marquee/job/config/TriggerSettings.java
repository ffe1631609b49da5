package dev.marquee.job.config;

import dev.marquee.data.event.TopicNames;
import dev.marquee.data.config.SettingException;
import dev.marquee.data.config.Settings;
import dev.marquee.job.trigger.TriggerRules;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The retraining trigger job's settings: its own {@code trigger.*} policy keys and two topics, plus the subset
 * of {@link JobSettings} it shares with the scoring job (Kafka, delivery, checkpoints, the model registry).
 * Unknown keys, scoring-only keys included, are refused.
 */
public final class TriggerSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String TOPIC_RETRAIN_REQUESTS = "topic.retrain-requests";
    public static final String TOPIC_RETRAIN_OUTCOMES = "topic.retrain-outcomes";
    public static final String DRIFTED_WINDOWS = "trigger.drifted-windows";
    public static final String MAX_RMSE = "trigger.max-rmse";
    public static final String RMSE_MARGIN = "trigger.rmse-margin";
    public static final String RMSE_WINDOWS = "trigger.rmse-windows";
    public static final String MIN_LABELS = "trigger.min-labels";
    public static final String SCHEDULE_MS = "trigger.schedule-ms";
    public static final String COOLDOWN_MS = "trigger.cooldown-ms";
    public static final String IN_FLIGHT_TIMEOUT_MS = "trigger.in-flight-timeout-ms";
    /** Value of {@value #MAX_RMSE} and {@value #RMSE_MARGIN} that turns the limit off. */
    public static final String OFF = "off";

    static final String DEFAULT_GROUP_ID = "marquee-trigger";
    private static final long DAY_MS = 86_400_000L;

    private static final Set<String> OWN_KEYS = Set.of(TOPIC_RETRAIN_REQUESTS, TOPIC_RETRAIN_OUTCOMES, DRIFTED_WINDOWS,
            MAX_RMSE, RMSE_MARGIN, RMSE_WINDOWS, MIN_LABELS, SCHEDULE_MS, COOLDOWN_MS, IN_FLIGHT_TIMEOUT_MS);
    /** The scoring job's keys that mean the same here. */
    private static final Set<String> SHARED_KEYS = Set.of(JobSettings.BOOTSTRAP, JobSettings.GROUP_ID,
            JobSettings.STARTING_OFFSETS, JobSettings.TOPIC_DRIFT, JobSettings.TOPIC_MODEL_UPDATES, JobSettings.DELIVERY,
            JobSettings.TRANSACTIONAL_ID_PREFIX, JobSettings.TRANSACTION_TIMEOUT_MS, JobSettings.CHECKPOINT_INTERVAL_MS,
            JobSettings.PARALLELISM, JobSettings.MODEL_REGISTRY, JobSettings.MODEL_NAME);

    /** Kafka, topics shared with the scoring job, delivery, checkpoints, parallelism, model registry and name. */
    public final JobSettings common;
    public final String retrainRequestsTopic;
    public final String retrainOutcomesTopic;
    public final int driftedWindows;
    /** NaN when off. */
    public final double maxRmse;
    /** NaN when off. */
    public final double rmseMargin;
    public final int rmseWindows;
    public final long minLabels;
    public final long scheduleMs;
    public final long cooldownMs;
    public final long inFlightTimeoutMs;

    private TriggerSettings(Map<String, String> values) {
        List<String> unknown = new ArrayList<>();
        Map<String, String> own = new HashMap<>();
        Map<String, String> shared = new HashMap<>();
        values.forEach((k, v) -> {
            if (OWN_KEYS.contains(k)) own.put(k, v);
            else if (SHARED_KEYS.contains(k) || k.startsWith(JobSettings.KAFKA_PROPERTY_PREFIX)) shared.put(k, v);
            else unknown.add(k);
        });
        if (!unknown.isEmpty()) {
            Set<String> known = new TreeSet<>(OWN_KEYS);
            known.addAll(SHARED_KEYS);
            throw new SettingException("unknown setting" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown)
                    + "; known: " + String.join(", ", known) + ", " + JobSettings.KAFKA_PROPERTY_PREFIX + "*");
        }
        // Its own consumer group and transactional ids, so it never shares either with the scoring job.
        shared.putIfAbsent(JobSettings.GROUP_ID, DEFAULT_GROUP_ID);
        shared.putIfAbsent(JobSettings.TRANSACTIONAL_ID_PREFIX, DEFAULT_GROUP_ID);
        common = JobSettings.from(shared);

        Settings s = new Settings(own);
        retrainRequestsTopic = s.string(TOPIC_RETRAIN_REQUESTS, TopicNames.RETRAIN_REQUESTS);
        retrainOutcomesTopic = s.string(TOPIC_RETRAIN_OUTCOMES, TopicNames.RETRAIN_OUTCOMES);
        driftedWindows = s.intInRange(DRIFTED_WINDOWS, 3, 0, 100_000);
        maxRmse = offOr(s, MAX_RMSE, Double.NaN, 0.0001, 100);
        rmseMargin = offOr(s, RMSE_MARGIN, 0.05, 0, 100);
        rmseWindows = s.intInRange(RMSE_WINDOWS, 3, 1, 100_000);
        minLabels = s.longInRange(MIN_LABELS, 200, 1, Long.MAX_VALUE);
        scheduleMs = s.longInRange(SCHEDULE_MS, 0, 0, 3_650 * DAY_MS);
        cooldownMs = s.longInRange(COOLDOWN_MS, 30 * 60_000L, 0, 365 * DAY_MS);
        inFlightTimeoutMs = s.longInRange(IN_FLIGHT_TIMEOUT_MS, 2 * 3_600_000L, 1_000, 365 * DAY_MS);
        if (driftedWindows == 0 && Double.isNaN(maxRmse) && Double.isNaN(rmseMargin) && scheduleMs == 0) {
            throw new SettingException("every retraining rule is off (" + DRIFTED_WINDOWS + " 0, " + MAX_RMSE + " and "
                    + RMSE_MARGIN + " off, " + SCHEDULE_MS + " 0): the trigger would never request a retrain");
        }
    }

    private static double offOr(Settings s, String key, double defaultValue, double min, double max) {
        if (s.has(key) && OFF.equalsIgnoreCase(s.asMap().get(key).trim())) return Double.NaN;
        try {
            return s.doubleInRange(key, defaultValue, min, max);
        } catch (SettingException e) {
            throw new SettingException(e.getMessage() + " (or '" + OFF + "')");
        }
    }

    public static TriggerSettings from(Map<String, String> settings) {
        return new TriggerSettings(settings);
    }

    public static TriggerSettings defaults() {
        return from(Map.of());
    }

    /** The policy, for the trigger operator. */
    public TriggerRules rules() {
        return new TriggerRules(common.modelName, driftedWindows, maxRmse, rmseMargin, rmseWindows, minLabels,
                scheduleMs, cooldownMs, inFlightTimeoutMs);
    }
}

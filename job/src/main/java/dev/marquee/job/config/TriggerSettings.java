package dev.marquee.job.config;

import dev.marquee.data.config.SettingException;
import dev.marquee.job.trigger.TriggerRules;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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

    public static final String TOPIC_RETRAIN_REQUESTS = TriggerJobOptions.TOPIC_RETRAIN_REQUESTS.key();
    public static final String TOPIC_RETRAIN_OUTCOMES = TriggerJobOptions.TOPIC_RETRAIN_OUTCOMES.key();
    public static final String DRIFTED_WINDOWS = TriggerJobOptions.DRIFTED_WINDOWS.key();
    public static final String MAX_RMSE = TriggerJobOptions.MAX_RMSE.key();
    public static final String RMSE_MARGIN = TriggerJobOptions.RMSE_MARGIN.key();
    public static final String RMSE_WINDOWS = TriggerJobOptions.RMSE_WINDOWS.key();
    public static final String MIN_LABELS = TriggerJobOptions.MIN_LABELS.key();
    public static final String SCHEDULE_MS = TriggerJobOptions.SCHEDULE_MS.key();
    public static final String COOLDOWN_MS = TriggerJobOptions.COOLDOWN_MS.key();
    /** Value of {@value #MAX_RMSE} and {@value #RMSE_MARGIN} that turns the limit off. */
    public static final String OFF = "off";

    private static final Set<String> OWN_KEYS = ownKeys();
    /** The scoring job's keys that mean the same here. */
    private static final Set<String> SHARED_KEYS = sharedKeys();

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
        String model = shared.getOrDefault(ScoringJobOptions.MODEL_NAME.key(), ScoringJobOptions.MODEL_NAME.defaultValue());
        shared.putIfAbsent(TriggerJobOptions.GROUP_ID.key(), JobSettings.perModel(TriggerJobOptions.GROUP_ID.defaultValue(), model));
        shared.putIfAbsent(TriggerJobOptions.TRANSACTIONAL_ID_PREFIX.key(),
                JobSettings.perModel(TriggerJobOptions.TRANSACTIONAL_ID_PREFIX.defaultValue(), model));
        common = JobSettings.forTrigger(shared);

        OptionReader r = OptionReader.of(own);
        retrainRequestsTopic = r.string(TriggerJobOptions.TOPIC_RETRAIN_REQUESTS);
        retrainOutcomesTopic = r.string(TriggerJobOptions.TOPIC_RETRAIN_OUTCOMES);
        driftedWindows = r.intIn(TriggerJobOptions.DRIFTED_WINDOWS, 0, 100_000);
        maxRmse = r.doubleOrOff(TriggerJobOptions.MAX_RMSE, 0.0001, 100);
        rmseMargin = r.doubleOrOff(TriggerJobOptions.RMSE_MARGIN, 0, 100);
        rmseWindows = r.intIn(TriggerJobOptions.RMSE_WINDOWS, 1, 100_000);
        minLabels = r.longIn(TriggerJobOptions.MIN_LABELS, 1, Long.MAX_VALUE);
        scheduleMs = r.longIn(TriggerJobOptions.SCHEDULE_MS, 0, 10 * TriggerJobOptions.YEAR_MS);
        cooldownMs = r.longIn(TriggerJobOptions.COOLDOWN_MS, 0, TriggerJobOptions.YEAR_MS);
        inFlightTimeoutMs = r.longIn(TriggerJobOptions.IN_FLIGHT_TIMEOUT_MS, 1_000, TriggerJobOptions.YEAR_MS);
        if (driftedWindows == 0 && Double.isNaN(maxRmse) && Double.isNaN(rmseMargin) && scheduleMs == 0) {
            throw new SettingException("every retraining rule is off (" + DRIFTED_WINDOWS + " 0, " + MAX_RMSE + " and "
                    + RMSE_MARGIN + " off, " + SCHEDULE_MS + " 0): the trigger would never request a retrain");
        }
    }

    private static Set<String> ownKeys() {
        Set<String> keys = new HashSet<>(OptionSection.keys(TriggerJobOptions.SECTIONS));
        keys.removeAll(sharedKeys());
        return keys;
    }

    private static Set<String> sharedKeys() {
        Set<String> keys = new HashSet<>();
        TriggerJobOptions.SHARED.forEach(o -> keys.add(o.key()));
        return keys;
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

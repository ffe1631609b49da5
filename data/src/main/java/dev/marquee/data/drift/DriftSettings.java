package dev.marquee.data.drift;

import static dev.marquee.data.drift.DriftMetricNames.*;

import dev.marquee.data.config.SettingException;
import dev.marquee.data.config.Settings;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Drift detection's settings: the {@code drift.*} keys (docs/DRIFT.md). Thresholds are
 * {@code drift.threshold.<metric>}, a number or {@code off}.
 */
public final class DriftSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String PREFIX = "drift.";
    public static final String ENABLED = "drift.enabled";
    public static final String WINDOW_MS = "drift.window.ms";
    public static final String WINDOW_RECORDS = "drift.window.records";
    public static final String MIN_RECORDS = "drift.min-records";
    public static final String PARTIAL_RECORDS = "drift.partial.records";
    public static final String PARTIAL_INTERVAL_MS = "drift.partial.interval-ms";
    public static final String ALERT_WINDOWS = "drift.alert.windows";
    public static final String MAX_TRACKED_FIELDS = "drift.max-tracked-fields";
    public static final String FUTURE_TOLERANCE_MS = "drift.future-tolerance-ms";
    public static final String THRESHOLD_PREFIX = "drift.threshold.";
    public static final String EPISODE_CLOSE_WINDOWS = "drift.episode.close-windows";
    /** The threshold every per-error-code invalid rate is held to. */
    public static final String CODE_THRESHOLD_KEY = "schema.invalid_rate.by_code";

    // Defaults: the scoring job declares and documents these keys as Flink ConfigOptions with them
    // (dev.marquee.job.config.ScoringJobOptions, docs/CONFIGURATION.md); this module has no Flink.
    public static final boolean DEFAULT_ENABLED = true;
    public static final long DEFAULT_WINDOW_MS = 10_000;
    public static final long DEFAULT_WINDOW_RECORDS = 0;
    public static final long DEFAULT_MIN_RECORDS = 500;
    public static final int DEFAULT_PARTIAL_RECORDS = 1_000;
    public static final long DEFAULT_PARTIAL_INTERVAL_MS = 1_000;
    public static final int DEFAULT_ALERT_WINDOWS = 2;
    public static final int DEFAULT_MAX_TRACKED_FIELDS = 32;
    public static final long DEFAULT_FUTURE_TOLERANCE_MS = 300_000;
    public static final int DEFAULT_EPISODE_CLOSE_WINDOWS = 2;
    public static final double DEFAULT_CODE_THRESHOLD = 0.02;

    /**
     * Default thresholds, by metric. A calibrated metric ({@link DriftMetricNames#CALIBRATED}) uses its default
     * only for a version without a calibration; docs/DRIFT.md explains each choice.
     */
    static final Map<String, Double> DEFAULT_THRESHOLDS = defaults();

    public final boolean enabled;
    public final long windowMs;
    /** 0: windows end on time only. */
    public final long windowRecords;
    public final long minRecords;
    public final int partialRecords;
    public final long partialIntervalMs;
    public final int alertWindows;
    public final int maxTrackedFields;
    public final long futureToleranceMs;
    /** Quiet windows (no metric over its threshold) that close a drift episode. */
    public final int episodeCloseWindows;
    /** Metric to threshold, for every metric whose threshold is not off (defaults and settings). */
    public final Map<String, Double> thresholds;
    /** The metrics whose threshold was set explicitly (a number, or NaN for off): these beat any calibration. */
    public final Map<String, Double> explicitThresholds;
    /** Threshold of each {@code schema.invalid_rate.<CODE>} metric, or NaN when off. */
    public final double codeThreshold;

    private DriftSettings(Settings s) {
        enabled = s.bool(ENABLED, DEFAULT_ENABLED);
        windowMs = s.longInRange(WINDOW_MS, DEFAULT_WINDOW_MS, 100, 86_400_000);
        windowRecords = s.longInRange(WINDOW_RECORDS, DEFAULT_WINDOW_RECORDS, 0, Long.MAX_VALUE);
        minRecords = s.longInRange(MIN_RECORDS, DEFAULT_MIN_RECORDS, 1, Long.MAX_VALUE);
        partialRecords = s.intInRange(PARTIAL_RECORDS, DEFAULT_PARTIAL_RECORDS, 1, 10_000_000);
        partialIntervalMs = s.longInRange(PARTIAL_INTERVAL_MS, DEFAULT_PARTIAL_INTERVAL_MS, 10, 3_600_000);
        if (enabled && windowMs < 2 * partialIntervalMs) {
            // the subtasks send their counts at that interval: a shorter window would often come out empty, and an
            // empty window ends every alert streak (no metric could alert after drift.alert.windows windows)
            throw new SettingException(WINDOW_MS + " (" + windowMs + ") must be at least twice " + PARTIAL_INTERVAL_MS
                    + " (" + partialIntervalMs + "), how often the subtasks send their counts: lower " + PARTIAL_INTERVAL_MS
                    + " with it");
        }
        alertWindows = s.intInRange(ALERT_WINDOWS, DEFAULT_ALERT_WINDOWS, 1, 1_000);
        // at most 1,000: each name takes up to ~390 bytes of a report (64 characters, escaped), which must stay under
        // the producer's 1 MiB max.request.size, or the drift sink fails and the restored job rebuilds the same report
        maxTrackedFields = s.intInRange(MAX_TRACKED_FIELDS, DEFAULT_MAX_TRACKED_FIELDS, 1, 1_000);
        futureToleranceMs = s.longInRange(FUTURE_TOLERANCE_MS, DEFAULT_FUTURE_TOLERANCE_MS, 0, 86_400_000L * 365);
        episodeCloseWindows = s.intInRange(EPISODE_CLOSE_WINDOWS, DEFAULT_EPISODE_CLOSE_WINDOWS, 1, 1_000);
        Map<String, Double> t = new LinkedHashMap<>();
        Map<String, Double> explicit = new LinkedHashMap<>();
        for (String metric : DEFAULT_THRESHOLDS.keySet()) {
            double value = threshold(s, metric, DEFAULT_THRESHOLDS.get(metric));
            if (!Double.isNaN(value)) t.put(metric, value);
            if (s.string(THRESHOLD_PREFIX + metric, null) != null) explicit.put(metric, value);
        }
        explicitThresholds = Collections.unmodifiableMap(explicit);
        codeThreshold = threshold(s, CODE_THRESHOLD_KEY, DEFAULT_CODE_THRESHOLD);
        thresholds = Collections.unmodifiableMap(t);
    }

    public static DriftSettings from(Settings s) {
        List<String> unknown = new ArrayList<>();
        Set<String> keys = Set.of(ENABLED, WINDOW_MS, WINDOW_RECORDS, MIN_RECORDS, PARTIAL_RECORDS,
                PARTIAL_INTERVAL_MS, ALERT_WINDOWS, MAX_TRACKED_FIELDS, FUTURE_TOLERANCE_MS, EPISODE_CLOSE_WINDOWS);
        for (String key : s.asMap().keySet()) {
            if (!key.startsWith(PREFIX) || keys.contains(key)) continue;
            if (key.startsWith(THRESHOLD_PREFIX)) {
                String metric = key.substring(THRESHOLD_PREFIX.length());
                if (DEFAULT_THRESHOLDS.containsKey(metric) || metric.equals(CODE_THRESHOLD_KEY)) continue;
            }
            unknown.add(key);
        }
        if (!unknown.isEmpty()) {
            Set<String> known = new TreeSet<>(keys);
            DEFAULT_THRESHOLDS.keySet().forEach(m -> known.add(THRESHOLD_PREFIX + m));
            known.add(THRESHOLD_PREFIX + CODE_THRESHOLD_KEY);
            throw new SettingException("unknown drift setting" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown) + "; known: " + String.join(", ", known));
        }
        return new DriftSettings(s);
    }

    /** Every metric with a default threshold, in report order, and that default (docs/DRIFT.md). */
    public static Map<String, Double> defaultThresholds() {
        return DEFAULT_THRESHOLDS;
    }

    public static DriftSettings defaults(Map<String, String> overrides) {
        return from(new Settings(overrides));
    }

    /**
     * The threshold of {@code metric} from the settings alone (explicit or default; no calibration): a per-code
     * invalid rate gets {@link #codeThreshold}; NaN when none.
     */
    public double thresholdOf(String metric) {
        Double t = thresholds.get(metric);
        if (t != null) return t;
        if (metric.startsWith(INVALID_RATE_CODE_PREFIX)) return codeThreshold;
        return Double.NaN;
    }

    private static double threshold(Settings s, String metric, double defaultValue) {
        String key = THRESHOLD_PREFIX + metric;
        String raw = s.string(key, null);
        if (raw == null) return defaultValue;
        if (raw.trim().equalsIgnoreCase("off")) return Double.NaN;
        try {
            double v = Double.parseDouble(raw.trim());
            if (v >= 0 && Double.isFinite(v)) return v;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new SettingException(key + " must be a number >= 0 or 'off', got '" + raw + "'");
    }

    private static Map<String, Double> defaults() {
        Map<String, Double> d = new LinkedHashMap<>();
        d.put(USER_OOV, 0.10);
        d.put(USER_TOP5, 0.95);
        d.put(TITLE_OOV, 0.10);
        d.put(TITLE_LINF, 0.25);
        d.put(TITLE_JS, 0.25);
        d.put(HOUR_JS, 0.10);
        d.put(DAY_JS, 0.10);
        d.put(SLICE_GAP, 0.05);
        d.put(FUTURE_RATE, 0.01);
        d.put(PREDICTION_PSI, 0.25);
        d.put(PREDICTION_JS, 0.10);
        d.put(PREDICTION_MEAN_SHIFT, 0.25);
        d.put(INVALID_RATE, 0.05);
        d.put(UNEXPECTED_FIELD_RATE, 0.01);
        d.put(TYPE_CHANGE_RATE, 0.01);
        d.put(LATENCY_P99, 1_000.0);
        return Collections.unmodifiableMap(d);
    }
}

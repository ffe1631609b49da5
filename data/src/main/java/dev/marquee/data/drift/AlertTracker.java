package dev.marquee.data.drift;

import dev.marquee.data.event.Alert;
import dev.marquee.data.event.DriftReport;
import dev.marquee.data.event.ErrorCode;
import java.util.HashMap;
import java.util.Map;

/**
 * Hysteresis: a metric alerts once it has been over its threshold in {@code windows} consecutive reports,
 * and stops at the first report where it is not (or is absent for lack of data). A report is drifted when any
 * metric but an operational one ({@link #isOperational}: latency) alerts. A report from another model
 * version starts every count again: its distributions are compared with another reference.
 */
public final class AlertTracker {
    private final int windows;
    /** Metric to how many consecutive reports it has been over its threshold. */
    private final Map<String, Integer> streaks;
    private long modelVersion;

    public AlertTracker(int windows) {
        this(windows, new HashMap<>(), -1);
    }

    public AlertTracker(int windows, Map<String, Integer> streaks, long modelVersion) {
        if (windows < 1) throw new IllegalArgumentException("alerts need at least one window, got " + windows);
        this.windows = windows;
        this.streaks = new HashMap<>(streaks);
        this.modelVersion = modelVersion;
    }

    /** Updates the streaks with {@code report}'s metrics and fills its {@code alerts} and {@code drifted}. */
    public void apply(DriftReport report) {
        if (report.modelVersion >= 0) {
            if (modelVersion >= 0 && report.modelVersion != modelVersion) streaks.clear();
            modelVersion = report.modelVersion;
        }
        streaks.keySet().retainAll(report.thresholds.keySet());
        for (Map.Entry<String, Double> e : report.thresholds.entrySet()) {
            String metric = e.getKey();
            Double value = report.metrics.get(metric);
            if (value == null || !(value > e.getValue())) {
                streaks.remove(metric);
                continue;
            }
            int streak = streaks.merge(metric, 1, Integer::sum);
            if (streak >= windows) report.alerts.add(new Alert(metric, value, e.getValue(), streak));
        }
        report.drifted = report.alerts.stream().anyMatch(a -> !isOperational(a.metric));
    }

    /** A window with no data in it: every streak ends (an alert needs its windows of data in a row). */
    public void endStreaks() {
        streaks.clear();
    }

    /**
     * Latency is the job's health, not the data's or the model's: its alerts are reported, but they do not make a
     * report drifted, open an episode or request a retrain (a cold start or a backlog is not drift).
     */
    public static boolean isOperational(String metric) {
        return metric.startsWith("latency.");
    }

    /**
     * The producers' input quality: new fields, changed types, refused requests, clocks ahead. It is schema drift,
     * so it makes a report drifted and opens an episode, but a retrain on the same data fixes none of it: the
     * retraining trigger does not count a report whose only alerts are these (decision 0007's addendum). The rates
     * of requests the serving model itself refused ({@link ErrorCode#afterValidation}) are the model's, not these.
     */
    public static boolean isInputQuality(String metric) {
        if (metric.startsWith(DriftMetricNames.INVALID_RATE_CODE_PREFIX)) {
            String code = metric.substring(DriftMetricNames.INVALID_RATE_CODE_PREFIX.length());
            return java.util.Arrays.stream(ErrorCode.values()).noneMatch(c -> c.name().equals(code) && c.afterValidation());
        }
        return metric.startsWith("schema.") || metric.equals(DriftMetricNames.FUTURE_RATE);
    }

    /**
     * Whether the only metrics over their thresholds in {@code report} are input quality (and operational ones), at
     * least one of them: not just its alerts, which lag a window behind a metric's crossing.
     */
    public static boolean onlyInputQualityOver(DriftReport report) {
        boolean input = false;
        for (Map.Entry<String, Double> t : report.thresholds.entrySet()) {
            Double v = report.metrics.get(t.getKey());
            if (v == null || !(v > t.getValue()) || isOperational(t.getKey())) continue;
            if (!isInputQuality(t.getKey())) return false;
            input = true;
        }
        return input;
    }

    /** Whether a drifted report's alerts include one a retrain could answer (neither operational nor input quality). */
    public static boolean retrainCouldAnswer(DriftReport report) {
        if (!report.drifted) return false;
        if (report.alerts == null || report.alerts.isEmpty()) return true; // a report from before alerts were listed
        return report.alerts.stream().anyMatch(a -> !isOperational(a.metric) && !isInputQuality(a.metric));
    }

    /** The current streaks, for the operator's checkpoint. */
    public Map<String, Integer> streaks() {
        return Map.copyOf(streaks);
    }

    /** The model version of the last report that had one, or -1. */
    public long modelVersion() {
        return modelVersion;
    }
}

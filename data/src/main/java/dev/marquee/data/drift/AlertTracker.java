package dev.marquee.data.drift;

import dev.marquee.data.event.Alert;
import dev.marquee.data.event.DriftReport;
import java.util.HashMap;
import java.util.Map;

/**
 * Hysteresis: a metric alerts once it has been over its threshold in {@code windows} consecutive reports,
 * and stops at the first report where it is not (or is absent for lack of data). A report is drifted when any
 * metric but an operational one ({@link #isOperational}: latency, schema, future timestamps) alerts. A report from another model
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

    /**
     * Latency is the job's health and the schema rates and future timestamps are the producer's, not the data's
     * distribution or the model's: their alerts are reported, but they do not make a report drifted, open an
     * episode or request a retrain (a cold start, a backlog, a new field or a producer's clock are not fixed by
     * retraining). Decision 0007's addendum.
     */
    public static boolean isOperational(String metric) {
        return metric.startsWith("latency.") || metric.startsWith("schema.")
                || metric.equals(DriftMetricNames.FUTURE_RATE);
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

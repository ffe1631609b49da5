package dev.marquee.job.trigger;

import java.io.Serializable;

/**
 * The retraining policy's knobs (docs/CONFIGURATION.md, "Retraining trigger"). A disabled limit is
 * {@code NaN} (RMSE) or 0 (counts and durations).
 */
public final class TriggerRules implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Model the trigger watches; also its state key. */
    public final String modelName;
    /** Consecutive drifted reports that request a retrain; 0 turns the rule off. */
    public final int driftedWindows;
    /** Absolute online RMSE limit; NaN: off. */
    public final double maxRmse;
    /** Allowed online RMSE over the model card's test RMSE; NaN: off. */
    public final double rmseMargin;
    /** Consecutive judged groups of labels (each at least {@link #minLabels}) over the RMSE limit that request a retrain. */
    public final int rmseWindows;
    /** Labels ({@code labels.model_count}) judged together: a report with this many alone, fewer pooled with the next reports. */
    public final long minLabels;
    /** Retrain at least this often (since the last request or model update); 0: off. */
    public final long scheduleMs;
    /** No request within this long of the previous one. */
    public final long cooldownMs;
    /** An unanswered request stops blocking new ones after this long. */
    public final long inFlightTimeoutMs;

    public TriggerRules(String modelName, int driftedWindows, double maxRmse, double rmseMargin, int rmseWindows,
                        long minLabels, long scheduleMs, long cooldownMs, long inFlightTimeoutMs) {
        this.modelName = modelName;
        this.driftedWindows = driftedWindows;
        this.maxRmse = maxRmse;
        this.rmseMargin = rmseMargin;
        this.rmseWindows = rmseWindows;
        this.minLabels = minLabels;
        this.scheduleMs = scheduleMs;
        this.cooldownMs = cooldownMs;
        this.inFlightTimeoutMs = inFlightTimeoutMs;
    }

    public boolean rmseRuleOn() {
        return !Double.isNaN(maxRmse) || !Double.isNaN(rmseMargin);
    }

    @Override
    public String toString() {
        return "drifted-windows " + driftedWindows + ", max-rmse " + (Double.isNaN(maxRmse) ? "off" : maxRmse)
                + ", rmse-margin " + (Double.isNaN(rmseMargin) ? "off" : rmseMargin) + " for " + rmseWindows
                + " windows of >= " + minLabels + " labels, schedule " + (scheduleMs == 0 ? "off" : scheduleMs + " ms")
                + ", cool-down " + cooldownMs + " ms, in-flight timeout " + inFlightTimeoutMs + " ms";
    }
}

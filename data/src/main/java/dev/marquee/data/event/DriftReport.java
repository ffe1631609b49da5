package dev.marquee.data.event;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One window's drift report. Topic {@code drift-metrics}. Every number a dashboard plots or an alert rule
 * reads is in {@link #metrics}, under a dotted name ({@code feature.measure}); {@code docs/DRIFT.md} lists
 * them. The maps beside it keep the detail the numbers come from (which fields, which error codes).
 */
public class DriftReport {
    /** Processing time the window opened and closed, milliseconds since the epoch. */
    public long windowStartMs;
    public long windowEndMs;
    /**
     * Consecutive number of this report since the numbering started. A failover restores the last checkpoint's number:
     * under at-least-once delivery the numbers after it come again, for later windows (measured after the restore).
     */
    public long sequence;
    /**
     * When the numbering started: the job's start without state, or its restore into another job (a savepoint's); kept
     * across a failover. With {@link #sequence} and {@link #windowEndMs} it names a report, so one delivered twice is
     * known as the same. 0: not given.
     */
    public long runStartedAtMs;
    /**
     * True on the first report after the job failed over (restored in the same job): its window starts at the restore,
     * not where the last report's ended, yet no traffic paused (the backlog is read again at once), so a count of
     * consecutive windows goes on across it.
     */
    public boolean afterFailover;
    /**
     * The model whose scoring job wrote the report (several models may share the topic: each trigger reads its own
     * model's). Null from jobs before session 25: such a report is taken by any model's trigger.
     */
    public String modelName;
    /** The model version that scored most of the window's requests; -1 when none was scored. */
    public long modelVersion = -1;
    /** Scored requests per model version in the window. */
    public Map<String, Long> modelVersions = new LinkedHashMap<>();
    /** Requests seen in the window: valid plus invalid (an envelope counts one per instance). */
    public long records;
    public long validCount;
    public long invalidCount;
    /** Scored predictions in the window (the distribution metrics rest on these). */
    public long scoredCount;
    /** Invalid records in the window by error code. */
    public Map<String, Long> invalidByCode = new LinkedHashMap<>();
    /** Unexpected field name to how many valid records carried it (bounded; the rest under {@code "(other)"}). */
    public Map<String, Long> unexpectedFields = new LinkedHashMap<>();
    /** Contract field name to how many records had it with the wrong JSON type. */
    public Map<String, Long> typeChanges = new LinkedHashMap<>();
    /** Optional field name to how many valid records lacked it. */
    public Map<String, Long> missingOptionalFields = new LinkedHashMap<>();
    /** Every measured value, by metric name. A metric with too little data in the window is absent. */
    public Map<String, Double> metrics = new LinkedHashMap<>();
    /** Online RMSE of the ratings served, per model version, over the labels matched in the window. */
    public Map<String, Double> onlineRmseByVersion = new LinkedHashMap<>();
    /**
     * The shadow version of the window's labelled predictions (0 when none): set by the labels, so 0 while a shadow runs
     * but none of its predictions has a label yet. Its RMSE is {@code labels.shadow_rmse}.
     */
    public long shadowVersion;
    /** The alert threshold of each metric that has one. */
    public Map<String, Double> thresholds = new LinkedHashMap<>();
    /**
     * Where each threshold came from: {@code calibrated} (the model version's calibration, for this window's
     * size), {@code setting} (an explicit {@code drift.threshold.*}) or {@code default}.
     */
    public Map<String, String> thresholdSources = new LinkedHashMap<>();
    /**
     * "calibrated", or "uncalibrated: " and why (the version has no calibration): its defaults are then used. Null when
     * nothing was scored in the window.
     */
    public String calibration;
    /** Metrics this report cannot give, with the reason (e.g. labels.estimated_rmse for a version without an error model). */
    public Map<String, String> unavailable = new LinkedHashMap<>();
    /** The drift episode this report belongs to, or null when none is open. */
    public Episode episode;
    /** Metrics over their threshold for the configured number of consecutive windows. */
    public List<Alert> alerts = new ArrayList<>();
    /** True when {@link #alerts} holds one other than the latency ones (operational: reported, never drift). */
    public boolean drifted;

    public DriftReport() {}

    @Override
    public String toString() {
        return "DriftReport{#" + sequence + " [" + windowStartMs + ", " + windowEndMs + ") v" + modelVersion + ", "
                + records + " records, alerts=" + alerts.stream().map(a -> a.metric).toList() + "}";
    }
}

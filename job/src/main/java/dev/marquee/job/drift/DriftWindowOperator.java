package dev.marquee.job.drift;

import dev.marquee.data.drift.*;
import dev.marquee.data.event.Alert;
import dev.marquee.data.event.DriftReport;
import dev.marquee.data.event.ErrorCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Merges partial drift counts into tumbling processing-time windows of {@code drift.window.ms} (ended early
 * once {@code drift.window.records} records were seen, when set), and at each window's end emits one
 * {@link DriftReport} with its metrics, thresholds and the alerts that passed the hysteresis; the same numbers
 * are Flink gauges in the group {@value #METRIC_GROUP}. Runs with parallelism 1: its input is a few summaries
 * per second, whatever the request rate.
 */
public final class DriftWindowOperator extends AbstractStreamOperator<DriftReport>
        implements OneInputStreamOperator<DriftCounts, DriftReport> {
    private static final long serialVersionUID = 1L;
    public static final String METRIC_GROUP = "marquee_drift";
    private static final long PARSE_STAGE = -1;

    private final DriftSettings settings;
    private final String registry;
    private final String modelName;

    private transient Map<Long, DriftCounts> window;
    private transient long windowStartMs;
    private transient long sequence;
    private transient long runStartedAtMs;
    private transient String restoredJobId;
    /** Restored in the same job (a failover): the next report says so, so consumers go on counting across the restart. */
    private transient boolean afterFailover;
    /** The last window ended empty: kept in the snapshot, so a failover during a pause is not taken for a backlog. */
    private transient boolean idle;
    private transient AlertTracker alerts;
    private transient RollingEventHours rolling;
    private transient EpisodeTracker episode;
    private transient ReferenceCache references;
    private transient DriftReports reports;
    private transient ListState<DriftWindowState> checkpointed;
    private transient volatile DriftReport last;
    /** The model version of the last report that had one (kept across a restore), for the gauge (-1: none yet). */
    private transient volatile long lastModelVersion = -1;
    /** Counts the windows ended since open: a timer set for an earlier one does nothing when it fires. */
    private transient long windowGeneration;

    public DriftWindowOperator(DriftSettings settings, String registry, String modelName) {
        this.settings = settings;
        this.registry = registry;
        this.modelName = modelName;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        checkpointed = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("drift-window", TypeInformation.of(DriftWindowState.class)));
        window = new HashMap<>();
        Map<String, Integer> streaks = Map.of();
        long streakVersion = -1;
        rolling = new RollingEventHours();
        episode = new EpisodeTracker();
        for (DriftWindowState s : checkpointed.get()) {
            streakVersion = s.streakModelVersion;
            if (s.rolling != null) rolling = s.rolling;
            if (s.episode != null) episode = s.episode;
            windowStartMs = s.windowStartMs;
            sequence = s.sequence;
            runStartedAtMs = s.runStartedAtMs;
            restoredJobId = s.jobId;
            idle = s.idle;
            streaks = s.streaks;
            for (DriftCounts c : s.counts) window.put(c.modelVersion, c);
        }
        alerts = new AlertTracker(settings.alertWindows, streaks, streakVersion);
        lastModelVersion = alerts.modelVersion();
    }

    @Override
    public void open() throws Exception {
        super.open();
        references = ReferenceCache.shared(registry, modelName);
        reports = new DriftReports(settings, LogBuckets.latencyMs(), LogBuckets.lagSeconds());
        registerGauges(getMetricGroup().addGroup(METRIC_GROUP));
        // Restored after downtime, the restored window would have ended long ago: it ends a window from now instead,
        // so the timer does not run through every missed period at once with windows dated in the past.
        if (windowStartMs == 0 || windowStartMs + settings.windowMs <= now()) windowStartMs = now();
        // A start without state, or a restore into another job (a savepoint's): a new numbering. A failover keeps it.
        if (runStartedAtMs <= 0 || !jobId().equals(restoredJobId)) {
            // A job stopped and started again from its savepoint: the pause ends every streak, as the trigger's count
            // ends (a new numbering is a gap to it). A failover re-reads its backlog at once: no pause, streaks go on.
            if (runStartedAtMs > 0) alerts.endStreaks();
            // above the restored run's even on a TaskManager whose clock is behind (the trigger follows the newer run),
            // and apart for two jobs restored from one savepoint on such a clock
            runStartedAtMs = now() > runStartedAtMs ? now() : runStartedAtMs + 1 + (jobId().hashCode() & 0x3ff);
        } else {
            afterFailover = !idle; // traffic had paused before the failure: the next report follows a gap
        }
        scheduleWindowEnd(windowStartMs);
    }

    @Override
    public void processElement(StreamRecord<DriftCounts> element) {
        DriftCounts c = element.getValue();
        DriftCounts into = window.get(c.modelVersion);
        if (into == null) {
            window.put(c.modelVersion, c);
        } else {
            into.merge(c, settings.maxTrackedFields);
        }
        if (settings.windowRecords > 0 && completed() >= settings.windowRecords) closeWindow(now(), true);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        DriftWindowState s = new DriftWindowState();
        s.windowStartMs = windowStartMs;
        s.sequence = sequence;
        s.runStartedAtMs = runStartedAtMs;
        s.jobId = jobId();
        s.idle = idle;
        s.counts = new ArrayList<>(window.values());
        s.streaks = new HashMap<>(alerts.streaks());
        s.streakModelVersion = alerts.modelVersion();
        s.rolling = rolling;
        s.episode = episode;
        checkpointed.update(List.of(s));
    }

    @Override
    public void finish() throws Exception {
        if (!window.isEmpty()) closeWindow(now(), false);
        super.finish();
    }

    private void scheduleWindowEnd(long start) {
        long generation = windowGeneration;
        // A window lasts drift.window.ms from now: Flink waits for a timer on a monotonic clock but takes its time as a
        // delay from the wall clock, so with the wall clock stepped back behind the window's start, the start plus a
        // window would be a window plus the step away, and no report would come for as long as the step.
        getProcessingTimeService().registerTimer(Math.min(start, now()) + settings.windowMs, time -> {
            if (windowGeneration != generation) return; // that window already ended on its record count
            // a timer can fire late; windows are dated when they really end, never before they start
            long end = Math.max(start, Math.max(time, now()));
            if (window.isEmpty()) {
                // Nothing arrived: no report, the next window starts now, and the gauges say no data instead of
                // repeating the last report (a drifted one would keep its alerts firing after traffic stops).
                last = null;
                alerts.endStreaks(); // DRIFT.md: a streak stops where its metric is absent for lack of data
                afterFailover = false; // a pause after all: the next report follows a gap
                idle = true;
                startWindow(end);
                scheduleWindowEnd(end);
            } else {
                closeWindow(end, true);
            }
        });
    }

    private void startWindow(long startMs) {
        windowStartMs = startMs;
        windowGeneration++; // a timer set for an earlier window does nothing
    }

    private void closeWindow(long closedAtMs, boolean next) {
        // the wall clock stepped back (NTP) behind the window's start: dates do not go back with it, they stay at the
        // start (windows of no length, without a throughput) until the clock has caught up
        long endMs = Math.max(closedAtMs, windowStartMs);
        DriftCounts scored = null;
        Map<Long, Long> byVersion = new LinkedHashMap<>();
        for (DriftCounts c : window.values()) {
            if (c.modelVersion == PARSE_STAGE || c.scored == 0) continue;
            byVersion.put(c.modelVersion, c.scored);
            if (scored == null || c.scored > scored.scored) scored = c;
        }
        Map<Long, DriftCounts> labels = new LinkedHashMap<>();
        for (DriftCounts c : window.values()) {
            if (c.labels > 0 || c.hasUnmatched()) labels.put(c.modelVersion, c);
        }
        ReferenceBuckets ref = scored == null ? null : references.get(scored.modelVersion);
        DriftReport report = reports.report(windowStartMs, endMs, parsed(), scored, ref, byVersion, labels, rolling);
        report.sequence = ++sequence;
        report.modelName = modelName;
        report.runStartedAtMs = runStartedAtMs;
        report.afterFailover = afterFailover;
        afterFailover = false;
        idle = false;
        alerts.apply(report);
        lastModelVersion = alerts.modelVersion();
        episode.apply(report, settings.episodeCloseWindows, DriftReports.titlesGrown(scored, ref));
        last = report;
        output.collect(new StreamRecord<>(report));
        window.clear();
        startWindow(endMs);
        if (next) scheduleWindowEnd(endMs);
    }

    /**
     * Requests that reached their outcome in this window: scored or refused. A count window closes on these,
     * not on requests parsed, so a burst that the parse stage runs ahead on still gives each window its
     * predictions to compare.
     */
    private long completed() {
        long n = parsed().invalid;
        for (DriftCounts c : window.values()) {
            if (c.modelVersion != PARSE_STAGE) n += c.scored;
        }
        return n;
    }

    private DriftCounts parsed() {
        return window.computeIfAbsent(PARSE_STAGE, v -> new DriftCounts());
    }

    /** The report the gauges show: the last window's, or null after a window with nothing in it. */
    DriftReport gaugedReport() {
        return last;
    }

    private String jobId() {
        return getRuntimeContext().getJobInfo().getJobId().toString();
    }

    private long now() {
        return getProcessingTimeService().getCurrentProcessingTime();
    }

    void registerGauges(MetricGroup group) {
        List<String> gauged = new ArrayList<>(DriftMetricNames.ALL);
        // The per-code invalid rates come and go with the codes seen, but they alert: every code has its gauges.
        for (ErrorCode code : ErrorCode.values()) gauged.add(DriftMetricNames.INVALID_RATE_CODE_PREFIX + code.name());
        for (String metric : gauged) {
            String name = DriftMetricNames.gaugeName(metric);
            group.gauge(name, () -> valueOf(metric));
            group.gauge(name + "_threshold", () -> thresholdOf(metric));
            group.gauge(name + "_alerting", () -> alerting(metric) ? 1 : 0);
        }
        // each reads the report once: the window timer replaces it (or empties it) on the task thread meanwhile
        group.gauge("episode_open", () -> {
            DriftReport r = last;
            return r != null && r.episode != null && r.episode.open ? 1 : 0;
        });
        group.gauge("calibrated", () -> {
            DriftReport r = last;
            return r != null && "calibrated".equals(r.calibration) ? 1 : 0;
        });
        group.gauge("alerts", () -> {
            DriftReport r = last;
            return r == null ? 0 : r.alerts.size();
        });
        group.gauge("drifted", () -> {
            DriftReport r = last;
            return r != null && r.drifted ? 1 : 0;
        });
        group.gauge("model_version", this::gaugedModelVersion);
        group.gauge("window_records", () -> {
            DriftReport r = last;
            return r == null ? 0L : r.records;
        });
    }

    /** The serving version the gauge shows: the last report's, or the one before for a window with nothing scored. */
    long gaugedModelVersion() {
        return lastModelVersion;
    }

    private double valueOf(String metric) {
        DriftReport r = last;
        Double v = r == null ? null : r.metrics.get(metric);
        return v == null ? Double.NaN : v;
    }

    /** The threshold the last report judged {@code metric} by (calibrated per window), or NaN. */
    private double thresholdOf(String metric) {
        DriftReport r = last;
        Double t = r == null ? null : r.thresholds.get(metric);
        return t == null ? Double.NaN : t;
    }

    private boolean alerting(String metric) {
        DriftReport r = last;
        if (r == null) return false;
        for (Alert a : r.alerts) {
            if (a.metric.equals(metric)) return true;
        }
        return false;
    }
}

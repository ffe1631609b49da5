package dev.marquee.job.trigger;

import dev.marquee.data.event.Alert;
import dev.marquee.data.event.DriftReport;
import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.event.RetrainOutcome;
import dev.marquee.data.event.RetrainRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retraining policy (docs/RETRAINING.md, "The retraining trigger"): drift reports, retrain outcomes and
 * model updates in, at most one retrain request in flight out. All state is keyed state and every clock is the
 * {@link TimerService}'s processing time, so a restore keeps the request in flight and the cool-down, and
 * tests drive time.
 */
public final class RetrainTriggerFunction extends KeyedProcessFunction<String, TriggerEvent, RetrainRequest>
        implements CheckpointedFunction {
    /** The metric the trainer sets on the outcome of a deferred candidate it retired as superseded. */
    static final String SUPERSEDED_METRIC = "deferred_superseded";
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RetrainTriggerFunction.class);
    public static final String LABELS_RMSE = "labels.rmse";
    /**
     * The model's own online RMSE, before online adaptation: what the model card's test RMSE compares with. The
     * served RMSE (adapted) would hide a model gone stale, so it is only the fallback for reports without it.
     */
    public static final String LABELS_MODEL_RMSE = "labels.model_rmse";
    public static final String LABELS_COUNT = "labels.count";
    /** The labels of the report's own model version, which {@link #LABELS_MODEL_RMSE} is over. */
    public static final String LABELS_MODEL_COUNT = "labels.model_count";
    /** The counter of reports ignored as an older run's, which the alert {@code MarqueeTwoScoringJobsOfOneModel} reads. */
    public static final String OTHER_RUN_REPORTS_METRIC = "driftReportsOfAnotherRun";

    private final TriggerRules rules;
    private final CardRmse cardRmse;
    private final HeldVersions heldVersions;

    private transient ValueState<TriggerState> state;
    private transient Counter requests;
    private transient Counter suppressedInFlight;
    private transient Counter suppressedCooldown;
    private transient Counter alreadyAnswered;
    private transient Counter inFlightTimeouts;
    private transient Counter repeatedReports;
    private transient Counter otherRunReports;
    /** The run whose ignored reports were last logged: one warning per other run, not one per report. */
    private transient long warnedOtherRun;
    private transient Counter sentAgainReports;
    private transient Counter inputQualityOnly;
    /** Whether the registry was asked, since this instance started, for a watch its state may not know of. */
    private transient boolean watchChecked;
    /** This trigger's registry's id, once known; and the other registry whose update was last warned about. */
    private transient String registryId;
    private transient String warnedRegistryId;
    /** When {@link #recheckCandidateHeld} last read the registry (not state: a restart reads it again at once). */
    private transient long lastHeldRecheckMs;
    private static final long HELD_RECHECK_MS = 60_000;
    // Mirrors of the keyed state for gauges (a gauge is read outside any key context). Checkpointed beside it, so a
    // restored trigger shows its state before its first input or timer, which may be hours away.
    private transient volatile int driftedWindowsGauge;
    private transient volatile int rmseWindowsGauge;
    private transient volatile int inFlightGauge;
    private transient ListState<int[]> gaugeMirrors;

    public RetrainTriggerFunction(TriggerRules rules, CardRmse cardRmse) {
        this(rules, cardRmse, HeldVersions.none());
    }

    /** @param heldVersions tells whether a version published for an episode was later retired (held) */
    public RetrainTriggerFunction(TriggerRules rules, CardRmse cardRmse, HeldVersions heldVersions) {
        this.rules = rules;
        this.cardRmse = cardRmse;
        this.heldVersions = heldVersions;
    }

    @Override
    public void open(OpenContext context) {
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("retrain-trigger", TriggerState.class));
        lastHeldRecheckMs = Long.MIN_VALUE / 2; // (a transient field's initializer would not run after deserialization)
        MetricGroup m = getRuntimeContext().getMetricGroup().addGroup("marquee");
        requests = m.counter("retrainRequests");
        suppressedInFlight = m.counter("retrainSuppressedInFlight");
        suppressedCooldown = m.counter("retrainSuppressedCooldown");
        alreadyAnswered = m.counter("retrainAlreadyAnswered");
        inFlightTimeouts = m.counter("retrainInFlightTimeouts");
        repeatedReports = m.counter("driftReportsRepeated");
        otherRunReports = m.counter(OTHER_RUN_REPORTS_METRIC);
        sentAgainReports = m.counter("driftReportsSentAgain");
        inputQualityOnly = m.counter("driftedReportsInputQualityOnly");
        m.gauge("driftedWindows", () -> driftedWindowsGauge);
        m.gauge("rmseWindows", () -> rmseWindowsGauge);
        m.gauge("retrainInFlight", () -> inFlightGauge);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        // Every subtask sees every entry (union state); only the one that holds the model's key after a rescale
        // shows them: the key (the model name) has moved with its keyed state, the entries have not.
        gaugeMirrors = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("retrain-trigger-gauges", PrimitiveArrayTypeInfo.INT_PRIMITIVE_ARRAY_TYPE_INFO));
        var task = getRuntimeContext().getTaskInfo();
        boolean holdsTheKey = KeyGroupRangeAssignment.assignKeyToParallelOperator(rules.modelName,
                task.getMaxNumberOfParallelSubtasks(), task.getNumberOfParallelSubtasks()) == task.getIndexOfThisSubtask();
        if (!holdsTheKey) return;
        for (int[] m : gaugeMirrors.get()) {
            if (m.length < 3) continue;
            driftedWindowsGauge = Math.max(driftedWindowsGauge, m[0]);
            rmseWindowsGauge = Math.max(rmseWindowsGauge, m[1]);
            inFlightGauge = Math.max(inFlightGauge, m[2]);
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        // only a subtask that has shown the key's state has an entry to keep
        gaugeMirrors.update(driftedWindowsGauge == 0 && rmseWindowsGauge == 0 && inFlightGauge == 0 ? List.of()
                : List.of(new int[] {driftedWindowsGauge, rmseWindowsGauge, inFlightGauge}));
    }

    /** What the counter {@value #OTHER_RUN_REPORTS_METRIC} holds. */
    long otherRunReportCount() {
        return otherRunReports.getCount();
    }

    /** What the gauges {@code driftedWindows}, {@code rmseWindows} and {@code retrainInFlight} read. */
    int[] gaugeValues() {
        return new int[] {driftedWindowsGauge, rmseWindowsGauge, inFlightGauge};
    }

    @Override
    public void processElement(TriggerEvent event, Context ctx, Collector<RetrainRequest> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        TriggerState st = state.value();
        if (st == null) {
            st = new TriggerState();
            st.scheduleAnchorMs = now; // the schedule counts from the first record seen
            st.candidateCheckPending = true;
        }
        checkWatchOnce(st, now);
        expireInFlight(st, now);
        recheckCandidateHeld(st, now);
        if (event.report != null) onReport(event.report, st, now, out);
        else if (event.outcome != null) onOutcome(event.outcome, st, now);
        else if (event.update != null) onUpdate(event.update, st, now);
        onSchedule(st, now, out);
        save(st, ctx.timerService(), now, Long.MIN_VALUE);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<RetrainRequest> out) throws Exception {
        TriggerState st = state.value();
        if (st == null) return;
        if (st.timerMs == timestamp) st.timerMs = -1;
        // Flink waits for a timer on a monotonic clock: its time has come even when the wall clock was stepped back
        // since it was set. Judged by the wall clock, nothing would be due, the same timer would be set again, and
        // Flink would fire it again at once, in a loop on the task thread, until the wall clock caught up.
        long now = Math.max(ctx.timerService().currentProcessingTime(), timestamp);
        checkWatchOnce(st, now); // an overdue timer fires right after a restore, before any input
        expireInFlight(st, now);
        recheckCandidateHeld(st, now);
        onSchedule(st, now, out);
        save(st, ctx.timerService(), now, timestamp);
    }

    /**
     * After {@value #INPUT_ONLY_RELEASE_WINDOWS} drifted reports of the answered episode with only input-quality
     * alerts, the episode may ask again: otherwise a producer's new field, held for weeks, would keep one episode
     * open and every later drift within it unanswered.
     */
    private static void releaseEpisodeHeldOpenByInput(DriftReport r, TriggerState st) {
        if (r.episode == null || r.episode.id != st.requestedEpisode || st.requestedEpisode < 0) return;
        // Judged on the metrics over their thresholds, not on the alerts, which lag a window behind: a drift metric
        // dipping under its threshold for one window must not look like the end of the drift
        if (!dev.marquee.data.drift.AlertTracker.onlyInputQualityOver(r)) {
            st.inputOnlyEpisodeWindows = 0;
        } else if (++st.inputOnlyEpisodeWindows >= INPUT_ONLY_RELEASE_WINDOWS) {
            LOG.info("drift episode {} is held open only by the producers' input (schema, clocks) for {} reports: "
                    + "drift a retrain could answer may ask again", r.episode.id, st.inputOnlyEpisodeWindows);
            st.requestedEpisode = -1;
            st.requestedEpisodeOpenedAtMs = -1;
            st.inputOnlyEpisodeWindows = 0;
        }
    }

    static final int INPUT_ONLY_RELEASE_WINDOWS = 2;
    /** The followed run silent this many of its windows (at least {@link #OTHER_RUN_STALE_MIN_MS}): another run counts. */
    static final int OTHER_RUN_STALE_WINDOWS = 3;
    static final long OTHER_RUN_STALE_MIN_MS = 60_000;

    private void onReport(DriftReport r, TriggerState st, long now, Collector<RetrainRequest> out) {
        if (r.modelName != null && !r.modelName.equals(rules.modelName)) return; // another model's, on a shared topic
        // A failover under at-least-once delivery makes the scoring job number its windows again from its last
        // checkpoint: the numbers come a second time, for windows measured after the restore (the replayed backlog and
        // new traffic), and those count. Only a report delivered twice (the same number, no later window) is ignored.
        // Two scoring jobs of one model (the old and the new of an upgrade, one submitted twice): their windows
        // interleave, so neither's drifted windows would ever be consecutive, and their labels would be judged twice.
        // The newest run is followed; an older one's reports count again once the newest has been silent a while.
        if (!st.follows(r.runStartedAtMs, r.windowStartMs, r.windowEndMs, now, OTHER_RUN_STALE_WINDOWS, OTHER_RUN_STALE_MIN_MS)) {
            otherRunReports.inc();
            if (warnedOtherRun != r.runStartedAtMs) {
                warnedOtherRun = r.runStartedAtMs;
                LOG.warn("drift reports of model {} come from two scoring jobs: the run started at {} and the newer run"
                        + " started at {}; only the newer one's count (metric driftReportsOfAnotherRun) until it is silent"
                        + " for {} windows. Stop the older job (with a savepoint) if it is not on its way out",
                        rules.modelName, r.runStartedAtMs, st.followedRunStartedAtMs, OTHER_RUN_STALE_WINDOWS);
            }
            return;
        }
        TriggerState.ReportKind kind = st.classify(r.runStartedAtMs, r.sequence, r.windowEndMs);
        if (kind == TriggerState.ReportKind.REPEAT) {
            repeatedReports.inc();
            LOG.info("drift report #{} of the run started at {} repeats one already counted; ignored", r.sequence,
                    r.runStartedAtMs);
            return;
        }
        if (kind == TriggerState.ReportKind.SENT_AGAIN) {
            sentAgainReports.inc();
            LOG.info("drift report #{} of the run started at {} numbers a window after the scoring job's restore "
                    + "(a failover); counted", r.sequence, r.runStartedAtMs);
        }
        if (r.modelVersion >= 0 && r.modelVersion != st.servingVersion) newVersion(st, r.modelVersion);
        // its update consumed before a replayed request set the candidate again (answerAgain): kept all the same
        if (st.candidateVersion > 0 && r.modelVersion >= st.candidateVersion && st.watchedVersion <= 0) {
            releaseKeptCandidate(st, r.modelVersion);
        }
        // a failover re-reads its backlog at once: no pause in the traffic, so the window dated from the restore follows on
        // (numbered again is a failover's too: reports of jobs from before after_failover)
        boolean followsFailover = r.afterFailover || kind == TriggerState.ReportKind.SENT_AGAIN;
        if (!followsFailover && st.lastReportWindowEndMs > 0 && r.windowStartMs > 0
                && r.windowStartMs != st.lastReportWindowEndMs) {
            // not the window after the last one: "consecutive" counts windows of traffic in a row, as the alerts do
            // (the RMSE rule's groups span windows and gaps alike: a model's error does not pause with the traffic)
            st.driftedWindows = 0;
        }
        if (r.windowEndMs > 0) st.lastReportWindowEndMs = r.windowEndMs;
        List<String> triggers = new ArrayList<>();
        List<Alert> alerts = new ArrayList<>();
        List<String> reasons = new ArrayList<>();

        if (rules.driftedWindows > 0) {
            // Drift only in the producers' input (a new field, changed types, clocks ahead) is not counted: a
            // retrain on the same data answers none of it, and it would ask again after every cool-down.
            boolean counts = dev.marquee.data.drift.AlertTracker.retrainCouldAnswer(r);
            if (r.drifted && !counts) inputQualityOnly.inc();
            releaseEpisodeHeldOpenByInput(r, st);
            st.driftedWindows = counts ? st.driftedWindows + 1 : 0;
            // One retrain per drift episode: its windows keep the count going, but once the episode was answered
            // by a request, it asks no more (a report without an episode, from before episodes, counts as before).
            boolean answeredEpisode = r.episode != null && r.episode.id == st.requestedEpisode
                    // an episode id is its opening window's sequence, which starts again with a job started afresh
                    && (st.requestedEpisodeOpenedAtMs < 0 || r.episode.openedAtMs == st.requestedEpisodeOpenedAtMs);
            if (st.driftedWindows >= rules.driftedWindows && !answeredEpisode) {
                triggers.add(RetrainRequest.TRIGGER_DRIFT);
                // the alerts a retrain could answer, which counted; the job's health and the producers' input, which
                // did not, are named apart so the request does not read as caused by them
                List<Alert> answerable = new ArrayList<>();
                List<String> others = new ArrayList<>();
                if (r.alerts != null) {
                    for (Alert a : r.alerts) {
                        if (a == null) continue;
                        if (a.metric != null && (dev.marquee.data.drift.AlertTracker.isOperational(a.metric)
                                || dev.marquee.data.drift.AlertTracker.isInputQuality(a.metric))) {
                            others.add(a.metric);
                        } else {
                            answerable.add(a);
                        }
                    }
                }
                alerts.addAll(answerable);
                reasons.add((r.episode == null ? "" : "drift episode " + r.episode.id + ": ")
                        + "drifted for " + st.driftedWindows + " consecutive windows ("
                        + String.join(", ", answerable.stream().map(a -> String.valueOf(a.metric)).toList())
                        + (others.isEmpty() ? "" : "; also over threshold, which a retrain does not answer: "
                                + String.join(", ", others)) + ")");
            }
        }
        // a window that scored nothing names no version: its labels (late ones of a version swapped out, perhaps) are
        // not the serving version's error, and it neither counts nor resets
        if (rules.rmseRuleOn() && r.modelVersion >= 0) {
            // labels.model_count: the report's own version's labels (reports from before it: every label, and
            // labels.model_rmse, or labels.rmse before that, over all of them)
            boolean ownVersion = r.metrics.containsKey(LABELS_MODEL_COUNT);
            String metric = ownVersion || r.metrics.containsKey(LABELS_MODEL_RMSE) ? LABELS_MODEL_RMSE : LABELS_RMSE;
            Double rmse = r.metrics.get(metric);
            Double labels = r.metrics.get(ownVersion ? LABELS_MODEL_COUNT : LABELS_COUNT);
            // A window with too few labels says nothing by itself: its labels are pooled with the next windows' until
            // they are enough, and judged together as one (else, below min-labels per window, the rule never judged).
            double limit = rmseLimit(r.modelVersion);
            if (rmse != null && labels != null && !rmse.isNaN() && !labels.isNaN() && labels > 0 && !Double.isNaN(limit)) {
                if (labels >= rules.minLabels) { // enough by itself: judged alone, what was pooled before it let go
                    st.rmsePoolSquaredErrors = 0;
                    st.rmsePoolLabels = 0;
                }
                st.rmsePoolSquaredErrors += labels * rmse * rmse;
                st.rmsePoolLabels += labels;
            }
            if (st.rmsePoolLabels >= rules.minLabels && st.rmsePoolLabels > 0) {
                double pooled = Math.sqrt(st.rmsePoolSquaredErrors / st.rmsePoolLabels);
                long pooledLabels = Math.round(st.rmsePoolLabels);
                boolean onePart = labels != null && Math.round(labels) == pooledLabels;
                st.rmsePoolSquaredErrors = 0;
                st.rmsePoolLabels = 0;
                st.rmseWindows = pooled > limit ? st.rmseWindows + 1 : 0;
                if (st.rmseWindows >= rules.rmseWindows) {
                    triggers.add(RetrainRequest.TRIGGER_RMSE);
                    alerts.add(new Alert(metric, onePart ? rmse : pooled, limit, st.rmseWindows));
                    reasons.add(String.format(java.util.Locale.ROOT, "online RMSE %.4f over %.4f for %d consecutive groups of"
                            + " at least %d labels%s", onePart ? rmse : pooled, limit, st.rmseWindows, rules.minLabels,
                            onePart ? "" : " (the last of " + pooledLabels + " labels pooled from windows of fewer than "
                                    + rules.minLabels + ")"));
                }
            }
        }
        if (!triggers.isEmpty()) {
            long version = r.modelVersion >= 0 ? r.modelVersion : st.servingVersion;
            String id = "retrain-" + version + "-" + r.sequence + "-" + r.windowEndMs;
            Asked asked = request(st, now, id, version, triggers, alerts, String.join("; ", reasons), r.metrics, out);
            if (asked != Asked.HELD_BACK && r.episode != null && triggers.contains(RetrainRequest.TRIGGER_DRIFT)) {
                st.requestedEpisode = r.episode.id;
                st.inputOnlyEpisodeWindows = 0;
                st.requestedEpisodeOpenedAtMs = r.episode.openedAtMs;
                st.requestedEpisodeRequestId = id;
            }
            if (asked == Asked.ANSWERED_BEFORE) answerAgain(st, id, now);
        }
    }

    /** The lower of the absolute limit and the card's test RMSE plus the margin; NaN when neither is known. */
    private double rmseLimit(long version) {
        double limit = rules.maxRmse;
        if (!Double.isNaN(rules.rmseMargin)) {
            OptionalDouble card = cardRmse.testRmse(version);
            if (card.isPresent()) {
                double relative = card.getAsDouble() + rules.rmseMargin;
                limit = Double.isNaN(limit) ? relative : Math.min(limit, relative);
            }
        }
        return limit;
    }

    /**
     * A request replayed after a failover whose outcome was read before it (the restored state had not sent it yet):
     * its remembered outcome settles its episode as if it had come after the request.
     */
    private void answerAgain(TriggerState st, String id, long now) {
        AnsweredRequest a = st.answerOf(id);
        if (a == null) return; // state from before outcomes were remembered: the episode stays answered
        boolean itsEpisode = id.equals(st.requestedEpisodeRequestId); // a schedule's request answers no episode
        if (RetrainOutcome.PUBLISHED.equals(a.outcome)) {
            // (a version that serves since, kept, is released by the next report of it: releaseKeptCandidate)
            if (a.version > 0 && heldVersions.held(a.version)) {
                if (itsEpisode) st.requestedEpisode = -1;
            } else {
                publishedOrTheShadow(st, a.version, now);
            }
        } else if (RetrainOutcome.DEFERRED.equals(a.outcome)) {
            st.deferredRequestId = id;
            st.deferredSinceMs = now;
        } else if (!a.superseded && itsEpisode) {
            st.requestedEpisode = -1;
        }
    }

    /**
     * Whether request {@code id} is the one the recorded drift episode asked with: only its failure leaves the episode's
     * drift unanswered (a request of the RMSE rule or the schedule answers no episode). True for state from before the
     * id was recorded, which reopened on any.
     */
    private static boolean answersTheEpisode(TriggerState st, String id) {
        return st.requestedEpisodeRequestId == null || id.equals(st.requestedEpisodeRequestId);
    }

    private void onOutcome(RetrainOutcome o, TriggerState st, long now) {
        if (o.modelName != null && !o.modelName.equals(rules.modelName)) return;
        AnsweredRequest before = st.answerOf(o.requestId);
        st.rememberAnswered(o, o.metrics != null && o.metrics.getOrDefault(SUPERSEDED_METRIC, 0.0) > 0);
        if (o.requestId.equals(st.unansweredRequestId) && !RetrainOutcome.PUBLISHED.equals(o.outcome)
                && !RetrainOutcome.DEFERRED.equals(o.outcome)) {
            st.unansweredRequestId = null; // nothing to await: the cool-down waited for this answer (branches below)
            st.timedOutAtMs = -1;
        }
        if (o.requestId.equals(st.inFlightRequestId)) {
            LOG.info("retrain request {} answered: {}", o.requestId, o);
            st.clearInFlight();
            boolean itsEpisode = answersTheEpisode(st, o.requestId);
            if (RetrainOutcome.PUBLISHED.equals(o.outcome)) {
                long serving = servingAsPlaced(st, false);
                if (o.baseVersion > 0 && o.baseVersion != serving && o.version != serving && !inShadowNow(o.version)) {
                    // judged against a version that no longer serves (a rollback while it trained): the trainer
                    // published it neither serving nor in shadow, so nothing will judge it, as for a late answer (a pin
                    // alone leaves the pointer's serving version as it was: such a version is awaited, as before)
                    LOG.info("retrain request {} answered, PUBLISHED version {} judged against version {} while {}"
                            + " serves: placed nowhere, not awaited; its episode may ask again", o.requestId, o.version,
                            o.baseVersion, serving);
                    if (itsEpisode) st.requestedEpisode = -1;
                } else {
                    publishedOrTheShadow(st, o.version, now);
                }
            }
            if (RetrainOutcome.DEFERRED.equals(o.outcome)) {
                // Its candidate waits for labels in the trainer: the episode stays answered until it is settled.
                st.deferredRequestId = o.requestId;
                st.deferredSinceMs = now;
            } else if (!RetrainOutcome.PUBLISHED.equals(o.outcome) && itsEpisode) {
                // No new version came of the episode's own request: its drift is still unanswered, so it may ask again
                // after the cool-down (a request of the RMSE rule or the schedule answers no episode).
                st.requestedEpisode = -1;
            }
        } else if (o.requestId.equals(st.deferredRequestId) && !RetrainOutcome.DEFERRED.equals(o.outcome)) {
            LOG.info("deferred retrain request {} settled: {}", o.requestId, o);
            st.deferredRequestId = null;
            st.deferredSinceMs = -1;
            if (RetrainOutcome.PUBLISHED.equals(o.outcome)) publishedOrTheShadow(st, o.version, now);
            // Superseded: a newer candidate (a later request's, deferred too, or a version that serves now) stands
            // for it, so the episode stays answered; reopening it would ask again and supersede that one in turn.
            boolean superseded = o.metrics != null && o.metrics.getOrDefault(SUPERSEDED_METRIC, 0.0) > 0;
            if (!RetrainOutcome.PUBLISHED.equals(o.outcome) && !superseded && answersTheEpisode(st, o.requestId)) {
                st.requestedEpisode = -1;
            }
        } else if (o.requestId.equals(st.unansweredRequestId) && before == null && !st.inFlight()
                && (RetrainOutcome.PUBLISHED.equals(o.outcome) || RetrainOutcome.DEFERRED.equals(o.outcome))) {
            // The first answer after the trigger stopped waiting (the in-flight timeout: the trainer took it near the
            // timeout, or this trigger was stopped past it; a newer version came to serve before the trainer took it),
            // with nothing asked since: its candidate is what the request asked for. Not one judged against a version
            // that no longer serves: the trainer publishes that one neither serving nor in shadow.
            st.unansweredRequestId = null;
            st.timedOutAtMs = -1; // the answer the cool-down waited for is read
            boolean held = o.version > 0 && heldVersions.held(o.version);
            long serving = servingAsPlaced(st, RetrainOutcome.DEFERRED.equals(o.outcome));
            if (o.baseVersion > 0 && o.baseVersion != serving && o.version != serving && !inShadowNow(o.version)) {
                // published neither serving nor in shadow: nothing will judge it, so the drift is still unanswered
                LOG.info("retrain request {} answered late, {}, judged against version {} while {} serves: not awaited;"
                        + " its episode may ask again", o.requestId, o.outcome, o.baseVersion, serving);
                if (o.requestId.equals(st.requestedEpisodeRequestId)) st.requestedEpisode = -1;
            } else if (RetrainOutcome.DEFERRED.equals(o.outcome)) {
                LOG.info("retrain request {} answered late, DEFERRED: awaited as if in time", o.requestId);
                st.deferredRequestId = o.requestId;
                st.deferredSinceMs = now;
            } else if (held) {
                if (o.requestId.equals(st.requestedEpisodeRequestId)) st.requestedEpisode = -1; // retired already
            } else {
                LOG.info("retrain request {} answered late, PUBLISHED version {}: awaited as if in time", o.requestId,
                        o.version);
                // (serving already, under trainer.promotion=immediate: not awaited, but its watch's end releases or
                // reopens the episode, as for an answer in time)
                publishedOrTheShadow(st, o.version, now);
            }
        } else if (o.requestId.equals(st.requestedEpisodeRequestId) && st.requestedEpisode >= 0
                && !RetrainOutcome.PUBLISHED.equals(o.outcome) && !RetrainOutcome.DEFERRED.equals(o.outcome)
                && !(o.metrics != null && o.metrics.getOrDefault(SUPERSEDED_METRIC, 0.0) > 0)) {
            // (a candidate retired as superseded stands for a newer one, which answers the episode: not reopened)
            // answered after the in-flight timeout (EXPIRED by a worker that was down, a late FAILED): no version came
            // of it, so the episode's drift is still unanswered and may ask again after the cool-down
            LOG.info("retrain request {} of episode {} answered late, {}: the episode may ask again", o.requestId,
                    st.requestedEpisode, o.outcome);
            st.requestedEpisode = -1;
        } else if (RetrainOutcome.PUBLISHED.equals(o.outcome) && before != null
                && !RetrainOutcome.PUBLISHED.equals(before.outcome) && !RetrainOutcome.DEFERRED.equals(before.outcome)
                && o.version > st.candidateVersion && !heldVersions.held(o.version)) {
            // Redone after its first answer (FAILED or RATE_LIMITED, whose commit was lost: the worker restarted and
            // trained it after all): its candidate waits in shadow like any other, or the next request would replace it
            LOG.info("retrain request {}, answered {} before, published version {} after all: awaited in shadow",
                    o.requestId, before.outcome, o.version);
            publishedOrTheShadow(st, o.version, now);
        }
    }

    /**
     * A state restored from a trigger without watches (or a watch announced while it was stopped) knows of none: the
     * registry's pointer says whether one runs, as no update will announce it again. A trigger started without its
     * state ({@link TriggerState#candidateCheckPending}: no savepoint, its sources resume after the updates and outcomes
     * that named them) knows of no candidate in shadow either, and takes the pointer's, a retrain's or an import's,
     * which it cannot tell apart; a restored state replays its updates and knows its own. Asked until it answers.
     */
    private void checkWatchOnce(TriggerState st, long now) {
        if (watchChecked && !st.candidateCheckPending) return;
        if (st.watchedVersion > 0) {
            watchChecked = true;
            st.candidateCheckPending = false;
            return;
        }
        java.util.OptionalLong watched = heldVersions.watched();
        java.util.OptionalLong candidate = st.candidateCheckPending && st.candidateVersion <= 0 ? heldVersions.candidate()
                : java.util.OptionalLong.of(0);
        if (watched.isEmpty() || candidate.isEmpty()) return; // the registry cannot be read now: ask again at the next event
        watchChecked = true;
        st.candidateCheckPending = false;
        if (watched.getAsLong() > 0) {
            LOG.info("version {} is watched in shadow (the registry's pointer): no retrain until its verdict",
                    watched.getAsLong());
            st.watchedVersion = watched.getAsLong();
            st.watchSinceMs = now;
        } else if (candidate.getAsLong() > 0 && candidate.getAsLong() > st.servingVersion) {
            LOG.info("version {} is a candidate in shadow (the registry's pointer): no retrain until its verdict",
                    candidate.getAsLong());
            published(st, candidate.getAsLong(), now);
        }
    }

    /**
     * The candidate (or a newer version) serves and is kept, watched no more: the episode's answer is in place. Drift
     * that persists is drift against that version's own reference, and may ask again (after the cool-down, and
     * trigger.drifted-windows reports of the new version), or no retrain would ever be asked while the episode stays
     * open, as it may for ever when new users keep coming.
     */
    private static void releaseKeptCandidate(TriggerState st, long serving) {
        if (st.requestedEpisode >= 0) {
            LOG.info("version {} serves and is kept: drift episode {} may ask again if its drift persists", serving,
                    st.requestedEpisode);
        }
        st.candidateVersion = -1;
        st.requestedEpisode = -1;
    }

    /**
     * A version published beside a candidate it did not replace in shadow (an import waiting for its verdict: the
     * trainer leaves it there) is never judged itself: the candidate in shadow is what is awaited, or every rule would
     * ask again once the wait ran out, for another version published beside it.
     */
    private void publishedOrTheShadow(TriggerState st, long version, long now) {
        java.util.OptionalLong shadow = version > st.servingVersion ? heldVersions.candidate() : java.util.OptionalLong.of(0);
        long other = shadow.isPresent() ? shadow.getAsLong() : 0;
        if (other > 0 && other != version && other > st.servingVersion) {
            LOG.info("version {} was published beside version {}, a candidate in shadow: awaiting that one's verdict",
                    version, other);
            published(st, other, now);
        } else {
            published(st, version, now);
        }
    }

    /**
     * The serving version the trainer judges against, from the registry when it can be read: a PUBLISHED version's
     * place against the pointer's serving version (under a pin it places none), a DEFERRED candidate's later
     * judgement against the pinned one, else the pointer's. Without the registry, the one the model updates announced
     * (a report of a swapped-out version's last window names the older one).
     */
    private long servingAsPlaced(TriggerState st, boolean deferred) {
        java.util.Optional<HeldVersions.Pointer> p = heldVersions.pointer();
        if (p.isPresent() && !p.get().unknown()) {
            long s = deferred && p.get().pinned() > 0 ? p.get().pinned() : p.get().serving();
            if (s > 0) return s;
        }
        return st.announcedServingVersion > 0 ? st.announcedServingVersion : st.servingVersion;
    }

    /**
     * Whether the registry's pointer has {@code version} in shadow as its candidate, a pin or not; true when it cannot
     * be read (awaited rather than replaced unjudged: the in-flight timeout bounds the wait).
     */
    private boolean inShadowNow(long version) {
        java.util.Optional<HeldVersions.Pointer> p = heldVersions.pointer();
        if (p.isEmpty()) return false;
        return p.get().unknown() || (version > 0 && p.get().candidate() == version);
    }

    private static void published(TriggerState st, long version, long now) {
        st.candidateVersion = version;
        st.candidateSinceMs = now;
        st.candidateLeftShadow = false;
        // read once at the next input: its retirement may have been announced before this answer was read (the
        // three inputs come from three topics, in no order after a restore)
        st.candidateHeldUnknown = true;
    }

    /**
     * A version published for the last request is newer than the one serving and not held: in shadow, it waits for
     * the promoter's verdict on live labels, which answers every rule for now (up to the in-flight timeout, after which
     * a candidate nobody promoted, as under trainer.promotion=manual, no longer holds requests back).
     */
    private boolean candidateAwaited(TriggerState st, long now) {
        return st.candidateVersion > st.servingVersion && now < st.candidateSinceMs + rules.inFlightTimeoutMs;
    }

    /**
     * The last request's candidate was DEFERRED and waits in the trainer for labels to settle it: like a candidate
     * in shadow, it answers every rule for now (another request would train a second candidate from nearly the same
     * labels and supersede it), up to the in-flight timeout.
     */
    private boolean deferredAwaited(TriggerState st, long now) {
        return st.deferredRequestId != null && now < st.deferredSinceMs + rules.inFlightTimeoutMs;
    }

    /**
     * A newly serving version is watched beside the one it replaced (docs/RETRAINING.md, the watch): until the promoter
     * keeps it or rolls it back, it answers every rule, as a candidate does (a retrain published now would take the
     * watch's place in shadow and end it unjudged, so a version worse live than the one it replaced would never be
     * rolled back), up to the in-flight timeout.
     */
    private boolean watchAwaited(TriggerState st, long now) {
        return st.watchedVersion > 0 && now < st.watchSinceMs + rules.inFlightTimeoutMs;
    }

    /** When the wait for a candidate (in shadow or deferred) or a watch ends, or -1 when none is awaited. */
    private long awaitEndsMs(TriggerState st, long now) {
        long end = -1;
        if (candidateAwaited(st, now)) end = st.candidateSinceMs + rules.inFlightTimeoutMs;
        if (deferredAwaited(st, now)) end = Math.max(end, st.deferredSinceMs + rules.inFlightTimeoutMs);
        if (watchAwaited(st, now)) end = Math.max(end, st.watchSinceMs + rules.inFlightTimeoutMs);
        return end;
    }

    /**
     * An update that names another registry than this trigger's (another deployment of the same model name
     * announcing on the same topic): ignored, with a warning per registry. One naming none, or read where this
     * registry's id is not known, counts.
     */
    private boolean fromAnotherRegistry(ModelUpdate u) {
        if (u.registryId == null) return false;
        // read again on every difference: a copied registry's file deleted and made anew is this registry's id now
        if (!u.registryId.equals(registryId)) heldVersions.registryId().ifPresent(id -> registryId = id); // a failed read keeps what was known
        if (registryId == null || registryId.equals(u.registryId)) return false;
        if (!u.registryId.equals(warnedRegistryId)) {
            warnedRegistryId = u.registryId;
            LOG.warn("ignoring model updates of model '{}' from another registry (id {}, this trigger's is {}): another"
                    + " deployment announces on the same topic; give each its own topics or model name"
                    + " (docs/OPERATIONS.md#several-deployments-on-one-kafka-cluster)", u.modelName, u.registryId, registryId);
        }
        return true;
    }

    private void onUpdate(ModelUpdate u, TriggerState st, long now) {
        if (!rules.modelName.equals(u.modelName) || fromAnotherRegistry(u)) return;
        st.announcedServingVersion = u.version;
        if (u.version != st.servingVersion) { // a rollback announces a lower number: that counts too
            newVersion(st, u.version);
            st.scheduleAnchorMs = Math.max(st.scheduleAnchorMs, now);
        }
        if (u.shadowVersion > 0 && u.shadowVersion < u.version) {
            if (st.watchedVersion != u.shadowVersion) { // the promoter announces a watch again on every change it sees
                st.watchedVersion = u.shadowVersion;
                st.watchSinceMs = now;
            }
        } else {
            st.watchedVersion = -1;
            st.watchSinceMs = -1;
        }
        if (st.inFlight() && u.version > st.inFlightModelVersion) {
            LOG.info("retrain request {} answered by model version {}", st.inFlightRequestId, u.version);
            st.unansweredRequestId = st.inFlightRequestId; // taken after it, the request trains against it: awaited
            st.timedOutAtMs = now; // and its answer may still come: no rule asks again for a cool-down
            st.clearInFlight();
            // trainer.promotion=immediate announces its version, watched, before its outcome: serving already, so not
            // awaited, but the rules below release or hold its episode when the watch keeps it or it is rolled back
            // (a version served without a watch, an import's, is not taken for the request's published version)
            if (u.shadowVersion > 0 && u.shadowVersion < u.version) published(st, u.version, now);
        }
        if (st.candidateVersion > 0) {
            if (u.shadowVersion > st.candidateVersion && u.version < u.shadowVersion && st.candidateVersion > u.version) {
                // Replaced in shadow by a newer candidate (an import, a later retrain), which holds it: not retired on
                // live labels, so its episode is not reopened; the newer candidate is awaited in its place.
                LOG.info("version {}, published for a drift episode, is replaced in shadow by version {}: awaiting that"
                        + " one's verdict", st.candidateVersion, u.shadowVersion);
                st.candidateVersion = u.shadowVersion;
                st.candidateSinceMs = now;
            } else if (candidateHeld(st)) {
                // Retired on live labels (or rolled back): the episode it answered has no better model after all.
                LOG.info("version {}, published for a drift episode, is held: the episode may ask again",
                        st.candidateVersion);
                st.candidateVersion = -1;
                st.requestedEpisode = -1;
            } else if (u.version >= st.candidateVersion && !(u.shadowVersion > 0 && u.shadowVersion < u.version)) {
                releaseKeptCandidate(st, u.version); // it (or a newer version) serves and is kept
            }
        }
        if (st.candidateVersion > 0 && st.candidateVersion > u.version) {
            boolean inShadow = u.shadowVersion == st.candidateVersion;
            if (inShadow && st.candidateLeftShadow) {
                st.candidateSinceMs = now; // back in shadow, a pin lifted: its verdict is awaited from now
            }
            st.candidateLeftShadow = !inShadow;
        }
    }

    /** Whether the candidate is held; when the registry cannot say, asked again later ({@link #recheckCandidateHeld}). */
    private boolean candidateHeld(TriggerState st) {
        java.util.Optional<Boolean> held = heldVersions.heldIfKnown(st.candidateVersion);
        st.candidateHeldUnknown = held.isEmpty();
        return held.orElse(false);
    }

    /**
     * The update that took the candidate out of shadow came while the registry could not be read: whether it was
     * held is read again, at most once a minute, until the registry answers; a retirement the update could not
     * confirm then still reopens its episode.
     */
    private void recheckCandidateHeld(TriggerState st, long now) {
        if (!st.candidateHeldUnknown || st.candidateVersion <= 0 || now < lastHeldRecheckMs + HELD_RECHECK_MS) return;
        lastHeldRecheckMs = now;
        if (candidateHeld(st)) {
            LOG.info("version {}, published for a drift episode, is held: the episode may ask again", st.candidateVersion);
            st.candidateVersion = -1;
            st.requestedEpisode = -1;
        }
    }

    private void onSchedule(TriggerState st, long now, Collector<RetrainRequest> out) {
        if (rules.scheduleMs == 0) return;
        long due = st.scheduleAnchorMs + rules.scheduleMs;
        if (now < due || st.inFlight() || inCooldown(st, now)) return;
        String id = "retrain-" + st.servingVersion + "-schedule-" + due;
        Asked asked = request(st, now, id, st.servingVersion, List.of(RetrainRequest.TRIGGER_SCHEDULE), List.of(),
                "no retrain for " + (now - st.scheduleAnchorMs) + " ms (schedule every " + rules.scheduleMs + " ms)",
                Map.of(), out);
        if (asked == Asked.ANSWERED_BEFORE) answerAgain(st, id, now);
    }

    /** What became of a request the rules asked for. */
    private enum Asked { SENT, HELD_BACK, ANSWERED_BEFORE }

    /**
     * Sends a retrain request unless one is in flight, a candidate it published waits in shadow, a new serving
     * version is watched, or the cool-down runs (held back), or it was answered before (replayed after a failover).
     */
    private Asked request(TriggerState st, long now, String id, long version, List<String> triggers, List<Alert> alerts,
                            String reason, Map<String, Double> metrics, Collector<RetrainRequest> out) {
        if (st.answered.contains(id)) {
            // Replayed after a failover, and the trainer already answered it: not asked twice, whatever holds now
            // (its answer may be what holds: answerAgain settles it as the outcome would have).
            alreadyAnswered.inc();
            LOG.info("not requesting {} again: it was already answered", id);
            st.driftedWindows = 0;
            st.rmseWindows = 0;
            st.lastRequestMs = now;
            st.scheduleAnchorMs = now;
            return Asked.ANSWERED_BEFORE;
        }
        if (st.inFlight()) {
            suppressedInFlight.inc();
            LOG.debug("not requesting {}: {} is in flight", id, st.inFlightRequestId);
            return Asked.HELD_BACK;
        }
        if (candidateAwaited(st, now)) {
            suppressedInFlight.inc();
            LOG.debug("not requesting {}: version {}, published for the last request, waits in shadow", id,
                    st.candidateVersion);
            return Asked.HELD_BACK;
        }
        if (watchAwaited(st, now)) {
            suppressedInFlight.inc();
            LOG.debug("not requesting {}: version {} serves, watched beside version {}", id, st.servingVersion,
                    st.watchedVersion);
            return Asked.HELD_BACK;
        }
        if (deferredAwaited(st, now)) {
            suppressedInFlight.inc();
            LOG.debug("not requesting {}: the candidate of {} waits in the trainer (deferred)", id, st.deferredRequestId);
            return Asked.HELD_BACK;
        }
        if (inCooldown(st, now)) {
            suppressedCooldown.inc();
            LOG.debug("not requesting {}: cool-down until {}", id, cooldownFromMs(st) + rules.cooldownMs);
            return Asked.HELD_BACK;
        }
        st.driftedWindows = 0;
        st.rmseWindows = 0;
        st.lastRequestMs = now;
        st.scheduleAnchorMs = now;
        RetrainRequest req = new RetrainRequest(id, reason, now);
        req.modelName = rules.modelName;
        req.modelVersion = version;
        req.triggers = new ArrayList<>(triggers);
        req.alerts = new ArrayList<>(alerts);
        req.metrics = new LinkedHashMap<>(metrics);
        st.inFlightRequestId = id;
        st.unansweredRequestId = null; // this one's answer stands for the drift now, not a late one of the last
        st.inFlightModelVersion = version;
        st.inFlightSinceMs = now;
        requests.inc();
        LOG.info("requesting a retrain: {}", req);
        out.collect(req);
        return Asked.SENT;
    }

    private void expireInFlight(TriggerState st, long now) {
        if (st.inFlight() && now >= st.inFlightSinceMs + rules.inFlightTimeoutMs) {
            inFlightTimeouts.inc();
            LOG.warn("retrain request {} unanswered after {} ms: no longer waiting for it", st.inFlightRequestId,
                    now - st.inFlightSinceMs);
            st.unansweredRequestId = st.inFlightRequestId;
            st.timedOutAtMs = now; // a late answer may be on its way: no rule asks again for a cool-down
            st.clearInFlight();
        }
    }

    private boolean inCooldown(TriggerState st, long now) {
        long from = cooldownFromMs(st);
        return from >= 0 && now < from + rules.cooldownMs;
    }

    /** The last request, or the last in-flight timeout when later (its answer may still come): -1 for neither. */
    private static long cooldownFromMs(TriggerState st) {
        return Math.max(st.lastRequestMs, st.timedOutAtMs);
    }

    private static void newVersion(TriggerState st, long version) {
        st.servingVersion = version;
        st.driftedWindows = 0; // another model is judged afresh
        st.rmseWindows = 0;
        st.rmsePoolSquaredErrors = 0;
        st.rmsePoolLabels = 0;
    }

    /**
     * Keeps exactly one timer: the in-flight timeout, else the next scheduled request; never at or before the timer
     * firing ({@code firing}), which Flink would fire again in the same loop.
     */
    private void save(TriggerState st, TimerService timers, long now, long firing) throws Exception {
        long next = -1;
        if (st.inFlight()) {
            next = st.inFlightSinceMs + rules.inFlightTimeoutMs;
        } else if (rules.scheduleMs > 0) {
            next = st.scheduleAnchorMs + rules.scheduleMs;
            if (cooldownFromMs(st) >= 0) next = Math.max(next, cooldownFromMs(st) + rules.cooldownMs);
            // a due schedule held back by an awaited candidate asks when the wait ends, not again at once
            next = Math.max(next, awaitEndsMs(st, now));
        }
        if (next >= 0 && next <= firing) next = firing + 1_000;
        if (next != st.timerMs) {
            if (st.timerMs >= 0) timers.deleteProcessingTimeTimer(st.timerMs);
            if (next >= 0) timers.registerProcessingTimeTimer(next);
            st.timerMs = next;
        }
        state.update(st);
        driftedWindowsGauge = st.driftedWindows;
        rmseWindowsGauge = st.rmseWindows;
        inFlightGauge = st.inFlight() ? 1 : 0;
    }
}

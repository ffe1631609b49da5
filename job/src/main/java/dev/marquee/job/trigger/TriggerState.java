package dev.marquee.job.trigger;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything the trigger remembers, in keyed state, so a restore from a checkpoint keeps the counts, the
 * request in flight and the cool-down. Times are processing time, milliseconds; -1 means none.
 */
public class TriggerState {
    /** How many answered request ids are remembered (to recognise a request replayed after a failover). */
    static final int ANSWERED_KEPT = 32;

    /**
     * The last report counted: the start of its numbering and its sequence ({@link #classify}: a report of the same
     * numbering, numbered no higher and ending no later, repeats one already counted and is not counted twice).
     */
    public long lastReportRunStartedAtMs = -1;
    public long lastReportSequence = -1;
    /**
     * The scoring job run whose reports count ({@code run_started_at_ms}; 0: none yet, or state from before session 36)
     * and when its last report came (the trigger's clock): while it reports, an older run's reports (a second scoring
     * job of the model, the old one of a blue/green upgrade) are not counted ({@link #follows}).
     */
    public long followedRunStartedAtMs;
    public long followedRunSeenAtMs = -1;
    /** The followed run's window length (0: not known). */
    public long followedRunWindowMs;
    /** Consecutive drifted reports. */
    public int driftedWindows;
    /**
     * The end of the last counted report's window (0: none, or state from before session 24): a report whose window
     * starts elsewhere follows a gap (a window with no traffic, downtime, a job started afresh), so the count of
     * consecutive drifted windows starts again.
     */
    public long lastReportWindowEndMs;
    /** The drift episode a retrain was last requested for: one request per episode. -1: none. */
    public long requestedEpisode = -1;
    /** When that episode opened (its id alone repeats across runs of the scoring job); -1: not known. */
    public long requestedEpisodeOpenedAtMs = -1;
    /**
     * The request sent for that episode: an outcome for it that published nothing reopens the episode, also when it
     * arrives after the trigger stopped waiting for it (EXPIRED, a late FAILED). Null: none, or state from before
     * session 25.
     */
    public String requestedEpisodeRequestId;
    /**
     * Consecutive drifted reports of the requested episode whose only alerts are the producers' input quality: the
     * episode stays open for them (a new field on every request keeps it so), but the drift its retrain answered
     * has ended, and drift a retrain could answer later in it is new.
     */
    public int inputOnlyEpisodeWindows;
    /** Consecutive judged groups of labels (below), each of at least {@code trigger.min-labels}, over the RMSE limit. */
    public int rmseWindows;
    /**
     * Reports of the serving version whose labels are not yet judged, pooled until they hold {@code trigger.min-labels}
     * (a window of too few labels is judged with the next ones): the sum of their labels' squared errors, and how many.
     * State written before session 24 has neither (0): those reports were judged one by one.
     */
    public double rmsePoolSquaredErrors;
    public double rmsePoolLabels;
    /**
     * The version last seen serving: the last model update's, or the last report's when it names another (reports
     * of the old version drain for a window after a swap, and a rollback goes back to a lower number).
     */
    public long servingVersion = -1;
    public String inFlightRequestId;
    /** The version serving when the in-flight request was made: a newer published version answers it. */
    public long inFlightModelVersion = -1;
    public long inFlightSinceMs = -1;
    /**
     * The last request the in-flight timeout stopped waiting for, until it is answered or another is asked: published
     * or deferred late (a trainer that took it near the timeout, a trigger stopped past it), its candidate is awaited
     * as if in time.
     */
    public String unansweredRequestId;
    /**
     * When the trigger last stopped waiting for a request before its answer (the in-flight timeout; a newer version
     * that came to serve): the cool-down counts from it too. -1: never.
     */
    public long timedOutAtMs = -1;
    /**
     * The serving version the last model update announced; unlike {@link #servingVersion}, not moved by a report of a
     * version being swapped out. -1: none read yet.
     */
    public long announcedServingVersion = -1;
    /**
     * The last request answered DEFERRED: its candidate waits in the trainer for labels, and its later outcome
     * (published, rejected, retired) decides whether the drift episode may ask again. Null: none.
     */
    public String deferredRequestId;
    /** When {@link #deferredRequestId}'s DEFERRED outcome arrived; -1: none. */
    public long deferredSinceMs = -1;
    /**
     * The version the last answered request published, until a newer one serves: if the registry holds it instead
     * (retired on live labels, rolled back), its drift episode may ask again. -1: none.
     */
    public long candidateVersion = -1;
    /** When {@link #candidateVersion}'s outcome arrived. */
    public long candidateSinceMs = -1;
    /**
     * Whether an update since {@link #candidateVersion} was published named it out of shadow (a pin): when one names
     * it in shadow again (the pin lifted), its time in shadow starts again.
     */
    public boolean candidateLeftShadow;
    /**
     * The update that took the candidate out of shadow came while the registry could not say whether it was held:
     * read again until it can (at most once a minute).
     */
    public boolean candidateHeldUnknown;
    /**
     * The older version the last model update names as shadow beside a newer serving one: a promoted (or, under
     * {@code trainer.promotion=immediate}, a published) version is watched, and may yet be rolled back. -1: none.
     */
    public long watchedVersion = -1;
    /** When the update that started watching {@link #watchedVersion} arrived; -1: none. */
    public long watchSinceMs = -1;
    /**
     * Created without a savepoint (its sources resumed after the updates that named a candidate), and the registry's
     * pointer not yet read for one: asked at each event until it answers, across a failover too.
     */
    public boolean candidateCheckPending;
    public long lastRequestMs = -1;
    /** The schedule counts from here: the last request, the last new model version, or the first record seen. */
    public long scheduleAnchorMs = -1;
    /** The processing-time timer currently registered. */
    public long timerMs = -1;
    /** Ids of recently answered requests, oldest first. */
    public List<String> answered = new ArrayList<>();
    /**
     * The last outcome of each of those requests (state from before session 28 has none): a request replayed after a
     * failover and found answered takes its answer from here, as if the outcome had come after it.
     */
    public List<AnsweredRequest> answeredOutcomes = new ArrayList<>();

    public TriggerState() {}

    /** What a drift report is to the counts. */
    enum ReportKind {
        /** The next report of its numbering, or the first of a new one. */
        NEW,
        /**
         * Numbered at or below the last counted, for a later window: the scoring job failed over (at-least-once),
         * restored its last checkpoint and numbers its windows from there again. A window measured after the restore.
         */
        SENT_AGAIN,
        /** A report already counted, delivered again: ignored. */
        REPEAT
    }

    /**
     * Classifies a report, and remembers it unless it is a {@link ReportKind#REPEAT}: one of the same numbering,
     * numbered at or below the last counted and ending no later. The last counted, not the highest: after a failover the
     * windows numbered again follow one another, and two of them may end in the same millisecond.
     */
    ReportKind classify(long runStartedAtMs, long sequence, long windowEndMs) {
        if (runStartedAtMs <= 0) return ReportKind.NEW; // a report from before the numbering was named
        boolean sameRun = runStartedAtMs == lastReportRunStartedAtMs;
        boolean numberedBack = sameRun && sequence <= lastReportSequence;
        if (numberedBack && (windowEndMs <= 0 || windowEndMs <= lastReportWindowEndMs)) return ReportKind.REPEAT;
        lastReportRunStartedAtMs = runStartedAtMs;
        lastReportSequence = sequence;
        return numberedBack ? ReportKind.SENT_AGAIN : ReportKind.NEW;
    }

    /**
     * Whether a report of run {@code runStartedAtMs} (its window {@code windowStartMs}..{@code windowEndMs}) counts: the
     * followed run's, a newer run's (followed from now on: a job restored from a savepoint, the new job of an upgrade),
     * or any run's once the followed one has been silent for {@code staleWindows} of its own windows, at least
     * {@code minStaleMs}, on the trigger's clock (never by the reports' dates: other jobs' clocks wrote them, and an
     * exactly-once job's reports arrive a checkpoint's worth at once). False: an older run's while the followed one
     * reports.
     */
    boolean follows(long runStartedAtMs, long windowStartMs, long windowEndMs, long nowMs, int staleWindows, long minStaleMs) {
        if (runStartedAtMs <= 0) return true; // a report from before the numbering was named
        if (nowMs < followedRunSeenAtMs) followedRunSeenAtMs = nowMs; // the clock stepped back: silent from now
        long staleAfterMs = Math.max(minStaleMs, staleWindows * followedRunWindowMs);
        boolean stale = followedRunSeenAtMs < 0 || nowMs - followedRunSeenAtMs > staleAfterMs;
        if (runStartedAtMs < followedRunStartedAtMs && !stale) return false;
        followedRunStartedAtMs = runStartedAtMs;
        followedRunSeenAtMs = nowMs;
        if (windowStartMs > 0 && windowEndMs > windowStartMs) followedRunWindowMs = windowEndMs - windowStartMs;
        return true;
    }

    boolean inFlight() {
        return inFlightRequestId != null;
    }

    void clearInFlight() {
        inFlightRequestId = null;
        inFlightModelVersion = -1;
        inFlightSinceMs = -1;
    }

    void rememberAnswered(String requestId) {
        if (requestId == null || answered.contains(requestId)) return;
        answered.add(requestId);
        while (answered.size() > ANSWERED_KEPT) answered.remove(0);
    }

    /** Remembers {@code o} as its request's latest outcome. */
    void rememberAnswered(dev.marquee.data.event.RetrainOutcome o, boolean superseded) {
        rememberAnswered(o.requestId);
        answeredOutcomes.removeIf(a -> o.requestId.equals(a.requestId));
        answeredOutcomes.add(new AnsweredRequest(o.requestId, o.outcome, o.version, superseded));
        while (answeredOutcomes.size() > ANSWERED_KEPT) answeredOutcomes.remove(0);
    }

    /** The latest outcome remembered for {@code requestId}, or null. */
    AnsweredRequest answerOf(String requestId) {
        for (AnsweredRequest a : answeredOutcomes) if (a.requestId.equals(requestId)) return a;
        return null;
    }
}

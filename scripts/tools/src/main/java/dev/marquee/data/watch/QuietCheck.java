package dev.marquee.data.watch;

import dev.marquee.data.drift.AlertTracker;
import dev.marquee.data.event.Alert;
import dev.marquee.data.event.DriftReport;
import dev.marquee.data.event.RetrainRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code watch --quiet-through N}: ordinary traffic must stay quiet. Holds once the drift reports have counted N
 * requests without a drift alert (the job's operational ones, latency, do not count), and no retrain request came in
 * the grace after that; broken by the first drift alert or retrain request; and proves nothing when no window of them
 * was compared ({@link #nothingCompared}). What {@code scripts/run-local --no-drift --exit} checks its story with.
 * With {@code --until-version} too, the first N requests are the ordinary traffic before a drift episode: a window
 * within them that alerts, or a retrain request before the reports counted them, breaks it; what comes after is the
 * episode's, which must hold a drift alert and a retrain request ({@link #episodeMissing}; run-local's {@code --exit}).
 */
final class QuietCheck {
    /**
     * A retrain request follows its report within milliseconds from an at-least-once trigger; this bounds the wait
     * for one after the last window. An exactly-once trigger's requests are read at its checkpoints: a longer grace.
     */
    static final long GRACE_MS = 10_000;
    private final long graceMs;

    private final long requests;
    /** The N requests are followed by a drift episode, whose alerts and retrain request are expected. */
    private final boolean episodeAfter;
    /**
     * Each run's windows by sequence, with their request counts. After a failover under at-least-once a job sends the
     * windows since its last checkpoint again, measured anew over the same requests: those replace the first ones.
     */
    private final Map<Long, TreeMap<Long, Window>> windowsByRun = new HashMap<>();
    private long windowed;
    private long windows;
    private long notCompared;
    /** Why the last window within the N requests was not compared, for the advice when none was. */
    private String lastNotCompared;
    /** Windows of the ordinary requests alone (before an episode) that held enough requests to be compared. */
    private long comparedWithin;
    private long reachedAtMs = -1;
    private String broken;
    private boolean driftAlertAfter;
    private boolean retrainRequestAfter;

    private record Window(long records, boolean compared, boolean within) {}

    QuietCheck(long requests) {
        this(requests, false, GRACE_MS);
    }

    QuietCheck(long requests, boolean episodeAfter) {
        this(requests, episodeAfter, GRACE_MS);
    }

    QuietCheck(long requests, boolean episodeAfter, long graceMs) {
        this.requests = requests;
        this.episodeAfter = episodeAfter;
        this.graceMs = graceMs;
    }

    void report(DriftReport r, long nowMs) {
        // another writer's report may hold null alerts: judged without them, before anything is counted
        List<Alert> alerts = r.alerts == null ? List.of() : r.alerts.stream().filter(java.util.Objects::nonNull).toList();
        // a job from before run_started_at_ms numbers each start from 1 again: its windows are never sent again as such
        TreeMap<Long, Window> run = r.runStartedAtMs > 0
                ? windowsByRun.computeIfAbsent(r.runStartedAtMs, k -> new TreeMap<>()) : new TreeMap<>();
        for (Window again : run.tailMap(r.sequence, true).values()) forget(again);
        run.tailMap(r.sequence, true).clear();
        if (windowed < requests) reachedAtMs = -1; // the windows that reached N were sent again: reach it anew
        String whyNotCompared = WatchLines.tooFewToCompare(r);
        boolean compared = whyNotCompared == null;
        if (!compared && windowed + r.records <= requests) lastNotCompared = whyNotCompared;
        Window w = new Window(r.records, compared, windowed + r.records <= requests);
        run.put(r.sequence, w);
        windows++;
        windowed += w.records;
        if (!compared) notCompared++;
        if (compared && w.within) comparedWithin++;
        // a window that reaches past the N may hold the episode's first requests; the job's health (latency on a busy
        // host) is no drift alarm: it opens no episode and asks for no retrain
        // an alert without a metric's name is no latency alert: a drift alarm for this check
        List<Alert> drift = alerts.stream().filter(a -> a.metric == null || !AlertTracker.isOperational(a.metric)).toList();
        if (!drift.isEmpty() && broken == null && (!episodeAfter || windowed <= requests)) {
            StringBuilder why = new StringBuilder(String.format(Locale.ROOT, "window #%d alerted on ordinary traffic:", r.sequence));
            for (Alert a : drift) {
                why.append(' ').append(a.metric).append(' ').append(WatchLines.number(a.value)).append(" > ")
                        .append(WatchLines.number(a.threshold));
            }
            broken = why.toString();
        }
        if (!drift.isEmpty() && windowed > requests) driftAlertAfter = true;
        if (windowed >= requests && reachedAtMs < 0) reachedAtMs = nowMs;
    }

    private void forget(Window w) {
        windows--;
        windowed -= w.records;
        if (!w.compared) notCompared--;
        if (w.compared && w.within) comparedWithin--;
    }

    void request(RetrainRequest r) {
        // one read when the reports had counted exactly the N requests answers their windows, not the episode's
        if (broken == null && (!episodeAfter || windowed <= requests)) {
            broken = "a retrain was requested on ordinary traffic: " + r.reason;
        }
        if (windowed > requests) retrainRequestAfter = true;
    }

    /**
     * What the story lacks for a drift episode after the N requests, or null when it is whole: a window of the ordinary
     * requests compared (a window under drift.min-records shows nothing quiet), then a drift alert and a retrain request
     * once the episode started. The request may be the online RMSE's (the episode's new titles raise it too), but a
     * switch without a drift alert is not the story: drift detection would have missed the episode.
     */
    String episodeMissing() {
        if (comparedWithin == 0) return noneCompared();
        if (!driftAlertAfter) return "no drift alert came after the first " + String.format(Locale.ROOT, "%,d", requests)
                + " requests (the drift episode's)";
        if (!retrainRequestAfter) return "no retrain was requested after the drift episode started";
        return null;
    }

    /** Why a quiet that held proves nothing, or null: no window of the requests held enough of them to be compared. */
    String nothingCompared() {
        return comparedWithin == 0 ? noneCompared() : null;
    }

    private String noneCompared() {
        // too few requests is the usual cause (a short run); a window of dead letters only compares nothing either
        boolean tooFew = lastNotCompared == null || lastNotCompared.contains("drift.min-records");
        return String.format(Locale.ROOT, "no drift window within the first %,d requests was compared%s, so nothing shows"
                + " them quiet%s", requests, lastNotCompared == null ? " (drift.min-records)" : " (the last: " + lastNotCompared + ")",
                tooFew ? ": replay more requests" : "");
    }

    /** What broke the quiet, or null while it holds. */
    String broken() {
        return broken;
    }

    /** Every request counted in a window, and the grace after it passed without a retrain request. */
    boolean held(long nowMs) {
        return broken == null && reachedAtMs >= 0 && nowMs - reachedAtMs >= graceMs;
    }

    String summary() {
        return String.format(Locale.ROOT, "quiet: %,d drift windows over %,d requests%s, no drift alert, and no retrain request"
                        + " in the %d s after the last", windows, windowed,
                notCompared > 0 ? " (" + notCompared + " not compared)" : "", graceMs / 1000);
    }

    /** Why it is not settled yet, for a watch whose time ran out. */
    String pending() {
        return String.format(Locale.ROOT, "the drift reports counted %,d of the %,d requests in %,d windows", windowed, requests, windows);
    }
}

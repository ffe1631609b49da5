package dev.marquee.data.watch;

import dev.marquee.data.drift.AlertTracker;
import dev.marquee.data.event.Alert;
import dev.marquee.data.event.DriftReport;
import dev.marquee.data.event.RetrainRequest;
import java.util.List;
import java.util.Locale;

/**
 * {@code watch --quiet-through N}: ordinary traffic must stay quiet. Holds once the drift reports have counted N
 * requests without a drift alert (the job's operational ones, latency, do not count), and no retrain request came in
 * the grace after that; broken by the first drift alert or retrain request. What {@code scripts/run-local --no-drift --exit} checks its story with. With {@code --until-version} too,
 * the first N requests are the ordinary traffic before a drift episode: a window within them that alerts, or a retrain
 * request before the reports counted them, breaks it; what comes after is the episode's (run-local's {@code --exit}).
 */
final class QuietCheck {
    /** A retrain request follows its report within milliseconds; this bounds the wait for one after the last window. */
    static final long GRACE_MS = 10_000;

    private final long requests;
    /** The N requests are followed by a drift episode, whose alerts and retrain request are expected. */
    private final boolean episodeAfter;
    private long windowed;
    private long windows;
    private long notCompared;
    private long reachedAtMs = -1;
    private String broken;

    QuietCheck(long requests) {
        this(requests, false);
    }

    QuietCheck(long requests, boolean episodeAfter) {
        this.requests = requests;
        this.episodeAfter = episodeAfter;
    }

    void report(DriftReport r, long nowMs) {
        windows++;
        windowed += r.records;
        if (WatchLines.tooFewToCompare(r) != null) notCompared++;
        // a window that reaches past the N may hold the episode's first requests; the job's health (latency on a busy
        // host) is no drift alarm: it opens no episode and asks for no retrain
        List<Alert> drift = r.alerts.stream().filter(a -> !AlertTracker.isOperational(a.metric)).toList();
        if (!drift.isEmpty() && broken == null && (!episodeAfter || windowed <= requests)) {
            StringBuilder why = new StringBuilder(String.format(Locale.ROOT, "window #%d alerted on ordinary traffic:", r.sequence));
            for (Alert a : drift) {
                why.append(' ').append(a.metric).append(' ').append(WatchLines.number(a.value)).append(" > ")
                        .append(WatchLines.number(a.threshold));
            }
            broken = why.toString();
        }
        if (windowed >= requests && reachedAtMs < 0) reachedAtMs = nowMs;
    }

    void request(RetrainRequest r) {
        if (broken == null && (!episodeAfter || windowed < requests)) {
            broken = "a retrain was requested on ordinary traffic: " + r.reason;
        }
    }

    /** What broke the quiet, or null while it holds. */
    String broken() {
        return broken;
    }

    /** Every request counted in a window, and the grace after it passed without a retrain request. */
    boolean held(long nowMs) {
        return broken == null && reachedAtMs >= 0 && nowMs - reachedAtMs >= GRACE_MS;
    }

    String summary() {
        return String.format(Locale.ROOT, "quiet: %,d drift windows over %,d requests%s, no drift alert, and no retrain request"
                        + " in the %d s after the last", windows, windowed,
                notCompared > 0 ? " (" + notCompared + " too small to compare)" : "", GRACE_MS / 1000);
    }

    /** Why it is not settled yet, for a watch whose time ran out. */
    String pending() {
        return String.format(Locale.ROOT, "the drift reports counted %,d of the %,d requests in %,d windows", windowed, requests, windows);
    }
}

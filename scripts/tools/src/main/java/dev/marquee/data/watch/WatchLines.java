package dev.marquee.data.watch;

import dev.marquee.data.drift.DriftMetricNames;
import dev.marquee.data.event.Alert;
import dev.marquee.data.event.DriftReport;
import dev.marquee.data.event.Episode;
import dev.marquee.data.event.ModelStatus;
import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.RetrainOutcome;
import dev.marquee.data.event.RetrainRequest;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One short human line per event, for a terminal: what {@code scripts/run-local} shows while the demo runs. */
final class WatchLines {
    /** Alerts named in one drift line; the rest are counted. */
    static final int MAX_ALERTS_SHOWN = 4;

    private WatchLines() {}

    static String prediction(Prediction p) {
        boolean user = Boolean.TRUE.equals(p.oovUserId);
        boolean title = Boolean.TRUE.equals(p.oovMovieTitle);
        String unknown = user && title ? ", user and title new to the model"
                : user ? ", user new to the model" : title ? ", title new to the model" : "";
        return String.format(Locale.ROOT, "prediction  user %s, \"%s\": %.2f stars (model v%d%s)",
                p.userId, p.movieTitle, p.predictedRating, p.modelVersion, unknown);
    }

    /**
     * Another writer's report may hold nulls where the job writes none (an alert, a map, the episode's titles): read as
     * absent, so the report is shown and judged as one, not skipped as unreadable.
     */
    static DriftReport withoutNulls(DriftReport r) {
        r.alerts = r.alerts == null ? new java.util.ArrayList<>()
                : new java.util.ArrayList<>(r.alerts.stream().filter(java.util.Objects::nonNull).toList());
        if (r.metrics == null) r.metrics = new java.util.LinkedHashMap<>();
        if (r.thresholds == null) r.thresholds = new java.util.LinkedHashMap<>();
        if (r.unavailable == null) r.unavailable = new java.util.LinkedHashMap<>();
        if (r.episode != null && r.episode.titlesGrown == null) r.episode.titlesGrown = new java.util.ArrayList<>();
        if (r.episode != null) r.episode.titlesGrown.removeIf(java.util.Objects::isNull);
        return r;
    }

    static String drift(DriftReport r) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "drift       window #%d: %,d requests, %s",
                r.sequence, r.records, r.modelVersion < 0 ? "none scored yet" : "model v" + r.modelVersion));
        Double rmse = r.metrics.get("labels.rmse");
        if (rmse != null) line.append(String.format(Locale.ROOT, ", online RMSE %.3f", rmse));
        Double estimated = r.metrics.get("labels.estimated_rmse");
        if (estimated != null) line.append(String.format(Locale.ROOT, ", estimated RMSE %.3f", estimated));
        if (r.calibration != null && !"calibrated".equals(r.calibration)) line.append(" (").append(r.calibration).append(")");
        Episode e = r.episode;
        boolean opened = e != null && Episode.OPENED.equals(e.event);
        boolean closed = e != null && Episode.CLOSED.equals(e.event);
        if (r.alerts.isEmpty()) {
            String tooFew = tooFewToCompare(r);
            String over = overThreshold(r);
            // the schema rates are measured in a window too small to compare distributions: an over one still shows
            String overNote = over == null ? "" : ": over threshold, not alerting yet (an alert takes drift.alert.windows"
                    + " windows in a row): " + over;
            return line.append(closed ? ": drift episode " + e.id + " closed"
                    : tooFew != null ? ": not compared: " + tooFew + (over == null ? "" : ";" + overNote.substring(1))
                    : over != null ? overNote : ": OK").toString();
        }
        if (opened) line.append(": DRIFT EPISODE ").append(e.id).append(" OPENED: ");
        else if (r.drifted) line.append(e != null ? ": DRIFTED (episode " + e.id + ") " : ": DRIFTED ");
        else line.append(closed ? ": drift episode " + e.id + " closed; " : ": ");
        List<Alert> alerts = r.alerts;
        for (int i = 0; i < Math.min(MAX_ALERTS_SHOWN, alerts.size()); i++) {
            Alert a = alerts.get(i);
            if (i > 0) line.append(", ");
            line.append(String.format(Locale.ROOT, "%s %s > %s", a.metric, number(a.value), number(a.threshold)));
        }
        if (alerts.size() > MAX_ALERTS_SHOWN) line.append(String.format(Locale.ROOT, " (+%d more)", alerts.size() - MAX_ALERTS_SHOWN));
        if (e != null && Episode.OPENED.equals(e.event) && !e.titlesGrown.isEmpty()) {
            line.append("; titles that grew most: ");
            for (int i = 0; i < Math.min(3, e.titlesGrown.size()); i++) {
                if (i > 0) line.append(", ");
                line.append(String.format(Locale.ROOT, "\"%s\" %.1f%%", e.titlesGrown.get(i).value, 100 * e.titlesGrown.get(i).share));
            }
        }
        return line.toString();
    }

    /**
     * The metrics over their threshold in a window without an alert (the first windows of a streak), or null: "OK"
     * would say such a window was quiet.
     */
    private static String overThreshold(DriftReport r) {
        StringBuilder over = new StringBuilder();
        int n = 0;
        for (Map.Entry<String, Double> t : r.thresholds.entrySet()) {
            Double value = r.metrics.get(t.getKey());
            if (value == null || t.getValue() == null || !(value > t.getValue())) continue;
            if (n < MAX_ALERTS_SHOWN) {
                if (n > 0) over.append(", ");
                over.append(String.format(Locale.ROOT, "%s %s > %s", t.getKey(), number(value), number(t.getValue())));
            }
            n++;
        }
        if (n > MAX_ALERTS_SHOWN) over.append(String.format(Locale.ROOT, " (+%d more)", n - MAX_ALERTS_SHOWN));
        return n == 0 ? null : over.toString();
    }

    /**
     * Why the window's distributions were not compared, or null when one was: such a window has no alert because
     * nothing was compared, which "OK" would hide (a demo at a low rate, a window of dead letters only, a window smaller
     * than the version's calibration). Compared means a calibrated metric of the window itself was measured; the
     * seasonal ones span 28 days, so they do not count.
     */
    static String tooFewToCompare(DriftReport r) {
        Map<String, Double> metrics = r.metrics == null ? Map.of() : r.metrics;
        Map<String, String> unavailable = r.unavailable == null ? Map.of() : r.unavailable;
        String why = null;
        for (String metric : DriftMetricNames.CALIBRATED) {
            if (metric.equals(DriftMetricNames.HOUR_JS) || metric.equals(DriftMetricNames.DAY_JS)) continue;
            if (metrics.get(metric) != null) return null;
            if (why == null) why = unavailable.get(metric);
        }
        if (why == null) why = r.scoredCount == 0 ? "nothing was scored in the window" : "no distribution was measured";
        return why.startsWith("window had ") ? why.substring("window had ".length()) : why;
    }

    static String request(RetrainRequest r) {
        return String.format(Locale.ROOT, "retrain     requested %s (serving v%d): %s", r.requestId, r.modelVersion, r.reason);
    }

    static String outcome(RetrainOutcome o) {
        Map<String, Double> m = o.metrics;
        String gate = m.containsKey("candidate_rmse")
                ? String.format(Locale.ROOT, "candidate RMSE %s vs serving %s on %s held-out rows",
                        number(m.get("candidate_rmse")), m.containsKey("current_rmse") ? number(m.get("current_rmse")) : "-",
                        m.containsKey("holdout_rows") ? String.format(Locale.ROOT, "%.0f", m.get("holdout_rows")) : "?")
                : "";
        return switch (o.outcome == null ? "" : o.outcome) {
            case RetrainOutcome.PUBLISHED -> String.format(Locale.ROOT, "trainer     %s: published version %d%s%s",
                    o.requestId, o.version, gate.isEmpty() ? "" : " (" + gate + ")", publishedButNotInUse(o.reason));
            case RetrainOutcome.REJECTED -> String.format(Locale.ROOT, "trainer     %s: candidate REJECTED by the gate (%s); v%d keeps serving",
                    o.requestId, o.reason == null ? gate : o.reason, o.baseVersion);
            case RetrainOutcome.DEFERRED -> String.format(Locale.ROOT, "trainer     %s: candidate DEFERRED by the gate (%s); v%d keeps"
                    + " serving, the candidate waits for more labels", o.requestId, o.reason == null ? gate : o.reason, o.baseVersion);
            default -> String.format(Locale.ROOT, "trainer     %s: %s: %s", o.requestId, o.outcome, o.reason);
        };
    }

    /** A published version's reason says why it is neither serving nor in shadow; the watcher must not drop it. */
    private static String publishedButNotInUse(String reason) {
        if (reason == null || reason.isBlank()) return "";
        String prefix = "published";
        return reason.startsWith(prefix + ", ") ? reason.substring(prefix.length()) : ": " + reason;
    }

    /** An announcement read from {@code topic}, named as the deployment names it ({@code --topic.model-updates}). */
    static String update(ModelUpdate u, String topic) {
        return String.format(Locale.ROOT, "model       %s: serve v%d%s on %s%s", u.modelName, u.version,
                u.shadowVersion > 0 ? ", shadow v" + u.shadowVersion : "", topic,
                u.reason == null ? "" : " (" + u.reason + ")");
    }

    static String status(ModelStatus s) {
        if (ModelStatus.SHADOW_DROPPED.equals(s.status)) {
            return String.format(Locale.ROOT, "scoring     slot %d dropped shadow v%d, v%d keeps serving: %s", s.subtask,
                    s.version, s.servingVersion, s.reason);
        }
        String shadow = s.shadowVersion > 0 ? ", v" + s.shadowVersion + " in shadow" : "";
        if (s.shadowReason != null) shadow += " (shadow refused: " + s.shadowReason + ")";
        return ModelStatus.LOADED.equals(s.status)
                ? String.format(Locale.ROOT, "scoring     slot %d serving model v%d%s", s.subtask, s.version, shadow)
                : String.format(Locale.ROOT, "scoring     slot %d refused model v%d, v%d keeps serving: %s", s.subtask, s.version,
                        s.servingVersion, s.reason);
    }

    /** Three significant decimals at most: rates and distances are small, latencies large. */
    static String number(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return Double.toString(v);
        if (Math.abs(v) >= 100) return String.format(Locale.ROOT, "%.0f", v);
        return String.format(Locale.ROOT, "%.3f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}

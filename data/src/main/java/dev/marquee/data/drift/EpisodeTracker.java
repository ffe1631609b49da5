package dev.marquee.data.drift;

import dev.marquee.data.event.DriftReport;
import dev.marquee.data.event.Episode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Turns drifted reports into episodes: one alarm per episode. The first drifted report opens one; it stays open
 * while metrics are over their thresholds and closes after {@code closeWindows} consecutive quiet reports (no
 * metric over its threshold, alerting or not). A Flink POJO: it is part of the window operator's state.
 */
public class EpisodeTracker {
    public static final int MOVERS = 5;

    public boolean open;
    public long id;
    public long openedAtMs;
    public int windows;
    public int quiet;
    /**
     * The metrics over their thresholds in the last report that had any, comma-separated (a String: the tracker is
     * Flink state, with generic types off); null before the first.
     */
    public String lastMovers;

    public EpisodeTracker() {}

    /**
     * Updates the episode with {@code report} (its alerts already applied) and sets its {@code episode};
     * {@code titleShifts} are the window's titles that grew most.
     */
    /**
     * Whether the report measured any calibrated distribution metric (a window with enough scored requests), or
     * every metric that was over its threshold when the episode was last moving (the schema rates of an episode a
     * producer's payloads opened are measured in any window with records).
     */
    private boolean measured(DriftReport report) {
        if (lastMovers != null) {
            for (String metric : lastMovers.split(",")) {
                // a mover the subtasks could not measure for a while (their profile unread) is no quiet window for it
                String why = report.unavailable.get(metric);
                if (why != null && why.startsWith(DriftReports.PROFILE_NOT_READ_ON_SUBTASKS)) return false;
            }
        }
        for (String metric : DriftMetricNames.CALIBRATED) {
            // the seasonal ones are over the rolling 28 days, kept in windows too small for the others
            if (metric.equals(DriftMetricNames.HOUR_JS) || metric.equals(DriftMetricNames.DAY_JS)) continue;
            if (report.metrics.containsKey(metric)) return true;
        }
        if (lastMovers == null || lastMovers.isEmpty()) return false;
        for (String metric : lastMovers.split(",")) {
            // a code's invalid rate is written only for codes seen: with the total rate measured, an absent one is 0
            boolean code = metric.startsWith(DriftMetricNames.INVALID_RATE_CODE_PREFIX)
                    && report.metrics.containsKey(DriftMetricNames.INVALID_RATE);
            if (!code && !report.metrics.containsKey(metric)) return false;
        }
        return true;
    }

    public void apply(DriftReport report, int closeWindows, List<Episode.CategoryShift> titleShifts) {
        List<Episode.Mover> movers = movers(report);
        String event = null;
        if (!open) {
            if (!report.drifted) {
                report.episode = null;
                return;
            }
            open = true;
            id = report.sequence;
            openedAtMs = report.windowEndMs;
            windows = 0;
            quiet = 0;
            lastMovers = null;
            event = Episode.OPENED;
        }
        windows++;
        // A window too small to measure the distributions (labels only, a trickle of requests) says nothing: it
        // neither counts towards closing nor resets the count, so a pause in traffic does not end the episode.
        if (!movers.isEmpty()) {
            quiet = 0;
            // every metric that moved since the episode was last measured quiet: a small window's blip must not
            // replace the distribution that opened it, or two small windows would close it unmeasured
            java.util.Set<String> moved = new java.util.TreeSet<>();
            if (lastMovers != null && !lastMovers.isEmpty()) moved.addAll(List.of(lastMovers.split(",")));
            movers.forEach(m -> moved.add(m.metric));
            lastMovers = String.join(",", moved);
        } else if (measured(report)) {
            quiet++;
        }
        if (quiet >= closeWindows) {
            open = false;
            lastMovers = null;
            event = Episode.CLOSED;
        }
        Episode e = new Episode();
        e.id = id;
        e.event = event;
        e.open = open;
        e.openedAtMs = openedAtMs;
        e.windows = windows;
        e.movers = movers.size() > MOVERS ? new ArrayList<>(movers.subList(0, MOVERS)) : movers;
        e.titlesGrown = titleShifts;
        report.episode = e;
    }

    /** Every metric over its threshold in {@code report}, by value / threshold, largest first. */
    static List<Episode.Mover> movers(DriftReport report) {
        List<Episode.Mover> out = new ArrayList<>();
        for (Map.Entry<String, Double> t : report.thresholds.entrySet()) {
            Double v = report.metrics.get(t.getKey());
            if (v != null && v > t.getValue() && !AlertTracker.isOperational(t.getKey())) out.add(new Episode.Mover(t.getKey(), v, t.getValue()));
        }
        out.sort(Comparator.comparingDouble((Episode.Mover m) -> m.ratio).reversed());
        return out;
    }
}

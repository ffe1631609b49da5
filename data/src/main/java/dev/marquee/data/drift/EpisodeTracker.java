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

    public EpisodeTracker() {}

    /**
     * Updates the episode with {@code report} (its alerts already applied) and sets its {@code episode};
     * {@code titleShifts} are the window's titles that grew most.
     */
    /** Whether the report measured any calibrated distribution metric (a window with enough scored requests). */
    private static boolean measured(DriftReport report) {
        for (String metric : DriftMetricNames.CALIBRATED) {
            if (report.metrics.containsKey(metric)) return true;
        }
        return false;
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
            event = Episode.OPENED;
        }
        windows++;
        // A window too small to measure the distributions (labels only, a trickle of requests) says nothing: it
        // neither counts towards closing nor resets the count, so a pause in traffic does not end the episode.
        if (!movers.isEmpty()) {
            quiet = 0;
        } else if (measured(report)) {
            quiet++;
        }
        if (quiet >= closeWindows) {
            open = false;
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

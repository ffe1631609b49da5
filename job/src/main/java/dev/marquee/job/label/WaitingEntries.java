package dev.marquee.job.label;

import java.util.ArrayList;
import java.util.List;

/**
 * What waits in the labels' join for one user, in one keyed value: predictions and labels in arrival order, and the
 * event time of the user's one expiry timer. One object per user instead of a list per title, a request-id index
 * and a timer per entry: about a third of the heap per waiting prediction (docs/decisions/0014).
 */
public class WaitingEntries {
    public List<PendingPrediction> predictions = new ArrayList<>(1);
    public List<PendingLabel> labels = new ArrayList<>(1);
    /** The event time of the user's expiry timer (0: none); never later than the earliest expiry of what waits. */
    public long timerAtMs;

    public WaitingEntries() {}

    int size() {
        return predictions.size() + labels.size();
    }

    boolean isEmpty() {
        return predictions.isEmpty() && labels.isEmpty();
    }

    /** The earliest expiry of what waits, 0 when nothing does. */
    long earliestExpiryMs() {
        long min = Long.MAX_VALUE;
        for (PendingPrediction p : predictions) min = Math.min(min, p.expiresAtMs);
        for (PendingLabel l : labels) min = Math.min(min, l.expiresAtMs);
        return isEmpty() ? 0 : min;
    }
}

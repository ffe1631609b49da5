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
    /**
     * The event time of the user's expiry timer (0: none); never later than the earliest expiry of what waits,
     * except for a label kept past its expiry while the requests are behind, which is looked at again later.
     */
    public long timerAtMs;

    public WaitingEntries() {}

    int size() {
        return predictions.size() + labels.size();
    }

    boolean isEmpty() {
        return predictions.isEmpty() && labels.isEmpty();
    }

    /**
     * When the user's timer that fired at {@code now} should fire next: the earliest expiry still ahead, or
     * {@code recheckAt} for an entry kept although its expiry has passed (a label whose requests are behind);
     * 0 when nothing waits.
     */
    long nextCheckMs(long now, long recheckAt) {
        long min = Long.MAX_VALUE;
        for (PendingPrediction p : predictions) min = Math.min(min, p.expiresAtMs > now ? p.expiresAtMs : recheckAt);
        for (PendingLabel l : labels) min = Math.min(min, l.expiresAtMs > now ? l.expiresAtMs : recheckAt);
        return isEmpty() ? 0 : min;
    }

    /** The earliest expiry of what waits, 0 when nothing does. */
    long earliestExpiryMs() {
        long min = Long.MAX_VALUE;
        for (PendingPrediction p : predictions) min = Math.min(min, p.expiresAtMs);
        for (PendingLabel l : labels) min = Math.min(min, l.expiresAtMs);
        return isEmpty() ? 0 : min;
    }
}

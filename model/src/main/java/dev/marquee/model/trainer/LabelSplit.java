package dev.marquee.model.trainer;

import dev.marquee.data.event.Rating;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The labels a retrain uses, cut in time: those within the recency window (event time before the newest
 * label), then the most recent share of them held out for the gate. When the hold-out would be smaller than
 * the minimum, nothing is held out (every label in the window is trained on) and the gate falls back to the
 * original data's validation part: {@link #holdoutFromLabels()} is then false.
 *
 * @param inWindow labels within the window, oldest first (ties keep their input order)
 * @param train labels to train on, oldest first
 * @param holdout the gate's hold-out, oldest first; empty when {@link #holdoutFromLabels()} is false
 * @param newestTimestamp the newest label's timestamp, or -1 without labels
 */
public record LabelSplit(List<Rating> inWindow, List<Rating> train, List<Rating> holdout, long newestTimestamp) {

    /**
     * @param windowSeconds keep labels whose timestamp is at least {@code newest - windowSeconds}; 0 keeps all
     * @param holdoutShare the most recent share to hold out, 0 &lt; share &lt; 1
     * @param minHoldout fewer held-out labels than this and none are held out
     */
    public static LabelSplit of(List<Rating> labels, long windowSeconds, double holdoutShare, int minHoldout) {
        if (windowSeconds < 0) {
            throw new IllegalArgumentException("window must be >= 0 seconds, got " + windowSeconds);
        }
        if (!(holdoutShare > 0 && holdoutShare < 1)) {
            throw new IllegalArgumentException("hold-out share must be between 0 and 1, got " + holdoutShare);
        }
        List<Rating> sorted = new ArrayList<>(labels);
        sorted.sort(Comparator.comparingLong(r -> r.timestamp)); // stable: ties keep input order
        if (sorted.isEmpty()) {
            return new LabelSplit(List.of(), List.of(), List.of(), -1);
        }
        long newest = sorted.get(sorted.size() - 1).timestamp;
        List<Rating> window = sorted;
        if (windowSeconds > 0) {
            long from = newest - windowSeconds;
            int first = 0;
            while (first < sorted.size() && sorted.get(first).timestamp < from) {
                first++;
            }
            window = sorted.subList(first, sorted.size());
        }
        int held = (int) Math.round(window.size() * holdoutShare);
        if (held < Math.max(1, minHoldout)) {
            return new LabelSplit(List.copyOf(window), List.copyOf(window), List.of(), newest);
        }
        int cut = window.size() - held;
        return new LabelSplit(List.copyOf(window), List.copyOf(window.subList(0, cut)),
                List.copyOf(window.subList(cut, window.size())), newest);
    }

    /** True when the gate uses held-out labels, false when it falls back to the original validation data. */
    public boolean holdoutFromLabels() {
        return !holdout.isEmpty();
    }
}

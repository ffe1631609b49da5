package dev.marquee.model.trainer;

import dev.marquee.data.event.Rating;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The labels a retrain uses, cut in time: those within the recency window (event time before the newest
 * label), then the most recent share of them held out for the gate: the candidate never trains on them. The cut
 * falls between two timestamps (labels sharing the cut's timestamp are all held out), so "the labels after
 * {@link #trainedThrough()}" is exactly what the candidate did not train on, then and when it is judged again.
 *
 * @param inWindow labels within the window, oldest first (ties keep their input order)
 * @param train labels to train on, oldest first
 * @param holdout the gate's hold-out, oldest first; may be empty (too few labels)
 * @param newestTimestamp the newest label's timestamp, or -1 without labels
 * @param trainedThrough the newest timestamp trained on; {@link Long#MIN_VALUE} when no label was trained on
 * @param ahead labels stamped after the latest timestamp allowed (ahead of the clock): not used at all
 * @param repeats labels of the newest share left out of the hold-out as repeats ({@link #unseenPairs}): neither
 *     trained on nor judged
 * @param duplicates labels left out before anything else as exact copies of another (user, title, timestamp and
 *     rating): a label delivered twice (a producer's retry, a topic replayed or mirrored) counts once, in training too
 */
public record LabelSplit(List<Rating> inWindow, List<Rating> train, List<Rating> holdout, long newestTimestamp,
        long trainedThrough, int ahead, int repeats, int duplicates) {
    /**
     * How far ahead of the trainer's clock a label may be stamped and still count: the scoring job's
     * {@code watermark.future-tolerance-ms} default (decision 0015). One stamped further ahead (a producer's clock
     * or time zone; up to year 2100 is accepted) would otherwise be "the newest" and the window would hold it alone.
     */
    public static final long FUTURE_TOLERANCE_MS = 300_000;

    /** The latest label timestamp (seconds) that counts at {@code nowMs}. */
    public static long latestAllowed(long nowMs) {
        return (nowMs + FUTURE_TOLERANCE_MS) / 1000;
    }

    /**
     * @param windowSeconds keep labels whose timestamp is at least {@code newest - windowSeconds}; 0 keeps all
     * @param holdoutShare the most recent share to hold out, 0 &lt; share &lt; 1
     */
    public static LabelSplit of(List<Rating> labels, long windowSeconds, double holdoutShare) {
        return of(labels, windowSeconds, holdoutShare, Long.MAX_VALUE);
    }

    /**
     * As above, without the labels stamped after {@code latestSeconds} (see {@link #latestAllowed}): they are
     * counted in {@link #ahead()} and neither trained on, held out, nor allowed to place the window.
     */
    public static LabelSplit of(List<Rating> labels, long windowSeconds, double holdoutShare, long latestSeconds) {
        if (windowSeconds < 0) {
            throw new IllegalArgumentException("window must be >= 0 seconds, got " + windowSeconds);
        }
        if (!(holdoutShare > 0 && holdoutShare < 1)) {
            throw new IllegalArgumentException("hold-out share must be between 0 and 1, got " + holdoutShare);
        }
        List<Rating> notAhead = notAfter(labels, latestSeconds);
        int ahead = labels.size() - notAhead.size();
        List<Rating> sorted = withoutCopies(notAhead);
        int duplicates = notAhead.size() - sorted.size();
        sorted.sort(Comparator.comparingLong(r -> r.timestamp)); // stable: ties keep input order
        if (sorted.isEmpty()) {
            return new LabelSplit(List.of(), List.of(), List.of(), -1, Long.MIN_VALUE, ahead, 0, duplicates);
        }
        long newest = sorted.get(sorted.size() - 1).timestamp;
        List<Rating> window = windowOfSorted(sorted, windowSeconds);
        // however few the labels, at least one is held out (RETRAINING.md): the gate defers on it, never trains on it
        int cut = window.size() - Math.max(1, (int) Math.round(window.size() * holdoutShare));
        while (cut > 0 && cut < window.size() && window.get(cut - 1).timestamp == window.get(cut).timestamp) {
            cut--; // a timestamp is never on both sides
        }
        List<Rating> newestShare = window.subList(cut, window.size());
        List<Rating> holdout = unseenPairs(newestShare, window.subList(0, cut));
        return new LabelSplit(List.copyOf(window), List.copyOf(window.subList(0, cut)), List.copyOf(holdout), newest,
                cut > 0 ? window.get(cut - 1).timestamp : Long.MIN_VALUE, ahead, newestShare.size() - holdout.size(),
                duplicates);
    }

    /**
     * This split with no hold-out label at or before {@code servingTrainedThrough} (the serving version's own cut,
     * from its card): those move to training, so the gate never scores the serving version on labels it trained on,
     * where its error is low. It happens when the hold-out share or the label count grows between retrains.
     */
    public LabelSplit holdingOutOnlyAfter(long servingTrainedThrough) {
        // the newest share as cut, repeats included: a repeat at or before the serving version's cut is trained on too
        List<Rating> share = inWindow.subList(train.size(), inWindow.size());
        int moved = 0;
        while (moved < share.size() && share.get(moved).timestamp <= servingTrainedThrough) moved++;
        if (moved == 0) return this;
        List<Rating> trained = new ArrayList<>(train);
        trained.addAll(share.subList(0, moved));
        List<Rating> rest = share.subList(moved, share.size());
        List<Rating> kept = unseenPairs(rest, trained);
        return new LabelSplit(inWindow, List.copyOf(trained), List.copyOf(kept),
                newestTimestamp, share.get(moved - 1).timestamp, ahead, rest.size() - kept.size(), duplicates);
    }

    /**
     * The hold-out labels of {@code newest} (oldest first) that judge a model fairly: none of a (user, title) with a
     * label on the {@code trained} side (the candidate learned that very rating, or the user's earlier one of the
     * title, which the serving version never saw), and of a (user, title) labelled more than once in it only the
     * newest (a client's resend, or a re-rating: counted once). Titles are compared as resolved (LabelTitles).
     */
    static List<Rating> unseenPairs(List<Rating> newest, List<Rating> trained) {
        java.util.Set<String> trainedPairs = new java.util.HashSet<>();
        for (Rating r : trained) trainedPairs.add(pair(r));
        java.util.Map<String, Integer> last = new java.util.HashMap<>();
        for (int i = 0; i < newest.size(); i++) last.put(pair(newest.get(i)), i);
        List<Rating> out = new ArrayList<>(newest.size());
        for (int i = 0; i < newest.size(); i++) {
            String key = pair(newest.get(i));
            if (!trainedPairs.contains(key) && last.get(key) == i) out.add(newest.get(i));
        }
        return out;
    }

    /** The labels in their order, the first of each set of exact copies kept (the request id is not compared). */
    static List<Rating> withoutCopies(List<Rating> labels) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        List<Rating> out = new ArrayList<>(labels.size());
        for (Rating r : labels) {
            if (seen.add(pair(r) + '\u0000' + r.timestamp + '\u0000' + Float.floatToIntBits(r.rating))) out.add(r);
        }
        return out;
    }

    private static String pair(Rating r) {
        return r.userId + '\u0000' + r.movieTitle;
    }

    /**
     * The labels within {@code windowSeconds} of the newest one (0: all), oldest first, leaving out those stamped
     * after {@code latestSeconds}.
     */
    public static List<Rating> window(List<Rating> labels, long windowSeconds, long latestSeconds) {
        List<Rating> sorted = notAfter(labels, latestSeconds);
        sorted.sort(Comparator.comparingLong(r -> r.timestamp));
        return windowOfSorted(sorted, windowSeconds);
    }

    private static List<Rating> notAfter(List<Rating> labels, long latestSeconds) {
        List<Rating> out = new ArrayList<>(labels.size());
        for (Rating r : labels) {
            if (r.timestamp <= latestSeconds) out.add(r);
        }
        return out;
    }

    private static List<Rating> windowOfSorted(List<Rating> sorted, long windowSeconds) {
        if (windowSeconds == 0 || sorted.isEmpty()) {
            return sorted;
        }
        long from = sorted.get(sorted.size() - 1).timestamp - windowSeconds;
        int first = 0;
        while (first < sorted.size() && sorted.get(first).timestamp < from) {
            first++;
        }
        return sorted.subList(first, sorted.size());
    }

    /** The labels newer than {@code trainedThrough}, oldest first: what a candidate cut there did not train on. */
    public static List<Rating> after(List<Rating> labels, long trainedThrough) {
        List<Rating> out = new ArrayList<>();
        for (Rating r : labels) {
            if (r.timestamp > trainedThrough) out.add(r);
        }
        out.sort(Comparator.comparingLong(r -> r.timestamp));
        return out;
    }
}

package dev.marquee.job.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * When each true rating of a replay is sent as a label, if at all: right after its own request (the default),
 * {@code delaySeconds} of event time later (just before the first request at or after its timestamp plus the
 * delay; at the end when none is), or some requests later ({@code lagRows}); and only for a seeded share of
 * the requests. The prequential benchmark sends by it and the offline simulation learns by it, so both see the
 * same labels at the same points of the replay.
 */
final class LabelPlan {
    /** Not labelled. */
    static final int NEVER = -1;

    final long delaySeconds;
    final double share;
    final int lagRows;
    final long seed;
    /** Per row: the row after whose request its label is sent, or {@link #NEVER}. */
    private final int[] dueAfter;
    /** Per row: the rows whose labels are sent right after its request, in row order. */
    private final int[][] dueHere;

    LabelPlan(long[] timestamps, long delaySeconds, double share, int lagRows, long seed) {
        if (delaySeconds < 0 || lagRows < 0 || !(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("delay and lag must be >= 0 and the share in (0, 1]");
        }
        if (delaySeconds > 0 && lagRows > 0) throw new IllegalArgumentException("a delay in event time or in rows, not both");
        this.delaySeconds = delaySeconds;
        this.share = share;
        this.lagRows = lagRows;
        this.seed = seed;
        int n = timestamps.length;
        dueAfter = new int[n];
        SplittableRandom random = new SplittableRandom(seed);
        int[] counts = new int[n];
        for (int i = 0; i < n; i++) {
            boolean labelled = share >= 1 || random.nextDouble() < share;
            if (!labelled) {
                dueAfter[i] = NEVER;
                continue;
            }
            int at = i;
            if (lagRows > 0) {
                at = Math.min(n - 1, i + lagRows);
            } else if (delaySeconds > 0) {
                at = firstAtOrAfter(timestamps, i + 1, timestamps[i] + delaySeconds) - 1;
            }
            dueAfter[i] = at;
            counts[at]++;
        }
        dueHere = new int[n][];
        for (int i = 0; i < n; i++) {
            dueHere[i] = new int[counts[i]];
        }
        int[] filled = new int[n];
        for (int i = 0; i < n; i++) {
            if (dueAfter[i] != NEVER) dueHere[dueAfter[i]][filled[dueAfter[i]]++] = i;
        }
    }

    /** Every label right after its own request. */
    static LabelPlan immediate(long[] timestamps) {
        return new LabelPlan(timestamps, 0, 1, 0, 1);
    }

    /** The rows whose labels are sent right after request {@code row}. */
    int[] dueAfter(int row) {
        return dueHere[row];
    }

    boolean labelled(int row) {
        return dueAfter[row] != NEVER;
    }

    int labels() {
        return (int) Arrays.stream(dueAfter).filter(d -> d != NEVER).count();
    }

    boolean isImmediate() {
        return delaySeconds == 0 && lagRows == 0 && share >= 1;
    }

    String describe() {
        StringBuilder sb = new StringBuilder();
        if (lagRows > 0) sb.append("each label sent ").append(lagRows).append(" request(s) after its own");
        else if (delaySeconds > 0) sb.append(String.format(Locale.ROOT, "each label sent %s of event time after its request", duration(delaySeconds)));
        else sb.append("each label sent right after its request");
        if (share < 1) sb.append(String.format(Locale.ROOT, ", %.0f%% of requests labelled (seed %d)", 100 * share, seed));
        return sb.toString();
    }

    private static String duration(long s) {
        if (s % 86_400 == 0) return s / 86_400 + (s == 86_400 ? " day" : " days");
        if (s % 3_600 == 0) return s / 3_600 + (s == 3_600 ? " hour" : " hours");
        return s + " s";
    }

    /** The first index at or after {@code from} whose timestamp is at least {@code t} ({@code ts.length} when none). */
    private static int firstAtOrAfter(long[] ts, int from, long t) {
        int lo = from;
        int hi = ts.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ts[mid] >= t) hi = mid;
            else lo = mid + 1;
        }
        return lo;
    }
}

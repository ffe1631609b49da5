package dev.marquee.job.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * A job's output per 1-second bucket from its first output on (Kafka timestamps of the output records), against
 * its warm median: the median bucket from the 6th second to the last full one. Answers "how soon after the first
 * output does the job run at full speed" (issue 18: within 3 s, buckets at 90% of the warm median).
 */
record ColdStartBuckets(long[] perSecond) {
    /** The warm part starts this many seconds after the first output. */
    static final int WARM_FROM_SECOND = 5;

    static ColdStartBuckets of(long[] timestampsMs) {
        if (timestampsMs.length == 0) throw new IllegalArgumentException("no outputs");
        long first = Arrays.stream(timestampsMs).min().getAsLong();
        long last = Arrays.stream(timestampsMs).max().getAsLong();
        long[] buckets = new long[(int) ((last - first) / 1000) + 1];
        for (long t : timestampsMs) buckets[(int) ((t - first) / 1000)]++;
        return new ColdStartBuckets(buckets);
    }

    /** The median of the full buckets from {@link #WARM_FROM_SECOND} on (the last bucket is partial); NaN when too short. */
    double warmMedian() {
        int from = WARM_FROM_SECOND;
        int to = perSecond.length - 1; // exclusive: the last bucket ends with the input
        if (to - from < 3) return Double.NaN;
        long[] warm = Arrays.copyOfRange(perSecond, from, to);
        Arrays.sort(warm);
        return warm.length % 2 == 1 ? warm[warm.length / 2] : (warm[warm.length / 2 - 1] + warm[warm.length / 2]) / 2.0;
    }

    /** The first bucket (0 = the first second of output) at or above {@code share} of the warm median, or -1. */
    int firstBucketAtLeast(double share) {
        double bar = share * warmMedian();
        for (int i = 0; i < perSecond.length - 1; i++) {
            if (perSecond[i] >= bar) return i;
        }
        return -1;
    }

    /** "second N", the 1-based second of {@link #firstBucketAtLeast} 90%; or why there is none. */
    String secondAt90() {
        if (Double.isNaN(warmMedian())) {
            return "unknown (the run ended before a warm median: fewer than 3 full seconds after second "
                    + WARM_FROM_SECOND + "; give more --records)";
        }
        int reached = firstBucketAtLeast(0.9);
        return "second " + (reached < 0 ? "never" : Integer.toString(reached + 1));
    }

    String format() {
        StringBuilder sb = new StringBuilder("| second from the first output | outputs | share of the warm median |\n|---|---|---|\n");
        double median = warmMedian();
        for (int i = 0; i < Math.min(perSecond.length, 10); i++) {
            String share = Double.isNaN(median) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100.0 * perSecond[i] / median);
            sb.append(String.format(Locale.ROOT, "| %d | %,d | %s |%n", i + 1, perSecond[i], share));
        }
        if (Double.isNaN(median)) {
            sb.append(String.format(Locale.ROOT, "%nNo warm median: the run ended before second %d. The first bucket at 90%% of it: %s.%n",
                    WARM_FROM_SECOND + 4, secondAt90()));
        } else {
            sb.append(String.format(Locale.ROOT, "%nWarm median (seconds %d to %d): %,.0f outputs/s. The first bucket at 90%% of "
                    + "it: %s.%n", WARM_FROM_SECOND + 1, perSecond.length - 1, median, secondAt90()));
        }
        return sb.toString();
    }
}

package dev.marquee.job.bench;

import java.util.Locale;
import java.util.StringJoiner;
import org.HdrHistogram.Histogram;

/**
 * Latencies from the due time, per second of the measured part: whether a tail is spread evenly (the cores are
 * shared all the time) or gathered in a few seconds (something periodic stalls the path). One thread records.
 */
final class LatencyTimeline {
    private final long fromNanos;
    private final Histogram[] seconds;

    LatencyTimeline(long fromNanos, int seconds) {
        this.fromNanos = fromNanos;
        this.seconds = new Histogram[seconds];
        for (int i = 0; i < seconds; i++) this.seconds[i] = new Histogram(2);
    }

    void record(long dueNanos, long micros) {
        long second = (dueNanos - fromNanos) / 1_000_000_000L;
        if (second >= 0 && second < seconds.length) seconds[(int) second].recordValue(micros);
    }

    /** p99 of each second, in ms, "-" for a second with nothing read. */
    String p99PerSecond() {
        StringJoiner out = new StringJoiner(" ");
        for (Histogram h : seconds) {
            out.add(h.getTotalCount() == 0 ? "-" : String.format(Locale.ROOT, "%d", Math.round(h.getValueAtPercentile(99) / 1000.0)));
        }
        return out.toString();
    }

    /** How many of the seconds that had predictions kept their p99 at or under {@code ms}. */
    int secondsWithP99AtMost(double ms) {
        int n = 0;
        for (Histogram h : seconds) if (h.getTotalCount() > 0 && h.getValueAtPercentile(99) <= ms * 1000) n++;
        return n;
    }

    int secondsRead() {
        int n = 0;
        for (Histogram h : seconds) if (h.getTotalCount() > 0) n++;
        return n;
    }
}

package dev.marquee.data.drift;

/**
 * Fixed logarithmic buckets for a non-negative quantity (latency, event-time lag), so percentiles come from
 * a constant-size array whatever the traffic. Bucket 0 holds values up to {@code min}; bucket i holds
 * {@code (min * growth^(i-1), min * growth^i]}; the last bucket also holds everything above the range.
 * A percentile is reported as its bucket's upper bound: at most {@code growth - 1} (here 10%) too high.
 */
public final class LogBuckets {
    private final double min;
    private final double logGrowth;
    private final int size;

    public LogBuckets(double min, double max, double growth) {
        if (!(min > 0) || !(max > min) || !(growth > 1)) {
            throw new IllegalArgumentException("log buckets need 0 < min < max and growth > 1");
        }
        this.min = min;
        this.logGrowth = Math.log(growth);
        this.size = 2 + (int) Math.ceil(Math.log(max / min) / logGrowth);
    }

    /** Latency in milliseconds: 0.1 ms to 7 days (a backlog after an outage), 10% apart. */
    public static LogBuckets latencyMs() {
        return new LogBuckets(0.1, 7 * 86_400_000.0, 1.1);
    }

    /** Event-time lag in seconds: 1 s to 100 years, 10% apart. */
    public static LogBuckets lagSeconds() {
        return new LogBuckets(1, 100.0 * 365 * 86_400, 1.1);
    }

    public int size() {
        return size;
    }

    public int bucketOf(double v) {
        if (!(v > min)) return 0; // also NaN and negatives
        int i = (int) Math.ceil(Math.log(v / min) / logGrowth - 1e-9);
        return Math.min(Math.max(i, 1), size - 1);
    }

    public double upperBound(int bucket) {
        return min * Math.exp(logGrowth * bucket);
    }

    /** The q-quantile (0 < q <= 1) of the counts, or NaN when they are all zero. */
    public double quantile(long[] counts, double q) {
        long total = 0;
        for (long c : counts) total += c;
        if (total == 0) return Double.NaN;
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) return upperBound(i);
        }
        return upperBound(counts.length - 1);
    }
}

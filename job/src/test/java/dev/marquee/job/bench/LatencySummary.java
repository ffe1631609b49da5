package dev.marquee.job.bench;

import java.util.Locale;
import org.HdrHistogram.Histogram;

/** Percentiles of a latency histogram recorded in microseconds, reported in milliseconds. */
record LatencySummary(long count, double p50Ms, double p95Ms, double p99Ms, double p999Ms, double maxMs) {
    static LatencySummary of(Histogram micros) {
        if (micros.getTotalCount() == 0) return new LatencySummary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        return new LatencySummary(micros.getTotalCount(), ms(micros.getValueAtPercentile(50)),
                ms(micros.getValueAtPercentile(95)), ms(micros.getValueAtPercentile(99)), ms(micros.getValueAtPercentile(99.9)), ms(micros.getMaxValue()));
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }

    /** "p50 18 ms, p95 22 ms, p99 27 ms, p99.9 41 ms, max 67 ms". */
    String format() {
        return String.format(Locale.ROOT, "p50 %s ms, p95 %s ms, p99 %s ms, p99.9 %s ms, max %s ms", num(p50Ms), num(p95Ms),
                num(p99Ms), num(p999Ms), num(maxMs));
    }

    private static String num(double ms) {
        return ms < 10 ? String.format(Locale.ROOT, "%.1f", ms) : String.format(Locale.ROOT, "%,.0f", ms);
    }
}

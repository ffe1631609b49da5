package dev.marquee.data.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LogBucketsTest {
    @Test
    void quantilesAreWithinTheBucketGrowthOfTheExactOnes() {
        LogBuckets buckets = LogBuckets.latencyMs();
        long[] counts = new long[buckets.size()];
        double[] values = new double[10_000];
        Random random = new Random(7);
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.exp(random.nextGaussian() * 1.5 + 3); // log-normal, median ~20 ms
            counts[buckets.bucketOf(values[i])]++;
        }
        Arrays.sort(values);
        for (double q : new double[] {0.5, 0.95, 0.99}) {
            double exact = values[(int) Math.ceil(q * values.length) - 1];
            assertThat(buckets.quantile(counts, q)).as("q=%s", q).isBetween(exact, exact * 1.1 + 1e-9);
        }
    }

    @Test
    void valuesOutsideTheRangeLandInTheEndBuckets() {
        LogBuckets buckets = new LogBuckets(1, 100, 2);
        assertThat(buckets.bucketOf(-5)).isZero();
        assertThat(buckets.bucketOf(Double.NaN)).isZero();
        assertThat(buckets.bucketOf(1)).isZero();
        assertThat(buckets.bucketOf(1.5)).isEqualTo(1);
        assertThat(buckets.bucketOf(2)).isEqualTo(1);
        assertThat(buckets.bucketOf(1e12)).isEqualTo(buckets.size() - 1);
    }

    /** A backlog after an outage: three hours' latency reads as three hours, not as the range's end. */
    @Test
    void latencyCoversHoursOfBacklog() {
        LogBuckets buckets = LogBuckets.latencyMs();
        long[] counts = new long[buckets.size()];
        counts[buckets.bucketOf(10_800_000)]++;
        assertThat(buckets.quantile(counts, 0.99)).isBetween(10_800_000.0, 10_800_000 * 1.1);
    }

    @Test
    void noCountsHaveNoQuantile() {
        assertThat(LogBuckets.lagSeconds().quantile(new long[LogBuckets.lagSeconds().size()], 0.5)).isNaN();
    }
}

package dev.marquee.job.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ColdStartBucketsTest {

    private static long[] outputs(int... perSecond) {
        List<Long> ts = new ArrayList<>();
        long start = 1_700_000_000_000L;
        for (int s = 0; s < perSecond.length; s++) {
            for (int k = 0; k < perSecond[s]; k++) ts.add(start + s * 1000L + (k * 997L) % 1000);
        }
        return ts.stream().mapToLong(Long::longValue).toArray();
    }

    @Test
    void bucketsCountOutputsPerSecondFromTheFirstAndFindWhenTheJobRunsWarm() {
        ColdStartBuckets b = ColdStartBuckets.of(outputs(10, 50, 95, 100, 100, 100, 102, 98, 100, 30));
        assertThat(b.perSecond()).containsExactly(10, 50, 95, 100, 100, 100, 102, 98, 100, 30);
        assertThat(b.warmMedian()).as("seconds 6 to 9, the partial last one left out").isEqualTo(100.0);
        assertThat(b.firstBucketAtLeast(0.9)).isEqualTo(2);
        assertThat(b.format()).contains("second 3.");
    }

    @Test
    void aSlowStartIsFoundWhereItEnds() {
        ColdStartBuckets b = ColdStartBuckets.of(outputs(1, 1, 1, 1, 1, 100, 100, 100, 100, 100));
        assertThat(b.firstBucketAtLeast(0.9)).isEqualTo(5);
        assertThat(ColdStartBuckets.of(outputs(5, 5)).warmMedian()).isNaN();
        assertThat(ColdStartBuckets.of(outputs(5, 5)).secondAt90()).as("too short to tell, not \"never\"").startsWith("unknown");
        assertThat(ColdStartBuckets.of(outputs(5, 5)).format()).doesNotContain("NaN").contains("| 1 | 5 | - |", "No warm median");
        assertThat(ColdStartBuckets.of(outputs(1, 1, 1, 1, 1, 100, 100, 100, 100, 100)).secondAt90()).isEqualTo("second 6");
        assertThat(ColdStartBuckets.of(outputs(1, 1, 1, 1, 1, 1, 100, 1, 1, 1)).secondAt90()).isEqualTo("second 1");
    }
}

package dev.marquee.job.label;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TtlSweepTest {
    @Test
    void aSweepFallsOnTheFirstSixteenthOfTheTtlAtOrAfterTheExpiry() {
        assertThat(TtlSweep.at(0, 60_000)).isEqualTo(60_000);
        assertThat(TtlSweep.at(50_000, 60_000)).isEqualTo(112_500);
        assertThat(TtlSweep.at(1, 60_000)).isEqualTo(63_750);
    }

    @Test
    void shortTtlsStepByASecondAndNoneOverflows() {
        assertThat(TtlSweep.at(1_500, 2_000)).isEqualTo(4_000);
        assertThat(TtlSweep.at(Long.MAX_VALUE - 10, 60_000)).isEqualTo(Long.MAX_VALUE);
        long tenYears = 86_400_000L * 3650;
        assertThat(TtlSweep.at(System.currentTimeMillis(), tenYears)).isGreaterThan(tenYears);
    }
}

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

    /** A sweep finding its state alive looks again after it, even with the wall clock stepped back past the TTL. */
    @Test
    void theNextSweepFallsAfterTheOneFiringWhateverTheWallClockSays() {
        assertThat(TtlSweep.next(200_000, 60_000, 180_000)).as("the clock as the timer's").isEqualTo(262_500);
        assertThat(TtlSweep.next(100_000, 60_000, 180_000)).as("the clock stepped back 80 s, past the TTL")
                .isEqualTo(183_750);
        assertThat(TtlSweep.next(0, 60_000, Long.MAX_VALUE - 10)).isEqualTo(Long.MAX_VALUE);
    }
}

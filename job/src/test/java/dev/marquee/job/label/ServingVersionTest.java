package dev.marquee.job.label;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ServingVersionTest {
    @Test
    void predictionsOfTwoVersionsInterleavedLeaveTheNewestServingUntilItIsGoneForAMinute() {
        AtomicLong now = new AtomicLong(1_000);
        ServingVersion serving = new ServingVersion(now::get);
        assertThat(serving.get()).as("nothing seen yet").isZero();
        serving.saw(1);
        serving.saw(2);
        for (int i = 0; i < 10; i++) {
            now.addAndGet(5_000);
            serving.saw(i % 2 == 0 ? 1 : 2); // one slot swapped to 2, the other refused it
            assertThat(serving.get()).isEqualTo(2);
        }
        for (int i = 1; i < ServingVersion.ROLLBACK_AFTER_PREDICTIONS; i++) {
            serving.saw(1);
        }
        now.addAndGet(ServingVersion.ROLLBACK_AFTER_MS - 1);
        serving.saw(1);
        assertThat(serving.get()).as("2 seen within the minute").isEqualTo(2);
        now.addAndGet(1);
        serving.saw(1);
        assertThat(serving.get()).as("rolled back: 2 not seen for a minute, and only 1 since").isEqualTo(1);
        serving.saw(3);
        assertThat(serving.get()).isEqualTo(3);
    }

    /** At a prediction every 90 s, each of the old version's comes over a minute after the newest's: not a rollback. */
    @Test
    void lowTrafficThroughTwoVersionsDoesNotFlipBetweenThem() {
        AtomicLong now = new AtomicLong(1_000);
        ServingVersion serving = new ServingVersion(now::get);
        serving.saw(2);
        for (int i = 0; i < 200; i++) {
            now.addAndGet(90_000);
            serving.saw(i % 3 == 0 ? 2 : 1); // two slots of three kept version 1
            assertThat(serving.get()).as("prediction " + i).isEqualTo(2);
        }
    }

    /** A rollback at low traffic is taken once enough of the older version's predictions came and nothing newer. */
    @Test
    void aRollbackAtLowTrafficIsTakenAfterEnoughPredictions() {
        AtomicLong now = new AtomicLong(1_000);
        ServingVersion serving = new ServingVersion(now::get);
        serving.saw(2);
        for (int i = 1; i < ServingVersion.ROLLBACK_AFTER_PREDICTIONS; i++) {
            now.addAndGet(90_000);
            serving.saw(1);
            assertThat(serving.get()).isEqualTo(2);
        }
        now.addAndGet(90_000);
        serving.saw(1);
        assertThat(serving.get()).isEqualTo(1);
    }
}

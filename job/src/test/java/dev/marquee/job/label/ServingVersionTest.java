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
        now.addAndGet(ServingVersion.ROLLBACK_AFTER_MS - 1);
        serving.saw(1);
        assertThat(serving.get()).as("2 seen within the minute").isEqualTo(2);
        now.addAndGet(1);
        serving.saw(1);
        assertThat(serving.get()).as("rolled back: 2 not seen for a minute").isEqualTo(1);
        serving.saw(3);
        assertThat(serving.get()).isEqualTo(3);
    }
}

package dev.marquee.job.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LatencyTimelineTest {
    private static final long S = 1_000_000_000L;

    /** One slow second among three shows in that second alone; a second with nothing read is marked, not zero. */
    @Test
    void aStallShowsInTheSecondItHappened() {
        LatencyTimeline timeline = new LatencyTimeline(10 * S, 4);
        for (int i = 0; i < 1_000; i++) {
            timeline.record(10 * S + i * 1_000_000L, 20_000); // second 0: 20 ms
            timeline.record(11 * S + i * 1_000_000L, i < 20 ? 120_000 : 20_000); // second 1: 2% at 120 ms
            timeline.record(13 * S + i * 1_000_000L, 25_000); // second 3: 25 ms
        }
        timeline.record(9 * S, 999_000); // before the measured part
        timeline.record(14 * S, 999_000); // after it

        assertThat(timeline.p99PerSecond()).isEqualTo("20 120 - 25");
        assertThat(timeline.secondsRead()).isEqualTo(3);
        assertThat(timeline.secondsWithP99AtMost(30)).isEqualTo(2);
    }

    @Test
    void threadsGroupByNameWithoutNumbers() {
        assertThat(ThreadCpuSnapshot.group("Source: score (1/2)#0")).isEqualTo(ThreadCpuSnapshot.group("Source: score (2/2)#0"))
                .isEqualTo("Source: score (#/#)##");
        assertThat(ThreadCpuSnapshot.perRequest(Map.of("a", 3_000_000L, "b", 1_000_000L, "c", 2_000_000L), 1_000, 2))
                .isEqualTo("a: 3.0; c: 2.0");
    }
}

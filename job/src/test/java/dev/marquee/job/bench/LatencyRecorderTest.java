package dev.marquee.job.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LatencyRecorderTest {
    private static final long MS = 1_000_000;

    @Test
    void measuredIdsCarryTheirDueTimeAndWarmupIdsAreNotMeasured() {
        SendSchedule schedule = new SendSchedule(5_000 * MS, 1_000, 10);

        assertThat(schedule.requestId(3)).isEqualTo("w-3");
        assertThat(schedule.dueNanos(schedule.requestId(3))).isEqualTo(-1);
        assertThat(schedule.dueNanos(schedule.requestId(25))).isEqualTo(schedule.dueNanos(25)).isEqualTo(5_025 * MS);
        assertThat(schedule.dueNanos("b-7")).isEqualTo(-1);
        assertThat(schedule.dueNanos("l-x")).isEqualTo(-1);
    }

    /** The recorder keeps answered requests by index: every due time maps back to its own, at any rate. */
    @Test
    void everyDueTimeMapsBackToItsRequest() {
        for (double rate : new double[] {1, 3, 7_777, 10_000, 123_456.7}) {
            SendSchedule schedule = new SendSchedule(987_654_321L, rate, 0);
            long firstWrong = -1;
            for (long i = 0; i < 200_000 && firstWrong < 0; i++) {
                if (schedule.index(schedule.dueNanos(schedule.requestId(i))) != i) firstWrong = i;
            }
            assertThat(firstWrong).as("the first request whose due time maps elsewhere, at %s/s", rate).isEqualTo(-1);
        }
    }

    /**
     * The sender stalls for 200 ms at request 500 of 1,000 (at 1,000/s) and then catches up; every prediction
     * comes back 2 ms after its request was actually sent. From the actual send, nothing happened; from the due
     * time, the stall is in the tail, as it would be for a user sending at that rate.
     */
    @Test
    void aStalledSenderShowsInTheLatencyFromTheDueTimeOnly() {
        SendSchedule schedule = new SendSchedule(0, 1_000, 0);
        LatencyRecorder recorder = new LatencyRecorder(schedule);
        long resumed = schedule.dueNanos(500) + 200 * MS;
        for (long i = 0; i < 1_000; i++) {
            long sent = i >= 500 ? Math.max(schedule.dueNanos(i), resumed) : schedule.dueNanos(i);
            long read = sent + 2 * MS;
            assertThat(recorder.record(schedule.requestId(i), sent / MS, read, read / MS)).isTrue();
        }

        LatencySummary fromSend = recorder.fromSend();
        LatencySummary fromDue = recorder.fromDue();
        assertThat(fromSend.count()).isEqualTo(1_000);
        assertThat(fromSend.p99Ms()).isCloseTo(2, within(0.01));
        assertThat(fromSend.maxMs()).isCloseTo(2, within(0.01));
        assertThat(fromDue.count()).isEqualTo(1_000);
        assertThat(fromDue.p50Ms()).isCloseTo(2, within(0.01));
        assertThat(fromDue.p99Ms()).isBetween(190.0, 194.0); // the 990th of 1,000: 192 ms (202 ms down to 3 ms over the stall)
        assertThat(fromDue.p95Ms()).isBetween(150.0, 154.0); // the 950th: 800 answers at 2 ms, then 3, 4, ... ms: 152 ms
        assertThat(fromDue.format()).startsWith("p50 2.0 ms, p95 15").contains(", p99 19");
        assertThat(fromDue.maxMs()).isCloseTo(202, within(0.2));
    }

    /** A request answered twice (replayed after a restart) counts once, by its first answer. */
    @Test
    void aRequestAnsweredTwiceCountsOnce() {
        SendSchedule schedule = new SendSchedule(0, 1_000, 0);
        LatencyRecorder recorder = new LatencyRecorder(schedule);
        long due = schedule.dueNanos(7);
        assertThat(recorder.record(schedule.requestId(7), due / MS, due + 2 * MS, (due + 2 * MS) / MS)).isTrue();
        assertThat(recorder.record(schedule.requestId(7), due / MS, due + 900 * MS, (due + 900 * MS) / MS)).isFalse();
        assertThat(recorder.fromDue().count()).isEqualTo(1);
        assertThat(recorder.fromDue().maxMs()).isCloseTo(2, within(0.01));
    }

    @Test
    void anEmptyHistogramReportsNoNumbers() {
        LatencySummary none = new LatencyRecorder(new SendSchedule(0, 1_000, 0)).fromDue();

        assertThat(none.count()).isZero();
        assertThat(none.p99Ms()).isNaN();
    }
}

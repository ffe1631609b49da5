package dev.marquee.job.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarksWithIdleness;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.util.clock.ManualClock;
import org.junit.jupiter.api.Test;

class ClockBoundedWatermarksTest {
    private static final long NOW = 1_764_900_000_000L;
    private static final long TOLERANCE = 300_000;
    private static final Duration IDLENESS = Duration.ofSeconds(10);

    private final AtomicLong clock = new AtomicLong(NOW);
    private final ManualClock activityClock = new ManualClock();
    private final SimpleCounter ignored = new SimpleCounter();
    private final Emitted out = new Emitted();

    private ClockBoundedWatermarks<String> generator(long tolerance) {
        return new ClockBoundedWatermarks<>(new WatermarksWithIdleness<>(
                new BoundedOutOfOrdernessWatermarks<>(Duration.ofMillis(5_000)), IDLENESS, activityClock),
                tolerance, clock::get, ignored);
    }

    @Test
    void pastTimestampsMoveEventTimeAsBoundedOutOfOrdernessDoes() {
        ClockBoundedWatermarks<String> g = generator(TOLERANCE);
        g.onEvent("a", 874_724_710_000L, out);
        g.onEvent("b", 893_286_638_000L, out);
        g.onPeriodicEmit(out);
        assertThat(out.last()).isEqualTo(893_286_638_000L - 5_000 - 1);
        assertThat(ignored.getCount()).isZero();
    }

    @Test
    void aTimestampFarAheadOfTheClockDoesNotMoveEventTimeAndIsCounted() {
        ClockBoundedWatermarks<String> g = generator(TOLERANCE);
        g.onEvent("now", NOW - 1_000, out);
        g.onEvent("a year ahead", NOW + 365L * 86_400_000, out);
        g.onEvent("just within", NOW + TOLERANCE, out);
        g.onPeriodicEmit(out);
        assertThat(out.last()).isEqualTo(NOW + TOLERANCE - 5_000 - 1);
        assertThat(ignored.getCount()).isEqualTo(1);
    }

    /** A TaskManager clock an hour fast, stepped back by NTP: timestamps are bounded by its new reading at once. */
    @Test
    void aClockSteppedBackBoundsTimestampsByItsNewReadingFromTheNextEmit() {
        ClockBoundedWatermarks<String> g = generator(TOLERANCE);
        clock.set(NOW + 3_600_000);
        g.onEvent("on time", NOW, out);
        g.onEvent("50 minutes ahead, within the fast clock's tolerance", NOW + 50 * 60_000, out);
        assertThat(ignored.getCount()).isZero();
        clock.set(NOW);
        g.onPeriodicEmit(out);
        g.onEvent("55 minutes ahead", NOW + 55 * 60_000, out);
        g.onPeriodicEmit(out);
        assertThat(ignored.getCount()).as("ahead of the corrected clock by more than the tolerance").isEqualTo(1);
        assertThat(out.last()).isLessThan(NOW + 50 * 60_000);
    }

    @Test
    void aTimestampIgnoredOnceMovesEventTimeWhenTheClockHasCaughtUpWithIt() {
        ClockBoundedWatermarks<String> g = generator(TOLERANCE);
        long ahead = NOW + 3_600_000;
        g.onEvent("an hour ahead", ahead, out);
        g.onPeriodicEmit(out);
        assertThat(out.all).allMatch(w -> w < NOW);
        clock.set(ahead - TOLERANCE);
        g.onEvent("an hour later, on time", ahead, out);
        g.onPeriodicEmit(out);
        assertThat(out.last()).isEqualTo(ahead - 5_000 - 1);
        assertThat(ignored.getCount()).isEqualTo(1);
    }

    @Test
    void aSubtaskThatReadsOnlyTimestampsAheadOfTheClockGoesIdleInsteadOfHoldingEventTimeBack() {
        ClockBoundedWatermarks<String> g = generator(TOLERANCE);
        g.onEvent("on time", NOW, out);
        g.onPeriodicEmit(out);
        for (int second = 1; second <= 30; second++) {
            activityClock.advanceTime(Duration.ofSeconds(1));
            g.onEvent("a year ahead", NOW + 365L * 86_400_000, out);
            g.onPeriodicEmit(out);
        }
        assertThat(out.idle).as("marked idle while only ignored records came").isTrue();
        assertThat(ignored.getCount()).isEqualTo(30);
    }

    @Test
    void aSubtaskReadingGoodTimestampsStaysActive() {
        ClockBoundedWatermarks<String> g = generator(TOLERANCE);
        for (int second = 1; second <= 30; second++) {
            activityClock.advanceTime(Duration.ofSeconds(1));
            g.onEvent("on time", NOW + second * 1_000L, out);
            g.onPeriodicEmit(out);
        }
        assertThat(out.idle).isFalse();
        assertThat(out.last()).isEqualTo(NOW + 30_000 - 5_000 - 1);
    }

    @Test
    void aNegativeToleranceLetsEveryTimestampMoveEventTime() {
        ClockBoundedWatermarks<String> g = generator(-1);
        long farAhead = NOW + 365L * 86_400_000;
        g.onEvent("a year ahead", farAhead, out);
        g.onPeriodicEmit(out);
        assertThat(out.last()).isEqualTo(farAhead - 5_000 - 1);
        assertThat(ignored.getCount()).isZero();
    }

    private static final class Emitted implements WatermarkOutput {
        final List<Long> all = new ArrayList<>();
        boolean idle;

        @Override
        public void emitWatermark(Watermark watermark) {
            all.add(watermark.getTimestamp());
            idle = false;
        }

        @Override
        public void markIdle() {
            idle = true;
        }

        @Override
        public void markActive() {
            idle = false;
        }

        long last() {
            return all.get(all.size() - 1);
        }
    }
}

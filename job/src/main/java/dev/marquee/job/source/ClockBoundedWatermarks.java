package dev.marquee.job.source;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.eventtime.WatermarksWithIdleness;
import org.apache.flink.metrics.Counter;

/**
 * Watermarks that a timestamp further ahead of the wall clock than a tolerance does not move. Event time only moves
 * forward, so one request from a client whose clock runs a year ahead would otherwise carry the whole job's event
 * time there and expire everything waiting in the labels' join (docs/decisions/0015). The record keeps its
 * timestamp; only the watermark ignores it. Replays of past periods never reach the bound.
 *
 * <p>An ignored record is not activity either: the generator it is kept from (bounded out-of-orderness with
 * idleness) never sees it, so a subtask that reads only such records goes idle instead of holding event time back
 * at its last good timestamp.
 */
public class ClockBoundedWatermarks<T> implements WatermarkGenerator<T> {
    /** The counter, in the event-time operator's metric group {@code marquee}, of timestamps the watermark ignored. */
    public static final String IGNORED_METRIC = "futureTimestampsIgnored";

    private final WatermarkGenerator<T> watermarks;
    private final long futureToleranceMs;
    private final LongSupplier clockMs;
    private final Counter ignored;
    private long highestAccepted = Long.MIN_VALUE;
    /**
     * The clock as last read: a timestamp within the tolerance of it needs no new read. Read again at each periodic
     * emit too, so a clock stepped back (NTP) bounds timestamps by its new reading within one emit interval.
     */
    private long clockReadMs = Long.MIN_VALUE / 2;

    /**
     * @param watermarks        what makes the watermarks from the timestamps it is given
     * @param futureToleranceMs how far ahead of {@code clockMs} a timestamp may be and still reach {@code watermarks};
     *                          negative: every timestamp does
     */
    public ClockBoundedWatermarks(WatermarkGenerator<T> watermarks, long futureToleranceMs, LongSupplier clockMs,
                                  Counter ignored) {
        this.watermarks = watermarks;
        this.futureToleranceMs = futureToleranceMs;
        this.clockMs = clockMs;
        this.ignored = ignored;
    }

    /**
     * Bounded out-of-orderness watermarks with idleness (Flink's), behind the bound of {@code futureToleranceMs} on
     * the TaskManager's clock.
     */
    public static <T> WatermarkStrategy<T> strategy(long maxOutOfOrdernessMs, long idlenessMs, long futureToleranceMs) {
        return WatermarkStrategy.forGenerator(ctx -> new ClockBoundedWatermarks<>(
                new WatermarksWithIdleness<>(new BoundedOutOfOrdernessWatermarks<>(Duration.ofMillis(maxOutOfOrdernessMs)),
                        Duration.ofMillis(Math.max(1, idlenessMs)), ctx.getInputActivityClock()),
                futureToleranceMs, System::currentTimeMillis, ctx.getMetricGroup().addGroup("marquee").counter(IGNORED_METRIC)));
    }

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
        if (eventTimestamp > highestAccepted) {
            if (futureToleranceMs >= 0 && eventTimestamp > clockReadMs + futureToleranceMs
                    && eventTimestamp > (clockReadMs = clockMs.getAsLong()) + futureToleranceMs) {
                ignored.inc();
                return;
            }
            highestAccepted = eventTimestamp;
        }
        watermarks.onEvent(event, eventTimestamp, output);
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        if (futureToleranceMs >= 0) clockReadMs = clockMs.getAsLong();
        watermarks.onPeriodicEmit(output);
    }
}

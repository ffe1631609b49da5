package dev.marquee.job.source;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.metrics.Counter;

/**
 * Bounded out-of-orderness watermarks that a timestamp further ahead of the wall clock than a tolerance does not
 * move. Event time only moves forward, so one request from a client whose clock runs a year ahead would otherwise
 * carry the whole job's event time there and expire everything waiting in the labels' join (docs/decisions/0015).
 * The record keeps its timestamp; only the watermark ignores it. Replays of past periods never reach the bound.
 */
public class ClockBoundedWatermarks<T> extends BoundedOutOfOrdernessWatermarks<T> {
    /** The counter, in the event-time operator's metric group {@code marquee}, of timestamps the watermark ignored. */
    public static final String IGNORED_METRIC = "futureTimestampsIgnored";

    private final long futureToleranceMs;
    private final LongSupplier clockMs;
    private final Counter ignored;
    private long highestAccepted = Long.MIN_VALUE;

    /**
     * @param futureToleranceMs how far ahead of {@code clockMs} a timestamp may be and still move the watermark;
     *                          negative: any timestamp moves it (Flink's bounded out-of-orderness watermarks)
     */
    public ClockBoundedWatermarks(Duration maxOutOfOrderness, long futureToleranceMs, LongSupplier clockMs, Counter ignored) {
        super(maxOutOfOrderness);
        this.futureToleranceMs = futureToleranceMs;
        this.clockMs = clockMs;
        this.ignored = ignored;
    }

    /** Watermarks from {@code maxOutOfOrdernessMs} and {@code futureToleranceMs} on the TaskManager's clock. */
    public static <T> WatermarkStrategy<T> strategy(long maxOutOfOrdernessMs, long futureToleranceMs) {
        return WatermarkStrategy.forGenerator(ctx -> new ClockBoundedWatermarks<>(Duration.ofMillis(maxOutOfOrdernessMs),
                futureToleranceMs, System::currentTimeMillis, ctx.getMetricGroup().addGroup("marquee").counter(IGNORED_METRIC)));
    }

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
        // the clock is read only for a timestamp that would raise the watermark
        if (eventTimestamp > highestAccepted) {
            if (futureToleranceMs >= 0 && eventTimestamp > clockMs.getAsLong() + futureToleranceMs) {
                ignored.inc();
                return;
            }
            highestAccepted = eventTimestamp;
        }
        super.onEvent(event, eventTimestamp, output);
    }
}

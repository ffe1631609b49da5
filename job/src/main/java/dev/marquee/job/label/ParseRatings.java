package dev.marquee.job.label;

import dev.marquee.data.event.Rating;
import dev.marquee.data.json.EventCodec;
import dev.marquee.job.source.RawRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Labels from {@code ratings}: JSON {@link Rating}s that {@link Rating#isValidLabel} accepts (the trainer applies the
 * same rule); anything else is counted, logged now and then, and skipped.
 */
public final class ParseRatings extends RichFlatMapFunction<RawRecord, Rating> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ParseRatings.class);
    private transient EventCodec<Rating> codec;
    private transient Counter refused;

    @Override
    public void open(OpenContext context) {
        codec = EventCodec.of(Rating.class);
        refused = getRuntimeContext().getMetricGroup().counter("labelsRefused");
    }

    @Override
    public void flatMap(RawRecord raw, Collector<Rating> out) {
        try {
            Rating r = raw.value == null ? null : codec.decode(raw.value);
            if (Rating.isValidLabel(r)) {
                out.collect(r);
                return;
            }
        } catch (RuntimeException e) {
            // counted below
        }
        refused.inc();
        if (refused.getCount() == 1 || refused.getCount() % 1_000 == 0) {
            LOG.warn("Skipped {} bad label record(s) on {}; latest at partition {} offset {}", refused.getCount(),
                    raw.topic, raw.partition, raw.offset);
        }
    }
}

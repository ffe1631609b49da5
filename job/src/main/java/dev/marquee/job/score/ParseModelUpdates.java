package dev.marquee.job.score;

import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.json.EventCodec;
import dev.marquee.data.json.EventCodecException;
import dev.marquee.job.source.RawRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads model updates; a record that is not one is counted and logged, never allowed to fail the job. */
public final class ParseModelUpdates extends RichFlatMapFunction<RawRecord, ModelUpdate> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ParseModelUpdates.class);

    private transient EventCodec<ModelUpdate> codec;
    private transient Counter unreadable;

    @Override
    public void open(OpenContext context) {
        codec = EventCodec.of(ModelUpdate.class);
        unreadable = getRuntimeContext().getMetricGroup().addGroup("marquee").counter("modelUpdatesUnreadable");
    }

    @Override
    public void flatMap(RawRecord record, Collector<ModelUpdate> out) {
        try {
            ModelUpdate update = record.value == null ? null : codec.decode(record.value);
            if (update == null || update.modelName == null || update.version < 1) {
                throw new EventCodecException("not a model update (needs model_name and a version >= 1)", null);
            }
            out.collect(update);
        } catch (RuntimeException e) { // EventCodecException included: anything on this topic may be garbage
            unreadable.inc();
            LOG.warn("ignoring an unreadable record on {} at partition {} offset {}: {}", record.topic, record.partition,
                    record.offset, e.getMessage());
        }
    }
}

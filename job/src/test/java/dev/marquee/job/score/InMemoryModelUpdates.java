package dev.marquee.job.score;

import dev.marquee.data.event.ModelUpdate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.RuntimeContext;

/**
 * Raw {@code model-updates} records held in this JVM (garbage and tombstones included), read by every scoring slot
 * the way {@link KafkaModelUpdates} reads the topic: decoded, the unreadable ones counted and skipped.
 */
public final class InMemoryModelUpdates implements ControlFeed<ModelUpdate> {
    private static final long serialVersionUID = 1L;

    private final ListControlFeed<RawValue> records;

    /** One record's value; null for a tombstone. */
    public record RawValue(byte[] value) {}

    public InMemoryModelUpdates(List<byte[]> values) {
        List<RawValue> raw = new ArrayList<>();
        for (byte[] v : values) raw.add(new RawValue(v));
        this.records = ListControlFeed.of(raw);
    }

    public void forget() {
        records.forget();
    }

    @Override
    public Subscription<ModelUpdate> subscribe(RuntimeContext context) {
        ModelUpdateDecoder decoder = new ModelUpdateDecoder(context.getMetricGroup().addGroup("marquee"),
                context.getTaskInfo().getIndexOfThisSubtask());
        Subscription<RawValue> raw = records.subscribe(context);
        return new Subscription<>() {
            private long position;

            @Override
            public List<ModelUpdate> poll() {
                return decode(raw.poll());
            }

            @Override
            public List<ModelUpdate> drain(Duration timeout) throws InterruptedException {
                return decode(raw.drain(timeout));
            }

            private List<ModelUpdate> decode(List<RawValue> values) {
                List<ModelUpdate> out = new ArrayList<>();
                for (RawValue v : values) {
                    ModelUpdate u = decoder.decode(v.value(), "in memory @" + position++);
                    if (u != null) out.add(u);
                }
                return out;
            }

            @Override
            public void close() {
                raw.close();
            }
        };
    }
}

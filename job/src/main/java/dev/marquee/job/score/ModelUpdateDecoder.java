package dev.marquee.job.score;

import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.json.EventCodec;
import dev.marquee.data.json.EventCodecException;
import dev.marquee.data.log.LogWindow;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the records of {@code model-updates}: a record that is not a model update is skipped, never allowed to fail
 * the job, and counted ({@code modelUpdatesUnreadable}) and logged by one slot only: every slot reads every record,
 * and each unreadable record should count once for the job. Safe to use from the thread that consumes the topic
 * while Flink's reporter reads the count.
 */
final class ModelUpdateDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(ModelUpdateDecoder.class);

    private final EventCodec<ModelUpdate> codec = EventCodec.of(ModelUpdate.class);
    private final AtomicLong unreadable = new AtomicLong();
    private final LogWindow unreadableLog = new LogWindow(60_000);
    private final boolean reports;

    /** @param subtask the slot's index: slot 0 counts and logs the unreadable records */
    ModelUpdateDecoder(MetricGroup marqueeGroup, int subtask) {
        this.reports = subtask == 0;
        marqueeGroup.counter("modelUpdatesUnreadable", new AtomicCounter(unreadable));
    }

    /** The update {@code value} holds, or null (counted and logged) when it holds none; {@code where} names the record. */
    ModelUpdate decode(byte[] value, String where) {
        try {
            ModelUpdate update = value == null ? null : codec.decode(value);
            if (update == null || update.modelName == null || update.version < 1) {
                throw new EventCodecException("not a model update (needs model_name and a version >= 1)", null);
            }
            return update;
        } catch (RuntimeException e) { // EventCodecException included: anything on this topic may be garbage
            if (!reports) return null;
            unreadable.incrementAndGet();
            long unlogged = unreadableLog.next(); // a producer pointed here by mistake writes at its own rate
            if (unlogged >= 0) {
                LOG.warn("ignoring an unreadable record on model updates ({}): {}{}", where, e.getMessage(),
                        LogWindow.since(unlogged));
            }
            return null;
        }
    }

    /** A Flink counter other threads may increment. */
    private record AtomicCounter(AtomicLong count) implements Counter {
        @Override
        public void inc() {
            count.incrementAndGet();
        }

        @Override
        public void inc(long n) {
            count.addAndGet(n);
        }

        @Override
        public void dec() {
            count.decrementAndGet();
        }

        @Override
        public void dec(long n) {
            count.addAndGet(-n);
        }

        @Override
        public long getCount() {
            return count.get();
        }
    }
}

package dev.marquee.job.drift;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Counts records into a {@link DriftCounts} summary where they flow (chained, so no record is copied over
 * the network for drift) and emits the summary every {@code partial.records} records or
 * {@code partial.interval-ms}, whichever first, before every checkpoint barrier and at end of input. Holds no
 * state: what was counted before a barrier has been emitted, and records after it are counted again on replay.
 */
public abstract class PartialDriftOperator<T> extends AbstractStreamOperator<DriftCounts>
        implements OneInputStreamOperator<T, DriftCounts> {
    private static final long serialVersionUID = 1L;

    protected final DriftSettings settings;
    private transient DriftCounts current;
    private transient long counted;
    private transient boolean timerSet;

    protected PartialDriftOperator(DriftSettings settings) {
        this.settings = settings;
    }

    /** Counts {@code record} into the counts {@link #countsFor} gives. */
    protected abstract void count(T record) throws Exception;

    /** Empty counts of the kind this operator emits. */
    protected abstract DriftCounts newCounts(T record) throws Exception;

    /** The counts to add {@code record} to: the current ones, or new ones after emitting the current. */
    protected DriftCounts countsFor(T record, long modelVersion) throws Exception {
        if (current != null && current.modelVersion != modelVersion) emitPartial();
        if (current == null) current = newCounts(record);
        return current;
    }

    @Override
    public void processElement(StreamRecord<T> element) throws Exception {
        count(element.getValue());
        counted++;
        if (counted >= settings.partialRecords) {
            emitPartial();
        } else if (!timerSet) {
            timerSet = true;
            long due = getProcessingTimeService().getCurrentProcessingTime() + settings.partialIntervalMs;
            getProcessingTimeService().registerTimer(due, time -> {
                timerSet = false;
                emitPartial();
            });
        }
    }

    protected long now() {
        return getProcessingTimeService().getCurrentProcessingTime();
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        emitPartial();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        emitPartial();
        super.finish();
    }

    private void emitPartial() {
        if (current != null && !current.isEmpty()) output.collect(new StreamRecord<>(current));
        current = null;
        counted = 0;
    }
}

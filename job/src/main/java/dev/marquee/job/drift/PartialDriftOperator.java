package dev.marquee.job.drift;

import dev.marquee.data.drift.*;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * A tap on a stream: passes every record on unchanged and counts it into a {@link DriftCounts} summary, emitted
 * on {@link #PARTIALS} every {@code partial.records} records or {@code partial.interval-ms}, whichever first,
 * before every checkpoint barrier and at end of input. Being in line (one input, one output, chained) rather
 * than a second consumer of the stream spares Flink a copy of every record. Holds no state: what was counted
 * before a barrier has been emitted, and records after it are counted again on replay.
 */
public abstract class PartialDriftOperator<T> extends AbstractStreamOperator<T> implements OneInputStreamOperator<T, T> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<DriftCounts> PARTIALS = new OutputTag<>("drift-partials") { };

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
        output.collect(element);
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
        if (current != null && !current.isEmpty()) output.collect(PARTIALS, new StreamRecord<>(current));
        current = null;
        counted = 0;
    }
}

package dev.marquee.job.score;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Buffers records into micro-batches of up to {@code maxSize} rows or {@code maxDelayMs} of waiting, whichever
 * comes first, and hands each batch to a {@link BatchFunction}.
 *
 * <p>The buffer is emptied before every checkpoint barrier, so it never needs to be part of a checkpoint and
 * a restore neither loses nor repeats a row. It is also emptied before a watermark passes, so buffered rows
 * are never overtaken by a watermark and turned late for the windows downstream.
 */
public final class MicroBatchOperator<IN, OUT> extends AbstractStreamOperator<OUT>
        implements OneInputStreamOperator<IN, OUT>, BoundedOneInput {
    private static final long serialVersionUID = 1L;

    private final BatchFunction<IN, OUT> function;
    private final int maxSize;
    private final long maxDelayMs;

    private transient List<IN> rows;
    private transient long[] timestamps;
    private transient boolean[] hasTimestamp;
    private transient boolean timerPending;
    private transient Histogram batchSizes;
    private transient Histogram batchMicros;

    public MicroBatchOperator(BatchFunction<IN, OUT> function, int maxSize, long maxDelayMs) {
        if (maxSize < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + maxSize);
        if (maxDelayMs < 0) throw new IllegalArgumentException("batch delay must not be negative, got " + maxDelayMs);
        this.function = function;
        this.maxSize = maxSize;
        this.maxDelayMs = maxDelayMs;
    }

    @Override
    public void open() throws Exception {
        super.open();
        rows = new ArrayList<>(maxSize);
        timestamps = new long[maxSize];
        hasTimestamp = new boolean[maxSize];
        var group = getMetricGroup().addGroup("marquee");
        batchSizes = group.histogram("batchSize", new DescriptiveStatisticsHistogram(1000));
        batchMicros = group.histogram("batchMicros", new DescriptiveStatisticsHistogram(1000));
        function.open(getRuntimeContext());
    }

    @Override
    public void processElement(StreamRecord<IN> element) throws Exception {
        int i = rows.size();
        rows.add(element.getValue());
        hasTimestamp[i] = element.hasTimestamp();
        timestamps[i] = element.hasTimestamp() ? element.getTimestamp() : 0L;
        if (rows.size() >= maxSize || maxDelayMs == 0) {
            flush();
        } else if (!timerPending) {
            timerPending = true;
            long due = getProcessingTimeService().getCurrentProcessingTime() + maxDelayMs;
            getProcessingTimeService().registerTimer(due, time -> onDelayElapsed());
        }
    }

    private void onDelayElapsed() throws Exception {
        timerPending = false;
        flush();
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flush();
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void endInput() throws Exception {
        flush();
    }

    @Override
    public void close() throws Exception {
        try {
            function.close();
        } finally {
            super.close();
        }
    }

    private void flush() throws Exception {
        if (rows.isEmpty()) return;
        long start = System.nanoTime();
        List<OUT> results = function.apply(rows);
        if (results.size() != rows.size()) {
            throw new IllegalStateException("the batch function returned " + results.size() + " results for " + rows.size() + " rows");
        }
        for (int i = 0; i < results.size(); i++) {
            StreamRecord<OUT> record = new StreamRecord<>(results.get(i));
            if (hasTimestamp[i]) record.setTimestamp(timestamps[i]);
            output.collect(record);
        }
        batchSizes.update(rows.size());
        batchMicros.update((System.nanoTime() - start) / 1_000);
        rows.clear();
    }
}

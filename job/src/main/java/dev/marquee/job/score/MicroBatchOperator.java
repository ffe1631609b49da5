package dev.marquee.job.score;

import dev.marquee.data.event.DeadLetter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.util.OutputTag;

/**
 * Buffers rows into micro-batches of up to {@code maxSize} rows or {@code maxDelayMs} of waiting, whichever comes
 * first, and hands each batch to a {@link BatchFunction}. The operator has one input, so Flink chains it to its
 * upstream and downstream (source → parse → score → sink in one task, no serialization between them). Control
 * messages (new model versions) come from a {@link ControlFeed} the operator reads itself: before every batch and
 * every {@value #CONTROL_POLL_MS} ms without rows, and each is applied between two batches (the buffer is flushed
 * first). What the function reports about them goes to {@link #reportTag()}. Control work the function does in the
 * background (loading a model) is handed over between two batches too: before each batch, and every
 * {@value #HAND_OVER_POLL_MS} ms while work is pending, so it lands even when no rows arrive. At end of input the
 * operator reads the feed up to its end and waits for the work. An optional {@link BatchObserver} sees each batch of
 * results before they leave and emits its own summaries on its side output (drift counts the predictions this way).
 * Rows the function refuses leave as dead letters on {@link #refusalTag()}, in their place in the order, and the
 * observer does not see them; a function that refuses a row when there is no refusal output fails the task rather
 * than lose it.
 *
 * <p>The buffer is emptied before every checkpoint barrier, so it never needs to be part of a checkpoint and
 * a restore neither loses nor repeats a row. It is also emptied before a watermark passes, so buffered rows
 * are never overtaken by a watermark and turned late for the windows downstream. The buffer keeps the row objects
 * it is handed: with object reuse on, that is safe because every upstream operator of the job emits a new object
 * per record and never touches it again (docs/ARCHITECTURE.md).
 */
public final class MicroBatchOperator<IN, C, OUT, R> extends AbstractStreamOperator<OUT>
        implements OneInputStreamOperator<IN, OUT> {
    private static final long serialVersionUID = 1L;
    static final long HAND_OVER_POLL_MS = 10;
    static final long CONTROL_POLL_MS = 50;
    /** How long the end of input waits for the control feed's last messages. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

    private final BatchFunction<IN, C, OUT, R> function;
    private final ControlFeed<C> controls;
    private final int maxSize;
    private final long maxDelayMs;
    private final OutputTag<R> reportTag;
    private final BatchObserver<OUT, ?> observer;
    private final OutputTag<DeadLetter> refusalTag;

    private transient List<IN> rows;
    private transient long[] timestamps;
    private transient boolean[] hasTimestamp;
    private transient boolean timerPending;
    private transient long lastWatermark;
    private transient Histogram batchSizes;
    private transient Histogram batchMicros;
    private transient boolean observerTimerPending;
    private transient boolean handOverTimerPending;
    private transient ControlFeed.Subscription<C> subscription;

    /** @param controls where control messages come from; null for none */
    public MicroBatchOperator(BatchFunction<IN, C, OUT, R> function, ControlFeed<C> controls, int maxSize,
                              long maxDelayMs, OutputTag<R> reportTag) {
        this(function, controls, maxSize, maxDelayMs, reportTag, null);
    }

    /** As above, with an observer of every batch of results (null for none). */
    public MicroBatchOperator(BatchFunction<IN, C, OUT, R> function, ControlFeed<C> controls, int maxSize,
                              long maxDelayMs, OutputTag<R> reportTag, BatchObserver<OUT, ?> observer) {
        this(function, controls, maxSize, maxDelayMs, reportTag, observer, null);
    }

    /** As above, with the output for the dead letters of rows the function refuses (null for none). */
    public MicroBatchOperator(BatchFunction<IN, C, OUT, R> function, ControlFeed<C> controls, int maxSize,
                              long maxDelayMs, OutputTag<R> reportTag, BatchObserver<OUT, ?> observer,
                              OutputTag<DeadLetter> refusalTag) {
        if (maxSize < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + maxSize);
        if (maxDelayMs < 0) throw new IllegalArgumentException("batch delay must not be negative, got " + maxDelayMs);
        this.function = function;
        this.controls = controls;
        this.maxSize = maxSize;
        this.maxDelayMs = maxDelayMs;
        this.reportTag = reportTag;
        this.observer = observer;
        this.refusalTag = refusalTag;
    }

    /** Where the control messages come from, or null for none. */
    public ControlFeed<C> controls() {
        return controls;
    }

    public OutputTag<R> reportTag() {
        return reportTag;
    }

    /** Where the dead letters of refused rows go, or null when the function refuses none. */
    public OutputTag<DeadLetter> refusalTag() {
        return refusalTag;
    }

    @Override
    public void open() throws Exception {
        super.open();
        rows = new ArrayList<>(maxSize);
        timestamps = new long[maxSize];
        hasTimestamp = new boolean[maxSize];
        lastWatermark = Long.MIN_VALUE;
        var group = getMetricGroup().addGroup("marquee");
        batchSizes = group.histogram("batchSize", new DescriptiveStatisticsHistogram(1000));
        batchMicros = group.histogram("batchMicros", new DescriptiveStatisticsHistogram(1000));
        if (observer != null) {
            observer.open(getRuntimeContext());
            function.whenPreparing(observer::prepareFor);
        }
        // Subscribed before the function opens: a scorer reads its registry's pointer and loads that version there
        // (seconds), and a feed that starts at its latest offset would miss what is announced meanwhile. What is
        // announced before the pointer is read arrives twice, and the second is a no-op.
        if (controls != null) subscription = controls.subscribe(getRuntimeContext());
        function.open(getRuntimeContext(), maxSize);
        if (controls != null) scheduleControlPoll();
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

    private void scheduleControlPoll() {
        long due = getProcessingTimeService().getCurrentProcessingTime() + CONTROL_POLL_MS;
        getProcessingTimeService().registerTimer(due, time -> {
            pollControls();
            scheduleControlPoll();
        });
    }

    /** Applies the control messages that arrived, each between two batches, then hands over finished work. */
    private void pollControls() throws Exception {
        if (subscription != null) apply(subscription.poll());
        handOverControl(false);
    }

    private void apply(List<C> messages) throws Exception {
        for (C message : messages) {
            flushRows();
            R report = function.control(message);
            if (report != null) report(report);
        }
    }

    private void report(R report) {
        output.collect(reportTag, new StreamRecord<>(report));
    }

    /** Applies the function's finished background control work; polls again soon while some is pending. */
    private void handOverControl(boolean waitForAll) throws Exception {
        boolean pending = function.handOver(this::report, waitForAll);
        if (pending && !handOverTimerPending) {
            handOverTimerPending = true;
            long due = getProcessingTimeService().getCurrentProcessingTime() + HAND_OVER_POLL_MS;
            getProcessingTimeService().registerTimer(due, time -> {
                handOverTimerPending = false;
                handOverControl(false);
            });
        }
    }

    private void onDelayElapsed() throws Exception {
        timerPending = false;
        flush();
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flush();
        if (mark.getTimestamp() > lastWatermark) {
            lastWatermark = mark.getTimestamp();
            output.emitWatermark(mark);
        }
    }

    /** A slot without rows says so downstream (so the label join's event time moves on with the other slots). */
    @Override
    public void processWatermarkStatus(WatermarkStatus status) throws Exception {
        if (status.isIdle()) flush();
        output.emitWatermarkStatus(status);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        flushObserver();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        flush();
        if (subscription != null) apply(subscription.drain(DRAIN_TIMEOUT));
        flushRows();
        handOverControl(true);
        flushObserver();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        try {
            if (subscription != null) subscription.close();
        } finally {
            try {
                function.close();
            } finally {
                super.close();
            }
        }
    }

    /** Applies what the control feed brought, then scores the buffered rows. */
    private void flush() throws Exception {
        pollControls();
        flushRows();
    }

    private void flushRows() throws Exception {
        if (rows.isEmpty()) return;
        long start = System.nanoTime();
        List<OUT> results = function.apply(rows);
        if (results.size() != rows.size()) {
            throw new IllegalStateException("the batch function returned " + results.size() + " results for " + rows.size() + " rows");
        }
        List<OUT> answered = withoutRefusals(results);
        if (observer != null && !answered.isEmpty()) observe(observer, answered);
        for (int i = 0; i < results.size(); i++) {
            OUT result = results.get(i);
            if (result == null) {
                StreamRecord<DeadLetter> refused = new StreamRecord<>(function.refusal(rows.get(i)));
                if (hasTimestamp[i]) refused.setTimestamp(timestamps[i]);
                output.collect(refusalTag, refused);
                continue;
            }
            StreamRecord<OUT> record = new StreamRecord<>(result);
            if (hasTimestamp[i]) record.setTimestamp(timestamps[i]);
            output.collect(record);
        }
        batchSizes.update(rows.size());
        batchMicros.update((System.nanoTime() - start) / 1_000);
        rows.clear();
    }

    /** {@code results} without the refused rows' nulls (the same list when none was refused). */
    private List<OUT> withoutRefusals(List<OUT> results) {
        int refused = 0;
        for (OUT r : results) {
            if (r == null) refused++;
        }
        if (refused == 0) return results;
        if (refusalTag == null) {
            throw new IllegalStateException("the batch function refused " + refused + " rows, and this operator has no "
                    + "output for refusals: they would be lost");
        }
        List<OUT> answered = new ArrayList<>(results.size() - refused);
        for (OUT r : results) {
            if (r != null) answered.add(r);
        }
        return answered;
    }

    private <S> void observe(BatchObserver<OUT, S> o, List<OUT> results) throws Exception {
        o.observe(results, summary -> output.collect(o.summaries(), new StreamRecord<>(summary)));
        if (!observerTimerPending) {
            observerTimerPending = true;
            long due = getProcessingTimeService().getCurrentProcessingTime() + o.flushIntervalMs();
            getProcessingTimeService().registerTimer(due, time -> {
                observerTimerPending = false;
                flushObserver();
            });
        }
    }

    private void flushObserver() {
        if (observer != null) flushObserver(observer);
    }

    private <S> void flushObserver(BatchObserver<OUT, S> o) {
        o.flush(summary -> output.collect(o.summaries(), new StreamRecord<>(summary)));
    }
}

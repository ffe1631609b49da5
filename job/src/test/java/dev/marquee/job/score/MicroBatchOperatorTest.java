package dev.marquee.job.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.data.event.DeadLetter;
import dev.marquee.data.event.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

class MicroBatchOperatorTest {
    static final OutputTag<String> REPORTS = new OutputTag<>("reports") { };

    /** Records the batches it is given, answers each row with its length plus an offset set by control messages. */
    static final class RecordingFunction implements BatchFunction<String, Integer, Integer, String> {
        private static final long serialVersionUID = 1L;
        static final ConcurrentLinkedQueue<List<String>> BATCHES = new ConcurrentLinkedQueue<>();
        private int offset;

        @Override
        public List<Integer> apply(List<String> batch) {
            BATCHES.add(new ArrayList<>(batch));
            return batch.stream().map(s -> s.length() + offset).collect(Collectors.toList());
        }

        @Override
        public String control(Integer message) {
            offset = message;
            return "offset " + message;
        }
    }

    /** This test's control messages (a new feed for each test). */
    private final ListControlFeed<Integer> controls = ListControlFeed.create();

    /** Publishes a control message and lets the operator's next poll of the feed come. */
    private static void control(OneInputStreamOperatorTestHarness<String, Integer> h, ListControlFeed<Integer> feed,
                                int message) throws Exception {
        feed.publish(message);
        h.setProcessingTime(h.getProcessingTime() + MicroBatchOperator.CONTROL_POLL_MS);
    }

    private OneInputStreamOperatorTestHarness<String, Integer> harness(int size, long delayMs) throws Exception {
        RecordingFunction.BATCHES.clear();
        var h = new OneInputStreamOperatorTestHarness<>(new MicroBatchOperator<>(new RecordingFunction(), controls, size, delayMs, REPORTS));
        h.setProcessingTime(0);
        h.open();
        return h;
    }

    @Test
    void aFullBatchIsScoredAtOnceKeepingOrderAndTimestamps() throws Exception {
        try (var h = harness(3, 1_000)) {
            h.processElement(new StreamRecord<>("a", 10));
            h.processElement(new StreamRecord<>("bb", 20));
            assertThat(h.extractOutputValues()).isEmpty();
            h.processElement(new StreamRecord<>("ccc", 30));

            assertThat(h.extractOutputValues()).containsExactly(1, 2, 3);
            assertThat(h.extractOutputStreamRecords()).extracting(StreamRecord::getTimestamp).containsExactly(10L, 20L, 30L);
            assertThat(RecordingFunction.BATCHES).containsExactly(List.of("a", "bb", "ccc"));
        }
    }

    @Test
    void aPartialBatchIsScoredWhenTheMaxDelayElapses() throws Exception {
        try (var h = harness(100, 5)) {
            h.processElement(new StreamRecord<>("a", 1));
            h.setProcessingTime(4);
            assertThat(h.extractOutputValues()).isEmpty();
            h.setProcessingTime(5);
            assertThat(h.extractOutputValues()).containsExactly(1);

            h.processElement(new StreamRecord<>("bb", 2));
            h.setProcessingTime(10);
            assertThat(h.extractOutputValues()).containsExactly(1, 2);
            assertThat(RecordingFunction.BATCHES).containsExactly(List.of("a"), List.of("bb"));
        }
    }

    @Test
    void theBufferIsFlushedBeforeACheckpointBarrierSoNothingIsInFlightInTheSnapshot() throws Exception {
        try (var h = harness(100, 60_000)) {
            h.processElement(new StreamRecord<>("a", 1));
            h.processElement(new StreamRecord<>("bb", 2));
            h.prepareSnapshotPreBarrier(1L);
            assertThat(h.extractOutputValues()).containsExactly(1, 2);

            // nothing of the batch is kept in the snapshot: a restore cannot replay the flushed rows
            var snapshot = h.snapshot(1L, 3L);
            assertThat(snapshot.getManagedOperatorState()).as("operator state").isEmpty();
            assertThat(snapshot.getRawOperatorState()).as("raw operator state").isEmpty();
            assertThat(snapshot.getManagedKeyedState()).as("keyed state").isEmpty();
        }
    }

    @Test
    void anIdleInputIsSaidDownstreamAfterItsRows() throws Exception {
        try (var h = harness(100, 60_000)) {
            h.processElement(new StreamRecord<>("a", 1));
            h.processWatermarkStatus(WatermarkStatus.IDLE);
            List<Object> out = new ArrayList<>(h.getOutput());
            assertThat(out).hasSize(2);
            assertThat(out.get(0)).as("buffered rows leave first").isInstanceOf(StreamRecord.class);
            assertThat(out.get(1)).isEqualTo(WatermarkStatus.IDLE);
            h.processWatermarkStatus(WatermarkStatus.ACTIVE);
            assertThat(h.getOutput()).last().isEqualTo(WatermarkStatus.ACTIVE);
        }
    }

    @Test
    void bufferedRowsLeaveBeforeAWatermarkOvertakesThem() throws Exception {
        try (var h = harness(100, 60_000)) {
            h.processElement(new StreamRecord<>("a", 1));
            h.processWatermark(new Watermark(5));
            List<Object> out = new ArrayList<>(h.getOutput());
            assertThat(out).hasSize(2);
            assertThat(out.get(0)).isInstanceOf(StreamRecord.class);
            assertThat(out.get(1)).isEqualTo(new Watermark(5));
        }
    }

    @Test
    void aControlMessageIsAppliedBetweenTwoBatchesAndReported() throws Exception {
        try (var h = harness(100, 60_000)) {
            h.processElement(new StreamRecord<>("a", 1));
            control(h, controls, 10);
            h.processElement(new StreamRecord<>("bb", 2));
            h.prepareSnapshotPreBarrier(1L);

            assertThat(h.extractOutputValues()).containsExactly(1, 12);
            assertThat(RecordingFunction.BATCHES).containsExactly(List.of("a"), List.of("bb"));
            assertThat(h.getSideOutput(REPORTS)).extracting(StreamRecord::getValue).containsExactly("offset 10");
        }
    }

    /**
     * The scoring function reads the registry's pointer in open() and loads that version (seconds); an update
     * announced meanwhile must not fall between the pointer and a feed that reads from its latest offset.
     */
    @Test
    void aControlMessagePublishedWhileTheFunctionOpensIsNotMissed() throws Exception {
        ListControlFeed<Integer> latest = ListControlFeed.fromLatest();
        try (var h = new OneInputStreamOperatorTestHarness<>(new MicroBatchOperator<>(new AnnouncedWhileOpening(latest),
                latest, 100, 60_000, REPORTS))) {
            RecordingFunction.BATCHES.clear();
            h.setProcessingTime(0);
            h.open();
            h.setProcessingTime(MicroBatchOperator.CONTROL_POLL_MS);
            assertThat(h.getSideOutput(REPORTS)).as("the update announced during open()").isNotNull()
                    .extracting(StreamRecord::getValue).containsExactly("offset 7");
        } finally {
            latest.forget();
        }
    }

    /** Opens as a scorer loading its model does, while an update is announced. */
    static final class AnnouncedWhileOpening implements BatchFunction<String, Integer, Integer, String> {
        private static final long serialVersionUID = 1L;
        private final ListControlFeed<Integer> feed;
        private final RecordingFunction recording = new RecordingFunction();

        AnnouncedWhileOpening(ListControlFeed<Integer> feed) {
            this.feed = feed;
        }

        @Override
        public void open(org.apache.flink.streaming.api.operators.StreamingRuntimeContext context) {
            feed.publish(7);
        }

        @Override
        public List<Integer> apply(List<String> batch) {
            return recording.apply(batch);
        }

        @Override
        public String control(Integer message) {
            return recording.control(message);
        }
    }

    @Test
    void theFeedIsPolledWithoutRowsAndReadToItsEndAtTheEndOfInput() throws Exception {
        try (var h = harness(100, 60_000)) {
            controls.publish(3);
            h.setProcessingTime(MicroBatchOperator.CONTROL_POLL_MS - 1);
            assertThat(h.getSideOutput(REPORTS)).as("not before the poll").isNull();
            h.setProcessingTime(MicroBatchOperator.CONTROL_POLL_MS);
            assertThat(h.getSideOutput(REPORTS)).extracting(StreamRecord::getValue).containsExactly("offset 3");

            h.processElement(new StreamRecord<>("a", 1));
            controls.publish(5); // published, not yet polled, when the input ends
            h.getOperator().finish();
            assertThat(h.extractOutputValues()).as("the row was scored before the message").containsExactly(4);
            assertThat(h.getSideOutput(REPORTS)).extracting(StreamRecord::getValue).containsExactly("offset 3", "offset 5");
        }
    }

    @Test
    void finishingFlushesTheRest() throws Exception {
        try (var h = harness(100, 60_000)) {
            h.processElement(new StreamRecord<>("abcd", 1));
            h.getOperator().finish();
            assertThat(h.extractOutputValues()).containsExactly(4);
        }
    }

    static final OutputTag<String> SUMMARIES = new OutputTag<>("summaries") { };

    /** Sums the results it observes; emits the sum when it reaches 5, and on flush. */
    static final class SummingObserver implements BatchObserver<Integer, String> {
        private static final long serialVersionUID = 1L;
        private int sum;
        private int batches;

        @Override
        public OutputTag<String> summaries() {
            return SUMMARIES;
        }

        @Override
        public void observe(List<Integer> batch, java.util.function.Consumer<String> emit) {
            batches++;
            for (int v : batch) sum += v;
            if (sum >= 5) flush(emit);
        }

        @Override
        public void flush(java.util.function.Consumer<String> emit) {
            if (sum > 0) emit.accept("sum " + sum + " over " + batches + " batch(es)");
            sum = 0;
            batches = 0;
        }

        @Override
        public long flushIntervalMs() {
            return 100;
        }
    }

    private static List<String> summaries(OneInputStreamOperatorTestHarness<String, Integer> h) {
        var out = h.getSideOutput(SUMMARIES);
        return out == null ? List.of() : out.stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    @Test
    void anObserverSeesEveryBatchBeforeItLeavesAndHandsOverItsSummariesOnTimeAtBarriersAndAtTheEnd() throws Exception {
        RecordingFunction.BATCHES.clear();
        var op = new MicroBatchOperator<>(new RecordingFunction(), controls, 2, 60_000, REPORTS, new SummingObserver());
        try (var h = new OneInputStreamOperatorTestHarness<>(op)) {
            h.setProcessingTime(0);
            h.open();
            h.processElement(new StreamRecord<>("a", 1));
            h.processElement(new StreamRecord<>("b", 2)); // batch of 1 + 1: below 5
            assertThat(summaries(h)).isEmpty();
            h.setProcessingTime(100); // the flush interval
            assertThat(summaries(h)).containsExactly("sum 2 over 1 batch(es)");

            h.processElement(new StreamRecord<>("ccc", 3));
            h.processElement(new StreamRecord<>("dd", 4)); // 3 + 2 reaches 5: emitted with the batch
            assertThat(summaries(h)).containsExactly("sum 2 over 1 batch(es)", "sum 5 over 1 batch(es)");

            h.processElement(new StreamRecord<>("e", 5));
            h.prepareSnapshotPreBarrier(1L); // scores the pending row, then hands over what it counted
            assertThat(summaries(h)).last().isEqualTo("sum 1 over 1 batch(es)");

            h.processElement(new StreamRecord<>("ff", 6));
            h.getOperator().finish();
            assertThat(summaries(h)).last().isEqualTo("sum 2 over 1 batch(es)");
            assertThat(h.extractOutputValues()).containsExactly(1, 1, 3, 2, 1, 2);
        }
    }

    static final OutputTag<DeadLetter> REFUSED = new OutputTag<>("refused") { };

    /** Answers a row with its length, but refuses rows that start with "x" (as a model refuses ids it cannot take). */
    static final class RefusingFunction implements BatchFunction<String, Integer, Integer, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public List<Integer> apply(List<String> batch) {
            return batch.stream().map(s -> s.startsWith("x") ? null : s.length()).collect(Collectors.toList());
        }

        @Override
        public DeadLetter refusal(String row) {
            DeadLetter d = new DeadLetter();
            d.errorCode = ErrorCode.MODEL_INPUT_UNREPRESENTABLE;
            d.error = "refused " + row;
            return d;
        }
    }

    @Test
    void refusedRowsLeaveAsDeadLettersWithTheirTimestampsAndTheObserverSeesOnlyTheAnsweredOnes() throws Exception {
        var op = new MicroBatchOperator<>(new RefusingFunction(), controls, 4, 60_000, REPORTS, new SummingObserver(), REFUSED);
        try (var h = new OneInputStreamOperatorTestHarness<>(op)) {
            h.setProcessingTime(0);
            h.open();
            h.processElement(new StreamRecord<>("a", 1));
            h.processElement(new StreamRecord<>("xy", 2));
            h.processElement(new StreamRecord<>("ccc", 3));
            h.processElement(new StreamRecord<>("xz", 4)); // a full batch: two answered, two refused

            assertThat(h.extractOutputValues()).containsExactly(1, 3);
            assertThat(h.extractOutputStreamRecords()).extracting(StreamRecord::getTimestamp).containsExactly(1L, 3L);
            assertThat(h.getSideOutput(REFUSED)).extracting(r -> r.getValue().error).containsExactly("refused xy", "refused xz");
            assertThat(h.getSideOutput(REFUSED)).extracting(StreamRecord::getTimestamp).containsExactly(2L, 4L);
            h.getOperator().finish();
            assertThat(summaries(h)).containsExactly("sum 4 over 1 batch(es)");

            h.processElement(new StreamRecord<>("xx", 5));
            h.prepareSnapshotPreBarrier(1L); // a batch refused whole: nothing for the observer to see
            assertThat(h.getSideOutput(REFUSED)).hasSize(3);
            assertThat(summaries(h)).containsExactly("sum 4 over 1 batch(es)");
        }
    }

    @Test
    void aRefusalWithoutARefusalOutputFailsTheTaskRatherThanLoseTheRow() throws Exception {
        var op = new MicroBatchOperator<>(new RefusingFunction(), controls, 1, 60_000, REPORTS);
        var h = new OneInputStreamOperatorTestHarness<>(op);
        h.open();
        assertThatThrownBy(() -> h.processElement(new StreamRecord<>("x", 1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("would be lost");
        // Ending the input tries the buffered row again, and fails the same way rather than drop it.
        assertThatThrownBy(h::close).hasMessageContaining("would be lost");
    }

    /**
     * Takes a control message as work that finishes in the background: its report comes through
     * {@link BatchFunction#handOver} once {@link #READY} is set, or at once when the caller waits.
     */
    static final class BackgroundControlFunction implements BatchFunction<String, Integer, Integer, String> {
        private static final long serialVersionUID = 1L;
        static final java.util.concurrent.atomic.AtomicBoolean READY = new java.util.concurrent.atomic.AtomicBoolean();
        private Integer pending;
        private int offset;

        @Override
        public List<Integer> apply(List<String> batch) {
            return batch.stream().map(s -> s.length() + offset).collect(Collectors.toList());
        }

        @Override
        public String control(Integer message) {
            pending = message;
            return null;
        }

        @Override
        public boolean handOver(java.util.function.Consumer<String> report, boolean waitForAll) {
            if (pending == null) return false;
            if (!READY.get() && !waitForAll) return true;
            offset = pending;
            report.accept("offset " + pending);
            pending = null;
            return false;
        }
    }

    @Test
    void backgroundControlWorkIsHandedOverBeforeABatchOrByThePollWithoutRowsAndAwaitedAtTheEnd() throws Exception {
        BackgroundControlFunction.READY.set(false);
        var op = new MicroBatchOperator<>(new BackgroundControlFunction(), controls, 2, 60_000, REPORTS);
        try (var h = new OneInputStreamOperatorTestHarness<>(op)) {
            h.setProcessingTime(0);
            h.open();
            control(h, controls, 10);
            h.processElement(new StreamRecord<>("a", 1));
            h.processElement(new StreamRecord<>("b", 2));
            h.setProcessingTime(h.getProcessingTime() + MicroBatchOperator.HAND_OVER_POLL_MS);
            assertThat(h.getSideOutput(REPORTS)).as("not handed over while pending").isNull();
            assertThat(h.extractOutputValues()).as("scored meanwhile as before").containsExactly(1, 1);

            BackgroundControlFunction.READY.set(true);
            h.processElement(new StreamRecord<>("c", 3));
            h.processElement(new StreamRecord<>("d", 4));
            assertThat(h.extractOutputValues()).as("handed over before the next batch").containsExactly(1, 1, 11, 11);

            BackgroundControlFunction.READY.set(false);
            control(h, controls, 20);
            assertThat(h.getSideOutput(REPORTS)).hasSize(1);
            BackgroundControlFunction.READY.set(true);
            h.setProcessingTime(h.getProcessingTime() + MicroBatchOperator.HAND_OVER_POLL_MS);
            assertThat(h.getSideOutput(REPORTS)).extracting(StreamRecord::getValue)
                    .as("the poll hands over without rows").containsExactly("offset 10", "offset 20");

            BackgroundControlFunction.READY.set(false);
            control(h, controls, 30);
            h.getOperator().finish();
            assertThat(h.getSideOutput(REPORTS)).extracting(StreamRecord::getValue).as("the end waits for pending work")
                    .containsExactly("offset 10", "offset 20", "offset 30");
        }
    }
}

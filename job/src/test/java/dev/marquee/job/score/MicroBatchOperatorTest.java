package dev.marquee.job.score;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class MicroBatchOperatorTest {
    /** Records the batches it is given and answers each row with its length. */
    static final class RecordingFunction implements BatchFunction<String, Integer> {
        private static final long serialVersionUID = 1L;
        static final ConcurrentLinkedQueue<List<String>> BATCHES = new ConcurrentLinkedQueue<>();

        @Override
        public List<Integer> apply(List<String> batch) {
            BATCHES.add(new ArrayList<>(batch));
            return batch.stream().map(String::length).collect(Collectors.toList());
        }
    }

    private static OneInputStreamOperatorTestHarness<String, Integer> harness(int size, long delayMs) throws Exception {
        RecordingFunction.BATCHES.clear();
        var h = new OneInputStreamOperatorTestHarness<>(new MicroBatchOperator<>(new RecordingFunction(), size, delayMs));
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

            // restoring from that snapshot into a fresh operator must not replay the flushed rows
            var snapshot = h.snapshot(1L, 3L);
            var restored = new OneInputStreamOperatorTestHarness<>(new MicroBatchOperator<>(new RecordingFunction(), 100, 60_000));
            restored.initializeState(snapshot);
            restored.open();
            restored.prepareSnapshotPreBarrier(2L);
            assertThat(restored.extractOutputValues()).isEmpty();
            restored.close();
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
    void theEndOfInputFlushesTheRest() throws Exception {
        try (var h = harness(100, 60_000)) {
            h.processElement(new StreamRecord<>("abcd", 1));
            h.endInput();
            assertThat(h.extractOutputValues()).containsExactly(4);
        }
    }
}

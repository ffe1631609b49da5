package dev.marquee.job.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/**
 * Every record passes on whole, with where it came from and when it was written: the dead letters carry the position,
 * and the record's timestamp is what endToEndLatencyMs, and so the latency alert, measures from.
 */
class RawRecordDeserializerTest {

    @Test
    void aRecordPassesOnWithItsBytesPositionAndTimestamp() {
        byte[] value = "{\"user_id\":\"1\"}".getBytes(StandardCharsets.UTF_8);
        List<RawRecord> out = deserialize(record(value, 1_764_966_000_123L));
        assertThat(out).singleElement().satisfies(r -> {
            assertThat(r.value).isEqualTo(value);
            assertThat(r.topic).isEqualTo("rating-requests");
            assertThat(r.partition).isEqualTo(3);
            assertThat(r.offset).isEqualTo(42);
            assertThat(r.timestamp).isEqualTo(1_764_966_000_123L);
            assertThat(r.position().hasTimestamp()).isTrue();
        });
    }

    /** A tombstone (no value) is passed on too, for the parser to dead-letter: a deserializer that threw would fail the job. */
    @Test
    void aRecordWithoutAValueIsPassedOnNotDropped() {
        assertThat(deserialize(record(null, -1))).singleElement().satisfies(r -> {
            assertThat(r.value).isNull();
            assertThat(r.offset).isEqualTo(42);
            assertThat(r.position().hasTimestamp()).isFalse();
        });
    }

    private static ConsumerRecord<byte[], byte[]> record(byte[] value, long timestamp) {
        return new ConsumerRecord<>("rating-requests", 3, 42, timestamp, TimestampType.CREATE_TIME, -1, value == null ? -1 : value.length,
                null, value, new RecordHeaders(), Optional.empty());
    }

    private static List<RawRecord> deserialize(ConsumerRecord<byte[], byte[]> record) {
        List<RawRecord> out = new ArrayList<>();
        new RawRecordDeserializer().deserialize(record, new Collector<>() {
            @Override
            public void collect(RawRecord r) {
                out.add(r);
            }

            @Override
            public void close() {}
        });
        return out;
    }
}

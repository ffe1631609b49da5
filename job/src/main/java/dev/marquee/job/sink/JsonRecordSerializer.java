package dev.marquee.job.sink;

import dev.marquee.data.json.EventCodec;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes an event as JSON to one topic, keyed by a field of the event. */
public final class JsonRecordSerializer<T> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final EventCodec<T> codec;
    private final SerializableFunction<T, String> key;

    public JsonRecordSerializer(String topic, Class<T> type, SerializableFunction<T, String> key) {
        this.topic = topic;
        this.codec = EventCodec.of(type);
        this.key = key;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        String k = key.apply(element);
        // No record timestamp: the broker stamps the write time. Passing Flink's (event-time) timestamp would
        // give a replay of 1997 ratings 1997 timestamps, and time-based retention would delete them at once.
        return new ProducerRecord<>(topic, null, null, k == null ? null : k.getBytes(StandardCharsets.UTF_8),
                codec.encode(element));
    }
}

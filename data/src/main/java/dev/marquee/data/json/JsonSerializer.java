package dev.marquee.data.json;

import org.apache.kafka.common.serialization.Serializer;

/** Kafka serializer for any marquee event. */
public final class JsonSerializer<T> implements Serializer<T> {
    private final EventCodec<T> codec;

    public JsonSerializer(Class<T> type) {
        this.codec = EventCodec.of(type);
    }

    @Override
    public byte[] serialize(String topic, T data) {
        return data == null ? null : codec.encode(data);
    }
}

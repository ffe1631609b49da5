package dev.marquee.data.json;

import org.apache.kafka.common.serialization.Deserializer;

/** Kafka deserializer for marquee's own events (not for untrusted rating requests: use the request parser). */
public final class JsonDeserializer<T> implements Deserializer<T> {
    private final EventCodec<T> codec;

    public JsonDeserializer(Class<T> type) {
        this.codec = EventCodec.of(type);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        return data == null ? null : codec.decode(data);
    }
}

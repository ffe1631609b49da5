package dev.marquee.data.json;

import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.marquee.data.event.Prediction;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;

/** Encodes one event type to UTF-8 JSON bytes and back. Serializable so Flink functions can hold one. */
public final class EventCodec<T> implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Predictions (one per scored request) skip databind: same bytes, see {@link PredictionJsonWriter}. */
    private static final ThreadLocal<PredictionJsonWriter> PREDICTIONS = ThreadLocal.withInitial(PredictionJsonWriter::new);

    private final Class<T> type;
    private transient ObjectReader reader;
    private transient ObjectWriter writer;

    private EventCodec(Class<T> type) {
        this.type = type;
    }

    public static <T> EventCodec<T> of(Class<T> type) {
        return new EventCodec<>(type);
    }

    public Class<T> type() {
        return type;
    }

    public byte[] encode(T event) {
        try {
            if (event != null && event.getClass() == Prediction.class) return PREDICTIONS.get().write((Prediction) event);
            return writer().writeValueAsBytes(event);
        } catch (IOException e) {
            throw new EventCodecException("cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    public String encodeToString(T event) {
        return new String(encode(event), StandardCharsets.UTF_8);
    }

    /** Decodes our own events (which we trust); untrusted requests go through the request parser instead. */
    public T decode(byte[] json) {
        try {
            return reader().readValue(json);
        } catch (IOException e) {
            throw new EventCodecException("cannot decode " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    public T decode(String json) {
        return decode(json.getBytes(StandardCharsets.UTF_8));
    }

    private ObjectReader reader() {
        if (reader == null) reader = EventJson.mapper().readerFor(type);
        return reader;
    }

    private ObjectWriter writer() {
        if (writer == null) writer = EventJson.mapper().writerFor(type);
        return writer;
    }
}

package dev.marquee.job.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The three fields of a prediction the latency reader needs ({@code request_id}, {@code source.timestamp},
 * {@code scored_at_ms}), read with Jackson's streaming parser instead of decoding the whole {@code Prediction}.
 * The reader runs in the job's JVM: decoding every prediction with databind made it one of the larger
 * allocators there, and its garbage paused the job it measures.
 *
 * <p>Not thread-safe: one instance per reader thread.
 */
final class PredictionTimes {
    private static final JsonFactory FACTORY = new JsonFactory();

    String requestId;
    /** The request's Kafka timestamp (epoch ms), or -1 when absent. */
    long sentMs;
    /** The prediction's {@code scored_at_ms}, or -1 when absent or not positive. */
    long scoredAtMs;

    /** Reads {@code json} into the fields above; false when it is not a JSON object. */
    boolean read(byte[] json) throws IOException {
        requestId = null;
        sentMs = -1;
        scoredAtMs = -1;
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "request_id" -> requestId = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "scored_at_ms" -> scoredAtMs = value == JsonToken.VALUE_NUMBER_INT && p.getLongValue() > 0 ? p.getLongValue() : -1;
                    case "source" -> readSource(p, value);
                    default -> p.skipChildren();
                }
            }
            return true;
        }
    }

    private void readSource(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_OBJECT) return;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (name.equals("timestamp") && v == JsonToken.VALUE_NUMBER_INT) sentMs = p.getLongValue();
            else p.skipChildren();
        }
    }
}

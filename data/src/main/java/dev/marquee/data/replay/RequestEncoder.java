package dev.marquee.data.replay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.marquee.data.event.Rating;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Writes rating requests as the producers of {@code rating-requests} send them: one object, or an envelope. */
public final class RequestEncoder {
    private final JsonFactory factory = new JsonFactory();

    /** {@code {"request_id":..,"user_id":..,"movie_title":..,"timestamp":..}} */
    public byte[] single(String requestId, Rating r) {
        return write(g -> writeInstance(g, requestId, r));
    }

    /** A TF-Serving envelope: {@code {"signature_name":"serving_default","instances":[...]}}. */
    public byte[] envelope(List<String> requestIds, List<Rating> rows) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("signature_name", "serving_default");
            g.writeArrayFieldStart("instances");
            for (int i = 0; i < rows.size(); i++) writeInstance(g, requestIds.get(i), rows.get(i));
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private static void writeInstance(JsonGenerator g, String requestId, Rating r) throws IOException {
        g.writeStartObject();
        g.writeStringField("request_id", requestId);
        g.writeStringField("user_id", r.userId);
        g.writeStringField("movie_title", r.movieTitle);
        g.writeNumberField("timestamp", r.timestamp);
        g.writeEndObject();
    }

    private byte[] write(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = factory.createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }
}

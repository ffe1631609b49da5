package dev.marquee.data.replay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.marquee.data.event.Rating;
import dev.marquee.data.replay.drift.OutgoingRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Writes rating requests as the producers of {@code rating-requests} send them: one object, or an envelope. */
public final class RequestEncoder {
    private final JsonFactory factory = new JsonFactory();

    /** {@code {"request_id":..,"user_id":..,"movie_title":..,"timestamp":..}} */
    public byte[] single(String requestId, Rating r) {
        return single(OutgoingRequest.of(requestId, r));
    }

    /** One request as drafted, drifted or not. */
    public byte[] single(OutgoingRequest request) {
        return write(request::writeTo);
    }

    /** A TF-Serving envelope: {@code {"signature_name":"serving_default","instances":[...]}}. */
    public byte[] envelope(List<String> requestIds, List<Rating> rows) {
        List<OutgoingRequest> requests = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) requests.add(OutgoingRequest.of(requestIds.get(i), rows.get(i)));
        return envelope(requests);
    }

    /** A TF-Serving envelope of requests as drafted, drifted or not. */
    public byte[] envelope(List<OutgoingRequest> requests) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("signature_name", "serving_default");
            g.writeArrayFieldStart("instances");
            for (OutgoingRequest request : requests) request.writeTo(g);
            g.writeEndArray();
            g.writeEndObject();
        });
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

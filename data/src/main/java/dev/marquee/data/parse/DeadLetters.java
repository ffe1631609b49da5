package dev.marquee.data.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.marquee.data.event.DeadLetter;
import dev.marquee.data.event.ErrorCode;
import dev.marquee.data.event.RatingRequest;
import dev.marquee.data.event.SourcePosition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Builds dead letters that carry the original bytes, bounded in size. */
public final class DeadLetters {
    private static final JsonFactory JSON = new JsonFactory();

    private DeadLetters() {}

    /**
     * A dead letter for a request refused after validation, when its original bytes are no longer at hand: the
     * payload is the validated request as a single-request JSON object ({@link DeadLetter#VALIDATED_JSON}: its
     * {@code request_id} when the producer gave one, {@code user_id}, {@code movie_title}, {@code timestamp}; not
     * the original bytes, which {@code source} and {@code instance_index} locate). Not cut: the parser's field
     * limits keep it to a few KB.
     */
    public static DeadLetter ofValidated(ErrorCode code, String field, String message, RatingRequest r) {
        DeadLetter d = new DeadLetter();
        d.errorCode = code;
        d.field = field;
        d.error = message;
        d.source = r.source;
        d.instanceIndex = r.instanceIndex;
        d.requestId = r.requestId;
        byte[] json = validatedJson(r);
        d.payload = new String(json, StandardCharsets.UTF_8);
        d.payloadEncoding = DeadLetter.VALIDATED_JSON;
        d.payloadLength = json.length;
        return d;
    }

    private static byte[] validatedJson(RatingRequest r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            if (r.requestIdGiven && r.requestId != null) g.writeStringField("request_id", r.requestId);
            g.writeStringField("user_id", r.userId);
            g.writeStringField("movie_title", r.movieTitle);
            g.writeNumberField("timestamp", r.timestamp);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * A dead letter for {@code bytes[from, to)}. The payload is UTF-8 text when {@code utf8} holds, base64
     * otherwise, and at most {@code maxPayloadBytes} of the original (cut on a character boundary).
     */
    public static DeadLetter of(ErrorCode code, String message, SourcePosition source, int instanceIndex,
                                byte[] bytes, int from, int to, boolean utf8, int maxPayloadBytes) {
        DeadLetter d = new DeadLetter();
        d.errorCode = code;
        d.error = message;
        d.source = source;
        d.instanceIndex = instanceIndex;
        if (bytes == null) {
            d.payload = null;
            d.payloadLength = -1;
            return d;
        }
        int length = to - from;
        d.payloadLength = length;
        // The limit is on what the dead letter carries as JSON: a control character is written as a six-byte
        // escape, so a payload of them is cut six times shorter than plain text; base64 takes 4 bytes per 3.
        int kept = utf8 ? jsonFit(bytes, from, to, maxPayloadBytes) : Math.min(length, maxPayloadBytes / 4 * 3);
        if (kept < length) {
            if (utf8) kept = Utf8.safeCut(bytes, from, kept) - from;
            d.payloadTruncated = true;
        }
        if (utf8) {
            d.payload = new String(bytes, from, kept, StandardCharsets.UTF_8);
            d.payloadEncoding = DeadLetter.UTF8;
        } else {
            byte[] slice = new byte[kept];
            System.arraycopy(bytes, from, slice, 0, kept);
            d.payload = Base64.getEncoder().encodeToString(slice);
            d.payloadEncoding = DeadLetter.BASE64;
        }
        return d;
    }

    /** How many bytes from {@code from} fit in {@code max} bytes once written as a JSON string. */
    static int jsonFit(byte[] bytes, int from, int to, int max) {
        int cost = 0;
        for (int i = from; i < to; i++) {
            int b = bytes[i] & 0xFF;
            cost += b < 0x20 ? 6 : (b == '"' || b == '\\') ? 2 : 1;
            if (cost > max) return i - from;
        }
        return to - from;
    }

    /**
     * The payload's original bytes (or the first of them, when truncated); for {@link DeadLetter#VALIDATED_JSON},
     * the validated request's JSON, which parses to the same request.
     */
    public static byte[] payloadBytes(DeadLetter d) {
        if (d.payload == null) return null;
        return DeadLetter.BASE64.equals(d.payloadEncoding)
                ? Base64.getDecoder().decode(d.payload)
                : d.payload.getBytes(StandardCharsets.UTF_8);
    }
}

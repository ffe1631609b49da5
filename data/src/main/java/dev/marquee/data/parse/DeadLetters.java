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

/**
 * Builds dead letters that carry the original bytes, bounded in size: serialised by {@code EventCodec}, a dead
 * letter never takes more than {@link #maxSerializedBytes} (docs/RELIABILITY.md, "Dead letters stay bounded").
 */
public final class DeadLetters {
    private static final JsonFactory JSON = new JsonFactory();
    /** Room for everything but the payload: code, field, message (clipped), source, index, flags. */
    public static final int FIXED_FIELDS_BYTES = 4096;
    /**
     * Messages are clipped to this many characters. Each is written in at most 6 bytes (a control character or
     * half a surrogate pair as a <code>&#92;uXXXX</code> escape), so a message takes at most 3,072 of the fixed bytes.
     */
    static final int MAX_MESSAGE_CHARS = 512;
    /** Kafka's longest topic name (ASCII), for the default request id a dead letter may carry. */
    private static final int MAX_DEFAULT_REQUEST_ID_BYTES = 249 + 64;

    private DeadLetters() {}

    /**
     * A dead letter for a request refused after validation: its original bytes when the parser kept them
     * ({@link RatingRequest#original}) and they fit uncut, as a parser's dead letter carries them, else
     * {@link #ofValidated}. They must fit whole, beside the request id this dead letter also carries, within
     * {@code maxPayloadBytes} as written: a cut payload could not be sent again (it may lose the request's own
     * fields), and the request id on top of a full payload would pass {@link #maxSerializedBytes}.
     */
    public static DeadLetter afterValidation(ErrorCode code, String field, String message, RatingRequest r,
                                             int maxPayloadBytes) {
        if (r.original == null) return ofValidated(code, field, message, r);
        int length = r.originalTo - r.originalFrom;
        long budget = (long) maxPayloadBytes - jsonWrittenBytes(r.requestId);
        if (budget < length || jsonFit(r.original, r.originalFrom, r.originalTo, (int) budget) < length) {
            return ofValidated(code, field, message, r);
        }
        DeadLetter d = of(code, message, r.source, r.instanceIndex, r.original, r.originalFrom, r.originalTo, true,
                maxPayloadBytes);
        d.field = field;
        d.requestId = r.requestId;
        return d;
    }

    /** The bytes {@code s} takes written as a JSON string's content by {@code EventCodec} (as {@link #jsonFit} counts). */
    static long jsonWrittenBytes(String s) {
        if (s == null) return 0;
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        long cost = 0;
        for (int i = 0; i < b.length; i += sequenceLength(b[i] & 0xFF)) cost += writtenBytes(b[i] & 0xFF);
        return cost;
    }

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
        d.error = clipMessage(message);
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
        d.error = clipMessage(message);
        d.source = source;
        d.instanceIndex = instanceIndex;
        if (bytes == null) {
            d.payload = null;
            d.payloadLength = -1;
            return d;
        }
        int length = to - from;
        d.payloadLength = length;
        // The limit is on what the dead letter carries as JSON, counted as the bytes really written: a control
        // character is a six-byte escape, a 4-byte character two (12 bytes); base64 takes 4 bytes per 3.
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

    /**
     * How many bytes of valid UTF-8 from {@code from} fit in {@code max} bytes once written as a JSON string by
     * {@code EventCodec}, cut between characters. Costs as written: a control character up to 6 (<code>&#92;u0001</code>;
     * the short escapes take 2), a quote or backslash 2, other ASCII 1, a 2- or 3-byte character its own bytes
     * (written raw), and a 4-byte character 12, because the writer emits it as a surrogate pair of two
     * <code>&#92;uXXXX</code> escapes.
     */
    static int jsonFit(byte[] bytes, int from, int to, int max) {
        int cost = 0;
        int i = from;
        while (i < to) {
            int b = bytes[i] & 0xFF;
            int written = writtenBytes(b);
            if (cost + written > max) break;
            cost += written;
            i += sequenceLength(b);
        }
        return Math.min(i, to) - from;
    }

    /** The UTF-8 sequence's length from its lead byte. */
    private static int sequenceLength(int lead) {
        return lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    }

    /** What the character starting with {@code lead} costs as written (see {@link #jsonFit}). */
    private static int writtenBytes(int lead) {
        if (lead < 0x80) return lead < 0x20 ? 6 : (lead == '"' || lead == '\\') ? 2 : 1;
        return lead >= 0xF0 ? 12 : lead >= 0xE0 ? 3 : 2;
    }

    /**
     * The most bytes a dead letter serialised by {@code EventCodec} can take under these limits: the fixed fields
     * plus the larger of the payload limit and the largest validated request ({@link #ofValidated}, never cut).
     * 69,632 bytes (64 KiB + 4 KiB) with the default limits.
     */
    public static int maxSerializedBytes(ParserLimits limits) {
        // A validated request's character costs at most 7 bytes in the dead letter: 6 as a surrogate-pair half
        // escaped in the request's JSON, one more for that escape's backslash escaped again in the payload.
        long strings = (long) limits.maxRequestIdChars + limits.maxUserIdChars + limits.maxTitleChars;
        long validated = 128 + 7 * strings + Math.max(6L * limits.maxRequestIdChars, MAX_DEFAULT_REQUEST_ID_BYTES);
        long payload = Math.max(limits.maxDeadLetterPayloadBytes, validated);
        return (int) Math.min(Integer.MAX_VALUE, FIXED_FIELDS_BYTES + payload);
    }

    private static String clipMessage(String message) {
        if (message == null || message.length() <= MAX_MESSAGE_CHARS) return message;
        return Chars.clip(message, MAX_MESSAGE_CHARS - 3) + "...";
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

package dev.marquee.data.parse;

import dev.marquee.data.event.DeadLetter;
import dev.marquee.data.event.ErrorCode;
import dev.marquee.data.event.SourcePosition;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Builds dead letters that carry the original bytes, bounded in size. */
public final class DeadLetters {
    private DeadLetters() {}

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
        int kept = length;
        if (length > maxPayloadBytes) {
            kept = utf8 ? Utf8.safeCut(bytes, from, maxPayloadBytes) - from : maxPayloadBytes;
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

    /** The payload's original bytes (or the first of them, when truncated). */
    public static byte[] payloadBytes(DeadLetter d) {
        if (d.payload == null) return null;
        return DeadLetter.BASE64.equals(d.payloadEncoding)
                ? Base64.getDecoder().decode(d.payload)
                : d.payload.getBytes(StandardCharsets.UTF_8);
    }
}

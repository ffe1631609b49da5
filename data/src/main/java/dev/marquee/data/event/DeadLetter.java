package dev.marquee.data.event;

/**
 * A refused record: why, where it came from, and its original bytes (bounded). Topic {@code rating-requests-dlq}.
 * A request refused after validation (by the serving model) carries the validated request instead of the bytes.
 */
public class DeadLetter {
    public static final String UTF8 = "utf8";
    public static final String BASE64 = "base64";
    /** The payload is the validated request written as a single-request JSON object, not the original bytes. */
    public static final String VALIDATED_JSON = "validated-json";

    public ErrorCode errorCode;
    /** The contract field at fault ({@code user_id}, {@code timestamp}, ...), or null when not one field's. */
    public String field;
    /** Human-readable reason. */
    public String error;
    public SourcePosition source;
    /** Position inside a TF-Serving envelope, or -1 when the whole record was refused. */
    public int instanceIndex = -1;
    /**
     * The request id of a request refused after validation (its one outcome is this dead letter instead of a
     * prediction); null for a record refused by the parser.
     */
    public String requestId;
    /**
     * The original bytes as UTF-8 text, or base64 when they are not valid UTF-8, or the validated request as JSON
     * (see {@link #payloadEncoding}).
     */
    public String payload;
    /** {@link #UTF8}, {@link #BASE64} or {@link #VALIDATED_JSON}. */
    public String payloadEncoding = UTF8;
    /** Length in bytes of the original payload, before any truncation. -1 for a null (tombstone) value. */
    public int payloadLength;
    /** True when {@link #payload} holds only the first bytes of the original. */
    public boolean payloadTruncated;

    public DeadLetter() {}

    @Override
    public String toString() {
        return "DeadLetter{" + errorCode + " at " + source + (instanceIndex >= 0 ? "#" + instanceIndex : "") + ": " + error + "}";
    }
}

package dev.marquee.data.event;

/**
 * Why a record was refused. Machine-readable: dashboards and alert rules key on these names, so a name is
 * never changed once released. docs/EVENTS.md describes each.
 */
public enum ErrorCode {
    /** The record has no value (a tombstone) or a zero-length one. */
    EMPTY_PAYLOAD,
    /** The record is larger than {@code parser.max-payload-bytes}. */
    TOO_LARGE,
    /** The bytes are not valid UTF-8 (or contain NUL bytes, as UTF-16/32 text does). */
    BAD_ENCODING,
    /**
     * Not parseable JSON: truncated, trailing data, comments, single quotes, ... ({@code NaN} and {@code Infinity}
     * are read: see {@link #WRONG_TYPE}).
     */
    MALFORMED_JSON,
    /** JSON nested deeper than {@code parser.max-depth}. */
    TOO_DEEP,
    /** A key appears twice in one object. */
    DUPLICATE_FIELD,
    /** The record, or an envelope instance, is not a JSON object. */
    NOT_AN_OBJECT,
    /** {@code instances} is not an array, or the envelope uses a format we do not accept. */
    BAD_ENVELOPE,
    /** {@code signature_name} is neither empty nor one of {@code parser.signature-names} (default {@code serving_default}). */
    UNKNOWN_SIGNATURE,
    /** {@code instances} is an empty array. */
    EMPTY_ENVELOPE,
    /** More instances than {@code parser.max-instances}. */
    TOO_MANY_INSTANCES,
    /** A required field is absent or null. */
    MISSING_FIELD,
    /** A string field is empty or blank: only Unicode spaces or invisible characters (docs/EVENTS.md). */
    EMPTY_FIELD,
    /**
     * A field has the wrong JSON type, e.g. a number where a string belongs; also {@code NaN} or {@code Infinity} in
     * {@code user_id}, {@code movie_title}, {@code timestamp} or {@code request_id} (that instance only).
     */
    WRONG_TYPE,
    /** A number outside its allowed range, e.g. a negative timestamp or one beyond int64. */
    OUT_OF_RANGE,
    /** A string field longer than its limit, or a key longer than 50,000 bytes of UTF-8. */
    FIELD_TOO_LONG,
    /** A string field with control characters or unpaired surrogates. */
    BAD_CHARACTERS,
    /** The parser itself failed; a bug, reported rather than thrown so the record is never lost. */
    INTERNAL_ERROR,
    /**
     * A valid request whose value the serving model's input cannot take (a user id that is not an integer for a
     * model with an integer user id, a timestamp beyond int32): refused by the scorer, after validation.
     */
    MODEL_INPUT_UNREPRESENTABLE,
    /**
     * A valid request the serving model fails on when it is scored alone, while the same version still answers its
     * probe batch (a graph that refuses some values of its inputs), or for which it answers a rating that is not a
     * finite number: refused by the scorer, after validation, so that one request cannot fail its batch and restart
     * the job again and again, and no NaN is served.
     */
    SCORING_FAILED;

    /** True for a code given after validation, to a request that had already been counted valid. */
    public boolean afterValidation() {
        return this == MODEL_INPUT_UNREPRESENTABLE || this == SCORING_FAILED;
    }
}

package dev.marquee.data.parse;

import dev.marquee.data.event.Rating;
import dev.marquee.data.config.Settings;
import java.io.Serializable;

/**
 * The bounds the request parser enforces. Each is a setting ({@code parser.*}, documented in docs/EVENTS.md)
 * with a default that fits MovieLens-style traffic and keeps a hostile record from costing more than a
 * bounded amount of memory and time.
 */
public final class ParserLimits implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String MAX_PAYLOAD_BYTES = "parser.max-payload-bytes";
    public static final String MAX_INSTANCES = "parser.max-instances";
    public static final String MAX_DEPTH = "parser.max-depth";
    public static final String MAX_USER_ID_CHARS = "parser.max-user-id-chars";
    public static final String MAX_TITLE_CHARS = "parser.max-title-chars";
    public static final String MAX_REQUEST_ID_CHARS = "parser.max-request-id-chars";
    public static final String MIN_TIMESTAMP = "parser.min-timestamp";
    public static final String MAX_TIMESTAMP = "parser.max-timestamp";
    public static final String MAX_EXTRA_FIELDS = "parser.max-extra-fields";
    public static final String MAX_DEAD_LETTER_PAYLOAD_BYTES = "parser.max-dead-letter-payload-bytes";
    public static final String SIGNATURE_NAMES = "parser.signature-names";
    public static final String MISSING_TIMESTAMP = "parser.missing-timestamp";
    /** Every parser.* key, as the scoring job declares them. */
    public static final java.util.List<String> KEYS = java.util.List.of(MAX_PAYLOAD_BYTES, MAX_INSTANCES, MAX_DEPTH,
            MAX_USER_ID_CHARS, MAX_TITLE_CHARS, MAX_REQUEST_ID_CHARS, MIN_TIMESTAMP, MAX_TIMESTAMP, MAX_EXTRA_FIELDS,
            MAX_DEAD_LETTER_PAYLOAD_BYTES, SIGNATURE_NAMES, MISSING_TIMESTAMP);

    // Defaults: the scoring job declares and documents these keys as Flink ConfigOptions with them
    // (dev.marquee.job.config.ScoringJobOptions, docs/CONFIGURATION.md); this module has no Flink.
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1 << 20;
    public static final int DEFAULT_MAX_INSTANCES = 10_000;
    public static final int DEFAULT_MAX_DEPTH = 32;
    public static final int DEFAULT_MAX_USER_ID_CHARS = 128;
    public static final int DEFAULT_MAX_TITLE_CHARS = 512;
    public static final int DEFAULT_MAX_REQUEST_ID_CHARS = 256;
    public static final long DEFAULT_MIN_TIMESTAMP = 0L;
    /** 2100-01-01T00:00:00Z: a timestamp beyond it is almost surely milliseconds sent as seconds. */
    public static final long DEFAULT_MAX_TIMESTAMP = Rating.LATEST_TIMESTAMP;
    public static final int DEFAULT_MAX_EXTRA_FIELDS = 16;
    public static final int DEFAULT_MAX_DEAD_LETTER_PAYLOAD_BYTES = 64 << 10;
    public static final String DEFAULT_SIGNATURE_NAMES = RequestParser.SERVING_DEFAULT;

    public final int maxPayloadBytes;
    public final int maxInstances;
    public final int maxDepth;
    public final int maxUserIdChars;
    public final int maxTitleChars;
    public final int maxRequestIdChars;
    /** The widest timestamp bound, in seconds: its milliseconds still fit in a long. */
    public static final long MAX_SECONDS = Long.MAX_VALUE / 1000;
    public final long minTimestamp;
    public final long maxTimestamp;
    public final int maxExtraFields;
    public final int maxDeadLetterPayloadBytes;
    /** The {@code signature_name}s an envelope may give (an empty one is TF Serving's default, always taken). */
    public final java.util.Set<String> signatureNames;
    /** {@code parser.missing-timestamp=record-time}: a request without a timestamp takes its record's Kafka timestamp. */
    public final boolean timestampFromRecord;

    private ParserLimits(Settings s) {
        maxPayloadBytes = s.intInRange(MAX_PAYLOAD_BYTES, DEFAULT_MAX_PAYLOAD_BYTES, 64, 64 << 20);
        maxInstances = s.intInRange(MAX_INSTANCES, DEFAULT_MAX_INSTANCES, 1, 1_000_000);
        maxDepth = s.intInRange(MAX_DEPTH, DEFAULT_MAX_DEPTH, 2, 1_000);
        maxUserIdChars = s.intInRange(MAX_USER_ID_CHARS, DEFAULT_MAX_USER_ID_CHARS, 1, 1 << 20);
        maxTitleChars = s.intInRange(MAX_TITLE_CHARS, DEFAULT_MAX_TITLE_CHARS, 1, 1 << 20);
        maxRequestIdChars = s.intInRange(MAX_REQUEST_ID_CHARS, DEFAULT_MAX_REQUEST_ID_CHARS, 1, 1 << 20);
        // seconds that stay a long in milliseconds: event times, expiries and hours are computed from timestamp * 1000
        minTimestamp = s.longInRange(MIN_TIMESTAMP, DEFAULT_MIN_TIMESTAMP, -MAX_SECONDS, MAX_SECONDS);
        maxTimestamp = s.longInRange(MAX_TIMESTAMP, DEFAULT_MAX_TIMESTAMP, -MAX_SECONDS, MAX_SECONDS);
        maxExtraFields = s.intInRange(MAX_EXTRA_FIELDS, DEFAULT_MAX_EXTRA_FIELDS, 0, 1_000);
        maxDeadLetterPayloadBytes = s.intInRange(MAX_DEAD_LETTER_PAYLOAD_BYTES, DEFAULT_MAX_DEAD_LETTER_PAYLOAD_BYTES, 16, 64 << 20);
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        for (String name : s.string(SIGNATURE_NAMES, DEFAULT_SIGNATURE_NAMES).split(",")) {
            if (!name.isBlank()) names.add(name.trim());
        }
        if (names.isEmpty()) {
            throw new dev.marquee.data.config.SettingException(SIGNATURE_NAMES + " must name at least one signature, e.g. "
                    + DEFAULT_SIGNATURE_NAMES);
        }
        signatureNames = java.util.Set.copyOf(names);
        String missing = s.string(MISSING_TIMESTAMP, "refuse").trim();
        if (!missing.equals("refuse") && !missing.equals("record-time")) {
            throw new dev.marquee.data.config.SettingException(MISSING_TIMESTAMP + " must be refuse or record-time, got '" + missing + "'");
        }
        timestampFromRecord = missing.equals("record-time");
        if (minTimestamp > maxTimestamp) {
            throw new dev.marquee.data.config.SettingException(
                    MIN_TIMESTAMP + " (" + minTimestamp + ") must not be above " + MAX_TIMESTAMP + " (" + maxTimestamp + ")");
        }
    }

    /**
     * Whether a label on {@code ratings} is one to learn from: a user id and a title, neither blank; a rating in
     * [{@value Rating#MIN_LABEL}, {@value Rating#MAX_LABEL}] (NaN and infinities are outside); a timestamp no later than
     * {@value Rating#LATEST_TIMESTAMP} (0 or less: none); a user id, title and request id within these limits, and no control character or unpaired surrogate in its user id or title (as
     * the request parser requires): a label a valid request could never match is refused, and a stream of huge
     * titles cannot fill the label stage's title caches and keyed state.
     */
    public boolean admitsLabel(Rating r) {
        return labelProblem(r) == null;
    }

    /**
     * Why {@link #admitsLabel} refuses {@code r}, in one line for the operator's log, or null when it admits it. A
     * user id or title that is blank as the request parser counts blank (Unicode spaces, invisible characters) is
     * refused too: no valid request could carry it.
     */
    public String labelProblem(Rating r) {
        if (r == null) return "not a JSON rating object";
        if (r.userId == null || Chars.isBlank(r.userId)) return "user_id is missing or blank";
        if (r.movieTitle == null || Chars.isBlank(r.movieTitle)) return "movie_title is missing or blank";
        if (!(r.rating >= Rating.MIN_LABEL && r.rating <= Rating.MAX_LABEL)) {
            return "rating " + r.rating + " is outside [" + Rating.MIN_LABEL + ", " + Rating.MAX_LABEL + "]";
        }
        if (r.timestamp > Rating.LATEST_TIMESTAMP) {
            return "timestamp " + r.timestamp + " is after 2100-01-01: seconds since the epoch, not milliseconds";
        }
        if (r.userId.length() > maxUserIdChars) return "user_id is longer than " + MAX_USER_ID_CHARS + " (" + maxUserIdChars + ")";
        if (r.movieTitle.length() > maxTitleChars) return "movie_title is longer than " + MAX_TITLE_CHARS + " (" + maxTitleChars + ")";
        if (r.requestId != null && r.requestId.length() > maxRequestIdChars) {
            return "request_id is longer than " + MAX_REQUEST_ID_CHARS + " (" + maxRequestIdChars + ")";
        }
        // the parser refuses requests with these characters; a line break in a label's user or title would also
        // split a retrained vocabulary's one-term-per-line file
        if (RequestParser.firstBadCharacter(r.userId) >= 0) return "user_id has a control character or an unpaired surrogate";
        if (RequestParser.firstBadCharacter(r.movieTitle) >= 0) return "movie_title has a control character or an unpaired surrogate";
        if (r.requestId != null && RequestParser.firstBadCharacter(r.requestId) >= 0) {
            return "request_id has a control character or an unpaired surrogate (no request with it is scored)";
        }
        return null;
    }

    /**
     * A label's request id, or null for a blank one ("" is what many converters write for none): no request is
     * scored with a blank id, so such a label joins by user, title and timestamp, as one without an id.
     */
    public static String labelRequestId(String requestId) {
        return requestId == null || Chars.isBlank(requestId) ? null : requestId;
    }

    public static ParserLimits defaults() {
        return new ParserLimits(Settings.empty());
    }

    /**
     * The limits a command's {@code option} (repeatable KEY=VALUE, e.g. {@code --parser-setting}) gives, for a tool
     * that must read records as the scoring job does: only parser.* keys, checked as the job checks them.
     */
    public static ParserLimits fromOption(String option, java.util.Map<String, String> given) {
        for (String key : given.keySet()) {
            if (!KEYS.contains(key)) {
                throw new dev.marquee.data.config.SettingException(option + " takes the scoring job's parser settings ("
                        + String.join(", ", KEYS) + "), got " + key);
            }
        }
        return from(new Settings(given));
    }

    /** Reads the {@code parser.*} keys; absent keys take their defaults; bad values fail with a clear message. */
    public static ParserLimits from(Settings settings) {
        return new ParserLimits(settings);
    }
}

package dev.marquee.data.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.marquee.data.event.DeadLetter;
import dev.marquee.data.event.ErrorCode;
import dev.marquee.data.event.RatingRequest;
import dev.marquee.data.event.SourcePosition;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the raw bytes of one Kafka record into valid rating requests and dead letters. It never throws: any
 * input, however hostile, ends as requests or dead letters, with one outcome per envelope instance when the
 * envelope itself is sound and exactly one dead letter when it is not. Work and memory per record are bounded
 * by {@link ParserLimits}. Thread-confined: use one instance per thread (Flink: one per subtask).
 */
public final class RequestParser implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String SERVING_DEFAULT = "serving_default";
    private static final String INSTANCES = "instances";
    private static final String SIGNATURE_NAME = "signature_name";
    private static final String INPUTS = "inputs";
    /** The longest key, in bytes of UTF-8 (docs/RELIABILITY.md): a bound on the reader's work, not a setting. */
    static final int MAX_KEY_BYTES = 50_000;
    private static final SourcePosition UNKNOWN_SOURCE = new SourcePosition("unknown", -1, -1, -1);

    private final ParserLimits limits;
    private transient JsonFactory factory;

    public RequestParser(ParserLimits limits) {
        this.limits = limits;
    }

    public RequestParser() {
        this(ParserLimits.defaults());
    }

    public ParserLimits limits() {
        return limits;
    }

    public ParseResult parse(byte[] value, SourcePosition source) {
        SourcePosition src = source == null ? UNKNOWN_SOURCE : source;
        try {
            return parseChecked(value, src);
        } catch (RuntimeException | StackOverflowError e) {
            return internalError(e, src, value);
        }
    }

    /** The parser's own failure: the record kept as it came, as text when it is UTF-8 (docs/EVENTS.md). */
    ParseResult internalError(Throwable e, SourcePosition src, byte[] value) {
        boolean utf8;
        try {
            utf8 = value != null && Utf8.isValidWithoutNul(value);
        } catch (RuntimeException notChecked) {
            utf8 = false; // base64 keeps any bytes
        }
        return whole(ErrorCode.INTERNAL_ERROR, "the parser failed: " + e, src, value, utf8);
    }

    private ParseResult parseChecked(byte[] value, SourcePosition src) {
        if (value == null) return whole(ErrorCode.EMPTY_PAYLOAD, "the record has no value (a tombstone)", src, null, true);
        if (value.length == 0) return whole(ErrorCode.EMPTY_PAYLOAD, "the record's value is empty", src, value, true);
        boolean utf8 = Utf8.isValidWithoutNul(value);
        if (value.length > limits.maxPayloadBytes) {
            return whole(ErrorCode.TOO_LARGE, "the record has " + value.length + " bytes; the limit ("
                    + ParserLimits.MAX_PAYLOAD_BYTES + ") is " + limits.maxPayloadBytes, src, value, utf8);
        }
        if (!utf8) {
            return whole(ErrorCode.BAD_ENCODING, "the record is not valid UTF-8 text (or holds NUL bytes)", src, value, false);
        }
        try (JsonParser p = factory().createParser(value)) {
            return parseDocument(p, value, src);
        } catch (StreamConstraintsException e) {
            return whole(codeOf(e), messageOf(e), src, value, true);
        } catch (JsonProcessingException e) {
            return whole(ErrorCode.MALFORMED_JSON, "malformed JSON: " + e.getOriginalMessage(), src, value, true);
        } catch (IOException e) {
            return whole(ErrorCode.MALFORMED_JSON, "malformed JSON: " + e.getMessage(), src, value, true);
        }
    }

    private ParseResult parseDocument(JsonParser p, byte[] value, SourcePosition src) throws IOException {
        JsonToken first = p.nextToken();
        if (first == null) return whole(ErrorCode.MALFORMED_JSON, "no JSON value, only white space", src, value, true);
        if (first != JsonToken.START_OBJECT) {
            p.skipChildren();
            if (p.nextToken() != null) return trailing(src, value);
            return whole(ErrorCode.NOT_AN_OBJECT, "a request must be a JSON object, got " + describe(first), src, value, true);
        }
        InstanceFields top = new InstanceFields();
        JsonToken instancesToken = null;
        List<int[]> slices = null;
        List<InstanceFields> instances = null;
        JsonToken signatureToken = null;
        String signature = null;
        boolean inputs = false;
        String duplicateEnvelopeKey = null;
        int envelopeKeysSeen = 0; // bits: instances, signature_name, inputs
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            int envelopeBit = INSTANCES.equals(name) ? 1 : SIGNATURE_NAME.equals(name) ? 2 : INPUTS.equals(name) ? 4 : 0;
            boolean repeated = (envelopeKeysSeen & envelopeBit) != 0;
            envelopeKeysSeen |= envelopeBit;
            if (repeated) {
                if (duplicateEnvelopeKey == null) duplicateEnvelopeKey = name;
                p.skipChildren();
                continue;
            }
            if (INSTANCES.equals(name)) {
                instancesToken = v;
                if (v == JsonToken.START_ARRAY) {
                    slices = new ArrayList<>();
                    instances = new ArrayList<>();
                    if (!readInstances(p, instances, slices)) {
                        return whole(ErrorCode.TOO_MANY_INSTANCES, "the envelope has more than "
                                + limits.maxInstances + " instances (" + ParserLimits.MAX_INSTANCES + ")", src, value, true);
                    }
                } else {
                    p.skipChildren();
                }
            } else if (SIGNATURE_NAME.equals(name)) {
                signatureToken = v;
                if (v == JsonToken.VALUE_STRING) signature = p.getText();
                else p.skipChildren();
            } else if (INPUTS.equals(name)) {
                inputs = true;
                p.skipChildren();
            } else {
                top.read(name, v, p, limits.maxExtraFields);
            }
        }
        if (p.nextToken() != null) return trailing(src, value);

        boolean envelope = instancesToken != null || signatureToken != null || inputs;
        if (!envelope) {
            return single(top, src, value);
        }
        if (duplicateEnvelopeKey == null) duplicateEnvelopeKey = top.duplicate;
        if (duplicateEnvelopeKey != null) {
            return whole(ErrorCode.DUPLICATE_FIELD, "the key \"" + clip(duplicateEnvelopeKey) + "\" appears twice", src, value, true);
        }
        // TF Serving takes an empty signature_name as its default
        if (signatureToken != null && !(signature != null && (signature.isEmpty() || limits.signatureNames.contains(signature)))) {
            return whole(ErrorCode.UNKNOWN_SIGNATURE, "signature_name must be empty or " + String.join(" or ",
                    limits.signatureNames.stream().sorted().map(n -> "\"" + n + "\"").toList()) + " (" + ParserLimits.SIGNATURE_NAMES
                    + " names those taken), got " + (signature != null ? "\"" + clip(signature) + "\"" : describe(signatureToken)),
                    src, value, true);
        }
        if (inputs) {
            return whole(ErrorCode.BAD_ENVELOPE, instancesToken != null
                    ? "the envelope has both \"instances\" and \"inputs\"; send only \"instances\""
                    : "the columnar \"inputs\" format is not accepted; send \"instances\"", src, value, true);
        }
        if (instancesToken == null) {
            List<String> atTop = top.knownPresent();
            return whole(ErrorCode.BAD_ENVELOPE, "an envelope needs \"instances\"" + (atTop.isEmpty() ? ""
                    : "; " + String.join(", ", atTop) + " are at its top level: put the request in \"instances\": [{...}],"
                            + " or send it without signature_name"), src, value, true);
        }
        if (instancesToken != JsonToken.START_ARRAY) {
            return whole(ErrorCode.BAD_ENVELOPE, "\"instances\" must be an array, got " + describe(instancesToken), src, value, true);
        }
        if (instances.isEmpty()) {
            return whole(ErrorCode.EMPTY_ENVELOPE, "the envelope has no instances", src, value, true);
        }
        return envelope(top, instances, slices, src, value);
    }

    /** Reads the instances array; false when it holds more than the limit (reading stops there). */
    private boolean readInstances(JsonParser p, List<InstanceFields> instances, List<int[]> slices) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (instances.size() >= limits.maxInstances) return false;
            int start = (int) p.currentTokenLocation().getByteOffset();
            if (t == JsonToken.START_OBJECT) {
                InstanceFields f = new InstanceFields();
                JsonToken ft;
                while ((ft = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    f.read(name, p.nextToken(), p, limits.maxExtraFields);
                }
                int end = (int) p.currentTokenLocation().getByteOffset() + 1;
                instances.add(f);
                slices.add(new int[] {start, end});
            } else {
                // Not an object: remember its kind in the slice; it becomes a dead letter.
                p.skipChildren();
                int end;
                if (t == JsonToken.START_ARRAY) {
                    end = (int) p.currentTokenLocation().getByteOffset() + 1;
                } else {
                    p.finishToken();
                    end = (int) p.currentLocation().getByteOffset();
                }
                instances.add(null);
                slices.add(new int[] {start, end, t.ordinal()});
            }
        }
        return true;
    }

    private ParseResult single(InstanceFields f, SourcePosition src, byte[] value) {
        Problem problem = validate(f, src, null);
        if (problem != null) {
            ParseResult refused = whole(problem.code, problem.message, src, value, true);
            refused.deadLetters().get(0).field = problem.field;
            return refused;
        }
        return ParseResult.of(keepOriginal(request(f, src, -1, null, f.extras()), value, 0, value.length));
    }

    private ParseResult envelope(InstanceFields top, List<InstanceFields> instances, List<int[]> slices,
                                 SourcePosition src, byte[] value) {
        List<String> envelopeExtras = new ArrayList<>(0);
        for (String name : top.knownPresent()) envelopeExtras.add("envelope." + name);
        for (String name : top.extras()) envelopeExtras.add("envelope." + name);
        List<RatingRequest> requests = new ArrayList<>(instances.size());
        List<DeadLetter> deadLetters = new ArrayList<>(0);
        String base = null; // built only when an instance has no request_id
        for (int i = 0; i < instances.size(); i++) {
            InstanceFields f = instances.get(i);
            int[] slice = slices.get(i);
            Problem problem = f == null
                    ? new Problem(ErrorCode.NOT_AN_OBJECT, null, "instance " + i + " must be a JSON object, got "
                            + describe(JsonToken.values()[slice[2]]))
                    : validate(f, src, top);
            if (problem != null) {
                DeadLetter d = DeadLetters.of(problem.code, problem.message, src, i, value, slice[0], slice[1], true,
                        limits.maxDeadLetterPayloadBytes);
                d.field = problem.field;
                deadLetters.add(d);
                continue;
            }
            List<String> extras = envelopeExtras.isEmpty() ? f.extras() : merge(envelopeExtras, f.extras());
            if (f.requestId == null && base == null) base = src.defaultRequestId() + "#";
            requests.add(keepOriginal(request(f, src, i, base, extras), value, slice[0], slice[1]));
        }
        return new ParseResult(requests, deadLetters);
    }

    /** {@code top} is the envelope's own top level (null outside an envelope): a field there applies to no instance. */
    private Problem validate(InstanceFields f, SourcePosition src, InstanceFields top) {
        if (f.duplicate != null) return new Problem(ErrorCode.DUPLICATE_FIELD, null, "the key \"" + clip(f.duplicate) + "\" appears twice");
        if (f.requestIdToken != null && f.requestIdToken != JsonToken.VALUE_NULL) {
            Problem p = checkString(InstanceFields.REQUEST_ID, f.requestIdToken, f.requestId, limits.maxRequestIdChars);
            if (p != null) return p;
        }
        Problem p = requiredString(InstanceFields.USER_ID, f.userIdToken, f.userId, limits.maxUserIdChars, f, top);
        if (p != null) return p;
        p = requiredString(InstanceFields.MOVIE_TITLE, f.titleToken, f.title, limits.maxTitleChars, f, top);
        if (p != null) return p;
        return checkTimestamp(f, src, top);
    }

    private Problem requiredString(String field, JsonToken token, String value, int maxChars, InstanceFields f,
                                   InstanceFields top) {
        if (token == null || token == JsonToken.VALUE_NULL) {
            return new Problem(ErrorCode.MISSING_FIELD, field, field + " is required" + (token == null ? "" : " and must not be null")
                    + atTopLevel(field, top) + otherKeys(f));
        }
        if (token == JsonToken.VALUE_NUMBER_INT && field.equals(InstanceFields.USER_ID)) {
            return new Problem(ErrorCode.WRONG_TYPE, field, field + " must be a string, got a number: send it as a string"
                    + " (\"587\"), also for a model whose user-id input is an integer");
        }
        return checkString(field, token, value, maxChars);
    }

    /**
     * A model imported with its own input names is still sent marquee's field names: a client that sends the model's
     * names (TF Serving requires them) sees them named here.
     */
    private static String otherKeys(InstanceFields f) {
        if (f.extras().isEmpty()) return "";
        List<String> shown = new ArrayList<>();
        String lookalike = null;
        for (String name : f.extras()) {
            shown.add(visible(name));
            String bare = withoutInvisible(name);
            if (lookalike == null && !bare.equals(name) && List.of(InstanceFields.USER_ID, InstanceFields.MOVIE_TITLE,
                    InstanceFields.TIMESTAMP, InstanceFields.REQUEST_ID).contains(bare)) {
                lookalike = visible(name) + " is " + bare + " with invisible characters or spaces (a byte-order mark from"
                        + " a CSV export, a non-breaking space): ";
            }
        }
        return " (the instance has " + String.join(", ", shown) + ": " + (lookalike != null ? lookalike : "")
                + "requests name the fields user_id, movie_title and timestamp, whatever the model's input names)";
    }

    /** A key as a person can read it: invisible and control characters as {@code \\uXXXX}. */
    static String visible(String name) {
        StringBuilder b = new StringBuilder();
        name.codePoints().forEach(c -> {
            if (invisible(c)) b.append(String.format(java.util.Locale.ROOT, "\\u%04X", c));
            else b.appendCodePoint(c);
        });
        return b.toString();
    }

    private static String withoutInvisible(String name) {
        StringBuilder b = new StringBuilder();
        name.codePoints().filter(c -> !invisible(c)).forEach(b::appendCodePoint);
        return b.toString().strip();
    }

    private static boolean invisible(int c) {
        int type = Character.getType(c);
        return type == Character.FORMAT || type == Character.CONTROL || type == Character.SURROGATE // an unpaired half
                || (type == Character.SPACE_SEPARATOR || Character.isWhitespace(c)) && c != ' ';
    }

    /** A hint for an instance missing a field that its envelope has at the top level, where TF Serving ignores it. */
    private static String atTopLevel(String field, InstanceFields top) {
        return top != null && top.knownPresent().contains(field)
                ? " in each instance (the envelope has " + field + " at its top level, where it applies to no instance)" : "";
    }

    private Problem checkString(String field, JsonToken token, String value, int maxChars) {
        if (token != JsonToken.VALUE_STRING) {
            return new Problem(ErrorCode.WRONG_TYPE, field, field + " must be a string, got " + describe(token)
                    + (token == JsonToken.START_OBJECT ? " (if it is TF Serving's {\"b64\": ...} form: that form is not"
                            + " taken; send the text as a JSON string)" : ""));
        }
        if (Chars.isBlank(value)) return new Problem(ErrorCode.EMPTY_FIELD, field, field + " must not be empty");
        if (value.length() > maxChars) {
            return new Problem(ErrorCode.FIELD_TOO_LONG, field, field + " has " + value.length() + " characters (UTF-16 units: an emoji counts 2); the limit is " + maxChars);
        }
        int bad = firstBadCharacter(value);
        if (bad >= 0) {
            return new Problem(ErrorCode.BAD_CHARACTERS, field, field + " has a control character or unpaired surrogate at index " + bad);
        }
        return null;
    }

    private Problem checkTimestamp(InstanceFields f, SourcePosition src, InstanceFields top) {
        JsonToken token = f.timestampToken;
        String field = InstanceFields.TIMESTAMP;
        // not when the envelope has a timestamp of its own: the record's time would silently stand in for the client's
        boolean clientGaveOne = top != null && top.timestampToken != null && top.timestampToken != JsonToken.VALUE_NULL;
        if ((token == null || token == JsonToken.VALUE_NULL) && limits.timestampFromRecord && src != null && src.hasTimestamp()
                && !clientGaveOne) {
            // parser.missing-timestamp=record-time: a client of a model without a timestamp input (TF Serving refuses
            // the key then) sends none; the record's Kafka timestamp, in seconds, stands in for it
            f.timestamp = Math.floorDiv(src.timestamp, 1000);
            token = JsonToken.VALUE_NUMBER_INT;
        }
        if (token == null || token == JsonToken.VALUE_NULL) {
            return new Problem(ErrorCode.MISSING_FIELD, field, field + " is required" + (token == null ? "" : " and must not be null")
                    + atTopLevel(field, top) + otherKeys(f));
        }
        if (f.timestampNotFinite) {
            return new Problem(ErrorCode.WRONG_TYPE, field, field + " must be a whole number of seconds since the epoch, got NaN"
                    + " or an infinity");
        }
        if (token != JsonToken.VALUE_NUMBER_INT) {
            return new Problem(ErrorCode.WRONG_TYPE, field, field + " must be a whole number of seconds since the epoch, got "
                    + (token == JsonToken.VALUE_NUMBER_FLOAT ? "a number with a fraction" : describe(token)));
        }
        if (f.timestampBeyondInt64) return new Problem(ErrorCode.OUT_OF_RANGE, field, field + " does not fit in 64 bits");
        if (f.timestamp < limits.minTimestamp || f.timestamp > limits.maxTimestamp) {
            return new Problem(ErrorCode.OUT_OF_RANGE, field, field + " " + f.timestamp + " is outside [" + limits.minTimestamp
                    + ", " + limits.maxTimestamp + "] (seconds since the epoch)");
        }
        return null;
    }

    /** Keeps a reference to the record in {@code r} when it is small enough for a dead letter to carry uncut. */
    private RatingRequest keepOriginal(RatingRequest r, byte[] value, int from, int to) {
        if (value.length <= limits.maxDeadLetterPayloadBytes) {
            r.original = value;
            r.originalFrom = from;
            r.originalTo = to;
        }
        return r;
    }

    /** {@code envelopeBase} is the envelope's default id prefix (null outside an envelope, or when not needed). */
    private static RatingRequest request(InstanceFields f, SourcePosition src, int index, String envelopeBase,
                                         List<String> extras) {
        RatingRequest r = new RatingRequest();
        if (f.requestId != null) {
            r.requestId = f.requestId;
        } else {
            r.requestId = index < 0 ? src.defaultRequestId() : envelopeBase + index;
        }
        r.requestIdGiven = f.requestId != null;
        r.userId = f.userId;
        r.movieTitle = f.title;
        r.timestamp = f.timestamp;
        r.source = src;
        r.instanceIndex = index;
        r.extraFields = extras.isEmpty() ? RatingRequest.NO_FIELDS : extras.toArray(new String[0]);
        return r;
    }

    private ParseResult whole(ErrorCode code, String message, SourcePosition src, byte[] value, boolean utf8) {
        int length = value == null ? 0 : value.length;
        return ParseResult.of(DeadLetters.of(code, message, src, -1, value, 0, length, utf8, limits.maxDeadLetterPayloadBytes));
    }

    private ParseResult trailing(SourcePosition src, byte[] value) {
        return whole(ErrorCode.MALFORMED_JSON, "malformed JSON: data after the end of the JSON value", src, value, true);
    }

    private static ErrorCode codeOf(StreamConstraintsException e) {
        String m = String.valueOf(e.getOriginalMessage());
        if (m.contains("nesting depth")) return ErrorCode.TOO_DEEP;
        if (m.startsWith("Number")) return ErrorCode.OUT_OF_RANGE;
        if (m.startsWith("String") || m.startsWith("Name")) return ErrorCode.FIELD_TOO_LONG;
        return ErrorCode.TOO_LARGE;
    }

    private static String messageOf(StreamConstraintsException e) {
        String m = String.valueOf(e.getOriginalMessage());
        // The reader counts a key's length in UTF-8 bytes, as it reads it, at every depth: say so.
        if (m.startsWith("Name")) return "a key is longer than " + MAX_KEY_BYTES + " bytes of UTF-8 (" + m + ")";
        return m;
    }

    /** Blank as a request field is: empty, or only Unicode spaces and invisible characters (docs/EVENTS.md). */
    public static boolean isBlank(String s) {
        return Chars.isBlank(s);
    }

    /** Index of the first C0/C1 control character or unpaired surrogate, or -1. */
    public static int firstBadCharacter(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) return i;
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            } else if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    private static List<String> merge(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a.size() + b.size());
        all.addAll(a);
        all.addAll(b);
        return all;
    }

    private static String describe(JsonToken t) {
        switch (t) {
            case VALUE_STRING: return "a string";
            case VALUE_NUMBER_INT: return "a whole number";
            case VALUE_NUMBER_FLOAT: return "a decimal number";
            case VALUE_TRUE:
            case VALUE_FALSE: return "a boolean";
            case VALUE_NULL: return "null";
            case START_OBJECT: return "an object";
            case START_ARRAY: return "an array";
            default: return t.toString();
        }
    }

    private static String clip(String s) {
        s = Chars.withoutLoneSurrogates(s);
        return s.length() <= 64 ? s : Chars.clip(s, 64) + "...";
    }

    private JsonFactory factory() {
        if (factory == null) {
            factory = JsonFactory.builder()
                    // NaN and Infinity (Python's json module writes them; TF Serving parses them) are one instance's
                    // wrong type, not the whole envelope's malformed JSON
                    .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(limits.maxDepth)
                            .maxNumberLength(64)
                            .maxStringLength(limits.maxPayloadBytes)
                            .maxNameLength(Math.min(limits.maxPayloadBytes, MAX_KEY_BYTES))
                            .build())
                    .build();
        }
        return factory;
    }

    private static final class Problem {
        final ErrorCode code;
        /** The contract field at fault, or null when the problem is not one field's. */
        final String field;
        final String message;

        Problem(ErrorCode code, String field, String message) {
            this.code = code;
            this.field = field;
            this.message = message;
        }
    }
}

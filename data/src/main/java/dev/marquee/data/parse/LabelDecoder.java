package dev.marquee.data.parse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marquee.data.event.Rating;
import dev.marquee.data.json.EventJson;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * Reads a label on {@code ratings} with the request parser's rules for the fields they share, not Jackson's
 * coercions: a user id, title or request id sent as a decimal or a boolean would otherwise become its literal text
 * ("196.0"), a label that never joins its prediction; a fractional timestamp would be cut to the second and a blank
 * one become "no timestamp". What a TF-Serving client sends in a request is taken here too: a one-element array of a
 * scalar, and a decimal timestamp without a fraction (decision 0001, amendment). Used by the scoring job and the
 * trainer alike, so a label one keeps the other keeps.
 */
public final class LabelDecoder {
    /** Decimals read exactly: a fraction in the 9th decimal place of a timestamp is a fraction, not a rounding. */
    static final com.fasterxml.jackson.databind.ObjectReader READER = EventJson.mapper().reader()
            .with(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            // as the request parser refuses it: a second label after the first ("{...}\n{...}") would be dropped unseen
            .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // stripping every decimal's zeros (an extra field of 1,000-digit numbers: ~1 s a label) is left to timestamp()
            .without(com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            // what Python's json.dumps writes for a float NaN or infinity, as the request parser reads it: taken in a
            // field the label does not read, refused in one it does (docs/EVENTS.md)
            .with(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS);
    /** JSON's number syntax, which a string rating or timestamp must follow (not Java's "4f" or "0x1p2"). */
    private static final java.util.regex.Pattern JSON_NUMBER =
            java.util.regex.Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    /** Longer number text is refused before it is parsed (BigDecimal's parse grows with the square of its length). */
    private static final int MAX_NUMBER_CHARS = 40;

    private LabelDecoder() {}

    /**
     * The first key the label's object holds twice at its top level, or null: the request parser checks an
     * instance's top-level keys the same way (of two user_id keys the last would win); nested ones are left alone.
     */
    static String repeatedTopLevelKey(byte[] value) {
        try (com.fasterxml.jackson.core.JsonParser p = READER.createParser(value)) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) return null;
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (var t = p.nextToken(); t == com.fasterxml.jackson.core.JsonToken.FIELD_NAME; t = p.nextToken()) {
                if (!seen.add(p.currentName())) return p.currentName();
                p.nextToken();
                p.skipChildren();
            }
            return null;
        } catch (IOException e) {
            return null; // the tree was read: the parse that failed here has nothing more to say
        }
    }

    /** The label, or an {@link IllegalArgumentException} saying why it is not one. */
    public static Rating decode(byte[] value) {
        // before Jackson, which would detect UTF-16 or UTF-32 and take a label whose request the parser refuses
        if (value != null && !Utf8.isValidWithoutNul(value)) {
            throw new IllegalArgumentException("not UTF-8 text (or holds NUL bytes), as a request must be");
        }
        JsonNode node;
        try {
            node = READER.readTree(value);
        } catch (IOException | NumberFormatException e) { // an exponent beyond BigDecimal's (1e2147483648)
            throw new IllegalArgumentException("not JSON: " + firstLine(e.getMessage()), e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("a label is a JSON object, got " + (node == null ? "nothing" : node.getNodeType()));
        }
        String repeated = repeatedTopLevelKey(value);
        if (repeated != null) {
            throw new IllegalArgumentException("the key \"" + repeated + "\" appears twice (which one is the label's?)");
        }
        Rating r = new Rating();
        r.userId = userId(scalar(node, "user_id"));
        r.movieTitle = string(scalar(node, "movie_title"), "movie_title");
        r.rating = rating(scalar(node, "rating"));
        r.timestamp = timestamp(scalar(node, "timestamp"));
        r.requestId = requestId(node.get("request_id")); // not unwrapped: a request's request_id is not either
        return r;
    }

    /** The field, unwrapped from a one-element array (TF Serving's row format of a column input); null when absent. */
    private static JsonNode scalar(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v != null && v.isArray() && v.size() == 1 && v.get(0).isValueNode()) v = v.get(0);
        return v == null || v.isNull() ? null : v;
    }

    private static String string(JsonNode v, String field) {
        if (v == null) return null;
        if (!v.isTextual()) throw new IllegalArgumentException(field + " must be a string, got " + describe(v));
        return v.textValue();
    }

    /** A string, or a JSON integer taken as its decimal text ("587"), as ratings files take it. */
    private static String userId(JsonNode v) {
        if (v != null && v.isIntegralNumber()) return v.asText();
        if (v != null && !v.isTextual()) {
            throw new IllegalArgumentException("user_id must be a string (or a whole number), got " + describe(v));
        }
        return v == null ? null : v.textValue();
    }

    /** A string, or a JSON integer taken as its digits, as before this reader (a decimal or a boolean is refused). */
    private static String requestId(JsonNode v) {
        if (v == null || v.isNull()) return null;
        if (v.isIntegralNumber()) return v.asText();
        return string(v, "request_id");
    }

    /** A number, or a string holding one in JSON's syntax ("4"); NaN when absent (refused by the label rules). */
    private static float rating(JsonNode v) {
        if (v == null) return Float.NaN;
        if (v.isNumber()) return v.floatValue();
        if (v.isTextual()) return number(v.textValue(), "rating").floatValue();
        throw new IllegalArgumentException("rating must be a number, got " + describe(v));
    }

    /**
     * Whole seconds: an integer, a decimal without a fraction, or a string of either; absent or null is 0, no
     * timestamp. A fraction, a blank string or anything else is refused (before, cut to the second or made 0).
     */
    private static long timestamp(JsonNode v) {
        if (v == null) return 0;
        BigDecimal d;
        if (v.isNumber() && !Double.isFinite(v.doubleValue()) && !v.isBigDecimal() && !v.isIntegralNumber()) {
            throw new IllegalArgumentException("timestamp must be a whole number of seconds, got " + v.asText());
        } else if (v.isNumber()) {
            d = v.decimalValue(); // exact: the reader keeps decimals as BigDecimal
        } else if (v.isTextual()) {
            d = number(v.textValue(), "timestamp");
        } else {
            throw new IllegalArgumentException("timestamp must be a whole number of seconds, got " + describe(v));
        }
        if (d.signum() != 0 && d.scale() > 0 && d.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException("timestamp " + clip(v.asText()) + " has a fraction; labels carry whole seconds");
        }
        try {
            return d.longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("timestamp " + clip(v.asText()) + " does not fit in 64 bits");
        }
    }

    /** A string holding a number in JSON's syntax, of at most {@value #MAX_NUMBER_CHARS} characters. */
    private static BigDecimal number(String text, String field) {
        String t = text.trim();
        if (t.length() > MAX_NUMBER_CHARS || !JSON_NUMBER.matcher(t).matches()) {
            throw new IllegalArgumentException(field + " \"" + clip(text) + "\" is not a number");
        }
        return new BigDecimal(t);
    }

    private static String describe(JsonNode v) {
        return switch (v.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case BOOLEAN -> "a boolean";
            case NUMBER -> "a number (" + clip(v.asText()) + ")";
            default -> v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String clip(String s) {
        return s.length() > 40 ? Chars.clip(s, 40) + "..." : s;
    }

    private static String firstLine(String message) {
        if (message == null) return "(no message)";
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }
}

package dev.marquee.data.parse;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The fields of one JSON object as read, before validation: for each known field the JSON token it had (null
 * when absent) and its value, plus the names of the fields the contract does not know.
 */
final class InstanceFields {
    static final String REQUEST_ID = "request_id";
    static final String USER_ID = "user_id";
    static final String MOVIE_TITLE = "movie_title";
    static final String TIMESTAMP = "timestamp";
    private static final int MAX_EXTRA_NAME_CHARS = 64;

    JsonToken requestIdToken;
    String requestId;
    JsonToken userIdToken;
    String userId;
    JsonToken titleToken;
    String title;
    JsonToken timestampToken;
    long timestamp;
    boolean timestampBeyondInt64;
    /** NaN or an infinity, which Python's json module writes for a missing value and TF Serving parses. */
    boolean timestampNotFinite;
    /** The first key seen twice, or null. */
    String duplicate;

    private final List<String> extras = new ArrayList<>(0);
    private Set<String> seen;
    private int seenKnown;

    /** Reads the current value of field {@code name} (the parser stands on the value's first token). */
    void read(String name, JsonToken value, JsonParser p, int maxExtraFields) throws IOException {
        if (!markSeen(name)) {
            if (duplicate == null) duplicate = name;
            p.skipChildren();
            return;
        }
        switch (name) {
            case REQUEST_ID:
                requestIdToken = value;
                requestId = stringOrSkip(value, p);
                break;
            case USER_ID:
                userIdToken = scalar(value, p);
                userId = scalarText;
                break;
            case MOVIE_TITLE:
                titleToken = scalar(value, p);
                title = scalarText;
                break;
            case TIMESTAMP:
                timestampToken = scalar(value, p);
                timestamp = scalarNumber;
                timestampBeyondInt64 = scalarBeyondInt64;
                timestampNotFinite = scalarNotFinite;
                break;
            default:
                if (extras.size() < maxExtraFields) {
                    extras.add(Chars.clip(Chars.withoutLoneSurrogates(name), MAX_EXTRA_NAME_CHARS));
                }
                p.skipChildren();
        }
    }

    List<String> extras() {
        return extras;
    }

    /** Names of the known fields present, for an envelope whose top level carries them by mistake. */
    List<String> knownPresent() {
        List<String> names = new ArrayList<>(0);
        if (requestIdToken != null) names.add(REQUEST_ID);
        if (userIdToken != null) names.add(USER_ID);
        if (titleToken != null) names.add(MOVIE_TITLE);
        if (timestampToken != null) names.add(TIMESTAMP);
        return names;
    }

    /** False when the key was seen before. Known keys are tracked by bit, so the common record allocates no set. */
    private boolean markSeen(String name) {
        int bit;
        switch (name) {
            case REQUEST_ID: bit = 1; break;
            case USER_ID: bit = 2; break;
            case MOVIE_TITLE: bit = 4; break;
            case TIMESTAMP: bit = 8; break;
            default:
                if (seen == null) seen = new HashSet<>(8);
                return seen.add(name);
        }
        if ((seenKnown & bit) != 0) return false;
        seenKnown |= bit;
        return true;
    }

    // What scalar() read last (the common path allocates nothing): its text, or its whole number and whether that
    // is beyond 64 bits.
    private String scalarText;
    private long scalarNumber;
    private boolean scalarBeyondInt64;
    private boolean scalarNotFinite;

    /**
     * The value of a contract field: a scalar, or the element of a one-element array holding one, since TF Serving's
     * row format gives each instance an input's own shape and a client of a model whose inputs are columns ([n,1])
     * sends {@code ["196"]}. Any other array or object is skipped and answers its start token (a wrong type).
     */
    private JsonToken scalar(JsonToken value, JsonParser p) throws IOException {
        scalarText = null;
        scalarNumber = 0;
        scalarBeyondInt64 = false;
        scalarNotFinite = false;
        if (value == JsonToken.START_ARRAY) {
            JsonToken inner = p.nextToken();
            if (inner == JsonToken.END_ARRAY) return JsonToken.START_ARRAY;
            if (inner != null && inner.isScalarValue()) {
                JsonToken element = read(inner, p);
                JsonToken after = p.nextToken();
                if (after == JsonToken.END_ARRAY) return element;
                skipRestOfArray(p, after);
            } else {
                skipRestOfArray(p, inner);
            }
            scalarText = null;
            scalarNumber = 0;
            scalarBeyondInt64 = false;
            scalarNotFinite = false;
            return JsonToken.START_ARRAY;
        }
        if (!value.isScalarValue()) {
            p.skipChildren();
            return value;
        }
        return read(value, p);
    }

    /**
     * A scalar's text or whole number. A decimal without a fraction ({@code 892870992.0}, {@code 8.9287e8}) reads as
     * that whole number (VALUE_NUMBER_INT): TF Serving makes a client of a float timestamp input send it so (a whole
     * number above 2^24 does not convert to float32 there without loss). With a fraction it stays a decimal (a wrong
     * type for every field). BigDecimal's exact conversion refuses huge exponents at once; only a positive scale is stripped of zeros.
     */
    private JsonToken read(JsonToken t, JsonParser p) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            scalarText = p.getText();
            return t;
        }
        if (t == JsonToken.VALUE_NUMBER_INT) {
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) scalarBeyondInt64 = true;
            else scalarNumber = p.getLongValue();
            return t;
        }
        if (t == JsonToken.VALUE_NUMBER_FLOAT) {
            if (p.isNaN()) {
                scalarNotFinite = true;
                return t;
            }
            java.math.BigDecimal d;
            try {
                d = p.getDecimalValue();
            } catch (NumberFormatException e) { // an exponent beyond Jackson's limits: a huge or a tiny number
                String text = p.getText();
                int exponent = Math.max(text.indexOf('e'), text.indexOf('E'));
                boolean negativeExponent = exponent >= 0 && exponent + 1 < text.length() && text.charAt(exponent + 1) == '-';
                if (negativeExponent) return t;
                scalarBeyondInt64 = true;
                return JsonToken.VALUE_NUMBER_INT;
            }
            // only a positive scale can hide a fraction; stripping zeros from 100e2147483647 would overflow the scale
            if (d.signum() != 0 && d.scale() > 0 && d.stripTrailingZeros().scale() > 0) return t;
            try {
                scalarNumber = d.longValueExact();
            } catch (ArithmeticException e) {
                scalarBeyondInt64 = true;
            }
            return JsonToken.VALUE_NUMBER_INT;
        }
        return t;
    }

    /** Skips what is left of the array the parser is in, {@code current} being the token it is on. */
    private static void skipRestOfArray(JsonParser p, JsonToken current) throws IOException {
        int depth = 1;
        for (JsonToken t = current; t != null; t = p.nextToken()) {
            if (t == JsonToken.START_ARRAY || t == JsonToken.START_OBJECT) depth++;
            else if (t == JsonToken.END_ARRAY || t == JsonToken.END_OBJECT) depth--;
            if (depth == 0) return;
        }
    }

    private static String stringOrSkip(JsonToken value, JsonParser p) throws IOException {
        if (value == JsonToken.VALUE_STRING) return p.getText();
        p.skipChildren();
        return null;
    }
}

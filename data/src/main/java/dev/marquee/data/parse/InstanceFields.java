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
                userIdToken = value;
                userId = stringOrSkip(value, p);
                break;
            case MOVIE_TITLE:
                titleToken = value;
                title = stringOrSkip(value, p);
                break;
            case TIMESTAMP:
                timestampToken = value;
                if (value == JsonToken.VALUE_NUMBER_INT) {
                    JsonParser.NumberType type = p.getNumberType();
                    if (type == JsonParser.NumberType.BIG_INTEGER) timestampBeyondInt64 = true;
                    else timestamp = p.getLongValue();
                } else {
                    p.skipChildren();
                }
                break;
            default:
                if (extras.size() < maxExtraFields) {
                    extras.add(Chars.clip(name, MAX_EXTRA_NAME_CHARS));
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

    private static String stringOrSkip(JsonToken value, JsonParser p) throws IOException {
        if (value == JsonToken.VALUE_STRING) return p.getText();
        p.skipChildren();
        return null;
    }
}

package dev.marquee.data.replay.drift;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.marquee.data.event.Rating;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One rating request as the replay is about to write it: the four contract fields, open to drift. A drift may
 * change their values, send one of them as another JSON type ({@link #retype}), or add fields the contract
 * does not know ({@link #addExtra}). Unchanged, it writes exactly
 * {@code {"request_id":..,"user_id":..,"movie_title":..,"timestamp":..}}.
 */
public final class OutgoingRequest {
    public static final String REQUEST_ID = "request_id";
    public static final String USER_ID = "user_id";
    public static final String MOVIE_TITLE = "movie_title";
    public static final String TIMESTAMP = "timestamp";

    private final String requestId;
    private String userId;
    private String movieTitle;
    private long timestamp;
    /** Contract fields sent as another JSON type: field name to the value written instead; null when none. */
    private Map<String, Object> retyped;
    /** Fields outside the contract, in the order added; null when none. */
    private Map<String, Object> extras;
    private boolean drifted;

    public OutgoingRequest(String requestId, String userId, String movieTitle, long timestamp) {
        this.requestId = requestId;
        this.userId = userId;
        this.movieTitle = movieTitle;
        this.timestamp = timestamp;
    }

    public static OutgoingRequest of(String requestId, Rating r) {
        return new OutgoingRequest(requestId, r.userId, r.movieTitle, r.timestamp);
    }

    public String requestId() {
        return requestId;
    }

    public String userId() {
        return userId;
    }

    public void userId(String value) {
        this.userId = value;
    }

    public String movieTitle() {
        return movieTitle;
    }

    public void movieTitle(String value) {
        this.movieTitle = value;
    }

    public long timestamp() {
        return timestamp;
    }

    public void timestamp(long value) {
        this.timestamp = value;
    }

    /**
     * Writes contract field {@code field} as {@code value} instead of its typed value: a String, a Number, a
     * Boolean, a List or a Map of these.
     */
    public void retype(String field, Object value) {
        if (!USER_ID.equals(field) && !MOVIE_TITLE.equals(field) && !TIMESTAMP.equals(field)) {
            throw new IllegalArgumentException("only user_id, movie_title and timestamp can be retyped, got " + field);
        }
        if (retyped == null) retyped = new LinkedHashMap<>(2);
        retyped.put(field, value);
    }

    /** Adds a field the contract does not know, written after the contract's fields. */
    public void addExtra(String name, Object value) {
        if (REQUEST_ID.equals(name) || USER_ID.equals(name) || MOVIE_TITLE.equals(name) || TIMESTAMP.equals(name)) {
            throw new IllegalArgumentException(name + " is a contract field, not an extra one");
        }
        if (extras == null) extras = new LinkedHashMap<>(4);
        extras.put(name, value);
    }

    /** Extra fields in the order they are written. */
    public Map<String, Object> extras() {
        return extras == null ? Map.of() : Collections.unmodifiableMap(extras);
    }

    /** True when a drift injection chose this request (even if its kinds left it unchanged). */
    public boolean drifted() {
        return drifted;
    }

    void markDrifted() {
        drifted = true;
    }

    /** Writes the request as one JSON object. */
    public void writeTo(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField(REQUEST_ID, requestId);
        if (retyped == null) {
            g.writeStringField(USER_ID, userId);
            g.writeStringField(MOVIE_TITLE, movieTitle);
            g.writeNumberField(TIMESTAMP, timestamp);
        } else {
            writeField(g, USER_ID, retyped.containsKey(USER_ID) ? retyped.get(USER_ID) : userId);
            writeField(g, MOVIE_TITLE, retyped.containsKey(MOVIE_TITLE) ? retyped.get(MOVIE_TITLE) : movieTitle);
            writeField(g, TIMESTAMP, retyped.containsKey(TIMESTAMP) ? retyped.get(TIMESTAMP) : (Object) timestamp);
        }
        if (extras != null) {
            for (Map.Entry<String, Object> e : extras.entrySet()) writeField(g, e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    private static void writeField(JsonGenerator g, String name, Object value) throws IOException {
        g.writeFieldName(name);
        writeValue(g, value);
    }

    private static void writeValue(JsonGenerator g, Object value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof String s) {
            g.writeString(s);
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            g.writeNumber(((Number) value).longValue());
        } else if (value instanceof Number n) {
            g.writeNumber(n.doubleValue());
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (value instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) writeField(g, String.valueOf(e.getKey()), e.getValue());
            g.writeEndObject();
        } else if (value instanceof List<?> list) {
            g.writeStartArray();
            for (Object item : list) writeValue(g, item);
            g.writeEndArray();
        } else {
            throw new IllegalArgumentException("cannot write a " + value.getClass().getName() + " as JSON");
        }
    }

    @Override
    public String toString() {
        return "OutgoingRequest{" + requestId + ", " + userId + ", " + movieTitle + ", " + timestamp
                + (retyped == null ? "" : ", retyped " + retyped.keySet()) + (extras == null ? "" : ", extras " + extras.keySet()) + "}";
    }
}

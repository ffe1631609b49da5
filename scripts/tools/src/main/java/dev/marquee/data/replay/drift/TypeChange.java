package dev.marquee.data.replay.drift;

import java.util.Locale;
import java.util.Map;

/**
 * Sends one contract field with the wrong JSON type, as a producer with a schema bug would: {@code timestamp}
 * as a string ("892870992") or an object ({"seconds":892870992}); {@code user_id} as a number (the id's digits,
 * or a stable hash of a non-numeric id) or an object ({"id":"587"}); {@code movie_title} as a number (a stable
 * hash of the title) or an object ({"title":"..."}).
 */
public final class TypeChange implements DriftKind {
    /** The JSON type a field is sent as. */
    public enum JsonType {
        STRING, NUMBER, OBJECT;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final String field;
    private final JsonType type;

    public TypeChange(String field, JsonType type) {
        JsonType contract = contractType(field);
        if (type == contract) {
            throw new IllegalArgumentException(field + " is a " + contract.label() + " already; choose " + wrongTypes(field));
        }
        this.field = field;
        this.type = type;
    }

    /** The field sent as its default wrong type: timestamp as a string, user_id and movie_title as numbers. */
    public static TypeChange of(String field) {
        return new TypeChange(field, contractType(field) == JsonType.NUMBER ? JsonType.STRING : JsonType.NUMBER);
    }

    public String field() {
        return field;
    }

    public JsonType type() {
        return type;
    }

    @Override
    public String describe() {
        return field + " sent as a" + (type == JsonType.OBJECT ? "n " : " ") + type.label();
    }

    @Override
    public RequestDrift start(DriftContext context, long seed) {
        return request -> request.retype(field, value(request));
    }

    private Object value(OutgoingRequest r) {
        switch (field) {
            case OutgoingRequest.TIMESTAMP:
                return type == JsonType.STRING ? String.valueOf(r.timestamp()) : Map.of("seconds", r.timestamp());
            case OutgoingRequest.USER_ID:
                return type == JsonType.NUMBER ? asNumber(r.userId()) : Map.of("id", r.userId());
            default:
                return type == JsonType.NUMBER ? (long) (r.movieTitle().hashCode() & 0x7fffffff) : Map.of("title", r.movieTitle());
        }
    }

    private static long asNumber(String id) {
        if (!id.isEmpty() && id.length() <= 18 && id.chars().allMatch(c -> c >= '0' && c <= '9')) return Long.parseLong(id);
        return id.hashCode() & 0x7fffffffL;
    }

    static JsonType contractType(String field) {
        switch (field) {
            case OutgoingRequest.TIMESTAMP: return JsonType.NUMBER;
            case OutgoingRequest.USER_ID:
            case OutgoingRequest.MOVIE_TITLE: return JsonType.STRING;
            default: throw new IllegalArgumentException("the field must be timestamp, user_id or movie_title, got '" + field + "'");
        }
    }

    static String wrongTypes(String field) {
        return OutgoingRequest.TIMESTAMP.equals(field) ? "string or object" : "number or object";
    }
}

package dev.marquee.job.audit;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Request records a scoring job must refuse without failing: broken JSON, wrong shapes and types, values out of
 * range, bytes that are not UTF-8, empty values and tombstones, a deeply nested document, and a TF-Serving envelope
 * that mixes valid and invalid instances (its valid instances must still be scored). {@link #payload(long)} cycles
 * through them, so any count mixes every kind.
 */
public final class HostileRequests {
    /** How many kinds {@link #payload(long)} cycles through. */
    public static final int KINDS = 10;
    /** The request timestamp of the envelope's valid instances unless told otherwise: in MovieLens 100K's range. */
    public static final long DEFAULT_TIMESTAMP = 892_870_992L;

    private HostileRequests() {}

    /** The {@code n}-th hostile record's value; null is a tombstone. Request ids start with {@code hostile-n}. */
    public static byte[] payload(long n) {
        return payload(n, DEFAULT_TIMESTAMP);
    }

    /**
     * As above, with {@code timestamp} (seconds) on the envelope's valid instances, which the job scores and whose
     * timestamps therefore move its event time like any request's.
     */
    public static byte[] payload(long n, long timestamp) {
        String id = "hostile-" + n;
        return switch ((int) (n % KINDS)) {
            case 0 -> utf8("{\"request_id\":\"" + id + "\",\"user_id\":\"7\",\"movie_title\":");
            case 1 -> utf8("[\"7\",\"Star Wars (1977)\",892870992]");
            case 2 -> utf8("{\"request_id\":\"" + id + "\",\"user_id\":\"7\",\"movie_title\":\"Star Wars (1977)\"}");
            case 3 -> utf8("{\"request_id\":\"" + id + "\",\"user_id\":\"7\",\"movie_title\":\"Star Wars (1977)\","
                    + "\"timestamp\":\"yesterday\"}");
            case 4 -> utf8("{\"request_id\":\"" + id + "\",\"user_id\":\"7\",\"movie_title\":\"Star Wars (1977)\","
                    + "\"timestamp\":99999999999999999999999}");
            case 5 -> new byte[] {'{', '"', 'u', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"', '}'};
            case 6 -> new byte[0];
            case 7 -> null;
            case 8 -> utf8("[".repeat(5_000) + "]".repeat(5_000));
            default -> utf8(String.format(Locale.ROOT, "{\"signature_name\":\"serving_default\",\"instances\":["
                    + "{\"request_id\":\"%1$s-0\",\"user_id\":\"7\",\"movie_title\":\"Star Wars (1977)\",\"timestamp\":%2$d},"
                    + "{\"request_id\":\"%1$s-1\",\"user_id\":7,\"movie_title\":\"Star Wars (1977)\",\"timestamp\":%2$d},"
                    + "{\"request_id\":\"%1$s-2\",\"user_id\":\"8\",\"movie_title\":\"Fargo (1996)\",\"timestamp\":%3$d}]}",
                    id, timestamp, timestamp + 1));
        };
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

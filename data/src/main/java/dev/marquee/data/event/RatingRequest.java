package dev.marquee.data.event;

import java.util.Arrays;
import java.util.Objects;

/**
 * One validated request for a rating prediction. Topic {@code rating-requests} carries it as a single JSON
 * object or as one instance of a TF-Serving envelope.
 */
public class RatingRequest {
    /** Given by the producer, or {@code topic-partition-offset[#index]}. */
    public String requestId;
    public String userId;
    public String movieTitle;
    /** Seconds since the epoch. */
    public long timestamp;
    public SourcePosition source;
    /** Position inside a TF-Serving envelope, or -1 for a plain single-instance record. */
    public int instanceIndex = -1;
    /** False when the producer sent no {@code request_id} and the default was used (a missing optional field). */
    public boolean requestIdGiven = true;
    /** Names of fields the contract does not know (schema drift); empty when none. Bounded by the parser. */
    public String[] extraFields = NO_FIELDS;

    public static final String[] NO_FIELDS = new String[0];

    /**
     * The record this request was parsed from, and where in it the request lies ({@code [originalFrom, originalTo)}:
     * the whole record, or the envelope's instance), kept by the parser for a record no larger than
     * {@code parser.max-dead-letter-payload-bytes}, so that a refusal after validation carries the original bytes.
     * Transient: Flink's POJO serializer and Jackson leave it out, so only an operator chained to the parser (the
     * scorer, as the job wires it) sees it; null elsewhere.
     */
    public transient byte[] original;
    public transient int originalFrom;
    public transient int originalTo;

    public RatingRequest() {}

    public RatingRequest(String requestId, String userId, String movieTitle, long timestamp) {
        this.requestId = requestId;
        this.userId = userId;
        this.movieTitle = movieTitle;
        this.timestamp = timestamp;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof RatingRequest)) return false;
        RatingRequest r = (RatingRequest) o;
        return timestamp == r.timestamp && instanceIndex == r.instanceIndex
                && Objects.equals(requestId, r.requestId) && Objects.equals(userId, r.userId)
                && Objects.equals(movieTitle, r.movieTitle) && Objects.equals(source, r.source)
                && Arrays.equals(extraFields, r.extraFields);
    }

    @Override
    public int hashCode() {
        return Objects.hash(requestId, userId, movieTitle, timestamp, source, instanceIndex);
    }

    @Override
    public String toString() {
        return "RatingRequest{" + requestId + ", user=" + userId + ", title=" + movieTitle + ", ts=" + timestamp + "}";
    }
}

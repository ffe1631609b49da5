package dev.marquee.data.event;

import java.util.Objects;

/** A true rating (a label): one user's rating of one movie at a time. Topic {@code ratings}. */
public class Rating {
    /** The lowest rating a label may carry: MovieLens' one star, with half a star of slack. */
    public static final float MIN_LABEL = 0.5f;
    /** The highest rating a label may carry: five stars, with half a star of slack. */
    public static final float MAX_LABEL = 5.5f;
    /**
     * The latest timestamp a label may carry, 2100-01-01T00:00:00Z in seconds, as for requests
     * ({@code parser.max-timestamp}'s default): beyond it is almost surely milliseconds sent as seconds.
     */
    public static final long LATEST_TIMESTAMP = 4_102_444_800L;

    public String userId;
    public String movieTitle;
    /** 1 to 5 in MovieLens; the readers take {@value #MIN_LABEL} to {@value #MAX_LABEL} (ml-latest files 0.5 to 5.0). */
    public float rating;
    /** Seconds since the epoch. */
    public long timestamp;
    /**
     * Optional: the {@code request_id} of the request whose prediction this label answers. When set, the scoring
     * job matches the label with that prediction only; when absent, by user, title and timestamp.
     */
    public String requestId;

    public Rating() {}

    public Rating(String userId, String movieTitle, float rating, long timestamp) {
        this.userId = userId;
        this.movieTitle = movieTitle;
        this.rating = rating;
        this.timestamp = timestamp;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof Rating)) return false;
        Rating r = (Rating) o;
        return Float.compare(rating, r.rating) == 0 && timestamp == r.timestamp
                && Objects.equals(userId, r.userId) && Objects.equals(movieTitle, r.movieTitle)
                && Objects.equals(requestId, r.requestId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(userId, movieTitle, rating, timestamp, requestId);
    }

    @Override
    public String toString() {
        return "Rating{" + userId + ", " + movieTitle + ", " + rating + ", " + timestamp
                + (requestId == null ? "" : ", request " + requestId) + "}";
    }
}

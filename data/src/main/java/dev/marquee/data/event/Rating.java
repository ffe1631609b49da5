package dev.marquee.data.event;

import java.util.Objects;

/** A true rating (a label): one user's rating of one movie at a time. Topic {@code ratings}. */
public class Rating {
    public String userId;
    public String movieTitle;
    /** 1 to 5 in MovieLens; any finite value is accepted by the readers. */
    public float rating;
    /** Seconds since the epoch. */
    public long timestamp;

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
                && Objects.equals(userId, r.userId) && Objects.equals(movieTitle, r.movieTitle);
    }

    @Override
    public int hashCode() {
        return Objects.hash(userId, movieTitle, rating, timestamp);
    }

    @Override
    public String toString() {
        return "Rating{" + userId + ", " + movieTitle + ", " + rating + ", " + timestamp + "}";
    }
}

package dev.marquee.data.movielens;

import dev.marquee.data.event.Rating;

/** One line of {@code u.data} (or {@code u1.base}, {@code u1.test}): numeric ids, as in the file. */
public record MovieLensRating(int userId, int itemId, int rating, long timestamp) {

    /** The label event, keyed as the reference series keys it: user id as text and the movie's title. */
    public Rating toRating(String movieTitle) {
        return new Rating(Integer.toString(userId), movieTitle, rating, timestamp);
    }
}

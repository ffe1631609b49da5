package dev.marquee.data.movielens;

import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One line of {@code u.item}.
 *
 * @param id the item id (1-based in MovieLens)
 * @param title the title exactly as in the file (decoded from ISO-8859-1), e.g. "Misérables, Les (1995)"
 * @param releaseDate the release date column, when present
 * @param releaseYear the release date's year, else the "(yyyy)" year in the title, else empty
 * @param genres genre names in {@link Genres#ALL} order
 * @param imdbUrl the IMDb URL column, possibly empty
 */
public record Movie(int id, String title, Optional<LocalDate> releaseDate, OptionalInt releaseYear,
                    List<String> genres, String imdbUrl) {
    public Movie {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(releaseDate, "releaseDate");
        Objects.requireNonNull(releaseYear, "releaseYear");
        genres = List.copyOf(genres);
        imdbUrl = imdbUrl == null ? "" : imdbUrl;
    }
}

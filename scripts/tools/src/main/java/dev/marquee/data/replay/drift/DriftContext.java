package dev.marquee.data.replay.drift;

import dev.marquee.data.event.Rating;
import dev.marquee.data.movielens.Movie;
import java.util.List;

/**
 * What one replay sends: its rows in replay order, and the catalog they come from ({@code u.item}'s movies),
 * empty when the rows have none (a ratings file, generated rows).
 */
public record DriftContext(List<Rating> rows, List<Movie> catalog) {
    public DriftContext {
        rows = List.copyOf(rows);
        catalog = List.copyOf(catalog);
    }
}

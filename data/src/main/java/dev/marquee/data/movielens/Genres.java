package dev.marquee.data.movielens;

import java.util.List;

/** MovieLens 100K's genres in the order of {@code u.genre} and of the 19 flags in {@code u.item}. */
public final class Genres {
    public static final List<String> ALL = List.of(
            "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary",
            "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller",
            "War", "Western");

    private Genres() {}
}

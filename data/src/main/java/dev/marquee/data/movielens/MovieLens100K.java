package dev.marquee.data.movielens;

import dev.marquee.data.event.Rating;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MovieLens 100K read from a {@link MovieLensDir}. Movies and users are read once and kept; ratings are
 * read on each call (100k rows take a few tens of milliseconds).
 *
 * <p>Ratings become {@link Rating} events keyed as the reference series keys them: {@code userId} is the
 * numeric user id as text and {@code movieTitle} is the item's title exactly as in {@code u.item}. A few
 * titles occur under two item ids (e.g. "Chasing Amy (1997)"); as titles they are one movie. Use
 * {@link #rawRatings(String)} and {@link #movies()} when the item id matters.
 */
public final class MovieLens100K {
    private final MovieLensDir dir;
    private Map<Integer, Movie> movies;
    private Map<Integer, User> users;

    public MovieLens100K(MovieLensDir dir) {
        this.dir = dir;
    }

    /** The dataset at {@link MovieLensDir#resolve()}. */
    public static MovieLens100K open() {
        return new MovieLens100K(MovieLensDir.resolve());
    }

    public MovieLensDir dir() {
        return dir;
    }

    /** Item id to movie, in id order. */
    public synchronized Map<Integer, Movie> movies() {
        if (movies == null) {
            Map<Integer, Movie> byId = new LinkedHashMap<>();
            for (Movie m : MovieLensFormat.readMovies(dir.require(MovieLensDir.U_ITEM))) {
                byId.put(m.id(), m);
            }
            movies = Collections.unmodifiableMap(byId);
        }
        return movies;
    }

    /** User id to user, in file order. */
    public synchronized Map<Integer, User> users() {
        if (users == null) {
            Map<Integer, User> byId = new LinkedHashMap<>();
            for (User u : MovieLensFormat.readUsers(dir.require(MovieLensDir.U_USER))) {
                byId.put(u.id(), u);
            }
            users = Collections.unmodifiableMap(byId);
        }
        return users;
    }

    /** Every distinct title in {@code u.item}, in item id order (duplicated titles once). */
    public List<String> titles() {
        return movies().values().stream().map(Movie::title).distinct().toList();
    }

    /** All 100,000 ratings of {@code u.data}, in file order. */
    public List<Rating> ratings() {
        return ratings(MovieLensDir.U_DATA);
    }

    /** MovieLens' own first fold, training part ({@code u1.base}, 80,000 rows). */
    public List<Rating> u1Base() {
        return ratings(MovieLensDir.U1_BASE);
    }

    /** MovieLens' own first fold, test part ({@code u1.test}, 20,000 rows). */
    public List<Rating> u1Test() {
        return ratings(MovieLensDir.U1_TEST);
    }

    /** A {@code u.data}-format file of the directory as rating events, in file order. */
    public List<Rating> ratings(String fileName) {
        Path file = dir.require(fileName);
        List<MovieLensRating> raw = MovieLensFormat.readRatings(file);
        Map<Integer, Movie> byId = movies();
        List<Rating> out = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            MovieLensRating r = raw.get(i);
            Movie movie = byId.get(r.itemId());
            if (movie == null) {
                throw new DataFileException(file.toString(), 0,
                        "rating #" + (i + 1) + " refers to item id " + r.itemId() + ", which is not in u.item");
            }
            out.add(r.toRating(movie.title()));
        }
        return out;
    }

    /** A {@code u.data}-format file of the directory with numeric ids, in file order. */
    public List<MovieLensRating> rawRatings(String fileName) {
        return MovieLensFormat.readRatings(dir.require(fileName));
    }
}

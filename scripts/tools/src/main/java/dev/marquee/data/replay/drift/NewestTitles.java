package dev.marquee.data.replay.drift;

import dev.marquee.data.event.Rating;
import dev.marquee.data.movielens.Movie;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Shifts the title distribution to the newest movies: each affected request gets a title drawn uniformly from
 * the newest {@code fraction} of the catalog by release date (movies without one are left out). Without a
 * catalog, "newest" is judged from the rows: their distinct titles ordered by first rating timestamp.
 */
public final class NewestTitles implements DriftKind {
    public static final double DEFAULT_FRACTION = 0.1;
    private static final long SALT = 1;

    private final double fraction;

    public NewestTitles(double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("the newest fraction must be above 0 and at most 1, got " + fraction);
        }
        this.fraction = fraction;
    }

    public double fraction() {
        return fraction;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "titles from the newest %s%% of the catalog", percent(fraction));
    }

    @Override
    public RequestDrift start(DriftContext context, long seed) {
        return draw(pool(context), Seeds.derive(seed, SALT));
    }

    /** The titles this kind draws from, oldest first. */
    public List<String> pool(DriftContext context) {
        List<String> ordered = context.catalog().isEmpty() ? byFirstRating(context.rows()) : byReleaseDate(context.catalog());
        return newest(ordered, fraction);
    }

    static RequestDrift draw(List<String> pool, Random random) {
        if (pool.isEmpty()) return request -> { };
        return request -> request.movieTitle(pool.get(random.nextInt(pool.size())));
    }

    static List<String> newest(List<String> oldestFirst, double fraction) {
        if (oldestFirst.isEmpty()) return List.of();
        // The small epsilon keeps 0.1 * 1680 = 168.00000000000003 from rounding up to 169.
        int k = (int) Math.max(1, Math.min(oldestFirst.size(), Math.ceil(fraction * oldestFirst.size() - 1e-9)));
        return List.copyOf(oldestFirst.subList(oldestFirst.size() - k, oldestFirst.size()));
    }

    private static List<String> byReleaseDate(List<Movie> catalog) {
        // A title listed under two item ids counts once, at its later release date.
        Map<String, Movie> latest = new LinkedHashMap<>();
        Map<String, LocalDate> dates = new HashMap<>();
        for (Movie m : catalog) {
            LocalDate date = releaseDate(m);
            if (date == null) continue;
            LocalDate seen = dates.get(m.title());
            if (seen == null || date.isAfter(seen)) {
                dates.put(m.title(), date);
                latest.put(m.title(), m);
            }
        }
        List<Movie> movies = new ArrayList<>(latest.values());
        movies.sort(Comparator.comparing((Movie m) -> dates.get(m.title())).thenComparingInt(Movie::id));
        return movies.stream().map(Movie::title).toList();
    }

    private static LocalDate releaseDate(Movie m) {
        if (m.releaseDate().isPresent()) return m.releaseDate().get();
        return m.releaseYear().isPresent() ? LocalDate.of(m.releaseYear().getAsInt(), 1, 1) : null;
    }

    private static List<String> byFirstRating(List<Rating> rows) {
        Map<String, long[]> first = new LinkedHashMap<>(); // title -> {first timestamp, first position}
        for (int i = 0; i < rows.size(); i++) {
            Rating r = rows.get(i);
            long[] f = first.get(r.movieTitle);
            if (f == null) first.put(r.movieTitle, new long[] {r.timestamp, i});
            else if (r.timestamp < f[0]) f[0] = r.timestamp;
        }
        List<Map.Entry<String, long[]>> entries = new ArrayList<>(first.entrySet());
        entries.sort(Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[0])
                .thenComparingLong(e -> e.getValue()[1]));
        return entries.stream().map(Map.Entry::getKey).toList();
    }

    static String percent(double fraction) {
        double p = fraction * 100;
        return p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p);
    }
}

package dev.marquee.data.replay;

import dev.marquee.data.config.SettingException;
import dev.marquee.data.config.Settings;
import dev.marquee.data.event.Rating;
import dev.marquee.data.movielens.Movie;
import dev.marquee.data.movielens.MovieLens100K;
import dev.marquee.data.movielens.MovieLensDir;
import dev.marquee.data.movielens.MovieLensLatest;
import dev.marquee.data.movielens.RatingsFile;
import dev.marquee.data.movielens.Split;
import dev.marquee.data.movielens.Splits;
import dev.marquee.data.synth.SyntheticRatings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which ratings to replay: a MovieLens 100K directory, a MovieLens ml-latest-format directory (or its
 * ratings.csv with movies.csv beside it) or a ratings file, optionally one part of a split, in
 * time order, optionally only the first N.
 */
public final class RatingSelection {
    public static final String DATA = "data";
    public static final String SPLIT = "split";
    public static final String PART = "part";
    public static final String SEED = "seed";
    public static final String LIMIT = "limit";
    public static final long DEFAULT_SEED = 42;

    private final String data;
    private final String split;
    private final String part;
    private final long seed;
    private final int limit;

    public RatingSelection(Settings settings) {
        this(settings.string(DATA, null), settings.string(SPLIT, null), settings.string(PART, null),
                settings.longInRange(SEED, DEFAULT_SEED, Long.MIN_VALUE, Long.MAX_VALUE),
                settings.intInRange(LIMIT, Integer.MAX_VALUE, 0, Integer.MAX_VALUE));
    }

    /**
     * @param data  a directory, a ratings file or synthetic[:N]; null for {@code $MOVIELENS_DIR} or the default
     * @param split all, time, u1 or random; null for all
     * @param part  train, validation, test or all; null for all of split all, else test
     * @param limit the first rows in time order to keep, 0 or more
     */
    public RatingSelection(String data, String split, String part, long seed, int limit) {
        if (limit < 0) throw new SettingException("--" + LIMIT + " must be 0 or more, got " + limit);
        if (data != null && data.isBlank()) { // --data "$DATA" with DATA unset: not the default dataset, silently
            throw new SettingException("--" + DATA + " needs a folder, a ratings file or synthetic:N; got an empty value");
        }
        this.data = data;
        this.split = split == null ? "all" : split;
        if (part != null && !List.of("train", "validation", "test", "all").contains(part)) {
            throw new SettingException("--" + PART + " must be train, validation, test or all, got '" + part + "'");
        }
        if ("all".equals(this.split) && part != null && !"all".equals(part)) {
            // else every row would go out, the training period's included, while the user asked for one part
            throw new SettingException("--" + PART + " " + part + " needs --" + SPLIT + " time, u1 or random (which split's "
                    + part + " part?)");
        }
        this.part = part != null ? part : "all".equals(this.split) ? "all" : "test";
        if ("u1".equals(this.split) && "validation".equals(this.part)) { // else 0 rows sent, and exit 0
            throw new SettingException("--" + SPLIT + " u1 has no validation part: u1.base is its train part and u1.test"
                    + " its test part");
        }
        this.seed = seed;
        this.limit = limit;
    }

    /** The selected rows in time order, and a description of where they came from. */
    public Selected load() {
        List<Rating> all;
        String from;
        MovieLens100K movieLens = null;
        List<Movie> catalog = List.of();
        Path file = data == null ? null : Path.of(data);
        Optional<MovieLensLatest> latest = SyntheticRatings.isOption(data) ? Optional.empty()
                : MovieLensLatest.detect(file != null ? file : fromEnvironment());
        if (SyntheticRatings.isOption(data)) {
            all = synthetic(data, seed);
            from = "generated data (" + data + ", seed " + seed + ")";
        } else if (latest.isPresent()) {
            if ("u1".equals(split)) throw new SettingException("--split u1 needs a MovieLens 100K directory as --data, not the ml-latest format");
            all = latest.get().ratings();
            from = latest.get().description();
            catalog = List.copyOf(latest.get().movies().values());
        } else if (file != null && Files.isRegularFile(file)) {
            all = RatingsFile.read(file);
            from = "ratings file " + file;
        } else {
            MovieLensDir dir = data == null ? MovieLensDir.resolve() : MovieLensDir.resolve(data);
            movieLens = new MovieLens100K(dir);
            all = "u1".equals(split) ? List.of() : movieLens.ratings();
            from = "MovieLens 100K at " + dir.path();
        }
        List<Rating> rows = new ArrayList<>(pick(all, movieLens, split, part, seed));
        rows.sort(Comparator.comparingLong(r -> r.timestamp));
        if (rows.size() > limit) rows = new ArrayList<>(rows.subList(0, limit));
        String what = "all".equals(split) ? from : from + " (split " + split + ", part " + part + ")";
        if (movieLens != null) catalog = List.copyOf(movieLens.movies().values());
        return new Selected(rows, what, catalog);
    }

    /** {@code $MOVIELENS_DIR} (which may name an ml-latest-format directory too), else the default directory. */
    private static Path fromEnvironment() {
        String dir = System.getenv(MovieLensDir.ENV);
        return Path.of(dir == null || dir.isBlank() ? MovieLensDir.DEFAULT_RELATIVE : dir.trim());
    }

    private static List<Rating> synthetic(String data, long seed) {
        try {
            return SyntheticRatings.fromOption(data, seed);
        } catch (IllegalArgumentException e) {
            throw new SettingException(e.getMessage());
        }
    }

    private static List<Rating> pick(List<Rating> all, MovieLens100K movieLens, String split, String part, long seed) {
        Split s;
        switch (split) {
            case "all": return all;
            case "time": s = Splits.referenceTime(all); break;
            case "random": s = Splits.seededRandom(all, seed); break;
            case "u1":
                if (movieLens == null) throw new SettingException("--split u1 needs a MovieLens 100K directory as --data");
                s = Splits.movieLensU1(movieLens);
                break;
            default: throw new SettingException("--split must be all, time, u1 or random, got '" + split + "'");
        }
        switch (part) {
            case "train": return s.train();
            case "validation": return s.validation();
            case "test": return s.test();
            case "all":
                List<Rating> rows = new ArrayList<>(s.train());
                rows.addAll(s.validation());
                rows.addAll(s.test());
                return rows;
            default: throw new SettingException("--part must be train, validation, test or all, got '" + part + "'");
        }
    }

    /** Rows, where they came from, and the catalog they belong to. */
    public static final class Selected {
        public final List<Rating> rows;
        public final String description;
        /** The movies of {@code u.item} or {@code movies.csv} when the rows come from MovieLens, else empty. */
        public final List<Movie> catalog;

        Selected(List<Rating> rows, String description, List<Movie> catalog) {
            this.rows = rows;
            this.description = description;
            this.catalog = catalog;
        }
    }
}

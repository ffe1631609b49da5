package dev.marquee.model.cli;

import dev.marquee.data.config.SettingException;
import dev.marquee.data.event.Rating;
import dev.marquee.data.movielens.MovieLens100K;
import dev.marquee.data.movielens.MovieLensDir;
import dev.marquee.data.movielens.MovieLensLatest;
import dev.marquee.data.movielens.RatingsFile;
import dev.marquee.data.movielens.Split;
import dev.marquee.data.movielens.Splits;
import dev.marquee.data.synth.SyntheticRatings;
import dev.marquee.data.title.TitleCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine.Option;

/**
 * The ratings a command trains or evaluates on (a picocli mixin): {@code --data} (a MovieLens 100K directory, a
 * MovieLens ml-latest-format directory or its ratings.csv, or a ratings .csv/.jsonl file; default
 * {@code $MOVIELENS_DIR}, else ../shared/data/ml-100k) cut by {@code --split}.
 */
public final class DataOptions {
    static final String SPLIT_DESCRIPTION = "time: first 60%% of the time range / next 20%% / last 20%% (the reference"
            + " series'); u1: MovieLens' u1.base/u1.test; random: seeded 80/10/10 (default: time)";

    /** How the ratings are cut; the constants are spelled as they are typed. */
    public enum SplitKind { time, u1, random }

    /** What {@code --data} may name, for every command that reads it. */
    public static final String DATA_FORMATS = "MovieLens 100K directory, MovieLens ml-latest-format directory"
            + " (ratings.csv + movies.csv) or its ratings.csv, a ratings .csv/.jsonl file with user_id and movie_title,"
            + " or synthetic[:N] (generated rows)";

    @Option(names = "--data", paramLabel = "PATH", description = {DATA_FORMATS,
            "(default: $MOVIELENS_DIR, else ../shared/data/ml-100k)"})
    String data;

    @Option(names = "--split", paramLabel = "time|u1|random", description = SPLIT_DESCRIPTION)
    SplitKind split;

    /** A split and where its ratings came from. */
    record LoadedSplit(Split split, String source) {}

    LoadedSplit load(Console console, long seed) {
        return load(data, split, console, seed);
    }

    static LoadedSplit load(String data, SplitKind kind, Console console, long seed) {
        if (data != null && data.isBlank()) {
            // --data "$DATA" with DATA unset: not the default dataset, silently
            throw new SettingException("--data needs a folder, a ratings file or synthetic:N; got an empty value");
        }
        String splitName = (kind == null ? SplitKind.time : kind).name();
        if (SyntheticRatings.isOption(data)) {
            if (splitName.equals("u1")) throw new SettingException("--split u1 needs a MovieLens 100K directory as --data");
            List<Rating> ratings;
            try {
                ratings = SyntheticRatings.fromOption(data, seed);
            } catch (IllegalArgumentException e) {
                throw new SettingException(e.getMessage());
            }
            return new LoadedSplit(cut(ratings, splitName, seed), "generated data (" + data + ", seed " + seed + ")");
        }
        Path file = data == null ? null : console.resolve(data);
        Optional<MovieLensLatest> latest = MovieLensLatest.detect(file != null ? file : fromEnvironment(console));
        if (latest.isPresent()) {
            if (splitName.equals("u1")) {
                throw new SettingException("--split u1 needs a MovieLens 100K directory as --data, not the ml-latest format");
            }
            List<Rating> ratings = latest.get().ratings();
            if (ratings.isEmpty()) {
                throw CliException.failure("no ratings in " + latest.get().ratingsFile());
            }
            latest.get().sharedTitlesNote().ifPresent(note -> console.err().println("note: " + note));
            return new LoadedSplit(cut(ratings, splitName, seed), latest.get().description());
        }
        if (file != null && Files.isRegularFile(file)) {
            if (splitName.equals("u1")) {
                throw new SettingException("--split u1 needs a MovieLens 100K directory as --data, not a ratings file");
            }
            List<Rating> ratings = RatingsFile.read(file);
            if (ratings.isEmpty()) {
                throw CliException.failure("no ratings in " + file);
            }
            spellingsNote(ratings, file).ifPresent(note -> console.err().println("note: " + note));
            return new LoadedSplit(cut(ratings, splitName, seed), "ratings file " + file);
        }
        MovieLensDir dir = MovieLensDir.resolve(data, console.env(), console.workingDir());
        MovieLens100K movieLens = new MovieLens100K(dir);
        Split split = splitName.equals("u1") ? Splits.movieLensU1(movieLens) : cut(movieLens.ratings(), splitName, seed);
        return new LoadedSplit(split, "MovieLens 100K at " + dir.path());
    }

    /**
     * Titles of a ratings file that share a canonical key ("Heat (1995)" and "HEAT (1995)"): each is trained as a title
     * of its own, and a request spelt any other way matches none (docs/TITLES.md). Said, not merged: two spellings may
     * be two films, which only the file's writer knows.
     */
    static Optional<String> spellingsNote(List<Rating> ratings, Path file) {
        Map<String, List<String>> shared = TitleCatalog.of(new LinkedHashSet<>(ratings.stream().map(r -> r.movieTitle).toList()))
                .collisions();
        if (shared.isEmpty()) return Optional.empty();
        String examples = shared.values().stream().limit(3)
                .map(titles -> String.join(" / ", titles.stream().map(t -> "\"" + t + "\"").toList()))
                .collect(Collectors.joining("; "));
        return Optional.of(String.format(Locale.ROOT, "%s spells %,d %s more than one way (%s%s): each spelling"
                + " is trained as a title of its own, and a request spelt any other way matches none of them (scored as"
                + " an unknown title); write one spelling per film (docs/TITLES.md, \"Collisions and ambiguity\")",
                file, shared.size(), shared.size() == 1 ? "title" : "titles", examples, shared.size() > 3 ? "; ..." : ""));
    }

    /** {@code $MOVIELENS_DIR} (which may name an ml-latest-format directory too), else the default directory. */
    private static Path fromEnvironment(Console console) {
        String dir = console.env().get(MovieLensDir.ENV);
        return console.resolve(dir == null || dir.isBlank() ? MovieLensDir.DEFAULT_RELATIVE : dir.trim());
    }

    private static Split cut(List<Rating> ratings, String splitName, long seed) {
        return splitName.equals("time") ? Splits.referenceTime(ratings)
                : Splits.seededRandom(ratings, seed);
    }
}

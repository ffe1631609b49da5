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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
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

    @Option(names = "--data", paramLabel = "PATH", description = {"MovieLens 100K directory, MovieLens"
            + " ml-latest-format directory (ratings.csv + movies.csv) or its ratings.csv, a ratings .csv/.jsonl file"
            + " with user_id and movie_title, or synthetic[:N] (generated rows)",
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
            return new LoadedSplit(cut(ratings, splitName, seed), "ratings file " + file);
        }
        MovieLensDir dir = MovieLensDir.resolve(data, console.env(), console.workingDir());
        MovieLens100K movieLens = new MovieLens100K(dir);
        Split split = splitName.equals("u1") ? Splits.movieLensU1(movieLens) : cut(movieLens.ratings(), splitName, seed);
        return new LoadedSplit(split, "MovieLens 100K at " + dir.path());
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

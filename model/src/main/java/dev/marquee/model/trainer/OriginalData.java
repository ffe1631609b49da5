package dev.marquee.model.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marquee.data.event.Rating;
import dev.marquee.data.movielens.MovieLens100K;
import dev.marquee.data.movielens.MovieLensDir;
import dev.marquee.data.movielens.MovieLensLatest;
import dev.marquee.data.movielens.RatingsFile;
import dev.marquee.data.movielens.Split;
import dev.marquee.data.movielens.Splits;
import dev.marquee.data.synth.SyntheticRatings;
import dev.marquee.model.TrainingRows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The data a retrain starts from, cut as the serving version's was (its card's split: the seeded random split,
 * MovieLens' u1 fold, else the reference time split); its training part is trained on, its validation part gives
 * the candidate's card metrics when too few labels are held out (the gate judges on labels only). A version that was refit on train + validation ({@code marquee train --refit}) is
 * retrained on both: the loaded split's training part then holds the validation rows, and it has no validation
 * part. Which data: {@code --data} when given, else the data
 * the serving version's model card names, else MovieLens ({@code $MOVIELENS_DIR}, else
 * ../shared/data/ml-100k). Each may be MovieLens 100K, the ml-latest format (ratings.csv + movies.csv) or a
 * ratings file.
 */
final class OriginalData {
    /** How {@code marquee train} describes its data in the model card's {@code data.source}. */
    private static final Pattern SYNTHETIC = Pattern.compile("generated data \\((synthetic(?::\\d+)?), seed (-?\\d+)\\)");
    private static final Pattern MOVIELENS = Pattern.compile("MovieLens 100K at (.+)");
    private static final Pattern FILE = Pattern.compile("ratings file (.+)");
    static final long DEFAULT_SYNTHETIC_SEED = 42;

    /**
     * @param split the rows as the retrain uses them: for a refit version, train + validation as its training part
     * @param option what to record in the next card to find the same data again: "synthetic:N", or an
     *     absolute path
     * @param splitName how the data was cut ({@link Split#name()} before any refit), for the next card
     * @param refit whether the training part holds the validation rows (the serving version was refit)
     */
    record Loaded(Split split, String description, String option, long seed, String splitName, boolean refit) {}

    /** How the serving version's data was cut: its card's {@code retrain.original_split}, else {@code data.split}. */
    private static final Pattern RANDOM_SPLIT = Pattern.compile("random-80/10/10-seed(-?\\d+)");
    private static final String U1_SPLIT = "u1";

    /** Cuts the ratings; {@code movieLens} is the MovieLens 100K directory they came from, else null. */
    private interface Cut {
        Split apply(List<Rating> ratings, MovieLens100K movieLens);
    }

    private final String explicitData;
    private final Map<String, String> env;
    private final Path workingDir;

    OriginalData(String explicitData, Map<String, String> env, Path workingDir) {
        if (explicitData != null && explicitData.isBlank()) { // --data "$DATA" with DATA unset: not another dataset, silently
            throw new dev.marquee.data.config.SettingException("--data needs a folder, a ratings file or synthetic:N; got"
                    + " an empty value");
        }
        this.explicitData = explicitData;
        this.env = env;
        this.workingDir = workingDir;
    }

    /** The serving version was imported without the data it learned from, and no {@code --data} says what to use. */
    static final class NoTrainingData extends IllegalStateException {
        NoTrainingData(String message) {
            super(message);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }

    Loaded load(JsonNode servingCard) {
        if (explicitData == null && servingCard != null && servingCard.path("data").has("unknown")) {
            // MovieLens from the environment would be a guess: the team's model may have learned from anything
            throw new NoTrainingData("the serving version was imported without its training data (`marquee import`"
                    + " without --data), so what it learned from is unknown: give the trainer --data, the ratings to"
                    + " retrain on; nothing trained");
        }
        Loaded loadedAsCut = loadAsCut(servingCard);
        String part = servingCard == null || !ModelCardOrigin.imported(servingCard) ? ""
                : servingCard.at("/data/part").asText("");
        if (part.isEmpty() || part.equals("train")) return loadedAsCut;
        return new Loaded(loadedAsCut.split(), loadedAsCut.description() + " (the imported version was trained on the"
                + " split's '" + part + "' part; a retrain trains on its training part, as for a version trained here)",
                loadedAsCut.option(), loadedAsCut.seed(), loadedAsCut.splitName(), loadedAsCut.refit());
    }

    private Loaded loadAsCut(JsonNode servingCard) {
        String splitName = servingCard == null ? "" : servingCard.at("/retrain/original_split").asText(
                servingCard.at("/data/split").asText(""));
        Matcher random = RANDOM_SPLIT.matcher(splitName);
        // A version that learned from a random split or the u1 fold is retrained from the same rows: a time
        // split's training part holds other users, and the candidate would lose most of what the serving version
        // knew. u1 exists only in a MovieLens 100K directory; other data falls back to the time split.
        Cut cut = random.matches()
                ? (ratings, movieLens) -> Splits.seededRandom(ratings, Long.parseLong(random.group(1)))
                : U1_SPLIT.equals(splitName)
                ? (ratings, movieLens) -> movieLens != null ? Splits.movieLensU1(movieLens) : Splits.referenceTime(ratings)
                : (ratings, movieLens) -> Splits.referenceTime(ratings);
        boolean refit = servingCard != null && servingCard.at("/retrain/original_refit").asBoolean(
                servingCard.at("/refit").asBoolean(false));
        Loaded loaded = loadData(servingCard, cut);
        if (!refit) return loaded;
        Split s = loaded.split();
        Split refitSplit = new Split(s.name(), TrainingRows.refitRows(s.train(), s.validation()), List.of(), s.test());
        return new Loaded(refitSplit, loaded.description(), loaded.option(), loaded.seed(), loaded.splitName(), true);
    }

    private Loaded loadData(JsonNode servingCard, Cut splitter) {
        String option = explicitData;
        long seed = DEFAULT_SYNTHETIC_SEED;
        if (option == null && servingCard != null) {
            JsonNode recorded = servingCard.at("/retrain/original_data");
            String source = servingCard.at("/data/source").asText("");
            Matcher m;
            if (recorded.isTextual()) {
                option = recorded.asText();
                seed = servingCard.at("/retrain/original_seed").asLong(DEFAULT_SYNTHETIC_SEED);
            } else if ((m = SYNTHETIC.matcher(source)).matches()) {
                option = m.group(1);
                seed = Long.parseLong(m.group(2));
            } else if ((m = MOVIELENS.matcher(source)).matches() || (m = FILE.matcher(source)).matches()) {
                option = m.group(1);
            } else if (MovieLensLatest.describedPath(source).isPresent()) {
                option = MovieLensLatest.describedPath(source).get();
            }
            option = hereOrFromEnvironment(option);
        } else if (servingCard != null) {
            seed = servingCard.at("/retrain/original_seed").asLong(servingCard.at("/parameters/seed")
                    .asLong(DEFAULT_SYNTHETIC_SEED));
        }
        return load(option, seed, splitter);
    }

    private Loaded load(String option, long seed, Cut splitter) {
        if (SyntheticRatings.isOption(option)) {
            List<Rating> ratings = SyntheticRatings.fromOption(option, seed);
            return loaded(splitter.apply(ratings, null), "generated data (" + option + ", seed " + seed + ")", option,
                    seed);
        }
        Path file = option == null ? null : workingDir.resolve(option).toAbsolutePath().normalize();
        Optional<MovieLensLatest> latest = MovieLensLatest.detect(file != null ? file : fromEnvironment());
        if (latest.isPresent()) {
            return loaded(splitter.apply(latest.get().ratings(), null), latest.get().description(),
                    latest.get().path().toString(), seed);
        }
        if (file != null && Files.isRegularFile(file)) {
            List<Rating> ratings = RatingsFile.read(file);
            return loaded(splitter.apply(ratings, null), "ratings file " + file, file.toString(), seed);
        }
        MovieLensDir dir = MovieLensDir.resolve(option, env, workingDir);
        MovieLens100K movieLens = new MovieLens100K(dir);
        return loaded(splitter.apply(movieLens.ratings(), movieLens), "MovieLens 100K at " + dir.path(),
                dir.path().toAbsolutePath().toString(), seed);
    }

    /**
     * The card's path when this host has it; else, with {@code $MOVIELENS_DIR} set, none (so the environment's is
     * used): the first version is often trained on a workstation and the trainer runs elsewhere (a pod with the data
     * mounted at another path), and the card names the workstation's path.
     */
    private String hereOrFromEnvironment(String recorded) {
        if (recorded == null || SyntheticRatings.isOption(recorded)) return recorded;
        if (Files.exists(workingDir.resolve(recorded))) return recorded;
        String dir = env.get(MovieLensDir.ENV);
        return dir == null || dir.isBlank() ? recorded : null;
    }

    /** {@code $MOVIELENS_DIR} (which may name an ml-latest-format directory too), else the default directory. */
    private Path fromEnvironment() {
        String dir = env.get(MovieLensDir.ENV);
        return workingDir.resolve(dir == null || dir.isBlank() ? MovieLensDir.DEFAULT_RELATIVE : dir.trim());
    }

    private static Loaded loaded(Split split, String description, String option, long seed) {
        return new Loaded(split, description, option, seed, split.name(), false);
    }
}

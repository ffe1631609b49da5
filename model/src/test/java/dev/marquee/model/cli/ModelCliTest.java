package dev.marquee.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.marquee.data.event.Rating;
import dev.marquee.data.movielens.MovieLens100K;
import dev.marquee.data.movielens.MovieLensDir;
import dev.marquee.data.movielens.MovieLensLatest;
import dev.marquee.data.movielens.Splits;
import dev.marquee.data.profile.ReferenceProfile;
import dev.marquee.data.synth.SyntheticRatings;
import dev.marquee.model.BatchScorer;
import dev.marquee.model.ModelCard;
import dev.marquee.model.ScoredBatch;
import dev.marquee.model.ScorerThreads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model CLI end to end on generated MovieLens-format files: two versions are trained once into a
 * temporary registry (default architecture on the time split, reference on u1); the tests read, evaluate,
 * list, pin and score them, and check every error is one clean line with the right exit code.
 */
class ModelCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;
    static Path data;
    static Path registry;
    static Path testLog;
    static CliRun trainDefault;
    static CliRun trainReference;

    @TempDir
    Path tmp;

    @BeforeAll
    static void trainTwoVersions() {
        data = shared.resolve("ml");
        new SyntheticRatings(5).users(60).movies(40).ratingsPerUser(20).generate().writeMovieLensFiles(data);
        registry = shared.resolve("registry");
        testLog = shared.resolve("logs/test-log.tsv");
        trainDefault = CliRun.run(shared, "train", "--data", data.toString(), "--split", "time", "--registry",
                registry.toString(), "--epochs", "4", "--batch", "64", "--seed", "3", "--score-test", "--test-log",
                testLog.toString());
        trainReference = CliRun.run(shared, "train", "--data", "ml", "--split", "u1", "--registry", "registry",
                "--arch", "reference", "--epochs", "2", "--lr", "0.05", "--batch", "128");
    }

    @Test
    void trainPrintsEpochsTheTableAndThePublishedVersion() throws IOException {
        assertThat(trainDefault.exitCode()).as(trainDefault.toString()).isZero();
        assertThat(trainDefault.out())
                .contains("split time-60/20/20: train ")
                .contains("default architecture, 16 factors, (user, day) bias, seed 3, adam lr 0.002, batch 64")
                .contains("epoch   1  train RMSE").contains("epoch   4  train RMSE")
                .containsPattern("trained in [0-9.]+ s")
                .containsPattern("\\ndefault +[0-9.]+ / [0-9.]+ +[0-9.]+ / [0-9.]+")
                .containsPattern("\\nglobal mean +[0-9.]+ / [0-9.]+ +[0-9.]+ / [0-9.]+")
                .containsPattern("\\nuser\\+item biases +[0-9.]+ / [0-9.]+ +[0-9.]+ / [0-9.]+")
                .containsPattern("\\nuser\\+item biases: lambda user [0-9]+, item [0-9]+, chosen on the validation")
                .contains("train: test scores appended to " + testLog)
                .contains("published marquee version 1 at " + registry.resolve("marquee/1"));
        Path v1 = registry.resolve("marquee/1");
        assertThat(v1.resolve("saved_model.pb")).isRegularFile();
        assertThat(v1.resolve("assets/" + ReferenceProfile.FILE_NAME)).isRegularFile();
        JsonNode card = ModelCard.read(v1);
        assertThat(card.get("architecture").asText()).isEqualTo("default");
        assertThat(card.at("/data/source").asText()).isEqualTo("MovieLens 100K at " + data);
        assertThat(card.at("/parameters/seed").asLong()).isEqualTo(3);
        assertThat(card.at("/protocol/test_scored").asBoolean()).isTrue();
        assertThat(card.at("/protocol/bias_baseline/tuned").asBoolean()).isTrue();
        assertThat(card.at("/metrics/default/test/rmse").isNumber()).isTrue();

        assertThat(trainReference.exitCode()).as(trainReference.toString()).isZero();
        assertThat(trainReference.out()).contains("split u1: train ").contains("no validation set: holding out")
                .containsPattern("\\nreference +[0-9.]+ / [0-9.]+ +\\(not scored\\)")
                .contains("chosen on the training hold-out")
                .contains("train: test part not scored")
                .contains("published marquee version 2 at " + registry.resolve("marquee/2"));
        JsonNode card2 = ModelCard.read(registry.resolve("marquee/2"));
        assertThat(card2.at("/protocol/test_scored").asBoolean()).isFalse();
        assertThat(card2.at("/metrics/reference/test").isMissingNode()).isTrue();
        assertThat(card2.at("/metrics/reference/validation/rmse").isNumber()).isTrue();
    }

    @Test
    void onlyTheTestScoringIsLogged() throws IOException {
        // Both versions were trained before any test here ran; only the first scored its test part.
        List<String> lines = Files.readAllLines(testLog);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).isEqualTo(dev.marquee.model.TestScoreLog.HEADER);
        String[] f = lines.get(1).split("\t", -1);
        assertThat(f[1]).isEqualTo("train");
        assertThat(f[2]).isEqualTo("time-60/20/20");
        assertThat(f[4]).isEqualTo("default architecture, 16 factors, (user, day) bias, seed 3, adam lr 0.002,"
                + " batch 64, L2 0.05/0.1, up to 4 epochs (patience 4)");
        assertThat(f[5]).isEqualTo("3");
        assertThat(trainDefault.out()).contains("default              ").contains(f[10] + " / " + f[11]);
        assertThat(ModelCard.read(registry.resolve("marquee/2")).at("/parameters/learning_rate").floatValue())
                .isEqualTo(0.05f);
    }

    /** As through scripts/marquee: the last of a repeated option wins and enum values take any case. */
    @Test
    void aRepeatedOptionAndAnEnumInCapitalsAreTakenAsEveryCommandTakesThem() {
        CliRun r = CliRun.run(shared, "evaluate", "--registry", registry.toString(), "--version", "2", "--version", "1",
                "--data", data.toString(), "--split", "TIME");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("marquee version 1 (").contains("split time-60/20/20");
    }

    @Test
    void evaluateReproducesTheTrainingTable() throws IOException {
        Path log = tmp.resolve("evaluate-log.tsv");
        CliRun r = CliRun.run(shared, "evaluate", "--registry", registry.toString(), "--version", "1", "--data",
                data.toString(), "--split", "time", "--score-test", "--test-log", log.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("marquee version 1 (" + registry.resolve("marquee/1") + "), default architecture");
        // Scored through the loaded SavedModel, the metrics are the ones training printed, digit for digit.
        assertThat(tableOf(r.out())).isEqualTo(tableOf(trainDefault.out()));
        assertThat(tableOf(r.out())).hasSize(4);
        assertThat(Files.readAllLines(log)).hasSize(2);
        assertThat(Files.readAllLines(log).get(1)).matches("20[0-9-]{8}T[0-9:]{8}Z\tevaluate marquee version 1 \\(.*")
                .contains("\tdefault architecture, parameters {").contains("\t3\t");

        CliRun validationOnly = CliRun.run(shared, "evaluate", "--registry", registry.toString(), "--version", "2",
                "--data", data.toString(), "--split", "u1", "--test-log", log.toString());
        assertThat(validationOnly.exitCode()).as(validationOnly.toString()).isZero();
        // The u1 version's hold-out is cut again from its card's seed: the training table, digit for digit.
        assertThat(tableOf(validationOnly.out())).isEqualTo(tableOf(trainReference.out()));
        assertThat(validationOnly.out()).contains("evaluate: test part not scored");
        assertThat(Files.readAllLines(log)).hasSize(2);
    }

    @Test
    void trainAndEvaluateAcceptAnMlLatestDirectory() throws IOException {
        // MovieLens' current format, generated: half stars, titles with commas and quotes.
        List<Rating> rows = new ArrayList<>();
        List<Rating> generated = SyntheticRatings.fromOption("synthetic:1500", 9);
        for (int i = 0; i < generated.size(); i++) {
            Rating r = generated.get(i);
            String title = r.movieTitle.hashCode() % 3 == 0 ? "President, The \"" + r.movieTitle + "\"" : r.movieTitle;
            float halfStar = i % 2 == 0 && r.rating > 1 ? r.rating - 0.5f : r.rating;
            rows.add(new Rating(r.userId, title, halfStar, r.timestamp));
        }
        Path latest = tmp.resolve("ml-latest-small");
        MovieLensLatest.write(latest, rows);
        assertThat(Files.readString(latest.resolve("movies.csv"))).contains(",\"President, The \"\"");
        assertThat(Files.readString(latest.resolve("ratings.csv"))).contains(".5,");

        CliRun train = CliRun.run(tmp, "train", "--data", "ml-latest-small", "--registry", "reg", "--epochs", "2",
                "--batch", "128", "--score-test");
        assertThat(train.exitCode()).as(train.toString()).isZero();
        assertThat(train.out()).contains("published marquee version 1");
        // The default log: docs/model-test-log.tsv under the working directory, the repository's when run from there.
        assertThat(Files.readAllLines(tmp.resolve("docs/model-test-log.tsv"))).hasSize(2);
        JsonNode card = ModelCard.read(tmp.resolve("reg/marquee/1"));
        assertThat(card.at("/data/source").asText()).isEqualTo("MovieLens (ml-latest format) at " + latest);

        CliRun evaluate = CliRun.run(tmp, Map.of("MARQUEE_TEST_LOG", "elsewhere.tsv"), "", "evaluate", "--registry",
                "reg", "--version", "1", "--data", latest.resolve("ratings.csv").toString(), "--score-test");
        assertThat(evaluate.exitCode()).as(evaluate.toString()).isZero();
        assertThat(tableOf(evaluate.out())).isEqualTo(tableOf(train.out()));
        assertThat(Files.readAllLines(tmp.resolve("elsewhere.tsv"))).hasSize(2);
        assertThat(Files.readAllLines(tmp.resolve("docs/model-test-log.tsv"))).hasSize(2);

        Files.delete(latest.resolve("movies.csv"));
        CliRun noMovies = CliRun.run(tmp, "train", "--data", "ml-latest-small", "--registry", "reg");
        assertThat(noMovies.exitCode()).isNotZero();
        assertThat(noMovies.err().strip()).contains("movies.csv is missing beside it").doesNotContain("\n");
    }

    @Test
    void evaluateAModelDirectoryOnAnotherSplitSaysSo() {
        CliRun r = CliRun.run(shared, "evaluate", "--model-dir", registry.resolve("marquee/1").toString(), "--data",
                data.toString(), "--split", "u1");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("note: the model was trained on time-60/20/20").contains("split u1");

        // its test rows hold rows it trained on: a logged test score would look clean and not be
        CliRun scored = CliRun.run(shared, "evaluate", "--model-dir", registry.resolve("marquee/1").toString(), "--data",
                data.toString(), "--split", "u1", "--score-test", "--test-log", tmp.resolve("never.tsv").toString());
        assertThat(scored.exitCode()).isEqualTo(2);
        assertThat(scored.err()).contains("--score-test needs the rows and split the model was trained on");
        assertThat(tmp.resolve("never.tsv")).doesNotExist();
    }

    /**
     * Ratings that share one timestamp have no later part: --score-test says so and fails instead of logging nothing;
     * ten training rows and no validation part leave nothing to stop early on (seed 42 holds none out): no epoch was
     * chosen, so nothing is published.
     */
    @Test
    void trainRefusesATestPartOrAnEpochItCannotHave() throws IOException {
        StringBuilder oneTime = new StringBuilder("user_id,movie_title,rating,timestamp\n");
        for (int i = 0; i < 30; i++) oneTime.append(i % 5).append(",Movie ").append(i % 7).append(" (1999),").append(1 + i % 5).append(",1000\n");
        Files.writeString(tmp.resolve("one-time.csv"), oneTime);
        CliRun scored = CliRun.run(tmp, "train", "--data", "one-time.csv", "--registry", "reg-a", "--score-test",
                "--test-log", "never.tsv");
        assertThat(scored.exitCode()).as(scored.toString()).isEqualTo(2);
        assertThat(scored.err()).contains("--score-test: the split's test part is empty");
        assertThat(tmp.resolve("never.tsv")).doesNotExist();

        StringBuilder few = new StringBuilder("user_id,movie_title,rating,timestamp\n");
        for (int i = 0; i < 10; i++) few.append(i % 3).append(",Movie ").append(i % 4).append(" (1999),").append(1 + i % 5).append(",1000\n");
        few.append("1,Movie 1 (1999),4,2000\n");
        Files.writeString(tmp.resolve("few.csv"), few);
        CliRun noEpoch = CliRun.run(tmp, "train", "--data", "few.csv", "--registry", "reg-b", "--seed", "42",
                "--epochs", "3");
        assertThat(noEpoch.exitCode()).as(noEpoch.toString()).isEqualTo(1);
        assertThat(noEpoch.err()).contains("the run chose no epoch");
        assertThat(tmp.resolve("reg-b/marquee/1")).doesNotExist();
    }

    /** A ratings file that spells one title two ways is told so: each spelling trains as a title of its own. */
    @Test
    void trainSaysWhenAFileSpellsOneTitleTwoWays() throws IOException {
        StringBuilder twice = new StringBuilder("user_id,movie_title,rating,timestamp\n");
        for (int i = 0; i < 40; i++) {
            String title = i % 10 == 0 ? "HEAT (1995)" : i % 2 == 0 ? "Heat (1995)" : "Movie " + (i % 7) + " (1999)";
            twice.append(i % 6).append(',').append(title).append(',').append(1 + i % 5).append(',').append(1000 + i).append('\n');
        }
        Files.writeString(tmp.resolve("twice.csv"), twice);
        CliRun r = CliRun.run(tmp, "train", "--data", "twice.csv", "--registry", "reg-twice", "--epochs", "2");
        assertThat(r.err()).as(r.toString()).contains("note: " + tmp.resolve("twice.csv")
                + " spells 1 title more than one way (\"HEAT (1995)\" / \"Heat (1995)\")");

        Files.writeString(tmp.resolve("once.csv"), twice.toString().replace("HEAT (1995)", "Heat (1995)"));
        CliRun once = CliRun.run(tmp, "train", "--data", "once.csv", "--registry", "reg-once", "--epochs", "2");
        assertThat(once.exitCode()).as(once.toString()).isZero();
        assertThat(once.err()).as(once.toString()).doesNotContain("more than one way");
    }

    /** Without --split, a model is evaluated on the split it was trained with (u1 here), not the default time split. */
    @Test
    void evaluateTakesTheModelsOwnSplitByDefault() {
        CliRun r = CliRun.run(shared, "evaluate", "--registry", registry.toString(), "--version", "2", "--data",
                data.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("split u1").doesNotContain("note: the model was trained on");

        // data without u1 files: the time split, with the note
        CliRun other = CliRun.run(shared, "evaluate", "--registry", registry.toString(), "--version", "2", "--data",
                "synthetic:2000");
        assertThat(other.exitCode()).as(other.toString()).isZero();
        assertThat(other.out()).contains("split time").contains("note: the model was trained on u1");
    }

    @Test
    void modelsListsVersionsWithTheirTestRmse() {
        CliRun r = CliRun.run(shared, Map.of(RegistryOptions.ENV, registry.toString()), "", "models");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("models: marquee in " + registry + ": serving v2");
        assertThat(lines.get(2)).matches(" +1  default +time-60/20/20 +[0-9]\\.[0-9]{4} +[0-9]\\.[0-9]{4} +\\S+ +");
        assertThat(lines.get(3)).matches(" +2  reference +u1 +[0-9]\\.[0-9]{4} v +[0-9]\\.[0-9]{4} v .*latest, serving");
        assertThat(lines.get(4)).startsWith("(v: validation RMSE;");
    }

    @Test
    void pinUnpinAndRetain() throws IOException {
        Path copy = copyRegistry();
        CliRun pin = CliRun.run(tmp, "models", "--registry", copy.toString(), "--pin", "1");
        assertThat(pin.exitCode()).as(pin.toString()).isZero();
        assertThat(pin.out()).contains("pinned marquee to version 1");
        assertThat(pin.out().lines().filter(l -> l.matches(" +1 .*pinned, serving"))).hasSize(1);
        assertThat(pin.out().lines().filter(l -> l.matches(" +2 .*  latest"))).hasSize(1);

        CliRun retain = CliRun.run(tmp, "models", "--registry", copy.toString(), "--retain", "1");
        assertThat(retain.out()).contains("nothing to delete"); // 2 is the newest, 1 is pinned

        CliRun unpin = CliRun.run(tmp, "models", "--registry", copy.toString(), "--unpin");
        assertThat(unpin.out()).contains("unpinned marquee (was version 1)");
        Files.writeString(copy.resolve("marquee/PINNED"), "v1\n"); // by hand, and wrong: --unpin removes it all the same
        CliRun badPin = CliRun.run(tmp, "models", "--registry", copy.toString(), "--unpin");
        assertThat(badPin.exitCode()).as(badPin.toString()).isZero();
        assertThat(badPin.out()).contains("is not a version number; removing it")
                .contains("models: removed the unreadable pin of marquee; the serving pointer's version").doesNotContain("was not pinned");
        assertThat(copy.resolve("marquee/PINNED")).doesNotExist();
        retain = CliRun.run(tmp, "models", "--registry", copy.toString(), "--retain", "1");
        assertThat(retain.out()).contains("deleted versions [1]");
        assertThat(copy.resolve("marquee/1")).doesNotExist();

        CliRun both = CliRun.run(tmp, "models", "--registry", copy.toString(), "--pin", "2", "--unpin");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("one of --pin, --unpin, --retain");
        CliRun missing = CliRun.run(tmp, "models", "--registry", copy.toString(), "--pin", "1");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("version 1 of 'marquee' is not published").contains("(have [2])");
        assertThat(missing.errIsOneCleanLine()).isTrue();
    }

    @Test
    void predictAnswersATfServingRequestWithTheServingVersion() throws IOException {
        List<Rating> rows = Splits.referenceTime(new MovieLens100K(MovieLensDir.at(data)).ratings()).train();
        Rating known = rows.get(0);
        String request = "{\"signature_name\":\"serving_default\",\"instances\":["
                + instance(known.userId, known.movieTitle, known.timestamp) + ","
                + instance("no-such-user", "No Such Movie (2099)", 892870992L) + "]}";
        CliRun r = CliRun.run(tmp, Map.of(), request, "predict", "--registry", registry.toString(), "--version", "1");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out().strip()).doesNotContain("\n");
        JsonNode predictions = JSON.readTree(r.out()).get("predictions");
        assertThat(predictions).hasSize(2);
        for (JsonNode p : predictions) {
            assertThat(iterable(p.fieldNames())).containsExactly("output_1", "output_2", "output_3");
            assertThat(p.get("output_1")).hasSize(32);
            assertThat(p.get("output_2")).hasSize(32);
            assertThat(p.get("output_3")).hasSize(1);
            assertThat(Double.isFinite(p.get("output_3").get(0).asDouble())).isTrue();
        }
        assertThat(r.err()).contains("1 of 2 instances have a user or title the model does not know");
        try (BatchScorer scorer = BatchScorer.open(registry.resolve("marquee/1"), ScorerThreads.callerThread())) {
            ScoredBatch direct = scorer.score(new String[] {known.userId}, new String[] {known.movieTitle},
                    new long[] {known.timestamp}, true);
            assertThat(predictions.get(0).get("output_3").get(0).floatValue()).isEqualTo(direct.ratings()[0]);
            assertThat(predictions.get(0).get("output_1").get(0).floatValue()).isEqualTo(direct.userVectors()[0][0]);
        }

        // Empty input is refused; one instance object, no envelope, is scored by the serving version (latest, 2).
        CliRun single = CliRun.run(tmp, Map.of(RegistryOptions.ENV, registry.toString()), "",
                "predict", "--model-dir", registry.resolve("marquee/2").toString());
        assertThat(single.out()).contains("EMPTY_PAYLOAD");
        single = CliRun.run(tmp, Map.of(RegistryOptions.ENV, registry.toString()),
                instance(known.userId, known.movieTitle, known.timestamp), "predict");
        assertThat(single.exitCode()).as(single.toString()).isZero();
        assertThat(JSON.readTree(single.out()).get("predictions")).hasSize(1);
        assertThat(single.err()).isEmpty();

        // An input over the 1 MiB limit is named as such (not as a record of limit + 1 bytes under a setting predict lacks).
        CliRun large = CliRun.run(tmp, Map.of(RegistryOptions.ENV, registry.toString()), " ".repeat(2 << 20), "predict");
        assertThat(large.exitCode()).isEqualTo(1);
        assertThat(large.out()).contains("TOO_LARGE: the input is larger than 1048576 bytes");
    }

    @Test
    void predictRefusesInvalidInputWithAnErrorBody() throws IOException {
        String[] args = {"predict", "--registry", registry.toString()};
        CliRun bad = CliRun.run(tmp, Map.of(), "{\"user_id\": \"1\",", args);
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(JSON.readTree(bad.out()).get("error").asText()).startsWith("MALFORMED_JSON: malformed JSON");

        CliRun missing = CliRun.run(tmp, Map.of(), "{\"instances\":[" + instance("1", "A (1990)", 1L)
                + ",{\"user_id\":\"1\",\"movie_title\":\"A (1990)\"}]}", args);
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(JSON.readTree(missing.out()).get("error").asText())
                .isEqualTo("instance 1: MISSING_FIELD: timestamp is required");

        CliRun signature = CliRun.run(tmp, Map.of(), "{\"signature_name\":\"other\",\"instances\":["
                + instance("1", "A (1990)", 1L) + "]}", args);
        assertThat(JSON.readTree(signature.out()).get("error").asText()).startsWith("UNKNOWN_SIGNATURE");
        assertThat(signature.exitCode()).isEqualTo(1);
    }

    /** Its JSON is UTF-8 whatever the process's charset: an ISO-8859-1 standard output would write 'é' as one byte. */
    @Test
    void predictAnswersInUtf8UnderALatin1Locale() throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream latin1 = new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.ISO_8859_1);
        String request = "{\"signature_name\":\"s\u00e9rving\",\"instances\":[" + instance("1", "A (1990)", 1L) + "]}";
        Console console = new Console(new java.io.ByteArrayInputStream(request.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                latin1, latin1, Map.of(), tmp);
        assertThat(ModelMain.run(new String[] {"predict", "--registry", registry.toString()}, console)).isEqualTo(1);
        String error = JSON.readTree(out.toByteArray()).get("error").asText();
        assertThat(error).startsWith("UNKNOWN_SIGNATURE").contains("s\u00e9rving");
    }

    @Test
    void aServingPointerThatCannotBeReadStopsTheTrainBeforeItPublishesAndIsNamed() throws IOException {
        Path copy = copyRegistry();
        Path pointer = copy.resolve("marquee").resolve("serving.json");
        Files.deleteIfExists(pointer);
        Files.writeString(Files.createDirectories(pointer).resolve("in-the-way"), "");
        CliRun r = CliRun.run(shared, "train", "--data", data.toString(), "--split", "time", "--registry",
                copy.toString(), "--epochs", "1", "--batch", "64");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).as(r.toString()).startsWith("marquee train: cannot read serving pointer " + pointer + ": ");
        assertThat(r.errIsOneCleanLine()).as(r.toString()).isTrue();
        assertThat(r.out()).doesNotContain("published");
        assertThat(copy.resolve("marquee").resolve("3")).doesNotExist();
    }

    /** The pointer read, the version published, then the pointer's replacement refused (renaming over it fails). */
    @Test
    void aPointerThatCannotBeReplacedAfterThePublishLeavesTheVersionAndSaysHowToServeIt() throws Exception {
        Path copy = copyRegistry();
        Path pointer = copy.resolve("marquee").resolve("serving.json");
        String before = Files.readString(pointer);
        CliRun r;
        try (var frozen = dev.marquee.model.testing.Undeletable.make(pointer)) {
            r = CliRun.run(shared, "train", "--data", data.toString(), "--split", "time", "--registry", copy.toString(),
                    "--epochs", "1", "--batch", "64");
        }
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).as(r.toString()).contains("train: published marquee version 3 at ");
        assertThat(r.err()).as(r.toString()).startsWith("marquee train: marquee version 3 is published, but the serving"
                + " pointer was not written (").contains("`marquee promote --version 3` serves it");
        assertThat(r.errIsOneCleanLine()).as(r.toString()).isTrue();
        assertThat(copy.resolve("marquee").resolve("3")).isDirectory();
        assertThat(Files.readString(pointer)).as("the pointer as it was").isEqualTo(before);
    }

    @Test
    void aPointerNotWrittenAfterAPublishSaysTheVersionExistsAndHowToServeIt() {
        CliException e = PointerNotMoved.after("marquee", 3, new IOException("No space left on device"));
        assertThat(e.exitCode()).isEqualTo(1);
        assertThat(e.getMessage()).isEqualTo("marquee version 3 is published, but the serving pointer was not"
                + " written (No space left on device): jobs keep serving what they served; once the registry can be"
                + " written, `marquee promote --version 3` serves it, or `marquee rollback --version 3` pins it");
        assertThat(PointerNotMoved.shadowNotSet("marquee", 4, new IOException("Read-only file system")).getMessage())
                .startsWith("marquee version 4 is published, but the serving pointer was not written"
                        + " (Read-only file system): it is not a candidate in shadow;");
        assertThat(PointerNotMoved.pinNotMoved("marquee", 5, 0, new IOException("Input/output error")).getMessage())
                .contains("names it, but the pin was not moved (Input/output error)")
                .endsWith("`marquee rollback --version 5` pins it");
        assertThat(PointerNotMoved.pinNotMoved("marquee", 5, 4, new IOException("Input/output error")).getMessage())
                .endsWith("pins it; version 4, the candidate in shadow, is ended and held from automatic promotion");
    }

    @Test
    void aMissingDatasetIsOneLine() {
        CliRun r = CliRun.run(tmp, "train", "--registry", "reg");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).startsWith("marquee train: MovieLens 100K not found: ");
        assertThat(r.errIsOneCleanLine()).isTrue();
        assertThat(r.out()).doesNotContain("epoch");

        CliRun eval = CliRun.run(tmp, "evaluate", "--registry", registry.toString(), "--data", "nowhere");
        assertThat(eval.exitCode()).isEqualTo(1);
        assertThat(eval.err()).startsWith("marquee evaluate: ").contains("nowhere does not exist")
                .contains("--data takes a MovieLens 100K directory").contains("ratings .csv/.jsonl file")
                .as("the remedy for a missing MovieLens directory").contains("MOVIELENS_DIR");
        assertThat(eval.errIsOneCleanLine()).isTrue();
    }

    @Test
    void aBadOrMissingRegistryIsOneLine() throws IOException {
        CliRun none = CliRun.run(tmp, "models");
        assertThat(none.exitCode()).isEqualTo(1);
        assertThat(none.err().strip()).isEqualTo("marquee models: no model registry at " + tmp.resolve(".marquee/registry")
                + " (give --registry DIR or set MARQUEE_REGISTRY; `marquee train` creates one)");

        CliRun noVersion = CliRun.run(tmp, Map.of(), "{}", "predict", "--registry", registry.toString(), "--version",
                "9");
        assertThat(noVersion.exitCode()).isEqualTo(1);
        assertThat(noVersion.err().strip()).isEqualTo("marquee predict: version 9 of 'marquee' is not published in "
                + registry + " (have [1, 2])");

        CliRun otherName = CliRun.run(tmp, "models", "--registry", registry.toString(), "--name", "films");
        assertThat(otherName.err()).contains("no published versions of 'films'").contains("models there: marquee");

        Path file = Files.writeString(tmp.resolve("file"), "x");
        CliRun aFile = CliRun.run(tmp, "train", "--data", data.toString(), "--registry", file.toString());
        assertThat(aFile.exitCode()).isEqualTo(1);
        assertThat(aFile.err()).contains("exists and is not a directory");
        CliRun under = CliRun.run(tmp, "train", "--data", data.toString(), "--registry", "file/sub");
        assertThat(under.exitCode()).isEqualTo(1);
        assertThat(under.err()).startsWith("marquee train: cannot create the model registry at ");
        assertThat(under.out()).doesNotContain("epoch");
        assertThat(under.errIsOneCleanLine()).isTrue();

        CliRun objectStore = CliRun.run(tmp, "train", "--data", data.toString(), "--registry", "s3://bucket/registry");
        assertThat(objectStore.exitCode()).as(objectStore.toString()).isEqualTo(2);
        assertThat(objectStore.err()).as(objectStore.toString()).contains("the model registry must be a directory on a"
                + " local or mounted file system").contains("got 's3://bucket/registry'");
        assertThat(objectStore.out()).doesNotContain("epoch");
        assertThat(tmp.resolve("s3:")).as("no folder named after the scheme").doesNotExist();
        CliRun asUri = CliRun.run(tmp, "models", "--registry", registry.toUri().toString());
        assertThat(asUri.exitCode()).as(asUri.toString()).isZero();
        assertThat(asUri.out()).contains("marquee");

        CliRun notAModel = CliRun.run(tmp, "evaluate", "--model-dir", tmp.toString(), "--data", data.toString());
        assertThat(notAModel.exitCode()).isEqualTo(1);
        assertThat(notAModel.err()).contains("no model at " + tmp + ": saved_model.pb is missing");
    }

    @Test
    void aTestLogThatCannotBeWrittenFailsBeforeTraining() throws IOException {
        Files.createDirectories(tmp.resolve("log.tsv"));
        CliRun r = CliRun.run(tmp, "train", "--data", data.toString(), "--registry", "reg", "--score-test",
                "--test-log", "log.tsv");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).startsWith("marquee train: cannot write the test log " + tmp.resolve("log.tsv"));
        assertThat(r.errIsOneCleanLine()).as(r.toString()).isTrue();
        assertThat(r.out()).doesNotContain("epoch ");
        assertThat(tmp.resolve("reg/marquee/1")).doesNotExist();
    }

    @Test
    void optionsTheReferenceNetworkHasNoUseForAreRefused() {
        CliRun r = CliRun.run(tmp, "train", "--arch", "reference", "--factors", "8", "--registry", "reg");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("--factors has no effect with --arch reference");
    }

    /** {@code --data "$DATA"} with DATA unset must not train on the default dataset. */
    @Test
    void anEmptyDataOptionIsAUsageError() {
        CliRun r = CliRun.run(tmp, "train", "--data", "", "--registry", "reg");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("--data needs a folder");
        assertThat(tmp.resolve("reg/marquee/1")).doesNotExist();
    }

    /** {@code --registry "$REG"} with REG unset must not publish into the working directory. */
    @Test
    void anEmptyRegistryOptionIsAUsageError() {
        CliRun r = CliRun.run(tmp, "train", "--data", "synthetic:500", "--epochs", "1", "--registry", "");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("--registry needs a folder; got an empty value");
        assertThat(tmp.resolve("marquee")).doesNotExist();
        CliRun models = CliRun.run(tmp, "models", "--registry", " ");
        assertThat(models.exitCode()).as(models.toString()).isEqualTo(2);
    }

    @Test
    void badOptionsAreUsageErrors() {
        CliRun unknown = CliRun.run(tmp, "train", "--epoch", "3");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("marquee train: Unknown option").contains("'--epoch'")
                .contains("see: marquee train --help");
        assertThat(unknown.errIsOneCleanLine()).isTrue();

        assertThat(CliRun.run(tmp, "train", "--arch", "huge").err()).contains("unknown architecture 'huge'");
        assertThat(CliRun.run(tmp, "train", "--split", "u2").err()).contains("'--split'").contains("time, u1, random")
                .contains("'u2'");
        assertThat(CliRun.run(tmp, "train", "--lr", "fast").err()).contains("'--lr'").contains("'fast'");
        assertThat(CliRun.run(tmp, "train", "--name", "../x").exitCode()).isEqualTo(2);
        assertThat(CliRun.run(tmp, "predict", "--model-dir", "a", "--version", "1").err()).contains("not both");
        assertThat(CliRun.run(tmp, "fly").exitCode()).isEqualTo(2);
        assertThat(CliRun.run(tmp).exitCode()).isEqualTo(2);
        CliRun help = CliRun.run(tmp, "predict", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Usage: marquee predict");
        assertThat(CliRun.run(tmp, "--help").out()).contains("train ").contains("evaluate ").contains("models ")
                .contains("predict ");
    }

    /** Every command that reads --data says it all: import's help once left out the ml-latest format it reads. */
    @Test
    void everyCommandThatReadsDataListsTheFormatsItReads() {
        for (String command : List.of("train", "evaluate", "import")) {
            assertThat(CliRun.run(tmp, command, "--help").out().replaceAll("\\s+", " ")).as(command)
                    .contains("ml-latest-format directory (ratings.csv + movies.csv)");
        }
    }

    private static String instance(String user, String title, long timestamp) {
        return "{\"user_id\":" + quote(user) + ",\"movie_title\":" + quote(title) + ",\"timestamp\":" + timestamp + "}";
    }

    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The evaluation table: the header line and the three predictor rows. */
    private static List<String> tableOf(String out) {
        List<String> lines = out.lines().toList();
        int start = 0;
        while (!lines.get(start).startsWith("split ")) {
            start++;
        }
        return lines.subList(start, start + 4);
    }

    private Path copyRegistry() throws IOException {
        Path copy = tmp.resolve("registry-copy");
        try (Stream<Path> walk = Files.walk(registry)) {
            for (Path p : walk.toList()) {
                Path target = copy.resolve(registry.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return copy;
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}

package dev.marquee.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.model.ModelRegistry;
import dev.marquee.model.TinySavedModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code marquee import}'s options: with training data, and without it. */
class ImportCommandTest {
    @TempDir Path tmp;

    @Test
    void withoutDataTheImportPublishesAVersionWithoutDriftAssetsAndSaysSo() {
        TinySavedModels.export(tmp.resolve("tiny"), TinySavedModels.Kind.INT64_IDS_RENAMED_VECTOR_OUTPUT);
        CliRun r = CliRun.run(tmp, "import", "--model-dir", "tiny", "--registry", "reg", "--input", "user_id=uid",
                "--input", "movie_title=title", "--input", "timestamp=ts", "--output", "rating");

        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.out()).contains("user_id <- uid (int64)").contains("no training data")
                .contains("published marquee version 1");
        Path dir = new ModelRegistry(tmp.resolve("reg")).versionDir("marquee", 1);
        assertThat(dir.resolve("marquee_contract.json")).isRegularFile();
        assertThat(dir.resolve("assets/reference_profile.json")).doesNotExist();
        assertThat(dir.resolve("assets/users.txt")).doesNotExist();
    }

    /** Imported without its training data, a version's test rows may be rows it trained on: no clean score is logged. */
    @Test
    void evaluateOfAVersionImportedWithoutDataLogsNoTestScore() throws Exception {
        TinySavedModels.export(tmp.resolve("tiny"), TinySavedModels.Kind.GOOD_STRING_IDS);
        CliRun imported = CliRun.run(tmp, "import", "--model-dir", "tiny", "--registry", "reg");
        assertThat(imported.exitCode()).as("%s", imported).isZero();

        Path log = tmp.resolve("log.tsv");
        CliRun scored = CliRun.run(tmp, "evaluate", "--registry", "reg", "--version", "1", "--data", "synthetic:2000",
                "--score-test", "--test-log", log.toString());
        assertThat(scored.exitCode()).as("%s", scored).isEqualTo(2);
        assertThat(scored.err()).contains("imported without its training data");
        assertThat(log).doesNotExist();

        CliRun plain = CliRun.run(tmp, "evaluate", "--registry", "reg", "--version", "1", "--data", "synthetic:2000");
        assertThat(plain.exitCode()).as("%s", plain).isZero();
        assertThat(plain.out()).contains("note: the model was imported without its training data");
    }

    @Test
    void withDataTheVersionGetsItsVocabulariesAndReferenceProfile() {
        TinySavedModels.export(tmp.resolve("tiny"), TinySavedModels.Kind.GOOD_STRING_IDS);
        CliRun r = CliRun.run(tmp, "import", "--model-dir", "tiny", "--registry", "reg", "--data", "synthetic:2000",
                "--split", "random", "--part", "train");

        assertThat(r.exitCode()).as("%s", r).isZero();
        Path dir = new ModelRegistry(tmp.resolve("reg")).versionDir("marquee", 1);
        assertThat(dir.resolve("assets/reference_profile.json")).isRegularFile();
        assertThat(dir.resolve("assets/users.txt")).isRegularFile();
    }

    /**
     * On u1, which has no validation part, the baseline beside an import is tuned on a seeded hold-out of the rows the
     * model trained on, as train tunes it, not left at untuned lambdas that flatter the model; the card says how.
     */
    @Test
    void anImportOnU1IsComparedWithATunedBaseline() throws Exception {
        new dev.marquee.data.synth.SyntheticRatings(7).users(60).movies(40).ratingsPerUser(20).generate()
                .writeMovieLensFiles(tmp.resolve("ml"));
        TinySavedModels.export(tmp.resolve("tiny"), TinySavedModels.Kind.GOOD_STRING_IDS);
        CliRun r = CliRun.run(tmp, "import", "--model-dir", "tiny", "--registry", "reg", "--data", "ml", "--split", "u1",
                "--part", "train");
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.out()).contains("chosen on the seeded 5% hold-out of the trained rows (seed 42; then fitted on all"
                + " of them)").doesNotContain("untuned");
        com.fasterxml.jackson.databind.JsonNode baseline = dev.marquee.model.ModelCard.read(
                new ModelRegistry(tmp.resolve("reg")).versionDir("marquee", 1)).at("/data/bias_baseline");
        assertThat(baseline.path("tuned").asBoolean()).isTrue();
        assertThat(baseline.path("validation_rmse").asDouble()).isPositive();

        // evaluate's validation rows are a hold-out of u1.base, which the import trained on: said, and so logged,
        // with the rows it trained on and no epoch of ours
        Path log = tmp.resolve("log.tsv");
        CliRun scored = CliRun.run(tmp, "evaluate", "--registry", "reg", "--version", "1", "--data", "ml",
                "--score-test", "--test-log", log.toString());
        assertThat(scored.exitCode()).as("%s", scored).isZero();
        assertThat(scored.out()).contains("note: the model was imported as trained on all of the split's training rows");
        String[] line = Files.readAllLines(log).get(1).split("\t");
        assertThat(line[4]).startsWith("imported model (its validation figures are training rows), contract {");
        assertThat(line[6]).as("best epoch").isEqualTo("-");
        assertThat(line[7]).as("rows trained on").isEqualTo(Integer.toString(dev.marquee.model.ModelCard.read(
                new ModelRegistry(tmp.resolve("reg")).versionDir("marquee", 1)).at("/data/trained_rows").asInt()))
                .isNotEqualTo("0");
    }

    /**
     * A model imported as trained on every part has no held-out test rows: evaluate --score-test refuses to log one,
     * and plain evaluate says its rows are training rows; the random split is cut again with the import's seed.
     */
    @Test
    void evaluateOfAVersionTrainedOnEveryPartLogsNoTestScore() throws Exception {
        TinySavedModels.export(tmp.resolve("tiny"), TinySavedModels.Kind.GOOD_STRING_IDS);
        CliRun imported = CliRun.run(tmp, "import", "--model-dir", "tiny", "--registry", "reg", "--data", "synthetic:2000",
                "--split", "random", "--seed", "7", "--part", "all");
        assertThat(imported.exitCode()).as("%s", imported).isZero();

        Path log = tmp.resolve("log.tsv");
        CliRun scored = CliRun.run(tmp, "evaluate", "--registry", "reg", "--version", "1", "--data", "synthetic:2000",
                "--score-test", "--test-log", log.toString());
        assertThat(scored.exitCode()).as("%s", scored).isEqualTo(2);
        assertThat(scored.err()).contains("trained on the all part of its split");
        assertThat(log).doesNotExist();

        CliRun plain = CliRun.run(tmp, "evaluate", "--registry", "reg", "--version", "1", "--data", "synthetic:2000");
        assertThat(plain.exitCode()).as("%s", plain).isZero();
        assertThat(plain.out()).contains("split random-80/10/10-seed7").doesNotContain("note: the model was trained on random")
                .contains("note: the model was trained on the all part of its split");
    }

    /** The same rows at another path are the same rows: an import's test part is scored there as a trained version's. */
    @Test
    void evaluateScoresAnImportsTestPartOnTheSameRowsAtAnotherPath() throws Exception {
        TinySavedModels.export(tmp.resolve("tiny"), TinySavedModels.Kind.GOOD_STRING_IDS);
        java.util.List<dev.marquee.data.event.Rating> rows = dev.marquee.data.synth.SyntheticRatings.fromOption("synthetic:2000", 3);
        dev.marquee.data.movielens.RatingsFile.write(tmp.resolve("a.csv"), rows);
        Files.copy(tmp.resolve("a.csv"), tmp.resolve("b.csv"));
        CliRun imported = CliRun.run(tmp, "import", "--model-dir", "tiny", "--registry", "reg", "--data", "a.csv",
                "--split", "time", "--part", "train");
        assertThat(imported.exitCode()).as("%s", imported).isZero();
        CliRun scored = CliRun.run(tmp, "evaluate", "--registry", "reg", "--version", "1", "--data", "b.csv",
                "--score-test", "--test-log", tmp.resolve("log.tsv").toString());
        assertThat(scored.exitCode()).as("%s", scored).isZero();
        assertThat(Files.readAllLines(tmp.resolve("log.tsv"))).hasSize(2);
    }

    /** Generated rows are made again with the seed the import named, which its card's source gives. */
    @Test
    void evaluateMakesAnImportsGeneratedRowsAgainWithItsSeed() throws Exception {
        TinySavedModels.export(tmp.resolve("tiny"), TinySavedModels.Kind.GOOD_STRING_IDS);
        CliRun imported = CliRun.run(tmp, "import", "--model-dir", "tiny", "--registry", "reg", "--data", "synthetic:2000",
                "--split", "time", "--seed", "7", "--part", "train");
        assertThat(imported.exitCode()).as("%s", imported).isZero();
        CliRun scored = CliRun.run(tmp, "evaluate", "--registry", "reg", "--version", "1", "--data", "synthetic:2000",
                "--score-test", "--test-log", tmp.resolve("log.tsv").toString());
        assertThat(scored.exitCode()).as("%s", scored).isZero();
        assertThat(scored.out()).contains("seed 7").doesNotContain("not on these rows");
    }

    @Test
    void aSplitOrPartWithoutDataIsRefusedInOneLine() {
        TinySavedModels.export(tmp.resolve("tiny"), TinySavedModels.Kind.GOOD_STRING_IDS);
        for (String option : new String[] {"--split", "--part"}) {
            CliRun r = CliRun.run(tmp, "import", "--model-dir", "tiny", "--registry", "reg", option,
                    option.equals("--split") ? "time" : "train");
            assertThat(r.exitCode()).as("%s", r).isNotZero();
            assertThat(r.errIsOneCleanLine()).as("%s", r).isTrue();
            assertThat(r.err()).contains(option.substring(2) + " names rows of --data");
        }
        assertThat(Files.exists(tmp.resolve("reg/marquee/1"))).as("nothing published").isFalse();
    }

    @Test
    void anEmptyTimestampMappingImportsAModelThatTakesNoTimestamp() throws Exception {
        TinySavedModels.export(tmp.resolve("tiny"), TinySavedModels.Kind.NO_TIMESTAMP);
        CliRun r = CliRun.run(tmp, "import", "--model-dir", "tiny", "--registry", "reg", "--input", "timestamp=");

        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.out()).contains("timestamp <- (none");
        Path dir = new ModelRegistry(tmp.resolve("reg")).versionDir("marquee", 1);
        assertThat(dev.marquee.model.ModelContract.of(dir).timestampInput()).isNull();

        // the request its TF-Serving clients send (TF Serving refuses a timestamp key for it): predict answers it
        CliRun p = CliRun.run(tmp, java.util.Map.of(), "{\"instances\":[{\"user_id\":\"7\",\"movie_title\":\"A\"}]}",
                "predict", "--registry", "reg", "--version", "1");
        assertThat(p.exitCode()).as("%s", p).isZero();
        assertThat(p.out()).contains("\"predictions\"");
    }

    /** The job takes another signature's name only when parser.signature-names lists it; predict takes the version's own. */
    @Test
    void predictTakesTheSignatureNameTheVersionWasImportedWith() {
        TinySavedModels.export(tmp.resolve("other"), TinySavedModels.Kind.OTHER_SIGNATURE);
        CliRun imported = CliRun.run(tmp, "import", "--model-dir", "other", "--registry", "reg", "--signature", "other");
        assertThat(imported.exitCode()).as("%s", imported).isZero();
        String instances = "\"instances\":[{\"user_id\":\"7\",\"movie_title\":\"A\",\"timestamp\":10}]}";

        CliRun own = CliRun.run(tmp, java.util.Map.of(), "{\"signature_name\":\"other\"," + instances,
                "predict", "--registry", "reg", "--version", "1");
        assertThat(own.exitCode()).as("%s", own).isZero();
        assertThat(own.out()).contains("\"predictions\"");

        CliRun byDefault = CliRun.run(tmp, java.util.Map.of(), "{\"signature_name\":\"serving_default\"," + instances,
                "predict", "--registry", "reg", "--version", "1");
        assertThat(byDefault.exitCode()).as("%s", byDefault).isZero();

        CliRun unknown = CliRun.run(tmp, java.util.Map.of(), "{\"signature_name\":\"third\"," + instances,
                "predict", "--registry", "reg", "--version", "1");
        assertThat(unknown.exitCode()).as("%s", unknown).isNotZero();
        assertThat(unknown.out()).contains("\"error\"").contains("third");
    }

    @Test
    void anEmptyMappingOfAnotherFieldIsRefusedInOneLine() {
        TinySavedModels.export(tmp.resolve("tiny"), TinySavedModels.Kind.NO_TIMESTAMP);
        CliRun r = CliRun.run(tmp, "import", "--model-dir", "tiny", "--registry", "reg", "--input", "user_id=");
        assertThat(r.exitCode()).as("%s", r).isNotZero();
        assertThat(r.errIsOneCleanLine()).as("%s", r).isTrue();
        assertThat(r.err()).contains("only timestamp may be left empty");
    }

    /** A registry from before serving pointers serves its latest version: an import must not become that by arriving. */
    @Test
    void anImportIntoARegistryWithoutAPointerIsACandidateNotTheServingVersion() throws Exception {
        TinySavedModels.export(tmp.resolve("tiny"), TinySavedModels.Kind.GOOD_STRING_IDS);
        assertThat(CliRun.run(tmp, "import", "--model-dir", "tiny", "--registry", "reg").exitCode()).isZero();
        ModelRegistry registry = new ModelRegistry(tmp.resolve("reg"));
        Files.delete(registry.versionDir("marquee", 1).getParent().resolve("serving.json"));
        assertThat(registry.hasPointer("marquee")).isFalse();

        CliRun r = CliRun.run(tmp, "import", "--model-dir", "tiny", "--registry", "reg");

        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.out()).contains("version 1 keeps serving; version 2 is a candidate");
        assertThat(registry.serving("marquee")).hasValue(1);
        assertThat(registry.state("marquee").shadow).isEqualTo(2);

        // another import replaces candidate 2 in shadow: 2 is held, as the promoter holds one it retires
        CliRun third = CliRun.run(tmp, "import", "--model-dir", "tiny", "--registry", "reg");
        assertThat(third.exitCode()).as("%s", third).isZero();
        assertThat(third.out()).contains("version 2, the candidate it replaces in shadow, is held");
        assertThat(registry.state("marquee").shadow).isEqualTo(3);
        assertThat(registry.state("marquee").isHeld(2)).isTrue();
    }

    /** A serving.json broken by hand: its message says to pin first, and that pin works and lists. */
    @Test
    void aPinCanBeSetOverABrokenServingPointerAsItsMessageSays() throws Exception {
        TinySavedModels.export(tmp.resolve("tiny"), TinySavedModels.Kind.GOOD_STRING_IDS);
        assertThat(CliRun.run(tmp, "import", "--model-dir", "tiny", "--registry", "reg", "--serve").exitCode()).isZero();
        ModelRegistry registry = new ModelRegistry(tmp.resolve("reg"));
        Files.writeString(registry.versionDir("marquee", 1).getParent().resolve("serving.json"), "{\"serving\": 1,");

        CliRun broken = CliRun.run(tmp, "models", "--registry", "reg");
        assertThat(broken.exitCode()).as("%s", broken).isNotZero();
        assertThat(broken.err()).contains("marquee models --pin N");
        CliRun pinned = CliRun.run(tmp, "models", "--registry", "reg", "--pin", "1");

        assertThat(pinned.exitCode()).as("%s", pinned).isZero();
        assertThat(pinned.out()).contains("pinned to v1, which serves; bad serving pointer");
        assertThat(registry.pinned("marquee")).hasValue(1);
    }

    /**
     * The version published, then the pointer's replacement refused (renaming over an immutable serving.json fails):
     * the version exists, the pointer is as it was, and the message says which command finishes the import.
     */
    @Test
    void aPointerThatCannotBeReplacedAfterThePublishLeavesTheVersionAndSaysHowToFinish() throws Exception {
        TinySavedModels.export(tmp.resolve("tiny"), TinySavedModels.Kind.GOOD_STRING_IDS);
        assertThat(CliRun.run(tmp, "import", "--model-dir", "tiny", "--registry", "reg", "--serve").exitCode()).isZero();
        ModelRegistry registry = new ModelRegistry(tmp.resolve("reg"));
        Path pointer = registry.modelDir("marquee").resolve(ModelRegistry.SERVING_FILE);
        String before = Files.readString(pointer);
        CliRun candidate;
        CliRun served;
        try (var frozen = dev.marquee.model.testing.Undeletable.make(pointer)) {
            candidate = CliRun.run(tmp, "import", "--model-dir", "tiny", "--registry", "reg");
            served = CliRun.run(tmp, "import", "--model-dir", "tiny", "--registry", "reg", "--serve");
        }
        assertThat(candidate.exitCode()).as("%s", candidate).isEqualTo(1);
        assertThat(candidate.err()).as("%s", candidate).startsWith("marquee import: marquee version 2 is published, but the"
                + " serving pointer was not written (").contains("it is not a candidate in shadow");
        assertThat(served.exitCode()).as("%s", served).isEqualTo(1);
        assertThat(served.err()).as("%s", served).startsWith("marquee import: marquee version 3 is published, but the"
                + " serving pointer was not written (").contains("`marquee promote --version 3` serves it");
        assertThat(registry.versions("marquee")).containsExactly(1L, 2L, 3L);
        assertThat(Files.readString(pointer)).as("the pointer as it was").isEqualTo(before);
    }

    /** A pin beats the pointer: the import says the pinned version serves and the candidate waits unscored. */
    @Test
    void anImportUnderAPinSaysThePinnedVersionServesAndTheCandidateWaits() throws Exception {
        TinySavedModels.export(tmp.resolve("tiny"), TinySavedModels.Kind.GOOD_STRING_IDS);
        for (int i = 0; i < 2; i++) assertThat(CliRun.run(tmp, "import", "--model-dir", "tiny", "--registry", "reg", "--serve").exitCode()).isZero();
        ModelRegistry registry = new ModelRegistry(tmp.resolve("reg"));
        registry.pin("marquee", 1);

        CliRun r = CliRun.run(tmp, "import", "--model-dir", "tiny", "--registry", "reg");

        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.out()).contains("version 1 is pinned and serves; version 3 waits as the pointer's candidate")
                .doesNotContain("keeps serving");

        // --serve under the pin moves the pin to the new version (MODEL.md): else the pinned one would go on serving
        CliRun served = CliRun.run(tmp, "import", "--model-dir", "tiny", "--registry", "reg", "--serve");
        assertThat(served.exitCode()).as("%s", served).isZero();
        assertThat(registry.pinned("marquee")).hasValue(4);
        assertThat(registry.serving("marquee")).hasValue(4);
    }

    @Test
    void predictAnswersWithTheImportedModelsOwnOutputsAsTfServingWould() {
        String request = "{\"instances\":[{\"user_id\":\"7\",\"movie_title\":\"A\",\"timestamp\":10}]}";
        // one output, "rating" of shape [n]: TF Serving answers its values, without names
        TinySavedModels.export(tmp.resolve("vector"), TinySavedModels.Kind.INT64_IDS_RENAMED_VECTOR_OUTPUT);
        assertThat(CliRun.run(tmp, "import", "--model-dir", "vector", "--registry", "reg", "--input", "user_id=uid",
                "--input", "movie_title=title", "--input", "timestamp=ts", "--output", "rating").exitCode()).isZero();
        CliRun r = CliRun.run(tmp, java.util.Map.of(), request, "predict", "--registry", "reg", "--version", "1");
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.out().strip()).isEqualTo("{\"predictions\":[0.50701]}");

        TinySavedModels.export(tmp.resolve("column"), TinySavedModels.Kind.GOOD_STRING_IDS);
        assertThat(CliRun.run(tmp, "import", "--model-dir", "column", "--registry", "reg").exitCode()).isZero();
        r = CliRun.run(tmp, java.util.Map.of(), request, "predict", "--registry", "reg", "--version", "2");
        assertThat(r.out().strip()).as("%s", r).isEqualTo("{\"predictions\":[[0.5]]}");

        TinySavedModels.export(tmp.resolve("embeddings"), TinySavedModels.Kind.EMBEDDINGS_WITHOUT_USER_VECTORS);
        assertThat(CliRun.run(tmp, "import", "--model-dir", "embeddings", "--registry", "reg", "--embedding-output",
                "output_2").exitCode()).isZero();
        r = CliRun.run(tmp, java.util.Map.of(), request, "predict", "--registry", "reg", "--version", "3");
        assertThat(r.out().strip()).as("%s", r)
                .isEqualTo("{\"predictions\":[{\"output_2\":[0.5,0.5],\"output_3\":[0.5]}]}");
    }

    /** A model that fails, or answers no number, gets TF Serving's error body on stdout, as the job dead-letters it. */
    @Test
    void predictAnswersAnErrorBodyWhenTheModelFailsOrAnswersNoRating() {
        TinySavedModels.export(tmp.resolve("narrowing"), TinySavedModels.Kind.INT64_IDS_FAILING_BEYOND_INT32);
        assertThat(CliRun.run(tmp, "import", "--model-dir", "narrowing", "--registry", "reg", "--input", "user_id=uid",
                "--input", "movie_title=title", "--input", "timestamp=ts", "--output", "rating").exitCode()).isZero();
        CliRun r = CliRun.run(tmp, java.util.Map.of(), "{\"instances\":[{\"user_id\":\"9000000000\",\"movie_title\":\"A\",\"timestamp\":10}]}",
                "predict", "--registry", "reg", "--version", "1");
        assertThat(r.exitCode()).as("%s", r).isEqualTo(1);
        assertThat(r.out().strip()).as("%s", r).startsWith("{\"error\":\"SCORING_FAILED: the model failed on this request: ").endsWith("}");

        TinySavedModels.export(tmp.resolve("nan"), TinySavedModels.Kind.NAN_FOR_EARLY_TIMESTAMPS);
        assertThat(CliRun.run(tmp, "import", "--model-dir", "nan", "--registry", "reg").exitCode()).isZero();
        r = CliRun.run(tmp, java.util.Map.of(), "{\"instances\":[{\"user_id\":\"7\",\"movie_title\":\"A\",\"timestamp\":892870992},"
                + "{\"user_id\":\"7\",\"movie_title\":\"A\",\"timestamp\":10}]}", "predict", "--registry", "reg", "--version", "2");
        assertThat(r.exitCode()).as("%s", r).isEqualTo(1);
        assertThat(r.out().strip()).as("%s", r)
                .isEqualTo("{\"error\":\"instance 1: SCORING_FAILED: the model answered NaN, not a rating\"}");
    }
}

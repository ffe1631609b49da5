package dev.marquee.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marquee.data.event.Rating;
import dev.marquee.data.json.EventJson;
import dev.marquee.data.movielens.MovieLens100K;
import dev.marquee.data.movielens.MovieLensDir;
import dev.marquee.data.movielens.Split;
import dev.marquee.data.movielens.Splits;
import dev.marquee.model.TinySavedModels.Kind;
import dev.marquee.data.testing.Prerequisites;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Importing SavedModels made elsewhere: tiny real SavedModels built here with tensorflow-java, and the shared Keras one. */
class ModelImporterTest {
    @TempDir Path tmp;

    private final Split split = SmallData.split(3);

    @Test
    void aModelWithRenamedInputsAnInt64UserIdAndAVectorRatingImportsWithAMapping() throws Exception {
        Path model = tiny(Kind.INT64_IDS_RENAMED_VECTOR_OUTPUT);
        ModelRegistry registry = new ModelRegistry(tmp.resolve("registry"));
        long v = new ModelImporter(registry, "m", line -> { }).importModel(
                new ModelImporter.Request(model, "serving_default", "uid", "title", "ts", "rating", null), data());
        assertThat(v).isEqualTo(1);
        Path dir = registry.versionDir("m", 1);
        assertThat(ModelContract.of(dir)).isEqualTo(new ModelContract("serving_default", "uid", "title", "ts",
                ModelContract.INT64, ModelContract.INT64, "rating", 1, null));
        for (String asset : List.of("reference_profile.json", "error_model.json", "users.txt", "titles.txt")) {
            assertThat(dir.resolve("assets").resolve(asset)).as(asset).isRegularFile();
        }
        assertThat(dir.resolve("assets/drift_calibration.json")).as("too few generated rows to calibrate").doesNotExist();
        JsonNode card = EventJson.mapper().readTree(Files.readAllBytes(dir.resolve(ModelCard.FILE_NAME)));
        assertThat(card.path("origin").asText()).isEqualTo("imported");
        assertThat(card.path("source").asText()).isEqualTo(model.toAbsolutePath().normalize().toString());
        assertThat(card.path("fingerprint").asText()).isEqualTo("sha256:" + ModelImporter.fingerprint(model));
        assertThat(card.at("/contract/user_input").asText()).isEqualTo("uid");
        assertThat(card.at("/data/source").asText()).as("as train names it, so a retrain finds it")
                .isEqualTo("generated data (synthetic, seed 3)");
        assertThat(card.at("/data/split").asText()).isEqualTo(split.name());
        assertThat(card.at("/metrics/imported/test/rmse").asDouble()).isPositive();
        assertThat(card.at("/metrics/global mean/test/rmse").asDouble()).as("baselines beside it, as train writes them").isPositive();
        assertThat(card.at("/metrics/user+item biases/test/rmse").asDouble()).isPositive();

        try (BatchScorer scorer = BatchScorer.open(dir, ScorerThreads.callerThread())) {
            ScoredBatch b = scorer.score(new String[] {"7", "12"}, new String[] {"A", "B"}, new long[] {10, 20});
            // The tiny model answers 0.5 + user id / 1000 + timestamp / 1e6: the int64 ids and timestamps arrive.
            assertThat(b.ratings()).containsExactly(new float[] {0.50701f, 0.51202f}, org.assertj.core.data.Offset.offset(1e-6f));
            assertThatThrownBy(() -> scorer.score(new String[] {"u7"}, new String[] {"A"}, new long[] {1}))
                    .isInstanceOf(NonNumericIdException.class).hasMessageContaining("user_id 'u7' is not an integer");
        }
    }

    @Test
    void aModelWithInt32IdsAndTimestampsIsFedInt32sAndRefusesWhatDoesNotFit() throws Exception {
        Path model = tiny(Kind.INT32_IDS);
        ModelRegistry registry = new ModelRegistry(tmp.resolve("registry"));
        long v = new ModelImporter(registry, "m", line -> { }).importModel(
                new ModelImporter.Request(model, "serving_default", "uid", "title", "ts", "rating", null), data());
        Path dir = registry.versionDir("m", v);
        ModelContract contract = ModelContract.of(dir);
        assertThat(contract).isEqualTo(new ModelContract("serving_default", "uid", "title", "ts",
                ModelContract.INT32, ModelContract.INT32, "rating", 1, null));
        assertThat(contract.check("2147483647", 2_147_483_647L)).isNull();
        assertThat(contract.check("2147483648", 10).reason()).contains("user_id '2147483648' is not an integer the model's int32 input takes");
        assertThat(contract.check("7", 2_147_483_648L).reason()).isEqualTo("timestamp 2147483648 does not fit the model's int32 input");
        try (BatchScorer scorer = BatchScorer.open(dir, ScorerThreads.callerThread())) {
            ScoredBatch b = scorer.score(new String[] {"7", "-12"}, new String[] {"A", "B"}, new long[] {10, -20});
            assertThat(b.ratings()).containsExactly(new float[] {0.50701f, 0.48798f}, org.assertj.core.data.Offset.offset(1e-6f));
            assertThatThrownBy(() -> scorer.score(new String[] {"7"}, new String[] {"A"}, new long[] {2_147_483_648L}))
                    .isInstanceOf(NonNumericIdException.class).hasMessageContaining("does not fit the model's int32 input");
            assertThatThrownBy(() -> scorer.score(new String[] {"2147483648"}, new String[] {"A"}, new long[] {1}))
                    .isInstanceOf(NonNumericIdException.class).hasMessageContaining("2147483648");
        }
    }

    @Test
    void withoutTrainingDataTheVersionHasNoVocabulariesOrDriftAssetsAndItsOovFlagsAreUnknown() throws Exception {
        Path model = tiny(Kind.INT64_IDS_RENAMED_VECTOR_OUTPUT);
        // A file of the model's own by the name of one of ours is not taken for a vocabulary.
        Files.createDirectories(model.resolve("assets"));
        Files.writeString(model.resolve("assets/users.txt"), "7\n");
        ModelRegistry registry = new ModelRegistry(tmp.resolve("registry"));
        List<String> progress = new java.util.ArrayList<>();
        long v = new ModelImporter(registry, "m", progress::add).importModel(
                new ModelImporter.Request(model, "serving_default", "uid", "title", "ts", "rating", null), null);
        Path dir = registry.versionDir("m", v);
        for (String asset : List.of("reference_profile.json", "drift_calibration.json", "error_model.json", "users.txt",
                "titles.txt")) {
            assertThat(dir.resolve("assets").resolve(asset)).as(asset).doesNotExist();
        }
        assertThat(progress).anyMatch(line -> line.contains("no training data"));
        JsonNode card = EventJson.mapper().readTree(Files.readAllBytes(dir.resolve(ModelCard.FILE_NAME)));
        assertThat(card.at("/data/unknown").asText()).isEqualTo(ModelImporter.NO_DATA_REASON).contains("--data");
        assertThat(card.at("/data/source").isMissingNode()).isTrue();
        assertThat(card.at("/metrics/imported").size()).as("no test rows to measure on").isZero();
        assertThat(card.path("origin").asText()).isEqualTo("imported");

        try (BatchScorer scorer = BatchScorer.open(dir, ScorerThreads.callerThread())) {
            ScoredBatch b = scorer.score(new String[] {"7", "12"}, new String[] {"A", "B"}, new long[] {10, 20});
            assertThat(b.ratings()).containsExactly(new float[] {0.50701f, 0.51202f}, org.assertj.core.data.Offset.offset(1e-6f));
            assertThat(b.hasOovFlags()).isFalse();
            assertThat(b.userOov()).isNull();
            assertThat(b.titleOov()).isNull();
            assertThat(b.hasTitleMatches()).isFalse(); // no catalog: how a title matched is unknown, not "none"
            assertThat(b.anyOov(0)).as("unknown is not new").isFalse();
        }
    }

    @Test
    void withoutTrainingDataABadModelIsStillRefusedByItsProbe() throws Exception {
        ModelRegistry registry = new ModelRegistry(tmp.resolve("refused"));
        assertThatThrownBy(() -> new ModelImporter(registry, "m", line -> { }).importModel(
                new ModelImporter.Request(tiny(Kind.NAN), "serving_default", "user_id", "movie_title", "timestamp",
                        "output_3", null), null))
                .isInstanceOf(ContractCheck.RefusedModelException.class).hasMessageContaining("answers NaN");
        assertThat(registry.versions("m")).isEmpty();
    }

    @Test
    void aContractSaysWhichRequestValuesItsInputsCannotTake() {
        ModelContract int64 = new ModelContract("s", "u", "t", "ts", ModelContract.INT64, ModelContract.INT64, "r", 1, null);
        ModelContract int32 = new ModelContract("s", "u", "t", "ts", ModelContract.INT32, ModelContract.INT32, "r", 1, null);
        assertThat(ModelContract.NATIVE.takesEveryRequest()).isTrue();
        assertThat(int64.takesEveryRequest()).isFalse();
        assertThat(ModelContract.NATIVE.check("u7", Long.MAX_VALUE)).isNull();
        assertThat(int64.check("587", 892870992L)).isNull();
        assertThat(int64.check("-3", 4_102_444_800L)).isNull();
        assertThat(int64.check("u7", 1)).isEqualTo(new ModelContract.Unrepresentable("user_id",
                "user_id 'u7' is not an integer the model's int64 input takes (ASCII digits, an optional leading '-',"
                        + " no '+', blanks or leading zeros)",
                "a user_id is not an integer the model's int64 input takes (ASCII digits, an optional leading '-',"
                        + " no '+', blanks or leading zeros)"));
        assertThat(int64.check("9223372036854775808", 1).field()).as("beyond int64").isEqualTo("user_id");
        assertThat(int64.check("7.0", 1).field()).isEqualTo("user_id");
        assertThat(int32.check("2147483647", 1)).isNull();
        assertThat(int32.check("2147483648", 1).field()).as("beyond int32").isEqualTo("user_id");
        assertThat(int32.check("7", 2_147_483_648L)).isEqualTo(new ModelContract.Unrepresentable("timestamp",
                "timestamp 2147483648 does not fit the model's int32 input", "a timestamp beyond the model's int32 input"));
        assertThat(int32.check("x", 2_147_483_648L).field()).as("the user id is named first").isEqualTo("user_id");
    }

    @Test
    void anIntegerUserIdIsTakenOnlyInItsCanonicalSpellingAsTheVocabulariesKeyOnTheRawString() {
        ModelContract int64 = new ModelContract("s", "u", "t", "ts", ModelContract.INT64, ModelContract.INT64, "r", 1, null);
        ModelContract int32 = new ModelContract("s", "u", "t", "ts", ModelContract.INT32, ModelContract.INT32, "r", 1, null);
        for (String id : List.of("13", "0", "-13", "9223372036854775807", "-9223372036854775808")) {
            assertThat(int64.check(id, 1)).as(id).isNull();
            assertThat(int64.integerId(id)).as(id).isEqualTo(Long.parseLong(id));
        }
        for (String id : List.of("+13", "013", "00", "-0", "-013", " 13", "13 ", "\t13", "\u0661\u0663", "\uff11\uff13", "",
                "-", "1_3")) {
            assertThat(int64.check(id, 1)).as("'%s'", id).isNotNull().extracting(ModelContract.Unrepresentable::field)
                    .isEqualTo("user_id");
            assertThat(int32.check(id, 1)).as("'%s'", id).isNotNull();
        }
        assertThat(int64.check("013", 1).reason()).contains("no '+', blanks or leading zeros");
    }

    @Test
    void badModelsAreRefusedWithOneLineAndNothingIsPublished() throws Exception {
        refused(tiny(Kind.OTHER_SIGNATURE), "no signature 'serving_default'");
        refused(tiny(Kind.FLOAT_USER_ID), "input 'user_id' for user_id is DT_FLOAT");
        refused(tiny(Kind.EXTRA_INPUT), "input(s) age of signature 'serving_default' map to nothing in a rating request "
                + "(user_id, movie_title, timestamp): marquee feeds a model nothing else: re-export the signature without them");
        refused(tiny(Kind.INT64_IDS_RENAMED_VECTOR_OUTPUT), "if one is the request's user_id or movie_title or timestamp, "
                + "map it with --input user_id=NAME");
        refused(tiny(Kind.NAN), "answers NaN");
        // passes its probe, then fails on the rows scored for the drift assets
        refused(tiny(Kind.FAILING_AFTER_THREE_RUNS), "the model fails scoring the rows of generated data");
        refused(tmp.resolve("no-such-dir"), "cannot read a directory");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        refused(empty, "no saved_model.pb");
        refused(tiny(Kind.GOOD_STRING_IDS), "no output 'output_9'", "output_9");
    }

    /** A model written by a newer TensorFlow may use an op this runtime lacks: the refusal names both versions. */
    @Test
    void aModelWithAnOpThisRuntimeLacksIsRefusedNamingBothTensorFlows() throws Exception {
        Path model = Files.createDirectories(tmp.resolve("newer-op"));
        org.tensorflow.proto.SavedModel saved = org.tensorflow.proto.SavedModel.newBuilder().setSavedModelSchemaVersion(1)
                .addMetaGraphs(org.tensorflow.proto.MetaGraphDef.newBuilder()
                        .setMetaInfoDef(org.tensorflow.proto.MetaGraphDef.MetaInfoDef.newBuilder().addTags("serve")
                                .setTensorflowVersion("9.1.0"))
                        .setGraphDef(org.tensorflow.proto.GraphDef.newBuilder()
                                .addNode(org.tensorflow.proto.NodeDef.newBuilder().setName("x").setOp("OpOfTensorFlow9"))))
                .build();
        try (java.io.OutputStream out = Files.newOutputStream(model.resolve(ModelRegistry.SAVED_MODEL_FILE))) {
            saved.writeTo(out);
        }

        refused(model, "does not load with tag serve");
        refused(model, "OpOfTensorFlow9");
        refused(model, "(this runtime is TensorFlow " + org.tensorflow.TensorFlow.version()
                + "; it was written by TensorFlow 9.1.0)");
    }

    /**
     * Every slot would refuse these: one fails on a user it does not know (a Keras StringLookup without OOV buckets),
     * the other on a batch of one row. Training data (whose users it knows) and a probe of 64 rows are not enough.
     */
    @Test
    void aModelThatFailsTheScoringJobsProbeIsRefusedWithDataAndWithout() throws Exception {
        assertThat(split.train()).allSatisfy(r -> assertThat(r.userId).hasSizeLessThanOrEqualTo(4));
        refused(tiny(Kind.FAILING_FOR_LONG_USER_IDS), "the model fails the scoring job's probe (an unknown user and title,"
                + " and a batch of one row), which every version must pass to serve: assertion failed");
        refused(tiny(Kind.SQUEEZING_THE_BATCH), "the model fails the scoring job's probe");
        ModelRegistry registry = new ModelRegistry(tmp.resolve("no-data-probe"));
        assertThatThrownBy(() -> new ModelImporter(registry, "m", line -> { }).importModel(new ModelImporter.Request(
                TinySavedModels.export(tmp.resolve("squeezing-without-data"), Kind.SQUEEZING_THE_BATCH), "serving_default", "user_id",
                "movie_title", "timestamp", "output_3", null), null))
                .isInstanceOf(ContractCheck.RefusedModelException.class).hasMessageContaining("the scoring job's probe");
        assertThat(registry.versions("m")).isEmpty();
    }

    /** An --embedding-output that is not one vector per request would fail online adaptation on every retry. */
    @Test
    void anEmbeddingOutputThatIsNotOneRowPerRequestIsRefused() throws Exception {
        ModelRegistry registry = new ModelRegistry(tmp.resolve("table"));
        assertThatThrownBy(() -> new ModelImporter(registry, "m", line -> { }).importModel(new ModelImporter.Request(
                tiny(Kind.EMBEDDINGS_OF_THE_WHOLE_TABLE), "serving_default", "user_id", "movie_title", "timestamp",
                "output_3", "output_2"), data()))
                .isInstanceOf(ContractCheck.RefusedModelException.class)
                .hasMessageContaining("--embedding-output 'output_2' does not answer a float [n,d] per batch of n rows:"
                        + " the title-embedding output answered shape [5, 2] for 2 rows");
        assertThat(registry.versions("m")).isEmpty();
    }

    /** NaN beyond the probe's rows: refused naming the row, not a crash in the drift assets or an RMSE of NaN. */
    @Test
    void aRatingThatIsNotFiniteOnAnyRowOfTheDataIsRefusedNamingTheRow() throws Exception {
        java.util.List<Rating> heldOut = new java.util.ArrayList<>(split.validation());
        heldOut.add(new Rating("7", "A", 3f, 700_000_000L));
        ModelRegistry registry = new ModelRegistry(tmp.resolve("nan"));
        assertThatThrownBy(() -> new ModelImporter(registry, "m", line -> { }).importModel(
                new ModelImporter.Request(tiny(Kind.NAN_FOR_EARLY_TIMESTAMPS), "serving_default", "user_id",
                        "movie_title", "timestamp", "output_3", null),
                new ModelImporter.Data("generated", split.name(), "train", split.train(), heldOut, split.test())))
                .isInstanceOf(ContractCheck.RefusedModelException.class)
                .hasMessage("the model answers NaN for 1 of the " + heldOut.size() + " held-out rows of generated, split "
                        + split.name() + ", part train, the first: user_id 7, \"A\", timestamp 700000000: ratings must be finite");
        assertThat(registry.versions("m")).isEmpty();
    }

    /** A version folder reached through a link ("current" -> 3), and one whose variables/ is a link: copied whole. */
    @Test
    void aModelReachedThroughSymbolicLinksIsCopiedWhole() throws Exception {
        Path real = tiny(Kind.GOOD_STRING_IDS);
        Path current = Files.createSymbolicLink(tmp.resolve("current"), real);
        Path store = Files.createDirectories(tmp.resolve("store"));
        Folders.copyRecursively(real.resolve("variables"), store);
        Path linkedVariables = Files.createDirectories(tmp.resolve("linked-variables"));
        Files.copy(real.resolve("saved_model.pb"), linkedVariables.resolve("saved_model.pb"));
        Files.createSymbolicLink(linkedVariables.resolve("variables"), store);
        for (Path model : List.of(current, linkedVariables)) {
            ModelRegistry registry = new ModelRegistry(tmp.resolve("links-" + model.getFileName()));
            long v = new ModelImporter(registry, "m", line -> { }).importModel(new ModelImporter.Request(model,
                    "serving_default", "user_id", "movie_title", "timestamp", "output_3", null), data());
            Path dir = registry.versionDir("m", v);
            assertThat(dir.resolve("variables")).as(model.toString()).isDirectory().isNotEqualTo(store);
            assertThat(Files.isSymbolicLink(dir.resolve("variables"))).isFalse();
            assertThat(dir.resolve("variables/variables.index")).isRegularFile();
            assertThat(ModelImporter.fingerprint(model)).isEqualTo(ModelImporter.fingerprint(real));
            try (BatchScorer scorer = BatchScorer.open(dir, ScorerThreads.callerThread())) {
                assertThat(scorer.score(new String[] {"7"}, new String[] {"A"}, new long[] {10}).ratings()).containsExactly(0.5f);
            }
        }
    }

    /** A link to a private file outside the model (a key, a home folder) is not published readable by every user. */
    @Test
    void aLinkToAPrivateFileOutsideTheModelIsRefused() throws Exception {
        Path model = tiny(Kind.GOOD_STRING_IDS);
        Path secret = Files.writeString(tmp.resolve("id_rsa"), "-----BEGIN PRIVATE KEY-----");
        Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.createDirectories(model.resolve("assets"));
        Files.createSymbolicLink(model.resolve("assets/notes"), secret);
        ModelRegistry registry = new ModelRegistry(tmp.resolve("private-link"));
        assertThatThrownBy(() -> new ModelImporter(registry, "m", line -> { }).importModel(new ModelImporter.Request(model,
                "serving_default", "user_id", "movie_title", "timestamp", "output_3", null), data()))
                .isInstanceOf(ContractCheck.RefusedModelException.class)
                .hasMessageContaining("assets/notes").hasMessageContaining("readable by every user of the registry");
        assertThat(registry.versions("m")).isEmpty();

        // readable by all, but in a folder only its owner may enter (beside the model's): still private, refused
        Path privateDir = Files.createDirectories(tmp.resolve("private"));
        Files.setPosixFilePermissions(privateDir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Path notes = Files.writeString(privateDir.resolve("notes.txt"), "private notes");
        Files.setPosixFilePermissions(notes, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Files.delete(model.resolve("assets/notes"));
        Files.createSymbolicLink(model.resolve("assets/notes"), notes);
        assertThatThrownBy(() -> new ModelImporter(registry, "m", line -> { }).importModel(new ModelImporter.Request(model,
                "serving_default", "user_id", "movie_title", "timestamp", "output_3", null), data()))
                .isInstanceOf(ContractCheck.RefusedModelException.class).hasMessageContaining("assets/notes");

        // in a folder others may enter: as readable as it was, copied (the folders above the one it shares with the
        // model, here JUnit's private temporary folder, are the model's own concern)
        Files.setPosixFilePermissions(privateDir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        long v = new ModelImporter(registry, "m", line -> { }).importModel(new ModelImporter.Request(model,
                "serving_default", "user_id", "movie_title", "timestamp", "output_3", null), data());
        assertThat(registry.versionDir("m", v).resolve("assets/notes")).as("readable already: copied").isRegularFile();
    }

    @Test
    void theSeriesKerasModelServesAsPythonAnswered() throws Exception {
        Path shared = Path.of("../../shared/models/series-keras");
        Optional<MovieLensDir> ml = MovieLensDir.findForTests();
        Prerequisites.assumeOrFailInCi(Files.isRegularFile(shared.resolve("1/saved_model.pb")), "no ../shared/models/series-keras (the series' Keras model)");
        Prerequisites.assumeOrFailInCi(ml.isPresent(), MovieLensDir.testSkipMessage());
        Split time = Splits.referenceTime(new MovieLens100K(ml.get()).ratings());
        ModelRegistry registry = new ModelRegistry(tmp.resolve("registry"));
        new ModelImporter(registry, "m", line -> { }).importModel(new ModelImporter.Request(shared.resolve("1"),
                "serving_default", "user_id", "movie_title", "timestamp", "output_3", "output_2"),
                new ModelImporter.Data("MovieLens 100K at " + ml.get().path(), time.name(), "train", time.train(),
                        time.validation(), time.test()));
        JsonNode request = EventJson.mapper().readTree(Files.readAllBytes(shared.resolve("request.json")));
        JsonNode response = EventJson.mapper().readTree(Files.readAllBytes(shared.resolve("response.json")));
        int n = request.path("instances").size();
        String[] users = new String[n];
        String[] titles = new String[n];
        long[] ts = new long[n];
        for (int i = 0; i < n; i++) {
            JsonNode x = request.path("instances").get(i);
            users[i] = x.path("user_id").asText();
            titles[i] = x.path("movie_title").asText();
            ts[i] = x.path("timestamp").asLong();
        }
        try (BatchScorer scorer = BatchScorer.open(registry.versionDir("m", 1), ScorerThreads.callerThread())) {
            ScoredBatch b = scorer.score(users, titles, ts, true);
            for (int i = 0; i < n; i++) {
                assertThat((double) b.ratings()[i]).as("instance %d", i)
                        .isCloseTo(response.at("/predictions/" + i + "/output_3/0").asDouble(), org.assertj.core.data.Offset.offset(1e-4));
            }
            assertThat(b.titleVectors()[0]).as("title embeddings from output_2").hasSize(32);
        }
    }

    @Test
    void theSeriesKerasModelImportedWithoutDataAndWithItsEmbeddingsServesAsPythonAnswered() throws Exception {
        // Its mapping is exactly ours; it is still an imported version, with no vocabularies to read.
        Path shared = Path.of("../../shared/models/series-keras");
        Prerequisites.assumeOrFailInCi(Files.isRegularFile(shared.resolve("1/saved_model.pb")), "no ../shared/models/series-keras (the series' Keras model)");
        ModelRegistry registry = new ModelRegistry(tmp.resolve("registry"));
        long v = new ModelImporter(registry, "m", line -> { }).importModel(new ModelImporter.Request(shared.resolve("1"),
                "serving_default", "user_id", "movie_title", "timestamp", "output_3", "output_2"), null);
        JsonNode response = EventJson.mapper().readTree(Files.readAllBytes(shared.resolve("response.json")));
        JsonNode instances = EventJson.mapper().readTree(Files.readAllBytes(shared.resolve("request.json"))).path("instances");
        int n = instances.size();
        String[] users = new String[n];
        String[] titles = new String[n];
        long[] ts = new long[n];
        for (int i = 0; i < n; i++) {
            users[i] = instances.get(i).path("user_id").asText();
            titles[i] = instances.get(i).path("movie_title").asText();
            ts[i] = instances.get(i).path("timestamp").asLong();
        }
        try (BatchScorer scorer = BatchScorer.open(registry.versionDir("m", v), ScorerThreads.callerThread())) {
            ScoredBatch b = scorer.score(users, titles, ts, true);
            for (int i = 0; i < n; i++) {
                assertThat((double) b.ratings()[i]).as("instance %d", i)
                        .isCloseTo(response.at("/predictions/" + i + "/output_3/0").asDouble(), org.assertj.core.data.Offset.offset(1e-4));
            }
            assertThat(b.userOov()).as("no vocabularies: unknown").isNull();
            assertThat(b.titleVectors()[0]).as("title embeddings from output_2").hasSize(32);
        }
    }

    @Test
    void aModelMappedAsOursButWithoutOutput1ImportsWithData() throws Exception {
        ModelRegistry registry = new ModelRegistry(tmp.resolve("registry"));
        long v = new ModelImporter(registry, "m", line -> { }).importModel(new ModelImporter.Request(
                tiny(Kind.EMBEDDINGS_WITHOUT_USER_VECTORS), "serving_default", "user_id", "movie_title", "timestamp",
                "output_3", "output_2"), data());
        try (BatchScorer scorer = BatchScorer.open(registry.versionDir("m", v), ScorerThreads.callerThread())) {
            ScoredBatch b = scorer.score(new String[] {"u1", "u2"}, new String[] {"A", "B"}, new long[] {10, 20}, true);
            assertThat(b.ratings()).containsExactly(0.5f, 0.5f);
            assertThat(b.titleVectors()[1]).containsExactly(0.5f, 0.5f);
            assertThat(b.userOov()).hasSize(2);
        }
    }

    @Test
    void aModelWithoutATimestampInputImportsWithAnEmptyMappingAndIsScoredWithoutOne() throws Exception {
        Path model = tiny(Kind.NO_TIMESTAMP);
        refused(model, "no input 'timestamp' for timestamp");
        ModelRegistry registry = new ModelRegistry(tmp.resolve("registry"));
        long v = new ModelImporter(registry, "m", line -> { }).importModel(
                new ModelImporter.Request(model, "serving_default", "user_id", "movie_title", null, "output_3", null), data());
        Path dir = registry.versionDir("m", v);
        assertThat(ModelContract.of(dir).timestampInput()).isNull();
        assertThat(ModelContract.of(dir).takesEveryRequest()).isTrue();
        try (BatchScorer scorer = BatchScorer.open(dir, ScorerThreads.callerThread())) {
            assertThat(scorer.score(new String[] {"u1"}, new String[] {"A"}, new long[] {Long.MAX_VALUE}).ratings())
                    .containsExactly(0.5f);
        }
    }

    @Test
    void aFloat32TimestampAFloat64RatingAndRatingShapesTheSignatureLeavesOpenAreServed() throws Exception {
        ModelRegistry registry = new ModelRegistry(tmp.resolve("registry"));
        ModelImporter importer = new ModelImporter(registry, "m", line -> { });
        for (Kind kind : List.of(Kind.FLOAT32_TIMESTAMP, Kind.FLOAT64_TIMESTAMP, Kind.FLOAT64_RATING, Kind.RATING_OF_UNKNOWN_WIDTH,
                Kind.RATING_OF_UNKNOWN_RANK)) {
            long v = importer.importModel(new ModelImporter.Request(tiny(kind), "serving_default", "user_id",
                    "movie_title", "timestamp", "output_3", null), data());
            Path dir = registry.versionDir("m", v);
            ModelContract contract = ModelContract.of(dir);
            assertThat(contract.timestampType()).as("%s", kind)
                    .isEqualTo(kind == Kind.FLOAT32_TIMESTAMP ? ModelContract.FLOAT32
                            : kind == Kind.FLOAT64_TIMESTAMP ? ModelContract.FLOAT64 : ModelContract.INT64);
            assertThat(contract.ratingRank()).as("%s", kind).isEqualTo(kind.name().contains("UNKNOWN") ? 0 : 2);
            try (BatchScorer scorer = BatchScorer.open(dir, ScorerThreads.callerThread())) {
                float[] ratings = scorer.score(new String[] {"u1", "u2"}, new String[] {"A", "B"},
                        new long[] {1_000_000_000L, 2_000_000_000L}).ratings();
                // FLOAT32_TIMESTAMP answers 0.5 + timestamp / 1e9: the timestamps arrive as floats
                assertThat(ratings).as("%s", kind).containsExactly(kind.name().endsWith("_TIMESTAMP")
                        ? new float[] {1.5f, 2.5f} : new float[] {0.5f, 0.5f}, org.assertj.core.data.Offset.offset(1e-6f));
            }
        }
    }

    /** A rating that is not one value per request is refused with what to export instead. */
    @Test
    void classScoresAndABatchWideRatingAreRefusedSayingWhatARatingIs() throws Exception {
        refused(tiny(Kind.CLASS_SCORES_RATING), "has shape [n,5]: 5 values per request (scores per class?); a rating is"
                + " one value per request");
        refused(tiny(Kind.SCALAR_RATING), "has shape [] (one value for the whole batch)");
    }

    /** A signature exported for batches of one request is refused naming the input, not by TensorFlow at the probe. */
    @Test
    void anInputOfAFixedBatchSizeIsRefusedNamingIt() throws Exception {
        refused(tiny(Kind.FIXED_BATCH_USER_INPUT), "input 'user_id' of signature 'serving_default' (for user_id) has shape"
                + " [1]: a batch of exactly 1 request; the scorer batches any number of requests: re-export the signature"
                + " with None as the first dimension");
    }

    /** A row of several values per request is refused at import; a width the signature leaves open is a column. */
    @Test
    void anInputNoRequestFillsIsRefusedAndAnOpenWidthIsAColumn() throws Exception {
        refused(tiny(Kind.WIDE_USER_INPUT), "has shape [n,2]; a request field is fed as [n] (one value per request) or [n,1]");
        ModelRegistry registry = new ModelRegistry(tmp.resolve("open-width"));
        long v = new ModelImporter(registry, "m", line -> { }).importModel(new ModelImporter.Request(
                tiny(Kind.USER_INPUT_OF_OPEN_WIDTH), "serving_default", "user_id", "movie_title", "timestamp", "output_3",
                null), data());
        assertThat(ModelContract.of(registry.versionDir("m", v)).columnInputs()).containsExactly("user_id");
    }

    /**
     * A Keras model of Input(shape=(1,)) columns (the functional API's usual way, exported by model.export()) takes
     * [n,1] inputs: each request field is fed as a column, and the contract says which inputs are columns.
     */
    @Test
    void aModelWhoseInputsAreColumnsIsFedColumns() throws Exception {
        ModelRegistry registry = new ModelRegistry(tmp.resolve("registry"));
        long v = new ModelImporter(registry, "m", line -> { }).importModel(new ModelImporter.Request(tiny(Kind.COLUMN_INPUTS),
                "serving_default", "user_id", "movie_title", "timestamp", "output_3", null), data());
        Path dir = registry.versionDir("m", v);
        assertThat(ModelContract.of(dir).columnInputs()).containsExactlyInAnyOrder("user_id", "movie_title", "timestamp");
        try (BatchScorer scorer = BatchScorer.open(dir, ScorerThreads.callerThread())) {
            float[] ratings = scorer.score(new String[] {"u1", "u2"}, new String[] {"A", "B"},
                    new long[] {1_000_000_000L, 2_000_000_000L}).ratings();
            assertThat(ratings).containsExactly(new float[] {1.5f, 2.5f}, org.assertj.core.data.Offset.offset(1e-6f));
        }
    }

    @Test
    void twoFieldsMappedToOneInputAreRefusedInOneLine() throws Exception {
        ModelRegistry registry = new ModelRegistry(tmp.resolve("refused"));
        assertThatThrownBy(() -> new ModelImporter(registry, "m", line -> { }).importModel(new ModelImporter.Request(
                tiny(Kind.GOOD_STRING_IDS), "serving_default", "movie_title", "movie_title", "timestamp", "output_3", null),
                data()))
                .isInstanceOf(ContractCheck.RefusedModelException.class)
                .hasMessage("user_id and movie_title both map to input 'movie_title': each request field needs an input"
                        + " of its own (--input FIELD=NAME)");
        assertThat(registry.versions("m")).isEmpty();
    }

    @Test
    void dataWithRowsTheModelsInputsCannotTakeBeyondTheProbeIsRefusedInOneLine() throws Exception {
        java.util.List<Rating> trained = new java.util.ArrayList<>(split.train());
        assertThat(trained.size()).as("beyond the probe").isGreaterThan(ModelImporter.PROBE_ROWS);
        trained.add(new Rating("u7", "A", 3f, 10L));
        java.util.List<Rating> heldOut = new java.util.ArrayList<>(split.validation());
        heldOut.add(new Rating("013", "A", 3f, 10L));
        ModelRegistry registry = new ModelRegistry(tmp.resolve("refused"));
        assertThatThrownBy(() -> new ModelImporter(registry, "m", line -> { }).importModel(
                new ModelImporter.Request(tiny(Kind.INT64_IDS_RENAMED_VECTOR_OUTPUT), "serving_default", "uid", "title",
                        "ts", "rating", null),
                new ModelImporter.Data("generated", split.name(), "train", trained, heldOut, split.test())))
                .isInstanceOf(ContractCheck.RefusedModelException.class)
                .hasMessageStartingWith("2 of " + (trained.size() + heldOut.size() + split.test().size()) + " rows of"
                        + " generated, split " + split.name() + ", part train do not fit the model's inputs, the first:"
                        + " user_id 'u7' is not an integer")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(registry.versions("m")).isEmpty();
    }

    /** A Keras StringLookup built from a file "users.txt": ours would replace it and the model answer other ratings. */
    @Test
    void aModelWhoseGraphReadsAnAssetNamedAsOneOfOursIsRefused() throws Exception {
        Path model = withAsset(tiny(Kind.GOOD_STRING_IDS), TrainedModel.USERS_FILE);
        refused(model, "the model's graph reads its own assets/users.txt");
        ModelRegistry registry = new ModelRegistry(tmp.resolve("no-data"));
        assertThatThrownBy(() -> new ModelImporter(registry, "m", line -> { }).importModel(
                new ModelImporter.Request(model, "serving_default", "user_id", "movie_title", "timestamp", "output_3", null),
                null)).isInstanceOf(ContractCheck.RefusedModelException.class).hasMessageContaining("named otherwise");
        assertThat(model.resolve("assets/users.txt")).as("the source is never touched").hasContent("its own\n");
        assertThat(registry.versions("m")).isEmpty();
    }

    /** Keras 3's tf.saved_model.save pitfall (../shared/models/README.md): the message says how to export instead. */
    @Test
    void aVariableTheSavedModelDoesNotRestoreIsExplainedWithTheKerasExportThatAvoidsIt() {
        assertThat(ModelImporter.explained("Could not find variable embedding/embeddings. This could mean that the "
                + "variable has been deleted."))
                .startsWith("Could not find variable embedding/embeddings.")
                .contains("keras.export.ExportArchive");
        assertThat(ModelImporter.explained("Incompatible shapes")).isEqualTo("Incompatible shapes");
    }

    /** `predict --model-dir` on the Keras export as handed over, or such a folder copied into a registry. */
    @Test
    void aSavedModelMarqueeDidNotPublishIsNamedSoWhenOpenedForScoring() {
        Path model = tiny(Kind.GOOD_STRING_IDS);
        assertThatThrownBy(() -> BatchScorer.open(model, ScorerThreads.callerThread()))
                .isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("was neither trained nor imported by marquee")
                .hasMessageContaining("marquee import --model-dir " + model.toAbsolutePath().normalize());
    }

    /** A model answering on another scale (0.5 for every row, as a sigmoid would) passes every check: the baselines say so. */
    @Test
    void anImportPrintsTheModelsTestRmseBesideTheBaselinesAndWarnsWhenTheGlobalMeanBeatsIt() throws Exception {
        List<String> progress = new java.util.ArrayList<>();
        new ModelImporter(new ModelRegistry(tmp.resolve("registry")), "m", progress::add).importModel(
                new ModelImporter.Request(tiny(Kind.GOOD_STRING_IDS), "serving_default", "user_id", "movie_title",
                        "timestamp", "output_3", null), data());
        assertThat(progress).anyMatch(line -> line.matches(
                "import: test RMSE [0-9.]+ on [0-9,]+ rows \\(global mean [0-9.]+, user\\+item biases [0-9.]+\\)"));
        assertThat(progress).anyMatch(line -> line.startsWith("import: WARNING: the model is worse than the global mean"));
    }

    /** A marquee version imported again, with data too few to calibrate: the source's calibration must not stay. */
    @Test
    void driftAssetsOfTheSourceDoNotSurviveAnImportWithData() throws Exception {
        Path model = tiny(Kind.GOOD_STRING_IDS);
        Files.createDirectories(model.resolve("assets"));
        Files.writeString(model.resolve("assets/drift_calibration.json"), "{\"stale\":true}");
        ModelRegistry registry = new ModelRegistry(tmp.resolve("registry"));
        long v = new ModelImporter(registry, "m", line -> { }).importModel(
                new ModelImporter.Request(model, "serving_default", "user_id", "movie_title", "timestamp", "output_3", null),
                data());
        Path assets = registry.versionDir("m", v).resolve("assets");
        assertThat(assets.resolve("drift_calibration.json")).as("too few generated rows to calibrate").doesNotExist();
        assertThat(assets.resolve("reference_profile.json")).isRegularFile();
    }

    /**
     * A marquee version imported again from a read-only copy (another team's registry mounted read-only): its card and
     * contract are written anew, not over the copies, which keep the source's mode.
     */
    @Test
    void aReadOnlyMarqueeVersionImportsAgainWithItsCardAndContractWrittenAnew() throws Exception {
        Path model = tiny(Kind.GOOD_STRING_IDS);
        Files.writeString(model.resolve(ModelCard.FILE_NAME), "{\"architecture\":\"default\"}");
        Files.writeString(model.resolve(ModelContract.FILE_NAME), "{}");
        java.util.Set<java.nio.file.attribute.PosixFilePermission> readOnly =
                java.nio.file.attribute.PosixFilePermissions.fromString("r--r--r--");
        try (var files = Files.walk(model)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) Files.setPosixFilePermissions(f, readOnly);
        }
        ModelRegistry registry = new ModelRegistry(tmp.resolve("read-only-source"));
        long v = new ModelImporter(registry, "m", line -> { }).importModel(
                new ModelImporter.Request(model, "serving_default", "user_id", "movie_title", "timestamp", "output_3", null),
                data());
        Path dir = registry.versionDir("m", v);
        for (String written : List.of(ModelCard.FILE_NAME, ModelContract.FILE_NAME)) {
            assertThat(Files.getPosixFilePermissions(dir.resolve(written))).as(written)
                    .contains(java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        }
        assertThat(ModelCard.read(dir).path("origin").asText()).isEqualTo("imported");
    }

    /** An input left unmapped while the timestamp is mapped to none: the advice is to map it, not to re-export. */
    @Test
    void anUnmappedInputWithTheTimestampMappedToNoneIsAdvisedToMapIt() throws Exception {
        ModelRegistry registry = new ModelRegistry(tmp.resolve("timestamp-none"));
        assertThatThrownBy(() -> new ModelImporter(registry, "m", line -> { }).importModel(
                new ModelImporter.Request(tiny(Kind.GOOD_STRING_IDS), "serving_default", "user_id", "movie_title", null,
                        "output_3", null), data()))
                .isInstanceOf(ContractCheck.RefusedModelException.class)
                .hasMessageContaining("input(s) timestamp of signature 'serving_default' map to nothing")
                .hasMessageContaining("map it with --input timestamp=NAME");
    }

    /**
     * Makes the model's graph read {@code assets/<name>} as a SavedModel's asset (an {@code asset_file_def} feeding a
     * string placeholder, as Python's exporter writes for a lookup table built from a file).
     */
    private static Path withAsset(Path model, String name) throws Exception {
        Path pb = model.resolve(ModelRegistry.SAVED_MODEL_FILE);
        org.tensorflow.proto.SavedModel saved = org.tensorflow.proto.SavedModel.parseFrom(Files.readAllBytes(pb));
        org.tensorflow.proto.MetaGraphDef.Builder meta = saved.getMetaGraphs(0).toBuilder();
        meta.getGraphDefBuilder().addNode(org.tensorflow.proto.NodeDef.newBuilder().setName("asset_path").setOp("Placeholder")
                .putAttr("dtype", org.tensorflow.proto.AttrValue.newBuilder().setType(org.tensorflow.proto.DataType.DT_STRING).build()));
        meta.addAssetFileDef(org.tensorflow.proto.AssetFileDef.newBuilder().setFilename(name)
                .setTensorInfo(org.tensorflow.proto.TensorInfo.newBuilder().setName("asset_path:0")
                        .setDtype(org.tensorflow.proto.DataType.DT_STRING)));
        Files.write(pb, saved.toBuilder().setMetaGraphs(0, meta).build().toByteArray());
        Files.createDirectories(model.resolve("assets"));
        Files.writeString(model.resolve("assets").resolve(name), "its own\n");
        return model;
    }

    private void refused(Path model, String message) throws Exception {
        refused(model, message, "output_3");
    }

    private void refused(Path model, String message, String output) throws Exception {
        ModelRegistry registry = new ModelRegistry(tmp.resolve("refused"));
        assertThatThrownBy(() -> new ModelImporter(registry, "m", line -> { }).importModel(
                new ModelImporter.Request(model, "serving_default", "user_id", "movie_title", "timestamp", output, null),
                data()))
                .isInstanceOf(ContractCheck.RefusedModelException.class).hasMessageContaining(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(registry.versions("m")).as("nothing published for " + model).isEmpty();
    }

    private ModelImporter.Data data() {
        return new ModelImporter.Data("generated data (synthetic, seed 3)", split.name(), "train", split.train(),
                split.validation(), split.test());
    }

    private Path tiny(Kind kind) {
        return TinySavedModels.export(tmp.resolve("tiny-" + kind.name().toLowerCase()), kind);
    }
}

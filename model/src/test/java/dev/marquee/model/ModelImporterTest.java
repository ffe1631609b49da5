package dev.marquee.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marquee.data.event.Rating;
import dev.marquee.data.json.EventJson;
import dev.marquee.data.movielens.MovieLens100K;
import dev.marquee.data.movielens.MovieLensDir;
import dev.marquee.data.movielens.Split;
import dev.marquee.data.movielens.Splits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TType;

/** Importing SavedModels made elsewhere: tiny real SavedModels built here with tensorflow-java, and the shared Keras one. */
class ModelImporterTest {
    @TempDir Path tmp;

    private final Split split = SmallData.split(3);

    /** What a tiny model's signature looks like. */
    private enum Kind { GOOD_STRING_IDS, INT64_IDS_RENAMED_VECTOR_OUTPUT, OTHER_SIGNATURE, FLOAT_USER_ID, EXTRA_INPUT, NAN }

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

        try (BatchScorer scorer = BatchScorer.open(dir, ScorerThreads.callerThread())) {
            ScoredBatch b = scorer.score(new String[] {"7", "12"}, new String[] {"A", "B"}, new long[] {10, 20});
            // The tiny model answers 0.5 + user id / 1000 + timestamp / 1e6: the int64 ids and timestamps arrive.
            assertThat(b.ratings()).containsExactly(new float[] {0.50701f, 0.51202f}, org.assertj.core.data.Offset.offset(1e-6f));
            assertThatThrownBy(() -> scorer.score(new String[] {"u7"}, new String[] {"A"}, new long[] {1}))
                    .isInstanceOf(NonNumericIdException.class).hasMessageContaining("user_id 'u7' is not an integer");
        }
    }

    @Test
    void badModelsAreRefusedWithOneLineAndNothingIsPublished() throws Exception {
        refused(tiny(Kind.OTHER_SIGNATURE), "no signature 'serving_default'");
        refused(tiny(Kind.FLOAT_USER_ID), "input 'user_id' for user_id is DT_FLOAT");
        refused(tiny(Kind.EXTRA_INPUT), "input(s) age of signature 'serving_default' map to nothing");
        refused(tiny(Kind.NAN), "answers NaN");
        refused(tmp.resolve("no-such-dir"), "cannot read a directory");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        refused(empty, "no saved_model.pb");
        refused(tiny(Kind.GOOD_STRING_IDS), "no output 'output_9'", "output_9");
    }

    @Test
    void theSeriesKerasModelServesAsPythonAnswered() throws Exception {
        Path shared = Path.of("../../shared/models/series-keras");
        Optional<MovieLensDir> ml = MovieLensDir.findForTests();
        assumeTrue(Files.isRegularFile(shared.resolve("1/saved_model.pb")), "no ../shared/models/series-keras: skipped");
        assumeTrue(ml.isPresent(), MovieLensDir.testSkipMessage());
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

    /** A real SavedModel whose rating is a simple function of its inputs (0.5 + a variable's worth). */
    private Path tiny(Kind kind) throws Exception {
        Path dir = tmp.resolve("tiny-" + kind.name().toLowerCase());
        try (Graph g = new Graph(); Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            Variable<TFloat32> base = tf.withName("base").variable(tf.constant(0.5f));
            Signature.Builder sig = Signature.builder(kind == Kind.OTHER_SIGNATURE ? "other" : "serving_default");
            Operand<TFloat32> rating;
            if (kind == Kind.INT64_IDS_RENAMED_VECTOR_OUTPUT) {
                Placeholder<TInt64> uid = tf.placeholder(TInt64.class, Placeholder.shape(Shape.of(-1)));
                Placeholder<TString> title = tf.placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
                Placeholder<TInt64> ts = tf.placeholder(TInt64.class, Placeholder.shape(Shape.of(-1)));
                rating = tf.math.add(base, tf.math.add(tf.math.div(tf.dtypes.cast(uid, TFloat32.class), tf.constant(1000f)),
                        tf.math.div(tf.dtypes.cast(ts, TFloat32.class), tf.constant(1e6f))));
                sig.input("uid", uid).input("title", title).input("ts", ts).output("rating", rating);
            } else {
                Operand<? extends TType> user = kind == Kind.FLOAT_USER_ID
                        ? tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)))
                        : tf.placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
                Placeholder<TString> title = tf.placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
                Placeholder<TInt64> ts = tf.placeholder(TInt64.class, Placeholder.shape(Shape.of(-1)));
                Operand<TFloat32> value = kind == Kind.NAN ? tf.math.div(tf.constant(0f), tf.constant(0f)) : base;
                rating = tf.reshape(tf.fill(tf.shape(ts), value), tf.constant(new long[] {-1, 1}));
                sig.input("user_id", user).input("movie_title", title).input("timestamp", ts).output("output_3",
                        tf.ensureShape(rating, Shape.of(-1, 1)));
                if (kind == Kind.EXTRA_INPUT) sig.input("age", tf.placeholder(TInt64.class, Placeholder.shape(Shape.of(-1))));
            }
            s.initialize();
            SavedModelBundle.exporter(dir.toString()).withTags("serve").withSession(s).withSignature(sig.build()).export();
        }
        return dir;
    }
}

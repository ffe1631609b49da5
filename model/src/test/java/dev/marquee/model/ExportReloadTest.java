package dev.marquee.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marquee.data.event.Rating;
import dev.marquee.data.movielens.Split;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

class ExportReloadTest {

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void aPlainLoaderReproducesThePredictionsExactly(Architecture arch, @TempDir Path tmp) throws Exception {
        Split split = SmallData.split(11);
        List<Rating> rows = split.test();
        Path dir = tmp.resolve("1");
        float[] before;
        try (TrainedModel model = SmallData.train(arch, split)) {
            before = model.predict(rows);
            model.exportSavedModel(dir);
            EvaluationReport report = EvaluationReport.evaluate(model, split);
            ModelCard.of(model, "synthetic", split.name(), report).write(dir);
        }
        assertThat(dir.resolve("saved_model.pb")).isRegularFile();
        // TensorFlow's own convention, which Python's tf.saved_model.load needs: the init signature names an
        // operation (no ":0", dtype DT_INVALID), the NoOp that fills the vocabulary tables.
        org.tensorflow.proto.TensorInfo init = InitOpConvention.initOutput(dir);
        assertThat(init).isNotNull();
        assertThat(init.getName()).isEqualTo("tables_init").doesNotContain(":");
        assertThat(init.getDtype()).isEqualTo(org.tensorflow.proto.DataType.DT_INVALID);
        assertThat(init.hasTensorShape()).isFalse();
        assertThat(dir.resolve("assets/users.txt")).isRegularFile();
        assertThat(dir.resolve(LearningCurve.FILE_NAME)).isRegularFile();
        assertThat(dir.resolve(LearningCurvePlot.FILE_NAME)).isNotEmptyFile();
        JsonNode card = ModelCard.read(dir);
        assertThat(card.get("architecture").asText()).isEqualTo(arch.id());
        assertThat(card.at("/metrics/" + arch.id() + "/test/rmse").asDouble()).isPositive();
        assertThat(card.at("/libraries/tensorflow-java").asText()).as("the parent pom's tensorflow.version")
                .isEqualTo(System.getProperty("tensorflow.version"));
        assertThat(card.get("training_seconds").asDouble()).isPositive();

        try (SavedModelBundle bundle = SavedModelBundle.loader(dir.toString()).withTags("serve").load()) {
            SessionFunction fn = bundle.function("serving_default");
            Signature sig = fn.signature();
            assertThat(sig.inputNames()).containsExactlyInAnyOrder("user_id", "movie_title", "timestamp");
            assertThat(sig.outputNames()).containsExactlyInAnyOrder("output_1", "output_2", "output_3");
            int n = rows.size();
            try (TString u = TString.vectorOf(SmallData.users(rows));
                    TString t = TString.vectorOf(SmallData.titles(rows));
                    TInt64 ts = TInt64.vectorOf(SmallData.timestamps(rows));
                    Result r = fn.call(Map.of("user_id", u, "movie_title", t, "timestamp", ts))) {
                TFloat32 out = (TFloat32) r.get("output_3").orElseThrow();
                assertThat(out.shape().asArray()).containsExactly(n, 1);
                float[] after = new float[n];
                out.copyTo(DataBuffers.of(after, false, false));
                assertThat(after).containsExactly(before);
                assertThat(r.get("output_1").orElseThrow().shape().asArray()).containsExactly(n, 32);
                assertThat(r.get("output_2").orElseThrow().shape().asArray()).containsExactly(n, 32);
            }
        }

        try (BatchScorer scorer = BatchScorer.open(dir, ScorerThreads.callerThread())) {
            ScoredBatch scored = scorer.score(SmallData.users(rows), SmallData.titles(rows),
                    SmallData.timestamps(rows));
            assertThat(scored.ratings()).containsExactly(before);
        }
    }
}

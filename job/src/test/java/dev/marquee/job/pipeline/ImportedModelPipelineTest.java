package dev.marquee.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.drift.DriftMetricNames;
import dev.marquee.data.event.DeadLetter;
import dev.marquee.data.event.DriftReport;
import dev.marquee.data.event.ErrorCode;
import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.Rating;
import dev.marquee.data.json.EventCodec;
import dev.marquee.data.parse.RequestParser;
import dev.marquee.data.replay.RequestEncoder;
import dev.marquee.job.config.JobSettings;
import dev.marquee.model.testing.TestModels;
import dev.marquee.job.source.RawRecord;
import dev.marquee.model.ModelImporter;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.TinySavedModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A version imported from elsewhere with an integer user id, imported without training data, is served: a request
 * whose id is an integer is scored, one whose id is not becomes a dead letter, and its OOV flags and
 * reference-based drift are unknown rather than guessed.
 */
class ImportedModelPipelineTest {
    @RegisterExtension
    static final SharedMiniCluster FLINK = new SharedMiniCluster();

    @TempDir
    Path registryDir;

    @TempDir
    Path modelsDir;

    @Test
    void anInt64UserIdModelImportedWithoutDataServesNumericIdsAndDeadLettersTheOthers() throws Exception {
        ModelRegistry registry = new ModelRegistry(registryDir);
        Path tiny = TinySavedModels.export(modelsDir.resolve("int64"), TinySavedModels.Kind.INT64_IDS_RENAMED_VECTOR_OUTPUT);
        long version = new ModelImporter(registry, TestModels.NAME, line -> { }).importModel(
                new ModelImporter.Request(tiny, "serving_default", "uid", "title", "ts", "rating", null), null);

        RequestEncoder encoder = new RequestEncoder();
        RawRecords records = new RawRecords("rating-requests", 2);
        records.add(encoder.single("numeric", new Rating("7", "Star Wars (1977)", 4f, 892_870_992L)));
        RawRecord text = records.add(encoder.single("text", new Rating("u7", "Star Wars (1977)", 4f, 892_870_992L)));

        PipelineRun.Outputs out = new PipelineRun(Map.of(
                JobSettings.MODEL_REGISTRY, registryDir.toString(),
                // one window over both outcomes, measured although it is small
                "drift.window.records", "2",
                "drift.window.ms", "600000",
                "drift.min-records", "1"))
                .requests(records.all()).run();

        // exactly one outcome per request
        assertThat(out.predictions()).singleElement().satisfies(p -> {
            assertThat(p.requestId).isEqualTo("numeric");
            assertThat(p.modelVersion).isEqualTo(version);
            // the tiny model answers 0.5 + user id / 1000 + timestamp / 1e6: the id arrived as the integer 7
            assertThat(p.output3[0]).isCloseTo(0.5f + 0.007f + 892.870992f, Offset.offset(1e-3f));
            assertThat(p.oovUserId).as("no vocabulary: unknown, not false").isNull();
            assertThat(p.oovMovieTitle).isNull();
        });
        assertThat(out.deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.errorCode).isEqualTo(ErrorCode.MODEL_INPUT_UNREPRESENTABLE);
            assertThat(d.field).isEqualTo("user_id");
            assertThat(d.error).contains("user_id 'u7' is not an integer").contains("version " + version);
            assertThat(d.requestId).isEqualTo("text");
            assertThat(d.source.partition).isEqualTo(text.partition);
            assertThat(d.source.offset).isEqualTo(text.offset);
            assertThat(d.payloadEncoding).as("the scorer is chained to the parser: the record as sent")
                    .isEqualTo(DeadLetter.UTF8);
            assertThat(d.payload).isEqualTo(new String(text.value, StandardCharsets.UTF_8));
            assertThat(new RequestParser().parse(d.payload.getBytes(StandardCharsets.UTF_8), d.source)
                    .requests()).singleElement().satisfies(r -> assertThat(r.userId).isEqualTo("u7"));
        });
        // what the predictions sink writes
        String rawPrediction = new String(EventCodec.of(Prediction.class).encode(out.predictions().get(0)), StandardCharsets.UTF_8);
        assertThat(rawPrediction).contains("\"oov_user_id\":null");

        // Drift counts the refusal by its code, and says what it cannot measure for this version, and why.
        assertThat(out.driftReports()).as("a drift report").isNotEmpty();
        DriftReport report = out.driftReports().get(0);
        assertThat(report.invalidByCode).containsEntry(ErrorCode.MODEL_INPUT_UNREPRESENTABLE.name(), 1L);
        assertThat(report.unavailable.get(DriftMetricNames.USER_OOV)).contains("no vocabularies");
        assertThat(report.unavailable.get(DriftMetricNames.TITLE_JS)).contains("no reference profile");
        assertThat(report.unavailable).containsKey(DriftMetricNames.LABELS_ESTIMATED_RMSE);
    }

    /**
     * A model whose graph refuses some values its contract's inputs take (here: user ids beyond int32, as a graph that
     * narrows the id for a lookup does). Each request it fails on alone is dead-lettered as SCORING_FAILED with its
     * position; every other request of the same batch is scored; the job neither fails nor restarts.
     */
    @Test
    void requestsTheModelFailsOnAloneAreDeadLetteredAndTheRestOfTheirBatchIsScored() throws Exception {
        ModelRegistry registry = new ModelRegistry(registryDir);
        Path tiny = TinySavedModels.export(modelsDir.resolve("narrowing"), TinySavedModels.Kind.INT64_IDS_FAILING_BEYOND_INT32);
        long version = new ModelImporter(registry, TestModels.NAME, line -> { }).importModel(
                new ModelImporter.Request(tiny, "serving_default", "uid", "title", "ts", "rating", null), null);

        RequestEncoder encoder = new RequestEncoder();
        RawRecords records = new RawRecords("rating-requests", 1);
        Map<String, RawRecord> failing = new HashMap<>();
        for (int i = 0; i < 40; i++) {
            String user = i == 7 ? "2147483648" : i == 30 ? "9000000000" : Integer.toString(i + 1);
            RawRecord r = records.add(encoder.single("r" + i, new Rating(user, "Star Wars (1977)", 4f, 892_870_992L)));
            if (i == 7 || i == 30) failing.put("r" + i, r);
        }

        PipelineRun.Outputs out = new PipelineRun(Map.of(JobSettings.MODEL_REGISTRY, registryDir.toString(),
                "drift.enabled", "false")).requests(records.all()).run();

        assertThat(out.predictions()).hasSize(38).allSatisfy(p -> {
            assertThat(failing).doesNotContainKey(p.requestId);
            assertThat(p.modelVersion).isEqualTo(version);
        });
        assertThat(out.deadLetters()).hasSize(2).allSatisfy(d -> {
            assertThat(d.errorCode).isEqualTo(ErrorCode.SCORING_FAILED);
            assertThat(d.error).contains("version " + version + " failed on this request alone");
            RawRecord source = failing.get(d.requestId);
            assertThat(source).as(d.requestId).isNotNull();
            assertThat(d.source.partition).isEqualTo(source.partition);
            assertThat(d.source.offset).isEqualTo(source.offset);
            assertThat(d.payloadEncoding).isEqualTo(DeadLetter.UTF8);
            assertThat(d.payload).isEqualTo(new String(source.value, StandardCharsets.UTF_8));
        });
    }

    /** A model answering NaN for some rows: those requests are dead-lettered, never written as a NaN rating. */
    @Test
    void requestsTheModelAnswersNaNForAreDeadLetteredNotPredicted() throws Exception {
        ModelRegistry registry = new ModelRegistry(registryDir);
        Path tiny = TinySavedModels.export(modelsDir.resolve("nan"), TinySavedModels.Kind.NAN_FOR_EARLY_TIMESTAMPS);
        new ModelImporter(registry, TestModels.NAME, line -> { }).importModel(new ModelImporter.Request(tiny,
                "serving_default", "user_id", "movie_title", "timestamp", "output_3", null), null);
        RequestEncoder encoder = new RequestEncoder();
        RawRecords records = new RawRecords("rating-requests", 1);
        for (int i = 0; i < 10; i++) {
            long ts = i % 5 == 0 ? 700_000_000L : 892_870_992L;
            records.add(encoder.single("r" + i, new Rating("7", "Star Wars (1977)", 4f, ts)));
        }

        PipelineRun.Outputs out = new PipelineRun(Map.of(JobSettings.MODEL_REGISTRY, registryDir.toString(),
                "drift.enabled", "false")).requests(records.all()).run();

        assertThat(out.predictions()).hasSize(8).allSatisfy(p -> assertThat(p.predictedRating).isFinite());
        assertThat(out.deadLetters()).extracting(d -> d.requestId).containsExactlyInAnyOrder("r0", "r5");
        assertThat(out.deadLetters()).allSatisfy(d -> {
            assertThat(d.errorCode).isEqualTo(ErrorCode.SCORING_FAILED);
            assertThat(d.error).contains("it answered NaN");
        });
    }

    /**
     * A model that takes no timestamp (imported with {@code --input timestamp=}) is served without one, and an
     * integer-id model takes a user id only in its canonical spelling: "013" is a dead letter, not user 13.
     */
    @Test
    void aModelWithoutATimestampInputIsServedAndNonCanonicalIntegerIdsAreDeadLettered() throws Exception {
        ModelRegistry registry = new ModelRegistry(registryDir);
        Path tiny = TinySavedModels.export(modelsDir.resolve("no-ts"), TinySavedModels.Kind.NO_TIMESTAMP);
        long version = new ModelImporter(registry, TestModels.NAME, line -> { }).importModel(
                new ModelImporter.Request(tiny, "serving_default", "user_id", "movie_title", null, "output_3", null), null);
        RequestEncoder encoder = new RequestEncoder();
        RawRecords records = new RawRecords("rating-requests", 1);
        records.add(encoder.single("a", new Rating("u7", "Star Wars (1977)", 4f, 892_870_992L)));
        PipelineRun.Outputs out = new PipelineRun(Map.of(JobSettings.MODEL_REGISTRY, registryDir.toString(),
                "drift.enabled", "false")).requests(records.all()).run();
        assertThat(out.deadLetters()).isEmpty();
        assertThat(out.predictions()).singleElement().satisfies(p -> {
            assertThat(p.modelVersion).isEqualTo(version);
            assertThat(p.output3[0]).isEqualTo(0.5f);
        });

        Path int64 = TinySavedModels.export(modelsDir.resolve("int64"), TinySavedModels.Kind.INT64_IDS_RENAMED_VECTOR_OUTPUT);
        long next = new ModelImporter(registry, TestModels.NAME, line -> { }).importModel(
                new ModelImporter.Request(int64, "serving_default", "uid", "title", "ts", "rating", null), null);
        registry.serve(TestModels.NAME, next, "test");
        RawRecords ids = new RawRecords("rating-requests", 1);
        ids.add(encoder.single("canonical", new Rating("13", "Star Wars (1977)", 4f, 892_870_992L)));
        ids.add(encoder.single("leading-zero", new Rating("013", "Star Wars (1977)", 4f, 892_870_992L)));
        ids.add(encoder.single("plus", new Rating("+13", "Star Wars (1977)", 4f, 892_870_992L)));
        PipelineRun.Outputs idsOut = new PipelineRun(Map.of(JobSettings.MODEL_REGISTRY, registryDir.toString(),
                "drift.enabled", "false")).requests(ids.all()).run();
        assertThat(idsOut.predictions()).singleElement().satisfies(p -> assertThat(p.requestId).isEqualTo("canonical"));
        assertThat(idsOut.deadLetters()).extracting(d -> d.requestId).containsExactlyInAnyOrder("leading-zero", "plus");
        assertThat(idsOut.deadLetters()).allSatisfy(d -> {
            assertThat(d.errorCode).isEqualTo(ErrorCode.MODEL_INPUT_UNREPRESENTABLE);
            assertThat(d.field).isEqualTo("user_id");
        });
    }
}

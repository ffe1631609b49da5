package dev.marquee.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.marquee.data.event.ModelStatus;
import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.event.Rating;
import dev.marquee.data.json.EventCodec;
import dev.marquee.data.replay.RequestEncoder;
import dev.marquee.job.config.JobSettings;
import dev.marquee.model.testing.TestModels;
import dev.marquee.model.ModelImporter;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.ServingState;
import dev.marquee.model.TinySavedModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults in the model the job serves: an empty or broken registry at start-up, a version whose variables file was
 * truncated at swap time, and garbage on {@code model-updates}. Every run here allows unlimited restarts, so a
 * fault the job does not handle shows as a restart loop (a timed-out run) or a restart count, never as a quick
 * failure that happens to be expected. See each test for the behaviour it holds.
 */
class ModelFaultPipelineTest {
    @RegisterExtension
    static final SharedMiniCluster FLINK = new SharedMiniCluster();

    @TempDir
    static Path trained;
    private static Path goodVersion;

    @TempDir
    Path tmp;

    @BeforeAll
    static void trainAModel() throws Exception {
        ModelRegistry registry = new ModelRegistry(trained);
        assertThat(TestModels.publish(registry, TestModels.data(41), 41)).isEqualTo(1);
        goodVersion = TestModels.versionDir(registry, 1);
    }

    /**
     * Fault: the registry holds no version of the model (wrong path, empty volume, nothing trained yet).
     * Expected: the job fails at start-up, without entering its restart loop, with an error that names the model
     * and the registry.
     */
    @Test
    void anEmptyRegistryFailsTheJobAtStartUpWithAClearMessage() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty-registry"));
        assertThat(messages(failureAtStartUp(empty))).anySatisfy(m -> assertThat(m)
                .contains("no version of model 'marquee' in the registry at " + empty.toAbsolutePath()));
    }

    /**
     * A registry folder missing where the job runs (on a cluster, not mounted on that TaskManager) fails it at once too,
     * saying so rather than telling to train a model the submitting host can see.
     */
    @Test
    void aRegistryFolderMissingWhereTheJobRunsFailsItSayingSo() throws Exception {
        Path missing = tmp.resolve("not-mounted-registry");
        assertThat(messages(failureAtStartUp(missing))).anySatisfy(m -> assertThat(m)
                .contains("no version of model 'marquee' in the registry at " + missing)
                .contains("the folder does not exist on this TaskManager").contains("same path on every TaskManager"));
    }

    /** A hand-edited pin ({@code v3}) is as unfixable by restarting as an empty registry: one failure, not a loop. */
    @Test
    void aCorruptPinFailsTheJobAtStartUpInsteadOfRestartingForEver() throws Exception {
        ModelRegistry registry = new ModelRegistry(tmp.resolve("pinned-registry"));
        assertThat(TestModels.publishCopy(registry, goodVersion, false)).isEqualTo(1);
        Files.writeString(registry.modelDir(TestModels.NAME).resolve("PINNED"), "v3\n");
        assertThat(messages(failureAtStartUp(registry.base()))).anySatisfy(m -> assertThat(m)
                .contains("cannot read model 'marquee' in the registry at"));
    }

    /**
     * Fault: the serving version (the latest) has a truncated {@code variables/} file, while an older version is
     * fine. Decision: no fall-back. The registry says which version serves (latest, or the pin); serving another
     * one silently would hide the fault and mislabel every prediction's model version. The job fails at start-up
     * with an error naming the version, its directory and the way out (roll back, i.e. pin a version that loads).
     */
    @Test
    void aTruncatedServingVersionFailsTheJobAtStartUpNamingIt() throws Exception {
        ModelRegistry registry = new ModelRegistry(tmp.resolve("registry"));
        assertThat(TestModels.publishCopy(registry, goodVersion, false)).isEqualTo(1);
        assertThat(TestModels.publishCopy(registry, goodVersion, true)).isEqualTo(2);
        assertThat(messages(failureAtStartUp(registry.base()))).anySatisfy(m -> assertThat(m)
                .contains("cannot serve model 'marquee' version 2 from " + TestModels.versionDir(registry, 2))
                .contains("rollback --version"));
    }

    /**
     * Faults while the job serves version 1: version 2 is published with a truncated {@code variables/} file and
     * announced; then {@code model-updates} carries garbage: not JSON, JSON of the wrong shape or types, a
     * tombstone, version 0 and a negative one, no model name, a version that does not exist, a version whose
     * {@code location} points outside the registry (at a valid model), and another model's update.
     * Expected: the job never fails or restarts and serves every request with version 1; every unreadable record is
     * counted ({@code modelUpdatesUnreadable}); every readable update for this model that cannot be loaded gives
     * one REFUSED model-status record per scoring slot, naming version 1 as still serving; the location in an
     * update is never followed (versions are looked up in the registry only); another model's update is ignored.
     */
    @Test
    void aTruncatedVersionAtSwapTimeAndGarbageOnModelUpdatesNeverStopServing() throws Exception {
        ModelRegistry registry = new ModelRegistry(tmp.resolve("registry"));
        assertThat(TestModels.publishCopy(registry, goodVersion, false)).isEqualTo(1);
        Path outside = tmp.resolve("outside/marquee/7");
        TestModels.copyTree(goodVersion, outside);
        long truncated = TestModels.publishCopy(registry, goodVersion, true);
        assertThat(truncated).isEqualTo(2);
        // Version 1 serves (the serving pointer says so, as after a promotion), so version 2 is only met at swap time.
        registry.writeState(TestModels.NAME, ServingState.serving(1, "version 1 serves", System.currentTimeMillis()));

        List<byte[]> unreadable = List.of(
                "{not json".getBytes(StandardCharsets.UTF_8),
                "{\"model_name\":\"marquee\",\"version\":\"two\"}".getBytes(StandardCharsets.UTF_8),
                "{\"model_name\":\"marquee\",\"version\":{\"n\":3}}".getBytes(StandardCharsets.UTF_8),
                "[1,2,3]".getBytes(StandardCharsets.UTF_8),
                "null".getBytes(StandardCharsets.UTF_8),
                new byte[0],
                new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, 0x7b},
                "{\"version\":3}".getBytes(StandardCharsets.UTF_8),
                "{\"model_name\":\"marquee\",\"version\":0}".getBytes(StandardCharsets.UTF_8),
                "{\"model_name\":\"marquee\",\"version\":-5}".getBytes(StandardCharsets.UTF_8));
        EventCodec<ModelUpdate> codec = EventCodec.of(ModelUpdate.class);
        List<byte[]> updates = new ArrayList<>();
        updates.add(codec.encode(update(truncated, TestModels.versionDir(registry, truncated))));
        updates.addAll(unreadable);
        updates.add(null); // a tombstone
        updates.add(codec.encode(update(99, TestModels.versionDir(registry, 99))));
        updates.add(codec.encode(new ModelUpdate("another-model", 5, outside.toString(), 1L)));
        updates.add(codec.encode(update(7, outside)));

        RawRecords requests = new RawRecords("rating-requests", 2);
        RequestEncoder encoder = new RequestEncoder();
        List<Rating> rows = TestModels.data(41);
        for (int i = 0; i < 1_000; i++) requests.add(encoder.single("r-" + i, rows.get(i % rows.size())));

        PipelineRun.Outputs out = new PipelineRun(settings(registry.base())).configure(unlimitedRestarts())
                .requests(requests.all()).rawUpdates(updates).run();

        // each slot says what it serves from its start (once per start: a restart would say it again), then refuses
        List<ModelStatus> refusals = out.statuses().stream().filter(st -> !ModelStatus.LOADED.equals(st.status))
                .collect(Collectors.toList());
        assertThat(out.statuses()).filteredOn(st -> ModelStatus.LOADED.equals(st.status)).isNotEmpty()
                .allSatisfy(st -> assertThat(st.version).isEqualTo(1));
        assertThat(refusals).as("one REFUSED per slot for versions 2, 99 and 7").hasSize(6);
        assertThat(refusals).allSatisfy(st -> {
            assertThat(st.status).isEqualTo(ModelStatus.REFUSED);
            assertThat(st.servingVersion).isEqualTo(1);
            assertThat(st.reason).isNotBlank();
        });
        assertThat(refusals.stream().map(st -> st.version).collect(Collectors.toList()))
                .containsExactlyInAnyOrder(2L, 2L, 99L, 99L, 7L, 7L);
        // 99 is absent and 7 is looked up in the registry by number (its location outside is never followed)
        assertThat(refusals).filteredOn(st -> st.version != 2)
                .allSatisfy(st -> assertThat(st.reason).contains("saved_model.pb is missing"));
        System.out.printf("ModelFaultPipelineTest: refused at swap time: %s%n", refusals.stream()
                .map(st -> "v" + st.version + ": " + st.reason).distinct().collect(Collectors.joining(" | ")));

        assertThat(out.predictions().stream().map(p -> p.requestId).collect(Collectors.toList()))
                .as("every request served once").hasSize(1_000).doesNotHaveDuplicates();
        assertThat(out.predictions()).allSatisfy(p -> assertThat(p.modelVersion).as(p.requestId).isEqualTo(1));
        assertThat(SharedMiniCluster.metricSum(out.jobId(), "modelUpdatesUnreadable")).as("unreadable updates counted").isEqualTo(unreadable.size() + 1);
        assertThat(SharedMiniCluster.metricSum(out.jobId(), "modelVersionsRefused")).isEqualTo(6);
        assertThat(SharedMiniCluster.metricSum(out.jobId(), "numRestarts")).as("never restarted").isZero();
    }

    /**
     * Fault: the serving version passes its probe and warm-up at load, then fails on every batch (its probe too).
     * Decision: the task fails with the model's error, as it did before requests were isolated; dead-lettering
     * every request as SCORING_FAILED would hide a broken model behind a stream of dead letters.
     */
    @Test
    void aVersionThatFailsEveryBatchAndItsProbeFailsTheJobInsteadOfDeadLetteringEverything() throws Exception {
        ModelRegistry registry = new ModelRegistry(tmp.resolve("failing-registry"));
        Path tiny = TinySavedModels.export(tmp.resolve("failing-model"), TinySavedModels.Kind.FAILING_AFTER_THREE_RUNS);
        new ModelImporter(registry, TestModels.NAME, line -> { }).importModel(new ModelImporter.Request(tiny,
                "serving_default", "user_id", "movie_title", "timestamp", "output_3", null), null);
        RequestEncoder encoder = new RequestEncoder();
        RawRecords records = new RawRecords("rating-requests", 1);
        for (int i = 0; i < 10; i++) records.add(encoder.single("r" + i, new Rating("1", "Star Wars (1977)", 4f, 892_870_992L)));

        Throwable thrown = catchThrowable(() -> new PipelineRun(settings(registry.base())).requests(records.all()).run());
        assertThat(thrown).isInstanceOf(ExecutionException.class);
        assertThat(messages(thrown)).anySatisfy(m -> assertThat(m).contains("assertion failed"));
    }

    private static Throwable failureAtStartUp(Path registry) {
        long t0 = System.nanoTime();
        Throwable thrown = catchThrowable(() -> new PipelineRun(settings(registry)).configure(unlimitedRestarts()).run());
        assertThat(thrown).as("the job failed at start-up").isInstanceOf(ExecutionException.class);
        System.out.printf("ModelFaultPipelineTest: the job failed %.1f s after submission: %s%n",
                (System.nanoTime() - t0) / 1e9, String.join(" <- ", messages(thrown)));
        return thrown;
    }

    private static Map<String, String> settings(Path registry) {
        return Map.of(JobSettings.MODEL_REGISTRY, registry.toString(), "drift.enabled", "false");
    }

    private static Configuration unlimitedRestarts() {
        Configuration c = new Configuration();
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, Integer.MAX_VALUE);
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        return c;
    }

    private static ModelUpdate update(long version, Path location) {
        return new ModelUpdate(TestModels.NAME, version, location.toString(), System.currentTimeMillis());
    }

    private static List<String> messages(Throwable t) {
        List<String> out = new ArrayList<>();
        for (Throwable c = t; c != null && out.size() < 20; c = c.getCause()) out.add(String.valueOf(c.getMessage()));
        return out;
    }
}

package dev.marquee.job.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.marquee.data.event.ModelStatus;
import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.Rating;
import dev.marquee.data.event.RatingRequest;
import dev.marquee.data.event.Reasons;
import dev.marquee.data.json.EventJson;
import dev.marquee.model.ModelContract;
import dev.marquee.model.ModelImporter;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.ScorerThreads;
import dev.marquee.model.ServingState;
import dev.marquee.model.TinySavedModels;
import dev.marquee.model.TrainedModel;
import dev.marquee.model.testing.TestModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Model versions load off the task thread and are handed over between batches; the version loaded at open is warmed. */
class ModelScoringFunctionTest {
    static final OutputTag<ModelStatus> STATUS = new OutputTag<>("model-status") { };
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String LOADER_THREAD = "marquee-model-loader-" + TestModels.NAME + "-";

    @TempDir
    static Path registryDir;
    private static List<Rating> rows;

    @BeforeAll
    static void twoVersionsVersionOneServing() throws Exception {
        ModelRegistry registry = new ModelRegistry(registryDir);
        rows = TestModels.data(3);
        assertThat(TestModels.publish(registry, rows, 3)).isEqualTo(1);
        assertThat(TestModels.publish(registry, rows, 4)).isEqualTo(2);
        registry.writeState(TestModels.NAME, ServingState.serving(1, "version 1 serves", System.currentTimeMillis()));
    }

    /**
     * Holds every load of version 2 until released, like a large SavedModel would, and ignores interrupts meanwhile,
     * as a native load does; records every model it loaded.
     */
    static final class GatedLoads {
        static volatile CountDownLatch started;
        static volatile CountDownLatch release;
        static final List<ServingModel> LOADED = new CopyOnWriteArrayList<>();

        static void reset() {
            started = new CountDownLatch(1);
            release = new CountDownLatch(1);
            LOADED.clear();
        }

        static ServingModel load(long version, Path dir, ScorerThreads threads, OptionalInt gpu, int warmRows) throws IOException {
            boolean interrupted = false;
            if (version == 2) {
                started.countDown();
                while (true) {
                    try {
                        if (!release.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)) throw new IOException("never released");
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            ServingModel model = ServingModel.load(version, dir, threads, gpu, warmRows);
            LOADED.add(model);
            if (interrupted) Thread.currentThread().interrupt();
            return model;
        }
    }

    @Test
    void batchesKeepScoringWithTheServingVersionWhileTheNextLoadsAndTheNextServesOnceHandedOver() throws Exception {
        GatedLoads.reset();
        ModelScoringFunction function = new ModelScoringFunction(registryDir.toString(), TestModels.NAME, 0, 1, GatedLoads::load);
        try (var h = harness(function, 4)) {
            control(h, update(2));
            assertThat(GatedLoads.started.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("version 2 started loading").isTrue();

            for (int round = 0; round < 3; round++) score(h, 4, "while-loading-" + round);
            assertThat(predictions(h)).as("every batch scored while version 2 loads").hasSize(12)
                    .allSatisfy(p -> assertThat(p.modelVersion).isEqualTo(1));
            assertThat(statuses(h)).as("nothing handed over while loading").isEmpty();

            GatedLoads.release.countDown();
            AtomicLong now = new AtomicLong(h.getProcessingTime());
            await("version 2 handed over").atMost(DEADLINE).pollInSameThread().pollInterval(Duration.ofMillis(5))
                    .until(() -> {
                        h.setProcessingTime(now.addAndGet(MicroBatchOperator.HAND_OVER_POLL_MS)); // no rows: the poll timer hands over
                        return !statuses(h).isEmpty();
                    });
            assertThat(statuses(h)).singleElement().satisfies(st -> {
                assertThat(st.status).isEqualTo(ModelStatus.LOADED);
                assertThat(st.version).isEqualTo(2);
                assertThat(st.servingVersion).isEqualTo(2);
            });
            assertThat(function.servingWarmedRows()).as("the new version was warmed at the batch size too").isEqualTo(4);

            score(h, 4, "after");
            List<Prediction> all = predictions(h);
            assertThat(all).hasSize(16);
            assertThat(all.subList(12, 16)).allSatisfy(p -> assertThat(p.modelVersion).isEqualTo(2));
            // Closed on the loader thread, so that the task thread does not wait for it.
            await("the replaced version is closed").atMost(DEADLINE).until(() ->
                    GatedLoads.LOADED.stream().filter(m -> m.version == 1).allMatch(ServingModel::isClosed));
            assertThat(GatedLoads.LOADED).filteredOn(m -> m.version == 1).singleElement()
                    .satisfies(m -> assertThat(m.isClosed()).as("the replaced version is closed").isTrue());
        }
    }

    /**
     * A candidate in shadow that does not load: version 1 keeps serving, the status says why, the counter (and alert)
     * sees it, and the slot reports the shadow dropped, so that the promoter does not promote it on the other slots'
     * pairs.
     */
    @Test
    void aShadowVersionThatDoesNotLoadIsCountedAndNamedInTheStatus() throws Exception {
        ModelScoringFunction function = new ModelScoringFunction(registryDir.toString(), TestModels.NAME, 0, 1,
                (version, dir, threads, gpu, warmRows) -> {
                    if (version == 2) throw new IOException("version 2 is corrupt");
                    return ServingModel.load(version, dir, threads, gpu, warmRows);
                });
        try (var h = harness(function, 4)) {
            handOverShadow(h, 2);
            assertThat(statuses(h)).hasSize(2);
            assertThat(statuses(h).get(0)).satisfies(st -> {
                assertThat(st.status).isEqualTo(ModelStatus.LOADED);
                assertThat(st.servingVersion).isEqualTo(1);
                assertThat(st.shadowReason).contains("version 2 is corrupt");
            });
            assertThat(statuses(h).get(1)).satisfies(st -> {
                assertThat(st.status).isEqualTo(ModelStatus.SHADOW_DROPPED);
                assertThat(st.version).isEqualTo(2);
                assertThat(st.servingVersion).isEqualTo(1);
                assertThat(st.shadowVersion).isZero();
                assertThat(st.reason).contains("does not load on this slot").contains("version 2 is corrupt");
            });
            assertThat(function.shadowVersionsRefused()).isEqualTo(1);
            score(h, 4, "after");
            assertThat(predictions(h)).hasSize(4).allSatisfy(p -> {
                assertThat(p.modelVersion).isEqualTo(1);
                assertThat(p.shadowVersion).as("no shadow scored").isZero();
            });
        }
    }

    /**
     * A shadow refused with a reason longer than a record can carry (a TensorFlow error quoting a graph): both statuses
     * carry it clipped, the dropped one in its reason and its shadow reason, or the model-status sink would fail the
     * job at every restart onto the same pointer.
     */
    @Test
    void aShadowRefusedWithAHugeReasonIsReportedClipped() throws Exception {
        String graph = "op ".repeat(400_000);
        ModelScoringFunction function = new ModelScoringFunction(registryDir.toString(), TestModels.NAME, 0, 1,
                (version, dir, threads, gpu, warmRows) -> {
                    if (version == 2) throw new IOException(graph);
                    return ServingModel.load(version, dir, threads, gpu, warmRows);
                });
        try (var h = harness(function, 4)) {
            handOverShadow(h, 2);
            assertThat(statuses(h)).hasSize(2).allSatisfy(st -> {
                assertThat(st.shadowReason).contains("op op").hasSizeLessThan(Reasons.MAX_CHARS + 80);
                if (st.reason != null) assertThat(st.reason).hasSizeLessThan(Reasons.MAX_CHARS + 80);
                assertThat(EventJson.mapper().writeValueAsBytes(st)).hasSizeLessThan(2 * Reasons.MAX_CHARS + 1_000);
            });
            assertThat(statuses(h).get(1).status).isEqualTo(ModelStatus.SHADOW_DROPPED);
        }
    }

    /**
     * A version whose load runs the JVM out of memory (a larger vocabulary, the warm-up batch) is refused as one that
     * throws: version 1 keeps serving and the status says why. Failing the task instead would restore onto it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"java", "tensorflow", "cuda"})
    void aVersionWhoseLoadRunsOutOfMemoryIsRefusedAndTheServingOneKeepsServing(String whose) throws Exception {
        // TensorFlow's own (a GPU's memory, as a swap loads beside the serving version) is the TaskManager's state too:
        // the runbook tells an operator to delete a version whose reason does not say so
        ModelScoringFunction function = new ModelScoringFunction(registryDir.toString(), TestModels.NAME, 0, 1,
                (version, dir, threads, gpu, warmRows) -> {
                    if (version == 2 && whose.equals("java")) throw new OutOfMemoryError("Java heap space");
                    if (version == 2 && whose.equals("tensorflow")) {
                        throw new IllegalStateException("could not warm the version up",
                                new org.tensorflow.exceptions.TFResourceExhaustedException("OOM when allocating tensor"));
                    }
                    if (version == 2) { // a card with no room for another session, as CUDA's error reaches TensorFlow
                        throw new org.tensorflow.exceptions.TensorFlowException(
                                "could not warm the version up: CUDA_ERROR_OUT_OF_MEMORY: out of memory");
                    }
                    return ServingModel.load(version, dir, threads, gpu, warmRows);
                });
        try (var h = harness(function, 4)) {
            handOver(h, update(2));
            assertThat(statuses(h)).singleElement().satisfies(st -> {
                assertThat(st.status).isEqualTo(ModelStatus.REFUSED);
                assertThat(st.version).isEqualTo(2);
                assertThat(st.servingVersion).isEqualTo(1);
                assertThat(st.reason).startsWith("out of memory on this TaskManager")
                        .contains(whose.equals("java") ? "java.lang.OutOfMemoryError: Java heap space" : "could not warm");
            });
            score(h, 4, "after");
            assertThat(predictions(h)).hasSize(4).allSatisfy(p -> assertThat(p.modelVersion).isEqualTo(1));
        }
    }

    /**
     * The pointer's shadow running the JVM out of memory at open (a restore onto a TaskManager with room for one model)
     * does not fail the task, which would restore onto the same pointer again: version 1 serves, and the first
     * hand-over reports the shadow dropped.
     */
    @Test
    void aPointersShadowRunningOutOfMemoryAtOpenIsDroppedNotAFailedTask() throws Exception {
        ModelRegistry registry = new ModelRegistry(registryDir);
        long now = System.currentTimeMillis();
        registry.writeState(TestModels.NAME, ServingState.serving(1, "version 1 serves", now)
                .with(1, 2, ServingState.CANDIDATE, "version 2 in shadow", now));
        try {
            ModelScoringFunction function = new ModelScoringFunction(registryDir.toString(), TestModels.NAME, 0, 1,
                    (version, dir, threads, gpu, warmRows) -> {
                        if (version == 2) throw new OutOfMemoryError("Java heap space");
                        return ServingModel.load(version, dir, threads, gpu, warmRows);
                    });
            try (var h = harness(function, 4)) {
                assertThat(function.shadowVersionsRefused()).isEqualTo(1);
                score(h, 4, "after-open");
                assertThat(predictions(h)).hasSize(4).allSatisfy(p -> {
                    assertThat(p.modelVersion).isEqualTo(1);
                    assertThat(p.shadowVersion).isZero();
                });
                assertThat(statuses(h)).singleElement().satisfies(st -> {
                    assertThat(st.status).isEqualTo(ModelStatus.SHADOW_DROPPED);
                    assertThat(st.version).isEqualTo(2);
                    assertThat(st.servingVersion).isEqualTo(1);
                    assertThat(st.reason).contains("out of memory on this TaskManager");
                });
            }
        } finally {
            registry.writeState(TestModels.NAME, ServingState.serving(1, "version 1 serves", System.currentTimeMillis()));
        }
    }

    /** A pin file that cannot be read may forbid the update: it is refused, and version 1 keeps serving. */
    @Test
    void anUpdateUnderAPinFileThatCannotBeReadIsRefused() throws Exception {
        Path pinFile = registryDir.resolve(TestModels.NAME).resolve(ModelRegistry.PIN_FILE);
        ModelScoringFunction function = new ModelScoringFunction(registryDir.toString(), TestModels.NAME, 0, 1,
                ServingModel::load);
        try (var h = harness(function, 4)) {
            Files.writeString(pinFile, "v3\n", StandardCharsets.UTF_8); // after open: the start-up refuses it outright
            handOver(h, update(2));
            assertThat(statuses(h)).singleElement().satisfies(st -> {
                assertThat(st.status).isEqualTo(ModelStatus.REFUSED);
                assertThat(st.version).isEqualTo(2);
                assertThat(st.servingVersion).isEqualTo(1);
                assertThat(st.reason).contains("cannot read the registry's pin").contains("not a version number");
            });
            score(h, 4, "after");
            assertThat(predictions(h)).hasSize(4).allSatisfy(p -> assertThat(p.modelVersion).isEqualTo(1));
        } finally {
            Files.deleteIfExists(pinFile);
        }
    }

    /**
     * A rollback pins, then announces: an update that finished loading before the pin and is installed after it is
     * prepared again under the pin, so the rolled-back version never serves in between.
     */
    @Test
    void anUpdateLoadedBeforeARollbacksPinIsNotInstalledAfterIt() throws Exception {
        GatedLoads.reset();
        ModelRegistry registry = new ModelRegistry(registryDir);
        ModelScoringFunction function = new ModelScoringFunction(registryDir.toString(), TestModels.NAME, 0, 1, GatedLoads::load);
        try (var h = harness(function, 4)) {
            control(h, update(2));
            assertThat(GatedLoads.started.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("version 2 started loading").isTrue();
            registry.pin(TestModels.NAME, 1);
            control(h, update(1));
            GatedLoads.release.countDown();
            AtomicLong now = new AtomicLong(h.getProcessingTime());
            await("both updates handed over").atMost(DEADLINE).pollInSameThread().pollInterval(Duration.ofMillis(5))
                    .until(() -> {
                        h.setProcessingTime(now.addAndGet(MicroBatchOperator.HAND_OVER_POLL_MS));
                        return !function.loadsBusy();
                    });
            // prepared again behind the rollback's own update, version 2 is dropped as a round trip: nothing to report
            assertThat(statuses(h)).as("version 2 never served").noneMatch(st -> st.servingVersion == 2);
            score(h, 4, "after");
            assertThat(predictions(h)).hasSize(4).allSatisfy(p -> assertThat(p.modelVersion).isEqualTo(1));
        } finally {
            registry.unpin(TestModels.NAME);
        }
    }

    /**
     * A slot reports what it serves from its start: after a failover at exactly-once the swap's own status may have
     * been aborted with its transaction, and the update is not read again, so the restored slot says it here.
     */
    @Test
    void aSlotReportsWhatItServesFromItsStart() throws Exception {
        ModelScoringFunction function = new ModelScoringFunction(registryDir.toString(), TestModels.NAME, 0, 1);
        var h = new OneInputStreamOperatorTestHarness<>(new MicroBatchOperator<>(function, controls, 4, 60_000, STATUS));
        h.setProcessingTime(0);
        h.open();
        try {
            AtomicLong now = new AtomicLong(0);
            await("the first hand-over").atMost(DEADLINE).pollInSameThread().pollInterval(Duration.ofMillis(5))
                    .until(() -> {
                        h.setProcessingTime(now.addAndGet(MicroBatchOperator.HAND_OVER_POLL_MS));
                        return !allStatuses(h).isEmpty();
                    });
            assertThat(allStatuses(h)).singleElement().satisfies(st -> {
                assertThat(st.status).isEqualTo(ModelStatus.LOADED);
                assertThat(st.version).isEqualTo(1);
                assertThat(st.servingVersion).isEqualTo(1);
                assertThat(st.reason).isEqualTo(ModelScoringFunction.FROM_START + " (the registry's pointer)");
            });
            score(h, 4, "after");
            h.setProcessingTime(now.addAndGet(MicroBatchOperator.CONTROL_POLL_MS));
            assertThat(allStatuses(h)).as("reported once").hasSize(1);
        } finally {
            h.close();
        }
    }

    /**
     * Each prediction of a record with a Kafka timestamp adds its latency to endToEndLatencyMs, which
     * MarqueeLatencyP99High reads (alone when drift is off); a request without one adds nothing.
     */
    @Test
    void eachPredictionOfATimedRecordIsMeasuredFromItsTimestamp() throws Exception {
        ModelScoringFunction function = new ModelScoringFunction(registryDir.toString(), TestModels.NAME, 0, 1);
        try (var h = harness(function, 4)) {
            long sent = System.currentTimeMillis();
            for (int i = 0; i < 4; i++) {
                Rating r = rows.get(i);
                RatingRequest q = new RatingRequest("timed-" + i, r.userId, r.movieTitle, r.timestamp);
                q.source = new dev.marquee.data.event.SourcePosition("rating-requests", 0, i, i < 3 ? sent : -1);
                h.processElement(new StreamRecord<>(q));
            }
            assertThat(predictions(h)).hasSize(4);
            assertThat(function.endToEndLatencySamples()).as("the three with a record timestamp").isEqualTo(3);
        }
    }

    /** A candidate answering NaN on live traffic must never be promoted: it is dropped as one that throws is. */
    @Test
    void aShadowThatAnswersNaNIsDroppedNotJudgedOnItsOtherRows(@TempDir Path other) throws Exception {
        Path nanDir = importedNanForEarlyTimestamps(other);
        ModelScoringFunction function = withVersionAt(2, nanDir);
        try (var h = harness(function, 4)) {
            handOverShadow(h, 2);
            for (int i = 0; i < 4; i++) {
                Rating r = rows.get(i);
                long ts = i == 2 ? 700_000_000L : 892_870_992L; // the shadow answers NaN before 800,000,000
                h.processElement(new StreamRecord<>(new RatingRequest("nan-" + i, r.userId, r.movieTitle, ts)));
            }
            assertThat(predictions(h)).as("every request served by version 1").hasSize(4).allSatisfy(p -> {
                assertThat(p.modelVersion).isEqualTo(1);
                assertThat(p.shadowVersion).as("no shadow rating from a batch it answered NaN in").isZero();
            });
            assertThat(function.shadowVersionsRefused()).isEqualTo(1);
            score(h, 4, "after-the-drop"); // the next hand-over reports it, for the promoter (the other slots still pair it)
            assertThat(predictions(h).subList(4, 8)).as("the dropped shadow scores no more")
                    .allSatisfy(p -> assertThat(p.shadowVersion).isZero());
            assertThat(function.shadowVersionsRefused()).as("dropped once").isEqualTo(1);
            assertThat(statuses(h)).filteredOn(st -> st.status == ModelStatus.SHADOW_DROPPED).as("reported once").hasSize(1);
            assertThat(statuses(h)).last().satisfies(st -> {
                assertThat(st.status).isEqualTo(ModelStatus.SHADOW_DROPPED);
                assertThat(st.version).isEqualTo(2);
                assertThat(st.servingVersion).isEqualTo(1);
                assertThat(st.shadowVersion).isZero();
                assertThat(st.reason).contains("answered NaN");
                // kept for ever in the pointer's held reasons and the compacted model-updates topic: no personal data
                assertThat(st.reason).doesNotContainIgnoringCase("user").doesNotContain(rows.get(2).movieTitle);
                assertThat(st.shadowReason).isEqualTo(st.reason);
            });
        }
    }

    /**
     * A promotion prepared while its shadow is dropped (a NaN on the batch scored during the load) is prepared again
     * from what the slot holds then, not refused as "not loaded": this slot would go on serving the old version while
     * the others serve the new one.
     */
    @Test
    void aPromotionPreparedWhileItsShadowIsDroppedIsPreparedAgainNotRefused(@TempDir Path other) throws Exception {
        Path nanDir = importedNanForEarlyTimestamps(other);
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // version 3 (the new shadow) is version 1's SavedModel, loaded slowly
        ModelScoringFunction function = new ModelScoringFunction(registryDir.toString(), TestModels.NAME, 0, 1,
                (version, dir, threads, gpu, warmRows) -> {
                    if (version == 2) return ServingModel.load(version, nanDir, threads, gpu, warmRows);
                    if (version == 3) {
                        loading.countDown();
                        try {
                            if (!release.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)) throw new IOException("never released");
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IOException(e);
                        }
                        return ServingModel.load(version, new ModelRegistry(registryDir).versionDir(TestModels.NAME, 1), threads, gpu,
                                warmRows);
                    }
                    return ServingModel.load(version, dir, threads, gpu, warmRows);
                });
        try (var h = harness(function, 4)) {
            handOverShadow(h, 2);
            ModelUpdate promotion = update(2);
            promotion.shadowVersion = 3;
            control(h, promotion);
            AtomicLong now = new AtomicLong(h.getProcessingTime());
            await("version 3 loading").atMost(DEADLINE).pollInSameThread().pollInterval(Duration.ofMillis(5)).until(() -> {
                h.setProcessingTime(now.addAndGet(MicroBatchOperator.HAND_OVER_POLL_MS));
                return loading.getCount() == 0;
            });
            for (int i = 0; i < 4; i++) { // shadow 2 answers NaN before 800,000,000: dropped while 3 loads
                Rating r = rows.get(i);
                h.processElement(new StreamRecord<>(new RatingRequest("nan-" + i, r.userId, r.movieTitle,
                        i == 2 ? 700_000_000L : 892_870_992L)));
            }
            assertThat(function.shadowVersionsRefused()).isEqualTo(1);
            release.countDown();
            await("the promotion handed over").atMost(DEADLINE).pollInSameThread().pollInterval(Duration.ofMillis(5))
                    .until(() -> {
                        h.setProcessingTime(now.addAndGet(MicroBatchOperator.HAND_OVER_POLL_MS));
                        return statuses(h).stream().anyMatch(st -> st.version == 2 && st.status != ModelStatus.SHADOW_DROPPED);
                    });
            assertThat(statuses(h)).noneMatch(st -> st.status == ModelStatus.REFUSED)
                    .filteredOn(st -> st.version == 2 && st.status != ModelStatus.SHADOW_DROPPED).singleElement()
                    .satisfies(st -> {
                        assertThat(st.status).isEqualTo(ModelStatus.LOADED);
                        assertThat(st.servingVersion).isEqualTo(2);
                        assertThat(st.shadowVersion).isEqualTo(3);
                    });
        }
    }

    /**
     * A job pinned by its own setting (`model.version`) ignores every update, a shadow's included: a canary or a
     * reference job does not follow the trainer's promotions.
     */
    @Test
    void aJobPinnedByItsSettingIgnoresUpdatesAndTheirShadows() throws Exception {
        ModelScoringFunction function = new ModelScoringFunction(registryDir.toString(), TestModels.NAME, 1, 1);
        try (var h = harness(function, 4)) {
            control(h, update(2));
            ModelUpdate withShadow = update(1);
            withShadow.shadowVersion = 2;
            control(h, withShadow);
            AtomicLong now = new AtomicLong(h.getProcessingTime());
            for (int round = 0; round < 5; round++) {
                h.setProcessingTime(now.addAndGet(MicroBatchOperator.HAND_OVER_POLL_MS));
                score(h, 4, "pinned-" + round);
                // an update taken would be loading or waiting: let it finish and be handed over before looking
                await("no update loading").atMost(DEADLINE).pollInSameThread().pollInterval(Duration.ofMillis(5)).until(() -> {
                    h.setProcessingTime(now.addAndGet(MicroBatchOperator.HAND_OVER_POLL_MS));
                    return !function.loadsBusy();
                });
            }
            score(h, 4, "last");
            assertThat(predictions(h)).hasSize(24).allSatisfy(p -> {
                assertThat(p.modelVersion).isEqualTo(1);
                assertThat(p.shadowVersion).isZero();
            });
            assertThat(allStatuses(h)).singleElement().satisfies(st -> {
                assertThat(st.status).isEqualTo(ModelStatus.LOADED);
                assertThat(st.servingVersion).isEqualTo(1);
                assertThat(st.reason).isEqualTo(ModelScoringFunction.FROM_START + " (model.version)");
            });
        }
    }

    /**
     * Under a registry pin no shadow runs: not the pointer's at open (a failover during the pin would score every batch
     * twice), and not one an update names afterwards.
     */
    @Test
    void underARegistryPinNoShadowRunsAtOpenNorAfterAnUpdate() throws Exception {
        ModelRegistry registry = new ModelRegistry(registryDir);
        long now0 = System.currentTimeMillis();
        registry.writeState(TestModels.NAME, ServingState.serving(1, "version 1 serves", now0)
                .with(1, 2, ServingState.CANDIDATE, "version 2 in shadow", now0));
        try {
            registry.pin(TestModels.NAME, 1);
            ModelScoringFunction pinnedAtOpen = new ModelScoringFunction(registryDir.toString(), TestModels.NAME, 0, 1);
            try (var h = harness(pinnedAtOpen, 4)) {
                score(h, 4, "pinned-open");
                assertThat(predictions(h)).hasSize(4).allSatisfy(p -> assertThat(p.shadowVersion).isZero());
                AtomicLong now = new AtomicLong(h.getProcessingTime());
                await("the first hand-over").atMost(DEADLINE).pollInSameThread().pollInterval(Duration.ofMillis(5))
                        .until(() -> {
                            h.setProcessingTime(now.addAndGet(MicroBatchOperator.HAND_OVER_POLL_MS));
                            return !allStatuses(h).isEmpty();
                        });
                assertThat(allStatuses(h)).singleElement().satisfies(st -> {
                    assertThat(st.reason).isEqualTo(ModelScoringFunction.FROM_START + " (the registry's pin)");
                    assertThat(st.shadowVersion).isZero();
                });
            }
            registry.unpin(TestModels.NAME);

            ModelScoringFunction pinnedLater = new ModelScoringFunction(registryDir.toString(), TestModels.NAME, 0, 1);
            try (var h = harness(pinnedLater, 4)) {
                score(h, 4, "with-shadow");
                assertThat(predictions(h)).as("unpinned, the pointer's shadow runs").hasSize(4)
                        .allSatisfy(p -> assertThat(p.shadowVersion).isEqualTo(2));
                registry.pin(TestModels.NAME, 1);
                handOverShadow(h, 2);
                assertThat(statuses(h)).singleElement().satisfies(st -> {
                    assertThat(st.status).isEqualTo(ModelStatus.LOADED);
                    assertThat(st.servingVersion).isEqualTo(1);
                    assertThat(st.shadowVersion).as("a pin beats the update's shadow").isZero();
                });
                score(h, 4, "pinned");
                assertThat(predictions(h).subList(4, 8)).allSatisfy(p -> assertThat(p.shadowVersion).isZero());
            }
        } finally {
            registry.unpin(TestModels.NAME);
            registry.writeState(TestModels.NAME, ServingState.serving(1, "version 1 serves", System.currentTimeMillis()));
        }
    }

    /** Where the serving version has no rating either, the shadow's NaN costs nothing: that request is a dead letter whichever serves. */
    @Test
    void aShadowThatAnswersNaNOnlyWhereTheServingVersionDoesTooKeepsRunning(@TempDir Path other) throws Exception {
        Path nanDir = importedNanForEarlyTimestamps(other);
        ModelScoringFunction function = new ModelScoringFunction(registryDir.toString(), TestModels.NAME, 0, 1,
                (version, dir, threads, gpu, warmRows) -> ServingModel.load(version, nanDir, threads, gpu, warmRows));
        OutputTag<dev.marquee.data.event.DeadLetter> refused = new OutputTag<>("refused") { };
        try (var h = new OneInputStreamOperatorTestHarness<>(
                new MicroBatchOperator<>(function, controls, 4, 60_000, STATUS, null, refused))) {
            h.setProcessingTime(0);
            h.open();
            handOverShadow(h, 2);
            for (int i = 0; i < 4; i++) {
                long ts = i == 2 ? 700_000_000L : 892_870_992L; // both versions answer NaN before 800,000,000
                h.processElement(new StreamRecord<>(new RatingRequest("both-" + i, "7", "Heat (1995)", ts)));
            }
            assertThat(predictions(h)).as("the serving version's NaN request is not predicted").hasSize(3)
                    .allSatisfy(p -> assertThat(p.shadowVersion).isEqualTo(2));
            assertThat(h.getSideOutput(refused)).singleElement()
                    .satisfies(d -> assertThat(d.getValue().requestId).isEqualTo("both-2"));
            assertThat(function.shadowVersionsRefused()).isZero();
        }
    }

    /**
     * Out of memory at the first load is the device's state (another process on the card), not the version's: the
     * restart strategy may try again. Any other failure to load at submission fails the job for good, naming the way out.
     */
    @Test
    void outOfMemoryAtStartUpIsRestartableWhereABrokenVersionIsNot() {
        ModelScoringFunction oom = new ModelScoringFunction(registryDir.toString(), TestModels.NAME, 0, 1,
                (version, dir, threads, gpu, warmRows) -> {
                    throw new org.tensorflow.exceptions.TFResourceExhaustedException("OOM when allocating tensor");
                });
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> harness(oom, 4).close());
        assertThat(thrown).isNotNull().hasMessageContaining("out of memory (on the CPU)")
                .hasMessageContaining("the job restarts").hasMessageContaining("rollback --version");
        assertThat(causes(thrown)).noneMatch(t -> t instanceof org.apache.flink.runtime.execution.SuppressRestartsException);

        ModelScoringFunction broken = new ModelScoringFunction(registryDir.toString(), TestModels.NAME, 0, 1,
                (version, dir, threads, gpu, warmRows) -> {
                    throw new org.tensorflow.exceptions.TensorFlowException("truncated variables");
                });
        Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() -> harness(broken, 4).close());
        assertThat(causes(refused)).anyMatch(t -> t instanceof org.apache.flink.runtime.execution.SuppressRestartsException);
    }

    /**
     * A start-up failure stops the job for good only at submission (attempt 0); on a failover's attempt the restart
     * strategy decides, as a registry briefly unreachable then must not end the job.
     */
    @Test
    void aStartUpFailureSuppressesRestartsOnlyOnTheFirstAttempt() {
        java.io.IOException cause = new java.io.IOException("cannot read model 'marquee'");
        assertThat(ModelScoringFunction.startFailure(0, cause))
                .isInstanceOf(org.apache.flink.runtime.execution.SuppressRestartsException.class).hasCause(cause);
        assertThat(ModelScoringFunction.startFailure(1, cause)).isSameAs(cause);
        assertThat(ModelScoringFunction.startFailure(7, cause)).isSameAs(cause);
    }

    /** TensorFlow's native library that does not load (an Error) fails the job at submission saying so, not in a loop. */
    @Test
    void aNativeLibraryThatDoesNotLoadFailsTheJobAtSubmissionNamingIt() {
        ModelScoringFunction noNative = new ModelScoringFunction(registryDir.toString(), TestModels.NAME, 0, 1,
                (version, dir, threads, gpu, warmRows) -> {
                    throw new UnsatisfiedLinkError("no jnitensorflow in java.library.path");
                });
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> harness(noNative, 4).close());
        assertThat(causes(thrown)).anyMatch(t -> t instanceof org.apache.flink.runtime.execution.SuppressRestartsException)
                .anyMatch(t -> String.valueOf(t.getMessage()).contains("TensorFlow's native library does not load"));
        String again = ModelScoringFunction.nativeLibraryFailure("marquee",
                new NoClassDefFoundError("Could not initialize class org.tensorflow.internal.c_api.global.tensorflow"));
        assertThat(again).contains("restart the TaskManager").contains("javacpp").doesNotContain("java.io.tmpdir");
        String stale = ModelScoringFunction.nativeLibraryFailure("marquee", new NoSuchMethodError("org.tensorflow.Graph.x()"));
        assertThat(stale).as("a class that does not match is the deployment's, not the library's")
                .contains("do not match").doesNotContain("glibc");
        String host = ModelScoringFunction.nativeLibraryFailure("marquee",
                new dev.marquee.model.TensorFlowHost.UnsupportedHostError("this CPU has no AVX"));
        assertThat(host).as("a host TensorFlow cannot run on is said as such, not as a library that failed to unpack")
                .isEqualTo("cannot serve model 'marquee': TensorFlow cannot run on this TaskManager: this CPU has no AVX");
    }

    /** A slot handed a card TensorFlow cannot use runs on the CPU with a CPU slot's threads, and says so. */
    @Test
    void aGpuTensorFlowCannotUseFallsBackToTheCpuWithItsShareOfTheCores() {
        DevicePlan gpu = DeviceSelector.choose(List.of(DeviceSelectorTest.gpu("0")), 0, 2, 8, java.util.Map.of());
        assertThat(gpu.onGpu()).isTrue();

        DevicePlan fallen = ModelScoringFunction.usable(gpu, 4, index -> java.util.Optional.of("no GPU kernel"));
        assertThat(fallen.onGpu()).isFalse();
        assertThat(fallen.isWarning()).isTrue();
        assertThat(fallen.intraOpThreads()).isEqualTo(4);
        assertThat(fallen.reason()).contains("on GPU 0").contains("no GPU kernel").contains("CUDA");

        assertThat(ModelScoringFunction.usable(gpu, 4, index -> java.util.Optional.empty())).isSameAs(gpu);
        // a card another process filled is not a missing library: said as such
        DevicePlan full = ModelScoringFunction.usable(gpu, 4,
                index -> java.util.Optional.of("failed call to cuInit: CUDA_ERROR_OUT_OF_MEMORY: out of memory"));
        assertThat(full.onGpu()).isFalse();
        assertThat(full.reason()).contains("no memory on the card").contains("until this TaskManager restarts")
                .doesNotContain("cuDNN");
        // on this machine (TensorFlow's CPU build, no card) the probe says why it cannot
        assertThat(dev.marquee.model.GpuProbe.unusable(0, ScorerThreads.callerThread())).isPresent();
    }

    private static List<Throwable> causes(Throwable t) {
        List<Throwable> chain = new ArrayList<>();
        for (; t != null && !chain.contains(t); t = t.getCause()) chain.add(t);
        return chain;
    }

    /** Hands over an update serving version 1 with {@code shadow} beside it, polling until its status is out. */
    private void handOverShadow(OneInputStreamOperatorTestHarness<RatingRequest, Prediction> h, long shadow) throws Exception {
        ModelUpdate update = update(1);
        update.shadowVersion = shadow;
        handOver(h, update);
    }

    /** A scoring function whose {@code version} loads from {@code dir} instead of the registry's folder. */
    private static ModelScoringFunction withVersionAt(long version, Path dir) {
        return new ModelScoringFunction(registryDir.toString(), TestModels.NAME, 0, 1,
                (v, folder, threads, gpu, warmRows) -> ServingModel.load(v, v == version ? dir : folder, threads, gpu, warmRows));
    }

    /** Sends {@code update} and moves processing time on until the slot reports it handed over (or refused). */
    private void handOver(OneInputStreamOperatorTestHarness<RatingRequest, Prediction> h, ModelUpdate update) throws Exception {
        control(h, update);
        AtomicLong now = new AtomicLong(h.getProcessingTime());
        await("the update handed over").atMost(DEADLINE).pollInSameThread().pollInterval(Duration.ofMillis(5))
                .until(() -> {
                    h.setProcessingTime(now.addAndGet(MicroBatchOperator.HAND_OVER_POLL_MS));
                    return !statuses(h).isEmpty();
                });
    }

    /** A tiny imported version whose user id input is int64 (a contract, no data); its folder. */
    private static Path importedIntegerIds(Path other) throws Exception {
        ModelRegistry elsewhere = new ModelRegistry(other.resolve("registry"));
        Path tiny = TinySavedModels.export(other.resolve("int64"), TinySavedModels.Kind.INT64_IDS_RENAMED_VECTOR_OUTPUT);
        return elsewhere.versionDir("tiny", new ModelImporter(elsewhere, "tiny", line -> { }).importModel(
                new ModelImporter.Request(tiny, "serving_default", "uid", "title", "ts", "rating", null), null));
    }

    /**
     * A shadow whose inputs cannot take a request the serving version scored (an int64-id import, a user id "u7") is
     * dropped: the promoter would judge it on the other requests alone, and promoted it would dead-letter these.
     */
    @Test
    void aShadowWhoseInputsCannotTakeARequestTheServingVersionScoredIsDropped(@TempDir Path other) throws Exception {
        Path intIds = importedIntegerIds(other);
        ModelScoringFunction function = withVersionAt(2, intIds);
        try (var h = harness(function, 4)) {
            handOverShadow(h, 2);
            for (int i = 0; i < 4; i++) {
                Rating r = rows.get(i);
                h.processElement(new StreamRecord<>(new RatingRequest("ids-" + i, i == 1 ? "u7" : "7", r.movieTitle,
                        892_870_992L)));
            }
            assertThat(predictions(h)).as("every request served by version 1").hasSize(4).allSatisfy(p -> {
                assertThat(p.modelVersion).isEqualTo(1);
                assertThat(p.shadowVersion).as("no shadow rating from a batch it could not take whole").isZero();
            });
            assertThat(function.shadowVersionsRefused()).isEqualTo(1);
            score(h, 4, "after-the-drop");
            assertThat(statuses(h)).last().satisfies(st -> {
                assertThat(st.status).isEqualTo(ModelStatus.SHADOW_DROPPED);
                assertThat(st.version).isEqualTo(2);
                assertThat(st.reason).contains("cannot take a request version 1 scored").contains("a user_id is not an integer")
                        .contains("would dead-letter")
                        .as("kept for ever in the pointer's held reasons and on model-updates: no user id").doesNotContain("u7");
            });
        }
    }

    /**
     * The same int64-id version watched after the switch away from it (older than the serving version, kept in shadow
     * for a rollback): it scores the requests it can take and stays, since it dead-lettered the others when it served.
     */
    @Test
    void aWatchedVersionWhoseInputsCannotTakeSomeRequestsStaysAndScoresTheOthers(@TempDir Path other) throws Exception {
        Path intIds = importedIntegerIds(other);
        ModelScoringFunction function = withVersionAt(1, intIds);
        try (var h = harness(function, 4)) {
            ModelUpdate update = update(2);
            update.shadowVersion = 1;
            handOver(h, update);
            for (int i = 0; i < 4; i++) {
                Rating r = rows.get(i);
                h.processElement(new StreamRecord<>(new RatingRequest("watch-" + i, i == 1 ? "u7" : "7", r.movieTitle,
                        892_870_992L)));
            }
            List<Prediction> all = predictions(h);
            assertThat(all).hasSize(4).allSatisfy(p -> assertThat(p.modelVersion).isEqualTo(2));
            assertThat(all).filteredOn(p -> p.userId.equals("u7")).singleElement()
                    .satisfies(p -> assertThat(p.shadowVersion).as("not paired").isZero());
            assertThat(all).filteredOn(p -> p.userId.equals("7")).hasSize(3)
                    .allSatisfy(p -> assertThat(p.shadowVersion).as("paired").isEqualTo(1));
            assertThat(function.shadowVersionsRefused()).isZero();
            assertThat(statuses(h)).noneMatch(st -> ModelStatus.SHADOW_DROPPED.equals(st.status));
        }
    }

    /** A tiny imported version (a contract, no data) answering NaN for timestamps before 800,000,000; its folder. */
    private static Path importedNanForEarlyTimestamps(Path other) throws Exception {
        ModelRegistry elsewhere = new ModelRegistry(other.resolve("registry"));
        Path tiny = TinySavedModels.export(other.resolve("nan"), TinySavedModels.Kind.NAN_FOR_EARLY_TIMESTAMPS);
        long imported = new ModelImporter(elsewhere, "tiny", line -> { }).importModel(new ModelImporter.Request(tiny,
                "serving_default", "user_id", "movie_title", "timestamp", "output_3", null), null);
        return elsewhere.versionDir("tiny", imported);
    }

    /** Records each version it is told to prepare for, with the thread that told it. */
    static final class PreparingObserver implements BatchObserver<Prediction, String> {
        static final List<String> PREPARED = new CopyOnWriteArrayList<>();

        @Override
        public OutputTag<String> summaries() {
            return new OutputTag<>("prepared") { };
        }

        @Override
        public void prepareFor(long version) {
            PREPARED.add(version + " on " + Thread.currentThread().getName());
        }

        @Override
        public void observe(List<Prediction> batch, java.util.function.Consumer<String> emit) {}

        @Override
        public void flush(java.util.function.Consumer<String> emit) {}

        @Override
        public long flushIntervalMs() {
            return 60_000;
        }
    }

    @Test
    void theObserverPreparesForEachVersionOnTheThreadThatLoadsItBeforeItIsHandedOver() throws Exception {
        GatedLoads.reset();
        PreparingObserver.PREPARED.clear();
        ModelScoringFunction function = new ModelScoringFunction(registryDir.toString(), TestModels.NAME, 0, 1, GatedLoads::load);
        var h = new OneInputStreamOperatorTestHarness<>(new MicroBatchOperator<>(function, controls, 4, 60_000, STATUS,
                new PreparingObserver()));
        h.setProcessingTime(0);
        h.open();
        try (h) {
            assertThat(PreparingObserver.PREPARED).as("at open, on the task thread")
                    .containsExactly("1 on " + Thread.currentThread().getName());
            control(h, update(2));
            assertThat(GatedLoads.started.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
            GatedLoads.release.countDown();
            await("version 2 prepared for").atMost(DEADLINE).until(() -> PreparingObserver.PREPARED.size() == 2);
            assertThat(PreparingObserver.PREPARED.get(1)).startsWith("2 on " + LOADER_THREAD);
            assertThat(statuses(h)).as("not yet handed over").isEmpty();
        }
    }

    static final List<String> ALSO_PREPARED = new CopyOnWriteArrayList<>();

    @Test
    void anExtraPreparationRunsForEachVersionAfterTheObserversOnTheSameThreadBeforeItIsHandedOver() throws Exception {
        GatedLoads.reset();
        PreparingObserver.PREPARED.clear();
        ALSO_PREPARED.clear();
        ModelScoringFunction function = new ModelScoringFunction(registryDir.toString(), TestModels.NAME, 0, 1, GatedLoads::load)
                .alsoPreparing(version -> {
                    if (PreparingObserver.PREPARED.stream().noneMatch(p -> p.startsWith(version + " on "))) {
                        throw new IllegalStateException("the observer has not prepared version " + version + " yet");
                    }
                    ALSO_PREPARED.add(version + " on " + Thread.currentThread().getName());
                    if (version == 2) throw new IllegalStateException("a failing preparation costs the load nothing");
                });
        var h = new OneInputStreamOperatorTestHarness<>(new MicroBatchOperator<>(function, controls, 4, 60_000, STATUS,
                new PreparingObserver()));
        h.setProcessingTime(0);
        h.open();
        try (h) {
            assertThat(ALSO_PREPARED).as("at open, on the task thread").containsExactly("1 on " + Thread.currentThread().getName());
            control(h, update(2));
            assertThat(GatedLoads.started.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
            GatedLoads.release.countDown();
            await("version 2 prepared for").atMost(DEADLINE).until(() -> ALSO_PREPARED.size() == 2);
            assertThat(ALSO_PREPARED.get(1)).startsWith("2 on " + LOADER_THREAD);
            AtomicLong now = new AtomicLong(h.getProcessingTime());
            await("version 2 handed over although its extra preparation failed").atMost(DEADLINE)
                    .pollInSameThread().pollInterval(Duration.ofMillis(5)).until(() -> {
                        h.setProcessingTime(now.addAndGet(MicroBatchOperator.HAND_OVER_POLL_MS));
                        return !statuses(h).isEmpty();
                    });
            assertThat(statuses(h)).singleElement().satisfies(st -> {
                assertThat(st.status).isEqualTo(ModelStatus.LOADED);
                assertThat(st.servingVersion).isEqualTo(2);
            });
        }
    }

    @Test
    void closingWhileAVersionLoadsStopsTheLoaderAndClosesTheVersionItLoadedLate() throws Exception {
        GatedLoads.reset();
        ModelScoringFunction function = new ModelScoringFunction(registryDir.toString(), TestModels.NAME, 0, 1, GatedLoads::load);
        try (var h = harness(function, 4)) {
            control(h, update(2));
            assertThat(GatedLoads.started.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
            h.getOperator().close(); // as when the task is cancelled: close without finish (which would wait for the load)
            GatedLoads.release.countDown();

            await("version 2 loaded after the close, then closed").atMost(DEADLINE).until(() ->
                    GatedLoads.LOADED.stream().anyMatch(m -> m.version == 2 && m.isClosed()));
            assertThat(GatedLoads.LOADED).allSatisfy(m -> assertThat(m.isClosed()).as("version %d closed", m.version).isTrue());
            await("the loader thread ended").atMost(DEADLINE).until(() -> Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().startsWith(LOADER_THREAD) && t.isAlive()));
        }
    }

    @Test
    void openWarmsTheServingVersionWithABatchOfTheConfiguredSize() throws Exception {
        ModelScoringFunction function = new ModelScoringFunction(registryDir.toString(), TestModels.NAME, 0, 1);
        try (var h = harness(function, 64)) {
            assertThat(function.servingWarmedRows()).isEqualTo(64);
        }
    }

    @Test
    void theWarmBatchTakesTheVersionsOwnUsersAndTitles() throws Exception {
        Path dir = new ModelRegistry(registryDir).versionDir(TestModels.NAME, 1);
        Path assets = dir.resolve(TrainedModel.ASSETS);
        List<String> users = Files.readAllLines(assets.resolve(TrainedModel.USERS_FILE), StandardCharsets.UTF_8);
        List<String> titles = Files.readAllLines(assets.resolve(TrainedModel.TITLES_FILE), StandardCharsets.UTF_8);

        WarmBatch warm = WarmBatch.of(dir, ModelContract.of(dir), 50);

        assertThat(warm.users()).hasSize(50).allSatisfy(u -> assertThat(users).contains(u));
        assertThat(warm.titles()).hasSize(50).allSatisfy(t -> assertThat(titles).contains(t));
        assertThat(java.util.Arrays.stream(warm.titles()).distinct().count()).as("distinct titles").isGreaterThan(1);
    }

    /**
     * A batch of 64 the serving version fails on because of one request: it is found by halving, at the cost of two
     * runs per halving (log2 64 = 6) and one more of the request alone (RELIABILITY.md), and the other 63 are scored.
     */
    @Test
    void oneRequestAVersionFailsOnAloneCostsTwoRunsPerHalvingOfItsBatch(@TempDir Path dir) throws Exception {
        ModelRegistry registry = new ModelRegistry(dir.resolve("registry"));
        Path tiny = TinySavedModels.export(dir.resolve("narrowing"), TinySavedModels.Kind.INT64_IDS_FAILING_BEYOND_INT32);
        long version = new ModelImporter(registry, TestModels.NAME, line -> { }).importModel(
                new ModelImporter.Request(tiny, "serving_default", "uid", "title", "ts", "rating", null), null);
        ModelScoringFunction function = new ModelScoringFunction(registry.base().toString(), TestModels.NAME, version, 1);
        int n = 64;
        var operator = new MicroBatchOperator<>(function, controls, n, 60_000, STATUS, null,
                dev.marquee.job.ScoringJob.MODEL_REFUSALS);
        try (var h = new OneInputStreamOperatorTestHarness<>(operator)) {
            h.setProcessingTime(0);
            h.open();
            long before = function.servingRuns();
            for (int i = 0; i < n; i++) {
                String user = i == 41 ? "9000000000" : Integer.toString(i + 1); // beyond int32: the graph fails on it
                h.processElement(new StreamRecord<>(new RatingRequest("r" + i, user, "Star Wars (1977)", 892_870_992L)));
            }
            assertThat(predictions(h)).hasSize(n - 1).noneMatch(p -> p.requestId.equals("r41"));
            assertThat(h.getSideOutput(dev.marquee.job.ScoringJob.MODEL_REFUSALS)).singleElement()
                    .satisfies(d -> assertThat(d.getValue().requestId).isEqualTo("r41"));
            long halvings = 6; // log2(64)
            assertThat(function.servingRuns() - before).as("runs: the batch, two per halving, the request alone again")
                    .isEqualTo(1 + 2 * halvings + 1);
        }
    }

    /**
     * Updates queued behind a load that come back to what the slot then serves (a rollback and its undoing): each
     * states the whole target, so they are dropped. Installed in turn, the slot would serve version 1 again for a
     * load's time, though the pointer had left it.
     */
    @Test
    void updatesQueuedBehindALoadThatComeBackToItAreDropped() throws Exception {
        GatedLoads.reset();
        ModelScoringFunction function = new ModelScoringFunction(registryDir.toString(), TestModels.NAME, 0, 1, GatedLoads::load);
        try (var h = harness(function, 4)) {
            control(h, update(2));
            assertThat(GatedLoads.started.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("version 2 started loading").isTrue();
            control(h, update(1)); // a rollback to 1 ...
            control(h, update(2)); // ... and forward to 2 again, both while 2 loads
            GatedLoads.release.countDown();

            List<ModelStatus> reported = new ArrayList<>(statuses(h));
            function.handOver(reported::add, true); // everything waiting, loaded and installed

            assertThat(reported).extracting(st -> st.version).as("what each slot reported").containsExactly(2L);
            assertThat(GatedLoads.LOADED).filteredOn(m -> m.version == 1).as("version 1 loaded only at open").hasSize(1);
            score(h, 4, "after");
            assertThat(predictions(h)).hasSize(4).allSatisfy(p -> assertThat(p.modelVersion).isEqualTo(2));
        }
    }

    /**
     * Another deployment of the same model name announcing on the same topic: its update names another registry, whose
     * version 2 is another model, and the slot ignores it; the next update, from its own registry, is the one it acts on.
     */
    @Test
    void anUpdateFromAnotherRegistryIsIgnored() throws Exception {
        String own = new ModelRegistry(registryDir).id().orElseThrow();
        ModelScoringFunction function = new ModelScoringFunction(registryDir.toString(), TestModels.NAME, 0, 1, ServingModel::load);
        try (var h = harness(function, 4)) {
            ModelUpdate foreign = update(2);
            foreign.registryId = "another-registry-0001";
            control(h, foreign);
            ModelUpdate mine = update(1);
            mine.shadowVersion = 2;
            mine.registryId = own;
            handOver(h, mine); // updates are taken in order: had the foreign one been, version 2 would serve first
            score(h, 4, "after");
            assertThat(statuses(h)).isNotEmpty().allSatisfy(st -> {
                assertThat(st.servingVersion).isEqualTo(1);
                assertThat(st.shadowVersion).isEqualTo(2);
            });
            assertThat(predictions(h)).hasSize(4).allSatisfy(p -> assertThat(p.modelVersion).isEqualTo(1));
        }
    }

    /**
     * An id the slot knows is kept when a later read fails (the file gone, a network volume's error): another
     * registry's update is still ignored. Updates are taken in order, so had it been, version 2 would serve before
     * the next update of this registry's puts version 2 in shadow.
     */
    @Test
    void aKnownIdIsKeptWhenTheFileCannotBeReadAgain() throws Exception {
        Path idFile = registryDir.resolve(ModelRegistry.ID_FILE);
        String before = java.nio.file.Files.readString(idFile);
        ModelScoringFunction function = new ModelScoringFunction(registryDir.toString(), TestModels.NAME, 0, 1, ServingModel::load);
        try (var h = harness(function, 4)) {
            ModelUpdate same = update(1);
            same.registryId = before.strip();
            control(h, same); // what it serves already: the slot learns its registry's id, nothing to load
            java.nio.file.Files.delete(idFile);
            ModelUpdate foreign = update(2);
            foreign.registryId = "another-registry-0001";
            control(h, foreign);
            ModelUpdate mine = update(1);
            mine.shadowVersion = 2;
            mine.registryId = before.strip();
            handOver(h, mine);
            assertThat(statuses(h)).isNotEmpty().allSatisfy(st -> assertThat(st.servingVersion).isEqualTo(1));
        } finally {
            java.nio.file.Files.writeString(idFile, before);
        }
    }

    /**
     * A copied registry's id file deleted and made anew (OPERATIONS.md) while its slots run: an update naming the new
     * id is this registry's, read again rather than ignored on the id the slot knew.
     */
    @Test
    void aRegistryIdMadeAnewWhileTheSlotRunsIsRead() throws Exception {
        Path idFile = registryDir.resolve(ModelRegistry.ID_FILE);
        String before = java.nio.file.Files.readString(idFile);
        ModelScoringFunction function = new ModelScoringFunction(registryDir.toString(), TestModels.NAME, 0, 1, ServingModel::load);
        try (var h = harness(function, 4)) {
            ModelUpdate first = update(1);
            first.shadowVersion = 2;
            first.registryId = before.strip();
            handOver(h, first);
            java.nio.file.Files.writeString(idFile, "made-anew-0001\n");
            ModelUpdate next = update(2);
            next.registryId = "made-anew-0001";
            int seen = statuses(h).size();
            control(h, next);
            AtomicLong now = new AtomicLong(h.getProcessingTime());
            await("version 2 handed over").atMost(DEADLINE).pollInSameThread().pollInterval(Duration.ofMillis(5))
                    .until(() -> {
                        h.setProcessingTime(now.addAndGet(MicroBatchOperator.HAND_OVER_POLL_MS));
                        return statuses(h).stream().skip(seen).anyMatch(st -> st.servingVersion == 2);
                    });
        } finally {
            java.nio.file.Files.writeString(idFile, before);
        }
    }

    /** This test's model updates (a new feed for each test). */
    private final ListControlFeed<ModelUpdate> controls = ListControlFeed.create();

    /** Publishes a model update and lets the operator's next poll of the feed come. */
    private void control(OneInputStreamOperatorTestHarness<RatingRequest, Prediction> h, ModelUpdate update) throws Exception {
        controls.publish(update);
        h.setProcessingTime(h.getProcessingTime() + MicroBatchOperator.CONTROL_POLL_MS);
    }

    private OneInputStreamOperatorTestHarness<RatingRequest, Prediction> harness(
            ModelScoringFunction function, int batchSize) throws Exception {
        var h = new OneInputStreamOperatorTestHarness<>(new MicroBatchOperator<>(function, controls, batchSize, 60_000, STATUS));
        h.setProcessingTime(0);
        h.open();
        return h;
    }

    private static void score(OneInputStreamOperatorTestHarness<RatingRequest, Prediction> h, int n, String prefix)
            throws Exception {
        for (int i = 0; i < n; i++) {
            Rating r = rows.get(i);
            h.processElement(new StreamRecord<>(new RatingRequest(prefix + "-" + i, r.userId, r.movieTitle, r.timestamp)));
        }
    }

    private static List<Prediction> predictions(OneInputStreamOperatorTestHarness<RatingRequest, Prediction> h) {
        return h.extractOutputValues();
    }

    /**
     * The statuses of what a test does: without the one of what the slot serves from its start, which goes out at
     * the first hand-over whenever that comes (aSlotReportsWhatItServesFromItsStart reads it).
     */
    private static List<ModelStatus> statuses(OneInputStreamOperatorTestHarness<RatingRequest, Prediction> h) {
        List<ModelStatus> list = new ArrayList<>();
        for (ModelStatus st : allStatuses(h)) {
            if (st.reason == null || !st.reason.startsWith(ModelScoringFunction.FROM_START)) list.add(st);
        }
        return list;
    }

    private static List<ModelStatus> allStatuses(OneInputStreamOperatorTestHarness<RatingRequest, Prediction> h) {
        var out = h.getSideOutput(STATUS);
        List<ModelStatus> list = new ArrayList<>();
        if (out != null) out.forEach(rec -> list.add(rec.getValue()));
        return list;
    }

    private static ModelUpdate update(long version) {
        return new ModelUpdate(TestModels.NAME, version, "ignored", System.currentTimeMillis());
    }
}

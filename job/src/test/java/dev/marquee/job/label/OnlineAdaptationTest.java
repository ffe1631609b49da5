package dev.marquee.job.label;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.marquee.data.config.Settings;
import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.Rating;
import dev.marquee.data.synth.SyntheticRatings;
import dev.marquee.model.Architecture;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.TrainedModel;
import dev.marquee.model.Trainer;
import dev.marquee.model.TrainingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnlineAdaptationTest {
    private static final Map<String, String> NO_DECAY = Map.of("adaptation.decay", "1", "adaptation.shrinkage", "1");
    /** Factors without the bias's random walk, so one label's effect has a closed form. */
    private static final Map<String, String> FACTORS = Map.of("adaptation.factors.bias-drift", "0",
            "adaptation.factors.bias-prior", "8", "adaptation.factors.prior", "5", "adaptation.title-bias", "off");

    @TempDir
    static Path registryDir;
    private static List<String> titles;

    /** A real SavedModel (our own architecture, trained on generated data) as version 1 of a registry. */
    @BeforeAll
    static void publishAModel() throws Exception {
        List<Rating> rows = new SyntheticRatings(5).users(60).movies(40).ratingsPerUser(12).generate().ratings();
        TrainingConfig config = TrainingConfig.defaults(Architecture.DEFAULT).withEpochs(3).withSeed(5);
        try (TrainedModel model = new Trainer(config, line -> { }).train(rows, List.of())) {
            new ModelRegistry(registryDir).publish("marquee", model::exportSavedModel);
        }
        try (TrainedModel model = new Trainer(config.withSeed(6), line -> { }).train(rows, List.of())) {
            new ModelRegistry(registryDir).publish("marquee", model::exportSavedModel); // version 2: other embeddings
        }
        titles = Files.readAllLines(registryDir.resolve("marquee/1/assets/titles.txt"));
    }

    @Test
    void withAModelsTitleEmbeddingsALabelMovesTheUsersLaterPredictionsByTitleNotByOneBias() throws Exception {
        RegistryTitleEmbeddings source = new RegistryTitleEmbeddings(registryDir.toString(), "marquee", 16);
        TitleEmbeddings e = source.load(1).orElseThrow();
        assertThat(e.size()).isEqualTo(titles.size());
        String a = titles.get(0);
        try (var h = harness(FACTORS, source)) {
            h.processElement1(prediction("u1", a, 3.0f, 1), 0);
            h.processElement2(label("u1", a, 5.0f), 0);
            for (String t : titles.subList(1, 6)) h.processElement1(prediction("u1", t, 3.0f, 1), 0);
            h.processElement1(prediction("u2", titles.get(1), 3.0f, 1), 0);
            List<Prediction> out = h.extractOutputValues();
            assertThat(out.get(0).adjustment).as("nothing known yet").isZero();
            // one label, residual +2, prior precision 8 on the bias and 5 on each weight: the posterior mean
            // predicts 2 · (x_a · P0 x_t) / (1 + x_a · P0 x_a) with x = [1, e]
            float[] xa = e.of(a);
            for (int k = 1; k <= 5; k++) {
                float[] xt = e.of(titles.get(k));
                double expected = 2 * (1 / 8.0 + dot(xa, xt) / 5) / (1 + 1 / 8.0 + dot(xa, xa) / 5);
                assertThat((double) out.get(k).adjustment).as(titles.get(k)).isCloseTo(expected, within(1e-5));
                assertThat(out.get(k).predictedRating).isCloseTo(3.0f + out.get(k).adjustment, within(1e-6f));
            }
            assertThat(out.subList(1, 6)).extracting(p -> p.adjustment).as("the user's taste differs by title").doesNotHaveDuplicates();
            assertThat(out.get(6).adjustment).as("another user").isZero();
        }
    }

    @Test
    void aNewVersionServesTheUsersBiasUntilItsFirstLabelRestartsTheTaste() throws Exception {
        RegistryTitleEmbeddings source = new RegistryTitleEmbeddings(registryDir.toString(), "marquee", 16);
        Map<String, String> s = new HashMap<>(FACTORS);
        s.put("adaptation.version-carry", "1");
        try (var h = harness(s, source)) {
            for (int k = 0; k < 4; k++) {
                h.processElement1(prediction("u1", titles.get(k), 3.0f, 1), 0);
                h.processElement2(label("u1", titles.get(k), k % 2 == 0 ? 5.0f : 2.0f), 0);
            }
            h.processElement1(prediction("u1", titles.get(10), 3.0f, 1), 0);
            h.processElement1(prediction("u1", titles.get(11), 3.0f, 1), 0);
            h.processElement1(prediction("u1", titles.get(12), 3.0f, 1), 0); // its label comes late
            // version 2 serves: its embeddings are another space, so only the user's bias applies to both titles
            h.processElement1(prediction("u1", titles.get(10), 3.0f, 2), 0);
            h.processElement1(prediction("u1", titles.get(11), 3.0f, 2), 0);
            // the first version-2 label: the bias carries over (carry 1), the taste starts again on version 2
            h.processElement1(prediction("u1", titles.get(13), 3.0f, 2), 0);
            h.processElement2(label("u1", titles.get(13), 1.0f), 0);
            h.processElement1(prediction("u1", titles.get(10), 3.0f, 2), 0);
            h.processElement1(prediction("u1", titles.get(11), 3.0f, 2), 0);
            // the late label of the version-1 prediction: its residual is against version 1, it moves nothing now
            h.processElement2(label("u1", titles.get(12), 5.0f), 0);
            h.processElement1(prediction("u1", titles.get(10), 3.0f, 2), 0);
            List<Prediction> out = h.extractOutputValues();
            assertThat(out.get(4).adjustment).as("version 1: taste differs by title").isNotEqualTo(out.get(5).adjustment);
            assertThat(out.get(7).adjustment).as("version 2 before its first label: the bias alone").isEqualTo(out.get(8).adjustment);
            assertThat(out.get(10).adjustment).as("taste on version 2's embeddings").isNotEqualTo(out.get(11).adjustment);
            assertThat(out.get(10).adjustment).as("a label of 1 lowered it").isLessThan(out.get(7).adjustment);
            assertThat(out.get(12).adjustment).as("the late version-1 label changed nothing").isEqualTo(out.get(10).adjustment);
        }
    }

    /**
     * Slots swap one by one (and one that refused version 2 keeps serving 1): another user's version-1 prediction
     * passes just before the late version-1 label, and that label still takes back nothing u1 learned on version 2.
     */
    @Test
    void aLateLabelOfTheOldVersionChangesNothingWhileAnotherSlotStillServesIt() throws Exception {
        RegistryTitleEmbeddings source = new RegistryTitleEmbeddings(registryDir.toString(), "marquee", 16);
        Map<String, String> s = new HashMap<>(FACTORS);
        s.put("adaptation.version-carry", "1");
        try (var h = harness(s, source)) {
            for (int k = 0; k < 4; k++) {
                h.processElement1(prediction("u1", titles.get(k), 3.0f, 1), 0);
                h.processElement2(label("u1", titles.get(k), k % 2 == 0 ? 5.0f : 2.0f), 0);
            }
            h.processElement1(prediction("u1", titles.get(12), 3.0f, 1), 0); // its label comes late
            h.processElement1(prediction("u1", titles.get(13), 3.0f, 2), 0);
            h.processElement2(label("u1", titles.get(13), 1.0f), 0);
            h.processElement1(prediction("u1", titles.get(10), 3.0f, 2), 0);
            h.processElement1(prediction("u2", titles.get(20), 3.0f, 1), 0); // a slot still on version 1
            h.processElement2(label("u1", titles.get(12), 5.0f), 0);
            h.processElement1(prediction("u1", titles.get(10), 3.0f, 2), 0);
            List<Prediction> out = h.extractOutputValues();
            Prediction before = out.get(out.size() - 3);
            Prediction after = out.get(out.size() - 1);
            assertThat(before.userId).isEqualTo("u1");
            assertThat(after.adjustment).as("the late version-1 label changed nothing").isEqualTo(before.adjustment);
        }
    }

    @Test
    void aVersionWithoutTitleEmbeddingsServesTheResidualBias() throws Exception {
        // version 3 is not in the registry: no vocabulary, no embeddings (as an import without an embedding output)
        RegistryTitleEmbeddings source = new RegistryTitleEmbeddings(registryDir.toString(), "marquee", 16);
        Map<String, String> s = new HashMap<>(FACTORS);
        s.putAll(NO_DECAY);
        try (var h = harness(s, source)) {
            h.processElement1(prediction("u1", titles.get(0), 3.0f, 3), 0);
            h.processElement2(label("u1", titles.get(0), 5.0f), 0);
            h.processElement1(prediction("u1", titles.get(1), 3.0f, 3), 0);
            h.processElement1(prediction("u1", titles.get(2), 3.0f, 3), 0);
            assertThat(h.extractOutputValues()).extracting(p -> p.adjustment).containsExactly(0f, 1f, 1f);
        }
    }

    @Test
    void learnedFactorsSurviveARestoreFromACheckpoint() throws Exception {
        RegistryTitleEmbeddings source = new RegistryTitleEmbeddings(registryDir.toString(), "marquee", 16);
        OperatorSubtaskState snapshot;
        float before;
        try (var h = harness(FACTORS, source)) {
            h.processElement1(prediction("u1", titles.get(0), 3.0f, 1), 0);
            h.processElement2(label("u1", titles.get(0), 1.0f), 0);
            h.processElement1(prediction("u1", titles.get(1), 3.0f, 1), 0);
            before = h.extractOutputValues().get(1).adjustment;
            snapshot = h.snapshot(1, 10);
        }
        assertThat(before).isNegative();
        try (var h = new KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Rating, Prediction>(
                new LabelJoinOperator(new OnlineAdaptation(LabelSettings.from(new Settings(FACTORS)), source)),
                p -> p.userId, r -> r.userId, Types.STRING)) {
            h.initializeState(snapshot);
            h.open();
            h.processElement1(prediction("u1", titles.get(1), 3.0f, 1), 0);
            assertThat(h.extractOutputValues()).singleElement().satisfies(p -> assertThat(p.adjustment).isEqualTo(before));
        }
    }

    @Test
    void predictionsOfNewTitlesAndTheirLabelsLeaveForTheTitlesBias() throws Exception {
        try (var h = harness(Map.of("adaptation.title-bias", "new", "adaptation.decay", "1", "adaptation.shrinkage", "1"))) {
            Prediction known = prediction("u1", "Known (1990)", 3.0f, 1);
            known.oovMovieTitle = false;
            Prediction unknown = prediction("u1", "Brand New (2031)", 3.5f, 1);
            unknown.oovMovieTitle = true;
            h.processElement1(known, 0);
            h.processElement2(label("u1", "Known (1990)", 5.0f), 0);
            h.processElement1(unknown, 0);
            h.processElement2(label("u1", "Brand New (2031)", 4.0f), 0);
            assertThat(h.extractOutputValues()).extracting(p -> p.movieTitle).containsExactly("Known (1990)");
            assertThat(titlePredictions(h)).extracting(p -> p.movieTitle).containsExactly("Brand New (2031)");
            assertThat(joins(h)).as("the known title's join").singleElement().satisfies(j -> assertThat(j.label).isEqualTo(5f));
            assertThat(titleLabels(h)).singleElement().satisfies(l -> {
                assertThat(l.title).isEqualTo("Brand New (2031)");
                assertThat(l.newTitle).isTrue();
                // served 3.5 + 1 (the user's residual 2 shrunk by 1); the title learns what is left: 4 - 3.5 - 1
                assertThat(l.join.served).isEqualTo(4.5f);
                assertThat(l.residual).isCloseTo(-0.5f, within(1e-6f));
            });
        }
    }

    /** The title's bias learns beyond the user's part as it was served: within adaptation.max-adjustment. */
    @Test
    void aNewTitlesBiasLearnsBeyondTheUsersBoundedPart() throws Exception {
        try (var h = harness(Map.of("adaptation.title-bias", "new", "adaptation.decay", "1", "adaptation.shrinkage", "0",
                "adaptation.max-adjustment", "0.5"))) {
            h.processElement1(prediction("u1", "Known (1990)", 3.0f, 1), 0);
            h.processElement2(label("u1", "Known (1990)", 5.0f), 0); // the user's residual: +2, served as +0.5
            Prediction unknown = prediction("u1", "Brand New (2031)", 3.5f, 1);
            unknown.oovMovieTitle = true;
            h.processElement1(unknown, 0);
            h.processElement2(label("u1", "Brand New (2031)", 4.0f), 0);
            assertThat(titleLabels(h)).singleElement().satisfies(l -> {
                assertThat(l.join.served).isCloseTo(4.0f, within(1e-6f));
                assertThat(l.residual).as("4 - 3.5 - 0.5, not 4 - 3.5 - 2").isCloseTo(0f, within(1e-6f));
            });
        }
    }

    /** Factors restored into a job with adaptation.factors.enabled=false are dropped at the user's next label. */
    @Test
    void factorsTurnedOffAreDroppedAtTheNextLabelNotKeptForEver() throws Exception {
        RegistryTitleEmbeddings source = new RegistryTitleEmbeddings(registryDir.toString(), "marquee", 16);
        OperatorSubtaskState learned;
        try (var h = harness(FACTORS, source)) {
            for (int k = 0; k < 4; k++) {
                h.processElement1(prediction("u1", titles.get(k), 3.0f, 1), 0);
                h.processElement2(label("u1", titles.get(k), k % 2 == 0 ? 5.0f : 2.0f), 0);
            }
            learned = h.snapshot(1, 10);
        }
        Map<String, String> off = new HashMap<>(FACTORS);
        off.put("adaptation.factors.enabled", "false");
        OperatorSubtaskState afterOff;
        try (var h = restored(off, source, learned)) {
            h.processElement1(prediction("u1", titles.get(5), 3.0f, 1), 0);
            h.processElement2(label("u1", titles.get(5), 4.0f), 0);
            afterOff = h.snapshot(2, 20);
        }
        try (var h = restored(FACTORS, source, afterOff)) {
            h.processElement1(prediction("u1", titles.get(10), 3.0f, 1), 0);
            h.processElement1(prediction("u1", titles.get(11), 3.0f, 1), 0);
            List<Prediction> out = h.extractOutputValues();
            assertThat(out.get(0).adjustment).as("no factors left: the residual bias, the same for every title")
                    .isEqualTo(out.get(1).adjustment).isNotZero();
        }
    }

    /**
     * adaptation.enabled=false keeps nothing per user: what a savepoint taken with adaptation on brought is dropped
     * at the user's next label, or at their sweep timer for a user who sends none, not kept until the state's TTL.
     */
    @Test
    void adaptationTurnedOffDropsWhatWasLearnedAtTheNextLabelOrSweep() throws Exception {
        RegistryTitleEmbeddings source = new RegistryTitleEmbeddings(registryDir.toString(), "marquee", 16);
        OperatorSubtaskState learned;
        try (var h = harness(FACTORS, source)) {
            for (String u : List.of("u1", "u2")) {
                for (int k = 0; k < 4; k++) {
                    h.processElement1(prediction(u, titles.get(k), 3.0f, 1), 0);
                    h.processElement2(label(u, titles.get(k), 5.0f), 0);
                }
            }
            learned = h.snapshot(1, 10);
        }
        Map<String, String> off = new HashMap<>(FACTORS);
        off.put("adaptation.enabled", "false");
        OperatorSubtaskState afterLabel;
        OperatorSubtaskState afterSweep;
        try (var h = restored(off, source, learned)) {
            h.processElement1(prediction("u1", titles.get(5), 3.0f, 1), 0);
            h.processElement2(label("u1", titles.get(5), 4.0f), 0); // u1's next label
            afterLabel = h.snapshot(2, 20);
            h.setProcessingTime(Long.MAX_VALUE - 1); // u2 sends none: their sweep timer
            afterSweep = h.snapshot(3, 30);
        }
        try (var h = restored(FACTORS, source, afterLabel)) {
            h.processElement1(prediction("u1", titles.get(10), 3.0f, 1), 0);
            h.processElement1(prediction("u2", titles.get(10), 3.0f, 1), 0);
            List<Prediction> out = h.extractOutputValues();
            assertThat(out.get(0).adjustment).as("u1: dropped at the label").isZero();
            assertThat(out.get(1).adjustment).as("u2: kept until their sweep").isPositive();
        }
        try (var h = restored(FACTORS, source, afterSweep)) {
            h.processElement1(prediction("u2", titles.get(10), 3.0f, 1), 0);
            assertThat(h.extractOutputValues()).singleElement().extracting(p -> p.adjustment).as("u2: dropped at the sweep")
                    .isEqualTo(0f);
        }
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Rating, Prediction> restored(
            Map<String, String> settings, RegistryTitleEmbeddings source, OperatorSubtaskState from) throws Exception {
        var h = new KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Rating, Prediction>(
                new LabelJoinOperator(new OnlineAdaptation(LabelSettings.from(new Settings(settings)), source)),
                p -> p.userId, r -> r.userId, Types.STRING);
        h.initializeState(from);
        h.open();
        return h;
    }

    /**
     * A new title's prediction waits for its label when the job is restored with the title bias off, or adaptation off
     * altogether: the title branch is no longer read, so its label joins on the main output, as served.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"adaptation.title-bias", "adaptation.enabled"})
    void aPredictionWaitingForItsTitlesBiasJoinsOnTheMainOutputAfterARestoreWithTheBiasOff(String turnedOff) throws Exception {
        Map<String, String> on = Map.of("adaptation.title-bias", "new", "adaptation.decay", "1", "adaptation.shrinkage", "1");
        OperatorSubtaskState snapshot;
        try (var h = harness(on)) {
            Prediction unknown = prediction("u1", "Brand New (2031)", 3.5f, 1);
            unknown.oovMovieTitle = true;
            h.processElement1(unknown, 0);
            snapshot = h.snapshot(1, 10);
        }
        Map<String, String> off = Map.of(turnedOff, turnedOff.equals("adaptation.enabled") ? "false" : "off",
                "adaptation.decay", "1", "adaptation.shrinkage", "1");
        try (var h = new KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Rating, Prediction>(
                new LabelJoinOperator(new OnlineAdaptation(LabelSettings.from(new Settings(off)))),
                p -> p.userId, r -> r.userId, Types.STRING)) {
            h.initializeState(snapshot);
            h.open();
            h.processElement2(label("u1", "Brand New (2031)", 4.0f), 0);
            assertThat(h.getSideOutput(OnlineAdaptation.TITLE_EVENTS)).as("nothing reads it now").isNull();
            assertThat(joins(h)).singleElement().satisfies(j -> {
                assertThat(j.label).isEqualTo(4f);
                assertThat(j.served).isEqualTo(3.5f);
            });
        }
    }

    /**
     * A label that came before its new title's prediction leaves with it, after it, on the one stream the title's bias
     * reads: the prediction is served before its own label is learned.
     */
    @Test
    void aLabelThatCameFirstFollowsItsPredictionToTheTitlesBias() throws Exception {
        try (var h = harness(Map.of("adaptation.title-bias", "new"))) {
            h.processElement2(label("u1", "Brand New (2031)", 4.0f), 0);
            Prediction unknown = prediction("u1", "Brand New (2031)", 3.5f, 1);
            unknown.oovMovieTitle = true;
            h.processElement1(unknown, 0);
            assertThat(titleEvents(h)).extracting(e -> e.prediction != null ? "prediction" : "label")
                    .containsExactly("prediction", "label");
        }
    }

    /** What goes on to the title's bias keeps the user's part unclamped, so TitleAdaptation can rebuild what was served. */
    @Test
    void aPredictionForItsTitlesBiasWaitsWithTheUsersPartUnclamped() throws Exception {
        try (var h = harness(Map.of("adaptation.title-bias", "new", "adaptation.decay", "1", "adaptation.shrinkage", "1"))) {
            h.processElement1(prediction("u1", "Known (1990)", 3.0f, 1), 0);
            h.processElement2(label("u1", "Known (1990)", 5.0f), 0); // the user's part is +1 from now on
            Prediction unknown = prediction("u1", "Brand New (2031)", 4.6f, 1);
            unknown.oovMovieTitle = true;
            h.processElement1(unknown, 0);
            assertThat(titlePredictions(h)).singleElement()
                    .satisfies(p -> assertThat(p.predictedRating).as("clamped").isEqualTo(5.0f));
            h.processElement2(label("u1", "Brand New (2031)", 4.0f), 0);
            assertThat(titleLabels(h)).singleElement()
                    .satisfies(l -> assertThat(l.join.served).isCloseTo(5.6f, within(1e-6f)));
        }
    }

    @Test
    void aLabelAdjustsTheUsersLaterPredictionsByItsShrunkResidual() throws Exception {
        try (var h = harness(NO_DECAY)) {
            h.processElement1(prediction("u1", "A", 3.0f, 1), 0);
            h.processElement2(label("u1", "A", 5.0f), 0);
            h.processElement1(prediction("u1", "B", 3.5f, 1), 0);
            h.processElement1(prediction("u2", "B", 3.5f, 1), 0);
            List<Prediction> out = h.extractOutputValues();
            assertThat(out.get(0).predictedRating).as("nothing known yet").isEqualTo(3.0f);
            // residual 2 over weight 1, shrunk by 1: +1
            assertThat(out.get(1).predictedRating).isEqualTo(4.5f);
            assertThat(out.get(1).adjustment).isEqualTo(1.0f);
            assertThat(out.get(1).output3).containsExactly(3.5f);
            assertThat(out.get(2).predictedRating).as("another user").isEqualTo(3.5f);
            assertThat(joins(h)).singleElement().satisfies(j -> {
                assertThat(j.label).isEqualTo(5.0f);
                assertThat(j.served).isEqualTo(3.0f);
                assertThat(j.model).isEqualTo(3.0f);
                assertThat(j.modelVersion).isEqualTo(1);
            });
        }
    }

    @Test
    void aLabelArrivingBeforeItsPredictionStillMatchesButDoesNotChangeIt() throws Exception {
        try (var h = harness(NO_DECAY)) {
            h.processElement2(label("u1", "A", 1.0f), 0);
            h.processElement1(prediction("u1", "A", 4.0f, 1), 0);
            h.processElement1(prediction("u1", "C", 4.0f, 1), 0);
            List<Prediction> out = h.extractOutputValues();
            assertThat(out.get(0).predictedRating).isEqualTo(4.0f);
            assertThat(out.get(1).predictedRating).isEqualTo(2.5f); // residual -3, /(1+1)
            assertThat(joins(h)).hasSize(1);
        }
    }

    @Test
    void withAdaptationOffLabelsAreStillMatchedForOnlineAccuracy() throws Exception {
        try (var h = harness(Map.of("adaptation.enabled", "false"))) {
            h.processElement1(prediction("u1", "A", 3.0f, 1), 0);
            h.processElement2(label("u1", "A", 5.0f), 0);
            h.processElement1(prediction("u1", "B", 3.0f, 1), 0);
            assertThat(h.extractOutputValues()).extracting(p -> p.predictedRating).containsExactly(3.0f, 3.0f);
            assertThat(joins(h)).hasSize(1);
        }
    }

    @Test
    void theServedRatingStaysWithinTheScaleAndTheAdjustmentWithinItsBound() throws Exception {
        try (var h = harness(Map.of("adaptation.shrinkage", "0", "adaptation.max-adjustment", "0.5"))) {
            h.processElement1(prediction("u1", "A", 4.8f, 1), 0);
            h.processElement2(label("u1", "A", 5.0f), 0);
            h.processElement1(prediction("u1", "B", 4.8f, 1), 0);
            h.processElement1(prediction("u1", "C", 1.0f, 1), 0);
            h.processElement2(label("u1", "C", 5.0f), 0);
            h.processElement1(prediction("u1", "D", 2.0f, 1), 0);
            List<Prediction> out = h.extractOutputValues();
            assertThat(out.get(1).predictedRating).isEqualTo(5.0f);
            assertThat(out.get(3).adjustment).isEqualTo(0.5f);
        }
    }

    /** The bound and the scale hold downwards too: a user who rates far below the model is served at most the bound below. */
    @Test
    void theBoundAndTheScaleHoldBelowTheModelToo() throws Exception {
        try (var h = harness(Map.of("adaptation.shrinkage", "0", "adaptation.max-adjustment", "0.5"))) {
            h.processElement1(prediction("u1", "A", 4.8f, 1), 0);
            h.processElement2(label("u1", "A", 1.0f), 0);
            h.processElement1(prediction("u1", "B", 4.8f, 1), 0);
            h.processElement1(prediction("u1", "C", 1.2f, 1), 0);
            List<Prediction> out = h.extractOutputValues();
            assertThat(out.get(1).adjustment).isEqualTo(-0.5f);
            assertThat(out.get(1).predictedRating).isEqualTo(4.3f);
            assertThat(out.get(2).predictedRating).as("never below 1").isEqualTo(1.0f);
        }
    }

    @Test
    void residualsFromAnOlderVersionKeepOnlyTheirCarriedShare() {
        UserResidual r = new UserResidual();
        r.add(2, 1, 1, 0.5);
        r.add(2, 1, 1, 0.5);
        assertThat(r.weight).isEqualTo(2);
        r.add(0, 2, 1, 0.5);
        assertThat(r.sum).isCloseTo(2, within(1e-12));
        assertThat(r.weight).isCloseTo(2, within(1e-12));
        assertThat(r.modelVersion).isEqualTo(2);
    }

    /**
     * At the cap the entry due first makes room, counted as expired unlabelled (so the drift report sees it): the
     * newest prediction is the likeliest to be labelled, and dropping it left an active user's later labels unmatched.
     */
    @Test
    void pendingMatchesPerUserAreCapped() throws Exception {
        try (var h = harness(Map.of("labels.max-pending-per-user", "2"))) {
            h.processElement1(prediction("u1", "A", 3f, 1), 0);
            h.processElement1(prediction("u1", "B", 3f, 1), 0);
            h.processElement1(prediction("u1", "C", 3f, 1), 0); // full: A, due first, makes room
            assertThat(expired(h)).singleElement().satisfies(e -> {
                assertThat(e.kind).isEqualTo(UnmatchedExpiry.Kind.PREDICTION);
                assertThat(e.movieTitle).isEqualTo("A");
            });
            h.processElement2(label("u1", "C", 5f), 0);
            assertThat(joins(h)).as("C, the newest, matched").singleElement()
                    .satisfies(j -> assertThat(j.movieTitle).isEqualTo("C"));
            h.processElement2(label("u1", "A", 5f), 0); // waits (room: B alone), never matched
            assertThat(joins(h)).hasSize(1);
            assertThat(h.extractOutputValues()).as("every prediction is served").hasSize(3);
        }
    }

    /** The entry due first makes room, whatever the order the entries came in. */
    @Test
    void theEntryDueFirstMakesRoomNotTheFirstToCome() throws Exception {
        try (var h = harness(Map.of("labels.max-pending-per-user", "2", "labels.join-ttl-ms", "60000"))) {
            h.processElement1(prediction("u1", "r1", "A", 3f, 1, 300), 0);
            h.processElement1(prediction("u1", "r2", "B", 3f, 1, 100), 0); // came second, due first
            h.processElement1(prediction("u1", "r3", "C", 3f, 1, 200), 0);
            assertThat(expired(h)).singleElement().satisfies(e -> assertThat(e.requestId).isEqualTo("r2"));
        }
    }

    /**
     * The cap counts what waits now: when the safety-net TTL has cleared a user's waiting entries (nothing written for
     * the user in a state TTL), the next prediction finds room at once.
     */
    @Test
    void entriesTheTtlClearedLeaveRoomAtOnce() throws Exception {
        try (var h = harness(Map.of("labels.max-pending-per-user", "2", "adaptation.state-ttl-ms", "60000",
                "labels.join-ttl-ms", "20000"))) {
            clock(h, 0);
            h.processElement1(prediction("u1", "A", 3f, 1), 0);
            h.processElement1(prediction("u1", "B", 3f, 1), 0);
            // A and B were last written at 0: the join's TTL (a week at least) clears them on this read
            clock(h, OnlineAdaptation.JOIN_STATE_TTL_FLOOR_MS + 5_000);
            h.processElement1(prediction("u1", "D", 3f, 1), 0);
            assertThat(expired(h)).as("room without making any: nothing expired early").isEmpty();
            h.processElement2(label("u1", "D", 5f), 0);
            assertThat(joins(h)).singleElement().satisfies(j -> assertThat(j.movieTitle).isEqualTo("D"));
            assertThat(h.extractOutputValues()).as("every prediction is served, kept for a join or not").hasSize(3);
        }
    }

    /**
     * One event-time timer per user, at the earliest expiry of what waits, still expires each entry at its own time,
     * in whatever order the entries came.
     */
    @Test
    void oneTimerPerUserExpiresEachEntryAtItsOwnTime() throws Exception {
        try (var h = harness(Map.of("adaptation.enabled", "false", "labels.join-ttl-ms", "1000"))) {
            h.processElement1(prediction("u1", "r1", "A", 3f, 1, 200), 0);
            h.processElement1(prediction("u1", "r2", "B", 3f, 1, 100), 0); // earlier than the first
            h.processElement2(label("u1", "C", 4f, 300), 0);
            h.processElement1(prediction("u2", "r4", "A", 3f, 1, 150), 0);
            assertThat(h.numEventTimeTimers()).as("one per user").isEqualTo(2);
            h.processBothWatermarks(new Watermark(100_999));
            assertThat(expired(h)).isEmpty();
            h.processBothWatermarks(new Watermark(101_000));
            assertThat(expired(h)).extracting(e -> e.requestId).containsExactly("r2");
            h.processBothWatermarks(new Watermark(151_000));
            assertThat(expired(h)).extracting(e -> e.requestId).containsExactly("r2", "r4");
            h.processBothWatermarks(new Watermark(201_000));
            assertThat(expired(h)).extracting(e -> e.requestId).containsExactly("r2", "r4", "r1");
            h.processBothWatermarks(new Watermark(300_999));
            assertThat(expired(h)).hasSize(3);
            h.processBothWatermarks(new Watermark(301_000));
            assertThat(expired(h)).hasSize(4).last().satisfies(e -> assertThat(e.kind).isEqualTo(UnmatchedExpiry.Kind.LABEL));
            assertThat(h.numEventTimeTimers()).isZero();
            assertThat(h.numKeyedStateEntries()).as("nothing waits, nothing left").isZero();
        }
    }

    /**
     * While the requests are idle the event time is the labels' alone: a waiting label stays until the requests
     * themselves pass its expiry, since its prediction is still to come; then it expires as before. (With the
     * combined event time alone, it expired when the labels ran ahead, and its prediction came to nothing.)
     */
    @Test
    void aLabelWaitsForTheRequestsWhileOnlyTheLabelsMoveEventTime() throws Exception {
        try (var h = harness(Map.of("adaptation.enabled", "false", "labels.join-ttl-ms", "1000"))) {
            h.processBothWatermarks(new Watermark(99_000));
            h.processElement2(label("u1", "A", 4f, 100), 0);
            h.processElement2(label("u2", "A", 4f, 100), 0);
            h.processWatermarkStatus1(WatermarkStatus.IDLE);
            h.processWatermark2(new Watermark(150_000));
            assertThat(expired(h)).as("kept: the requests are at 99 s").isEmpty();
            h.processWatermark2(new Watermark(200_000));
            assertThat(expired(h)).isEmpty();

            h.processWatermarkStatus1(WatermarkStatus.ACTIVE);
            h.processElement1(prediction("u1", "r1", "A", 3f, 1, 100), 0);
            assertThat(joins(h)).as("the label joined its late prediction").hasSize(1);
            h.processWatermark1(new Watermark(101_000));
            h.processWatermark2(new Watermark(201_000));
            assertThat(expired(h)).as("the event time stays where the labels took it until the requests pass it").isEmpty();
            h.processWatermark1(new Watermark(201_000));
            assertThat(expired(h)).as("the requests passed u2's label").extracting(e -> e.userId).containsExactly("u2");
            assertThat(h.numEventTimeTimers()).as("nothing waits").isZero();
        }
    }

    /**
     * Labels a user's room filled while the requests were idle are due once the requests come back, before the user's
     * next recheck (a quarter of the join TTL later): a new prediction expires them instead of being dropped.
     */
    @Test
    void labelsKeptWhileTheRequestsWereIdleDoNotPushOutTheNextPrediction() throws Exception {
        try (var h = harness(Map.of("adaptation.enabled", "false", "labels.join-ttl-ms", "60000",
                "labels.max-pending-per-user", "2"))) {
            h.processBothWatermarks(new Watermark(99_000));
            h.processElement2(label("u1", "A", 4f, 100), 0);
            h.processElement2(label("u1", "B", 4f, 100), 0); // the user's room is full
            h.processWatermarkStatus1(WatermarkStatus.IDLE);
            h.processWatermark2(new Watermark(200_000)); // their expiry (160 s) passes on the labels' time alone: kept
            assertThat(expired(h)).isEmpty();
            h.processWatermarkStatus1(WatermarkStatus.ACTIVE);
            h.processWatermark1(new Watermark(201_000)); // the requests are back, past both labels' expiry

            h.processElement1(prediction("u1", "r1", "C", 3f, 1, 200), 0);
            assertThat(expired(h)).as("the due labels made room").extracting(e -> e.movieTitle).containsExactly("A", "B");
            h.processElement2(label("u1", "C", 5f, 200), 0);
            assertThat(joins(h)).as("the prediction waited and joined its label").singleElement()
                    .satisfies(j -> assertThat(j.movieTitle).isEqualTo("C"));
        }
    }

    /**
     * Requests that never come (a job reading a shared ratings topic and serving few requests): a waiting label is
     * rechecked every quarter of the join TTL, which rewrites its entry and so restarts the state TTL's clock; it
     * expires once event time is the state TTL past its expiry, so the join's state stays bounded.
     */
    @Test
    void aLabelWhoseRequestsNeverComeExpiresAStateTtlAfterItsExpiry() throws Exception {
        try (var h = harness(Map.of("adaptation.enabled", "false", "labels.join-ttl-ms", "4000",
                "adaptation.state-ttl-ms", "60000"))) {
            h.processBothWatermarks(new Watermark(99_000));
            h.processElement2(label("u1", "A", 4f, 100), 0); // expires at 104 s
            h.processWatermarkStatus1(WatermarkStatus.IDLE);
            long wm = 99_000;
            for (int i = 0; i < 15 && expired(h).isEmpty(); i++) {
                h.processWatermark2(new Watermark(wm += 5_000));
                if (wm < 104_000 + 60_000) assertThat(expired(h)).as("at %d ms: within the state TTL past its expiry", wm).isEmpty();
            }
            assertThat(expired(h)).singleElement().satisfies(e -> {
                assertThat(e.kind).isEqualTo(UnmatchedExpiry.Kind.LABEL);
                assertThat(e.userId).isEqualTo("u1");
            });
            assertThat(h.numKeyedStateEntries()).as("nothing left waiting").isZero();
        }
    }

    /** At the end of event time (a bounded input's last watermark) a label waits no more, whatever the requests. */
    @Test
    void theLastWatermarkExpiresALabelTheIdleRequestsNeverReached() throws Exception {
        try (var h = harness(Map.of("adaptation.enabled", "false", "labels.join-ttl-ms", "1000"))) {
            h.processBothWatermarks(new Watermark(99_000));
            h.processElement2(label("u1", "A", 4f, 100), 0);
            h.processWatermarkStatus1(WatermarkStatus.IDLE);
            h.processWatermark2(new Watermark(Long.MAX_VALUE));
            assertThat(expired(h)).extracting(e -> e.userId).containsExactly("u1");
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    /** A match that takes the earliest entry leaves the timer where it was; when it fires, it moves to the next. */
    @Test
    void theUsersTimerMovesOnAfterItsEarliestEntryMatched() throws Exception {
        try (var h = harness(Map.of("adaptation.enabled", "false", "labels.join-ttl-ms", "1000"))) {
            h.processElement1(prediction("u1", "r1", "A", 3f, 1, 100), 0);
            h.processElement1(prediction("u1", "r2", "B", 3f, 1, 200), 0);
            h.processElement2(label("u1", "A", 4f, 100), 0);
            assertThat(joins(h)).hasSize(1);
            h.processBothWatermarks(new Watermark(101_000));
            assertThat(expired(h)).isEmpty();
            assertThat(h.numEventTimeTimers()).as("moved to B's expiry").isEqualTo(1);
            h.processBothWatermarks(new Watermark(201_000));
            assertThat(expired(h)).extracting(e -> e.requestId).containsExactly("r2");
        }
    }

    /** A match that leaves nothing waiting takes the user's timer with it. */
    @Test
    void aUserWhoseLastEntryMatchedHasNoTimerLeft() throws Exception {
        try (var h = harness(Map.of("adaptation.enabled", "false"))) {
            h.processElement1(prediction("u1", "r1", "A", 3f, 1, 100), 0);
            assertThat(h.numEventTimeTimers()).isEqualTo(1);
            h.processElement2(label("u1", "A", 4f, 100), 0);
            assertThat(joins(h)).hasSize(1);
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    /**
     * A user's residual is cleared by its sweep once it has gone the state TTL without a label (not left in memory
     * until read); a later label postpones it. The TTL is 60 s, so sweeps fall on multiples of 3.75 s.
     */
    @Test
    void aUsersLearnedStateIsSweptAwayAfterTheTtlWithoutALabel() throws Exception {
        try (var h = harness(Map.of("adaptation.state-ttl-ms", "60000", "adaptation.title-bias", "off"))) {
            clock(h, 0);
            h.processElement1(prediction("u1", "A", 3f, 1), 0);
            h.processElement2(label("u1", "A", 5f), 0);
            h.processElement1(prediction("u2", "A", 3f, 1), 0);
            h.processElement2(label("u2", "A", 5f), 0);
            assertThat(h.numKeyedStateEntries()).as("both users' residuals, nothing waiting").isEqualTo(2);
            clock(h, 50_000);
            h.processElement1(prediction("u2", "B", 3f, 1), 0);
            h.processElement2(label("u2", "B", 4f), 0);
            clock(h, 60_000);
            assertThat(h.numKeyedStateEntries()).as("u1 expired and swept; u2 labelled since").isEqualTo(1);
            h.processElement1(prediction("u2", "C", 3f, 1), 0);
            assertThat(h.extractOutputValues().get(3).adjustment).as("u2 still adjusted").isPositive();
            clock(h, 112_500);
            assertThat(h.numKeyedStateEntries()).as("u2 too, 60 s after its last label (C's prediction still waits)")
                    .isEqualTo(1);
        }
    }

    /** Restored under a longer adaptation.state-ttl-ms, a user's state is still swept once the new TTL has passed. */
    @Test
    void aLongerStateTtlAfterARestoreStillSweeps() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(Map.of("adaptation.state-ttl-ms", "60000", "adaptation.title-bias", "off"))) {
            clock(h, 0);
            h.processElement1(prediction("u1", "A", 3f, 1), 0);
            h.processElement2(label("u1", "A", 5f), 0);
            snapshot = h.snapshot(1, 10);
        }
        var h = new KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Rating, Prediction>(
                new LabelJoinOperator(new OnlineAdaptation(LabelSettings.from(new Settings(Map.of(
                        "adaptation.state-ttl-ms", "300000", "adaptation.title-bias", "off"))))),
                p -> p.userId, r -> r.userId, Types.STRING);
        try (h) {
            h.setStateTtlProcessingTime(0);
            h.setProcessingTime(0);
            h.initializeState(snapshot);
            h.open();
            clock(h, 60_000); // the old TTL's sweep: alive under the new one
            assertThat(h.numKeyedStateEntries()).isEqualTo(1);
            clock(h, 400_000);
            assertThat(h.numKeyedStateEntries()).as("swept after the new TTL").isZero();
        }
    }

    /** When nothing of a user waits any more, the user's join leaves no entry behind (not even a count of 0). */
    @Test
    void aUserWithNothingWaitingLeavesNoJoinStateBehind() throws Exception {
        try (var h = harness(Map.of("adaptation.enabled", "false", "labels.join-ttl-ms", "1000"))) {
            h.processElement1(prediction("u1", "r1", "A", 3f, 1, 100), 100_000);
            h.processElement1(prediction("u1", "r2", "B", 3f, 1, 100), 100_000);
            h.processElement2(label("u1", "A", 4f, 100), 100_000);
            assertThat(h.numKeyedStateEntries()).as("what waits (B); adaptation off keeps no residual").isEqualTo(1);
            h.processBothWatermarks(new Watermark(101_000));
            assertThat(expired(h)).hasSize(1);
            assertThat(h.numKeyedStateEntries()).as("nothing").isZero();
        }
    }

    @Test
    void twoPredictionsOfOneTitleInABurstEachGetTheirOwnLabelOldestFirst() throws Exception {
        try (var h = harness(Map.of("adaptation.enabled", "false"))) {
            h.processElement1(prediction("u1", "r1", "Heat (1995)", 3.0f, 1, 100), 0);
            h.processElement1(prediction("u1", "r2", "Heat (1995)", 4.0f, 1, 100), 0);
            h.processElement2(label("u1", "Heat (1995)", 1.0f, 100), 0);
            h.processElement2(label("u1", "heat  (1995) ", 5.0f, 100), 0); // the same title key
            assertThat(joins(h)).extracting(j -> j.model + "->" + j.label).containsExactly("3.0->1.0", "4.0->5.0");
            assertThat(joins(h)).extracting(j -> j.movieTitle).containsOnly("Heat (1995)");
        }
    }

    @Test
    void aLabelWithATimestampMatchesOnlyThePredictionOfThatRequestTimeAndTheJoinNamesThatRequest() throws Exception {
        try (var h = harness(Map.of("adaptation.enabled", "false"))) {
            h.processElement1(prediction("u1", "r1", "Heat (1995)", 3.0f, 1, 100), 0);
            h.processElement1(prediction("u1", "r2", "Heat (1995)", 4.0f, 1, 200), 0);
            h.processElement2(label("u1", "Heat (1995)", 5.0f, 200), 0);
            assertThat(joins(h)).singleElement().satisfies(j -> {
                assertThat(j.model).isEqualTo(4.0f);
                assertThat(j.requestId).as("the joined prediction's request").isEqualTo("r2");
                assertThat(j.timestamp).isEqualTo(200);
            });
        }
    }

    /** A client that numbers requests per session reuses ids: the label joins the prediction of its own title. */
    @Test
    void aReusedRequestIdJoinsThePredictionOfTheLabelsTitle() throws Exception {
        try (var h = harness(Map.of("adaptation.enabled", "false"))) {
            h.processElement1(prediction("u1", "r-1", "Alien (1979)", 3.0f, 1, 100), 0);
            h.processElement1(prediction("u1", "r-1", "Heat (1995)", 4.0f, 1, 200), 0);
            Rating heat = label("u1", "Heat (1995)", 5.0f, 200);
            heat.requestId = "r-1";
            h.processElement2(heat, 0);
            assertThat(joins(h)).singleElement().satisfies(j -> {
                assertThat(j.movieTitle).isEqualTo("Heat (1995)");
                assertThat(j.model).isEqualTo(4.0f);
            });
            // the other way round: the label waits, and the prediction of its title takes it
            Rating up = label("u1", "Up (2009)", 2.0f, 300);
            up.requestId = "r-2";
            h.processElement2(up, 0);
            Rating vertigo = label("u1", "Vertigo (1958)", 1.0f, 400);
            vertigo.requestId = "r-2";
            h.processElement2(vertigo, 0);
            h.processElement1(prediction("u1", "r-2", "Vertigo (1958)", 3.5f, 1, 400), 0);
            assertThat(joins(h)).hasSize(2).last().satisfies(j -> assertThat(j.label).isEqualTo(1.0f));
        }
    }

    /** A label without a timestamp (a blank one is accepted) answers its title's prediction of any request time. */
    @Test
    void aLabelWithoutATimestampJoinsAPredictionOfAnyRequestTime() throws Exception {
        try (var h = harness(Map.of("adaptation.enabled", "false"))) {
            h.processElement1(prediction("u1", "r1", "Heat (1995)", 3.0f, 1, 100), 0);
            h.processElement2(label("u1", "Heat (1995)", 5.0f, 0), 0);
            assertThat(joins(h)).singleElement().satisfies(j -> assertThat(j.requestId).isEqualTo("r1"));
            // and the other way round: the label waits, the next prediction of its title takes it
            h.processElement2(label("u1", "Up (2009)", 2.0f, 0), 0);
            h.processElement1(prediction("u1", "r2", "Up (2009)", 3.5f, 1, 200), 0);
            assertThat(joins(h)).hasSize(2).last().satisfies(j -> assertThat(j.requestId).isEqualTo("r2"));
        }
    }

    /**
     * A waiting label is taken only by the prediction it names: its request id, else its request time. Another request
     * of the same title (a ranking page shows one twice) must not take it.
     */
    @Test
    void aWaitingLabelIsTakenOnlyByThePredictionItNames() throws Exception {
        try (var h = harness(Map.of("adaptation.enabled", "false"))) {
            Rating named = label("u1", "Heat (1995)", 2.0f, 100);
            named.requestId = "r9";
            h.processElement2(named, 0);
            h.processElement1(prediction("u1", "r8", "Heat (1995)", 3.0f, 1, 100), 0);
            assertThat(joins(h)).as("another request's prediction").isEmpty();
            h.processElement1(prediction("u1", "r9", "Heat (1995)", 4.0f, 1, 100), 0);
            assertThat(joins(h)).singleElement().satisfies(j -> assertThat(j.requestId).isEqualTo("r9"));

            h.processElement2(label("u1", "Up (2009)", 1.0f, 200), 0);
            h.processElement1(prediction("u1", "r10", "Up (2009)", 3.0f, 1, 100), 0);
            assertThat(joins(h)).as("a prediction of another request time").hasSize(1);
            h.processElement1(prediction("u1", "r11", "Up (2009)", 3.5f, 1, 200), 0);
            assertThat(joins(h)).hasSize(2).last().satisfies(j -> assertThat(j.requestId).isEqualTo("r11"));
        }
    }

    /**
     * An entry stamped further behind event time than the join's TTL (a client's clock an hour behind, a partition back
     * from idle) waits the whole TTL from its arrival, not until the next watermark.
     */
    @Test
    void anEntryStampedFarBehindEventTimeWaitsTheWholeTtlFromItsArrival() throws Exception {
        try (var h = harness(Map.of("labels.join-ttl-ms", "60000"))) {
            h.processBothWatermarks(new Watermark(10_000_000));
            h.processElement1(prediction("u1", "r1", "A", 3.0f, 1, 100), 0); // stamped 100 s, event time at 10,000 s
            h.processBothWatermarks(new Watermark(10_000_000 + 59_999));
            assertThat(expired(h)).as("not within the TTL after its arrival").isEmpty();
            h.processElement2(label("u1", "A", 4.0f, 100), 0);
            assertThat(joins(h)).singleElement().satisfies(j -> assertThat(j.requestId).isEqualTo("r1"));
        }
    }

    @Test
    void aRequestIdMatchWinsOverTheOldestPrediction() throws Exception {
        try (var h = harness(Map.of("adaptation.enabled", "false"))) {
            h.processElement1(prediction("u1", "r1", "Heat (1995)", 3.0f, 1, 100), 0);
            h.processElement1(prediction("u1", "r2", "Heat (1995)", 4.0f, 1, 100), 0);
            Rating second = label("u1", "Heat (1995)", 5.0f, 100);
            second.requestId = "r2";
            h.processElement2(second, 0);
            h.processElement2(label("u1", "Heat (1995)", 1.0f, 100), 0);
            assertThat(joins(h)).extracting(j -> j.model + "->" + j.label).containsExactly("4.0->5.0", "3.0->1.0");
            // a label naming a request that never came waits for it, and takes no other prediction
            h.processElement1(prediction("u1", "r3", "Heat (1995)", 2.0f, 1, 100), 0);
            Rating stray = label("u1", "Heat (1995)", 2.5f, 100);
            stray.requestId = "r9";
            h.processElement2(stray, 0);
            assertThat(joins(h)).hasSize(2);
            h.processElement1(prediction("u1", "r9", "Heat (1995)", 4.5f, 1, 100), 0);
            assertThat(joins(h)).hasSize(3).last().satisfies(j -> assertThat(j.model + "->" + j.label).isEqualTo("4.5->2.5"));
        }
    }

    @Test
    void aLabelBeforeItsPredictionMatchesByRequestIdOrOldestFirst() throws Exception {
        try (var h = harness(Map.of("adaptation.enabled", "false"))) {
            Rating byId = label("u1", "Heat (1995)", 2.0f, 100);
            byId.requestId = "r2";
            h.processElement2(label("u1", "Heat (1995)", 1.0f, 100), 0);
            h.processElement2(label("u1", "Heat (1995)", 4.0f, 100), 0);
            h.processElement2(byId, 0);
            h.processElement1(prediction("u1", "r2", "Heat (1995)", 3.0f, 1, 100), 0);
            h.processElement1(prediction("u1", "r3", "Heat (1995)", 3.5f, 1, 100), 0);
            assertThat(joins(h)).extracting(j -> j.model + "->" + j.label).containsExactly("3.0->2.0", "3.5->1.0");
        }
    }

    @Test
    void whatWaitsExpiresByEventTimeCountedAndFreesItsSlot() throws Exception {
        try (var h = harness(Map.of("labels.join-ttl-ms", "60000", "labels.max-pending-per-user", "2"))) {
            h.processElement1(prediction("u1", "r1", "A", 3.0f, 1, 100), 0);
            h.processElement2(label("u1", "B", 4.0f, 130), 0);
            h.processBothWatermarks(new Watermark(100_000 + 59_999));
            assertThat(expired(h)).as("not yet").isEmpty();
            h.processBothWatermarks(new Watermark(160_000));
            assertThat(expired(h)).singleElement().satisfies(e -> {
                assertThat(e.kind).isEqualTo(UnmatchedExpiry.Kind.PREDICTION);
                assertThat(e.requestId).isEqualTo("r1");
                assertThat(e.modelVersion).isEqualTo(1);
            });
            h.processElement1(prediction("u1", "r3", "C", 3.0f, 1, 140), 0); // waits beside B: the cap of 2
            // full again: a new prediction waits, the entry due first (B's label, due at 190 s; C, which came after
            // the 160 s watermark, at 220 s) makes
            // room, counted as expired, and the new prediction's label still finds it
            h.processElement1(prediction("u1", "r4", "D", 3.0f, 1, 165), 0);
            assertThat(expired(h)).hasSize(2).last().satisfies(e -> {
                assertThat(e.kind).isEqualTo(UnmatchedExpiry.Kind.LABEL);
                assertThat(e.movieTitle).isEqualTo("B");
            });
            h.processElement2(label("u1", "D", 5.0f, 165), 0);
            assertThat(joins(h)).singleElement().satisfies(j -> assertThat(j.movieTitle).isEqualTo("D"));
            h.processBothWatermarks(new Watermark(190_000));
            assertThat(expired(h)).as("B went early, C is due at 220 s").hasSize(2);
            // the expired label no longer matches
            h.processElement1(prediction("u1", "r5", "B", 3.0f, 1, 130), 0);
            assertThat(joins(h)).hasSize(1);
        }
    }

    /**
     * Entries stamped a year ahead of the clock, which event time ignores (decision 0015), wait the join TTL from the
     * event time at their arrival, as late entries do, not until the clock reaches their timestamp; a label with the
     * same timestamp still joins its prediction meanwhile.
     */
    @Test
    void entriesStampedFarAheadOfTheClockExpireTheTtlAfterTheirArrival() throws Exception {
        long aYearAhead = System.currentTimeMillis() / 1000 + 365L * 86_400;
        try (var h = harness(Map.of("adaptation.enabled", "false", "labels.join-ttl-ms", "60000"))) {
            h.processBothWatermarks(new Watermark(100_000));
            h.processElement1(prediction("u1", "r1", "A", 3.0f, 1, aYearAhead), 0);
            h.processElement2(label("u1", "B", 4.0f, aYearAhead), 0);
            h.processElement1(prediction("u1", "r2", "C", 3.5f, 1, aYearAhead), 0);
            h.processElement2(label("u1", "C", 4.5f, aYearAhead), 0);
            assertThat(joins(h)).singleElement().satisfies(j -> assertThat(j.movieTitle).isEqualTo("C"));
            h.processBothWatermarks(new Watermark(100_000 + 59_999));
            assertThat(expired(h)).as("not yet").isEmpty();
            h.processBothWatermarks(new Watermark(160_000));
            assertThat(expired(h)).extracting(e -> e.kind + " " + e.movieTitle)
                    .containsExactlyInAnyOrder("PREDICTION A", "LABEL B");
        }
    }

    /** Before the first watermark, such an entry waits the TTL from the clock plus the tolerance, the most event time takes. */
    @Test
    void beforeTheFirstWatermarkAnEntryFarAheadOfTheClockWaitsFromTheClockPlusTheTolerance() throws Exception {
        long now = System.currentTimeMillis();
        try (var h = harness(Map.of("adaptation.enabled", "false", "labels.join-ttl-ms", "60000"))) {
            h.processElement1(prediction("u1", "r1", "A", 3.0f, 1, now / 1000 + 365L * 86_400), 0);
            h.processBothWatermarks(new Watermark(now - 1_000));
            assertThat(expired(h)).as("event time now is before the clock").isEmpty();
            // a minute of slack for the clock the join reads after this test's
            h.processBothWatermarks(new Watermark(now + 300_000 + 60_000 + 60_000));
            assertThat(expired(h)).singleElement().satisfies(e -> assertThat(e.requestId).isEqualTo("r1"));
        }
    }

    /** After event time has ended (bounded inputs), what comes can never be matched: it expires at once, counted. */
    @Test
    void whatArrivesAfterEventTimeEndedExpiresAtOnce() throws Exception {
        try (var h = harness(Map.of("adaptation.enabled", "false"))) {
            h.processBothWatermarks(new Watermark(Long.MAX_VALUE));
            h.processElement2(label("u1", "A", 4.0f, 100), 0);
            h.processElement1(prediction("u2", "r2", "B", 3.0f, 1, 100), 0);
            assertThat(h.extractOutputValues()).as("the prediction is still served").hasSize(1);
            assertThat(expired(h)).extracting(e -> e.kind + " " + e.movieTitle)
                    .containsExactly("LABEL A", "PREDICTION B");
            assertThat(joins(h)).isEmpty();
        }
    }

    /** Labels use the scorer's title resolution: an alias spelling joins the prediction scored as its catalog title. */
    @Test
    void aLabelSpeltAsAnotherCatalogWouldJoinThePredictionOfItsCatalogTitle() throws Exception {
        TitleCatalogSource catalogs = new FixedCatalog(List.of("Seven (Se7en) (1995)", "Heat (1995)"));
        try (var h = opened(new OnlineAdaptation(LabelSettings.from(new Settings(NO_DECAY)), null, catalogs))) {
            // label first: resolved against the registry's serving version, no prediction seen yet
            h.processElement2(label("u1", "Se7en (1995)", 5.0f, 0), 0);
            Prediction p = prediction("u1", "Seven (1995)", 3.0f, 1);
            p.catalogTitle = "Seven (Se7en) (1995)";
            p.titleMatch = "alias";
            h.processElement1(p, 0);
            assertThat(joins(h)).singleElement().satisfies(j -> {
                assertThat(j.movieTitle).isEqualTo("Seven (Se7en) (1995)");
                assertThat(j.label).isEqualTo(5.0f);
            });
            // prediction first, label in the other spelling
            Prediction q = prediction("u2", "Se7en (1995)", 3.0f, 1);
            q.catalogTitle = "Seven (Se7en) (1995)";
            q.titleMatch = "alias";
            h.processElement1(q, 0);
            h.processElement2(label("u2", "Seven (1995)", 4.0f, 0), 0);
            assertThat(joins(h)).hasSize(2);
        }
    }

    @Test
    void withoutACatalogAnAliasLabelDoesNotJoin() throws Exception {
        try (var h = harness(NO_DECAY)) {
            Prediction p = prediction("u1", "Seven (1995)", 3.0f, 1);
            p.catalogTitle = "Seven (Se7en) (1995)";
            h.processElement1(p, 0);
            h.processElement2(label("u1", "Se7en (1995)", 5.0f, 0), 0);
            assertThat(joins(h)).isEmpty();
        }
    }

    @Test
    void aVersionsTitleCatalogComesFromItsRegistryFolder() throws Exception {
        RegistryTitleCatalogs source = new RegistryTitleCatalogs(registryDir.toString(), "marquee");
        assertThat(source.load(1)).hasValueSatisfying(c -> assertThat(c.titles()).containsExactlyElementsOf(titles));
        assertThat(source.load(1).orElseThrow()).as("built once per JVM and version")
                .isSameAs(new RegistryTitleCatalogs(registryDir.toString(), "marquee").load(1).orElseThrow());
        assertThat(source.load(99)).isEmpty();
        assertThat(source.serving()).isPresent();
    }

    /** What a scoring slot's loader thread does before a version serves, so the labels' task thread finds it ready. */
    @Test
    void aVersionsTitleCatalogIsBuiltAheadByTheScoringSlotsPreparation() {
        RegistryTitleCatalogs catalogs = new RegistryTitleCatalogs(registryDir.toString(), "marquee");
        assertThat(catalogs.holds(2)).isFalse();
        new LabelPreparation(catalogs, null).prepare(2);
        assertThat(catalogs.holds(2)).as("built ahead").isTrue();
        assertThat(new RegistryTitleEmbeddings(registryDir.toString(), "marquee", 7).holds(2))
                .as("no embeddings asked for with adaptation off").isFalse();
    }

    /** A catalog every version shares; version 1 serves. */
    private record FixedCatalog(List<String> titles) implements TitleCatalogSource {
        @Override
        public java.util.Optional<dev.marquee.data.title.TitleCatalog> load(long version) {
            return java.util.Optional.of(dev.marquee.data.title.TitleCatalog.of(titles));
        }

        @Override
        public java.util.OptionalLong serving() {
            return java.util.OptionalLong.of(1);
        }
    }

    /** The acceptance point: a restart from a checkpoint keeps what adaptation learned and what waits for a label. */
    @Test
    void adaptationStateAndPendingMatchesSurviveARestoreFromACheckpoint() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(NO_DECAY)) {
            h.processElement1(prediction("u1", "A", 3.0f, 1), 0);
            h.processElement2(label("u1", "A", 5.0f), 0);
            h.processElement1(prediction("u1", "B", 3.0f, 1), 0);
            snapshot = h.snapshot(1, 10);
        }
        try (var h = new KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Rating, Prediction>(
                new LabelJoinOperator(new OnlineAdaptation(LabelSettings.from(new Settings(NO_DECAY)))),
                p -> p.userId, r -> r.userId, Types.STRING)) {
            h.initializeState(snapshot);
            h.open();
            h.processElement2(label("u1", "B", 1.0f), 0);
            h.processElement1(prediction("u1", "C", 3.0f, 1), 0);
            // residuals +2 and -2 (B was served 4.0 but the model said 3.0): sum 0 -> no adjustment
            assertThat(joins(h)).singleElement().satisfies(j -> assertThat(j.served).isEqualTo(4.0f));
            assertThat(h.extractOutputValues()).singleElement().satisfies(p -> assertThat(p.adjustment).isEqualTo(0.0f));
        }
    }

    private static final java.util.concurrent.atomic.AtomicInteger EMBEDDING_LOADS = new java.util.concurrent.atomic.AtomicInteger();

    /** Adaptation off: the join measures, and nothing per user is learned, kept or swept, no embeddings computed. */
    @Test
    void withoutAdaptationTheJoinMeasuresAndLearnsNothing() throws Exception {
        EMBEDDING_LOADS.set(0);
        TitleEmbeddingSource counting = v -> {
            EMBEDDING_LOADS.incrementAndGet();
            return java.util.Optional.empty();
        };
        try (var h = harness(Map.of("adaptation.enabled", "false"), counting)) {
            h.processElement1(prediction("u1", "A", 3f, 1), 0);
            h.processElement2(label("u1", "A", 5f), 0);
            h.processElement1(prediction("u1", "B", 3f, 1), 0);
            assertThat(joins(h)).hasSize(1);
            assertThat(h.extractOutputValues()).allSatisfy(p -> assertThat(p.adjustment).isZero());
            assertThat(EMBEDDING_LOADS.get()).as("no title embeddings computed").isZero();
            assertThat(h.numProcessingTimeTimers()).as("no per-user state to sweep").isZero();
        }
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Rating, Prediction> harness(
            Map<String, String> settings) throws Exception {
        return opened(new OnlineAdaptation(LabelSettings.from(new Settings(settings))));
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Rating, Prediction> harness(
            Map<String, String> settings, TitleEmbeddingSource source) throws Exception {
        return opened(new OnlineAdaptation(LabelSettings.from(new Settings(settings)), source));
    }

    /** The join as the job runs it: in {@link LabelJoinOperator}, which hands it the requests' own event time. */
    private static KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Rating, Prediction> opened(
            OnlineAdaptation join) throws Exception {
        var h = new KeyedTwoInputStreamOperatorTestHarness<>(new LabelJoinOperator(join), (Prediction p) -> p.userId,
                (Rating r) -> r.userId, Types.STRING);
        h.open();
        return h;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }

    private static List<LabelJoin> joins(KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Rating, Prediction> h) {
        return h.getSideOutput(OnlineAdaptation.LABEL_JOINS) == null ? List.of()
                : h.getSideOutput(OnlineAdaptation.LABEL_JOINS).stream().map(StreamRecord::getValue).toList();
    }

    private static List<UnmatchedExpiry> expired(KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Rating, Prediction> h) {
        return h.getSideOutput(OnlineAdaptation.EXPIRED) == null ? List.of()
                : h.getSideOutput(OnlineAdaptation.EXPIRED).stream().map(StreamRecord::getValue).toList();
    }

    private static Prediction prediction(String user, String requestId, String title, float rating, long version, long timestamp) {
        Prediction p = prediction(user, title, rating, version);
        p.requestId = requestId;
        p.timestamp = timestamp;
        return p;
    }

    private static Rating label(String user, String title, float rating, long timestamp) {
        return new Rating(user, title, rating, timestamp);
    }

    private static Prediction prediction(String user, String title, float rating, long version) {
        Prediction p = new Prediction();
        p.requestId = user + "/" + title;
        p.userId = user;
        p.movieTitle = title;
        p.predictedRating = rating;
        p.output3 = new float[] {rating};
        p.modelVersion = version;
        return p;
    }

    private static Rating label(String user, String title, float rating) {
        return new Rating(user, title, rating, 0);
    }

    private static List<TitleEvent> titleEvents(KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Rating, Prediction> h) {
        var out = h.getSideOutput(OnlineAdaptation.TITLE_EVENTS);
        return out == null ? List.of() : out.stream().map(StreamRecord::getValue).toList();
    }

    private static List<Prediction> titlePredictions(KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Rating, Prediction> h) {
        return titleEvents(h).stream().filter(e -> e.prediction != null).map(e -> e.prediction).toList();
    }

    private static List<TitleLabel> titleLabels(KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Rating, Prediction> h) {
        return titleEvents(h).stream().filter(e -> e.label != null).map(e -> e.label).toList();
    }

    /** Processing time and the state TTL's clock, which the harness keeps apart, set together as on a TaskManager. */
    private static void clock(KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Rating, Prediction> h, long ms) throws Exception {
        h.setStateTtlProcessingTime(ms);
        h.setProcessingTime(ms);
    }

    /**
     * A state TTL shorter than the join's: the prediction still waits its join TTL for its label (before, the state
     * TTL dropped it unseen, neither joined nor counted as expired).
     */
    @Test
    void aStateTtlShorterThanTheJoinTtlDoesNotCutTheWaitShort() throws Exception {
        try (var h = harness(Map.of("adaptation.state-ttl-ms", "60000", "labels.join-ttl-ms", "3600000"))) {
            clock(h, 0);
            h.processElement1(prediction("u1", "A", 3f, 1), 0);
            clock(h, 120_000); // two state TTLs later, well within the join's hour
            h.processElement2(label("u1", "A", 5f), 0);
            assertThat(joins(h)).singleElement().satisfies(j -> assertThat(j.movieTitle).isEqualTo("A"));
        }
    }

    /**
     * A quiet night: no request and no label for hours, so event time stands still and nothing in the join is due.
     * The join's wall-clock safety net must not drop what waits meanwhile, even with adaptation's memory at a minute.
     */
    @Test
    void aQuietSpellLongerThanTwiceTheJoinTtlKeepsWhatWaits() throws Exception {
        try (var h = harness(Map.of("adaptation.state-ttl-ms", "60000", "labels.join-ttl-ms", "3600000"))) {
            clock(h, 0);
            h.processElement1(prediction("u1", "A", 3f, 1), 0);
            clock(h, 8 * 3_600_000L); // eight hours of wall clock, event time where it was
            h.processElement2(label("u1", "A", 5f), 0);
            assertThat(joins(h)).singleElement().satisfies(j -> assertThat(j.movieTitle).isEqualTo("A"));
        }
        assertThat(OnlineAdaptation.joinStateTtlMs(60_000, 3_600_000)).isEqualTo(OnlineAdaptation.JOIN_STATE_TTL_FLOOR_MS);
        assertThat(OnlineAdaptation.joinStateTtlMs(90L * 86_400_000, 3_600_000)).isEqualTo(90L * 86_400_000);
        assertThat(OnlineAdaptation.joinStateTtlMs(60_000, 30L * 86_400_000)).isEqualTo(60L * 86_400_000);
        assertThat(OnlineAdaptation.joinStateTtlMs(60_000, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
    }
}

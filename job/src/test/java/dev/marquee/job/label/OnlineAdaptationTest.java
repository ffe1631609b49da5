package dev.marquee.job.label;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.marquee.data.config.Settings;
import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.Rating;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class OnlineAdaptationTest {
    private static final Map<String, String> NO_DECAY = Map.of("adaptation.decay", "1", "adaptation.shrinkage", "1");

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

    @Test
    void pendingMatchesPerUserAreCapped() throws Exception {
        try (var h = harness(Map.of("labels.max-pending-per-user", "2"))) {
            h.processElement1(prediction("u1", "A", 3f, 1), 0);
            h.processElement1(prediction("u1", "B", 3f, 1), 0);
            h.processElement1(prediction("u1", "C", 3f, 1), 0);
            h.processElement2(label("u1", "C", 5f), 0); // C's prediction was not kept: the label waits instead... or is dropped
            h.processElement2(label("u1", "A", 5f), 0);
            assertThat(joins(h)).as("A matched; C's prediction was dropped at the cap").hasSize(1);
            assertThat(h.extractOutputValues()).hasSize(3);
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
                new KeyedCoProcessOperator<>(new OnlineAdaptation(LabelSettings.from(new Settings(NO_DECAY)))),
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

    private static KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Rating, Prediction> harness(
            Map<String, String> settings) throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
                new OnlineAdaptation(LabelSettings.from(new Settings(settings))), p -> p.userId, r -> r.userId, Types.STRING);
    }

    private static List<LabelJoin> joins(KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Rating, Prediction> h) {
        return h.getSideOutput(OnlineAdaptation.LABEL_JOINS).stream().map(StreamRecord::getValue).toList();
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
}

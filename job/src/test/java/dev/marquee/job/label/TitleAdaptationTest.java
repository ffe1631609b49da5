package dev.marquee.job.label;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.marquee.data.config.Settings;
import dev.marquee.data.event.Prediction;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class TitleAdaptationTest {
    private static final Map<String, String> SETTINGS = Map.of("adaptation.title-bias.new-prior", "2",
            "adaptation.title-bias.known-prior", "50", "adaptation.max-adjustment", "2");

    @Test
    void aTitlesLabelsShiftItsLaterPredictionsForEveryUserByTheirShrunkMean() throws Exception {
        try (var h = harness(SETTINGS)) {
            h.processElement(TitleEvent.of(prediction("u1", "New (2031)", 3.0f, 0.25f)), 0);
            h.processElement(TitleEvent.of(label("New (2031)", true, 1.0f, 3.0f, 3.25f, 4.0f)), 0);
            h.processElement(TitleEvent.of(label("New (2031)", true, 2.0f, 3.0f, 3.0f, 5.0f)), 0);
            h.processElement(TitleEvent.of(prediction("u2", "new (2031)", 3.0f, 0.5f)), 0); // same canonical title, another user
            h.processElement(TitleEvent.of(prediction("u3", "Other (1999)", 3.0f, 0f)), 0);
            List<Prediction> out = h.extractOutputValues();
            assertThat(out.get(0).adjustment).as("nothing learned yet: the user's own part only").isEqualTo(0.25f);
            assertThat(out.get(0).predictedRating).isEqualTo(3.25f);
            // residuals 1 and 2 with pseudo-count 2: +0.75 on top of the user's 0.5
            assertThat(out.get(1).adjustment).isCloseTo(1.25f, within(1e-6f));
            assertThat(out.get(1).predictedRating).isCloseTo(4.25f, within(1e-6f));
            assertThat(out.get(2).adjustment).as("another title").isZero();
            // each join leaves with the title's bias as it stood when its label came: 0, then 1/3
            assertThat(joins(h)).extracting(j -> j.served).containsExactly(3.25f, 3.0f + 1 / 3f);
        }
    }

    /**
     * A join leaves with the rating its prediction was served, also where the bound on the total adjustment or the
     * scale's clamp cut in: the join brings the user's part unclamped and the title's bias is added as it was.
     */
    @Test
    void aJoinCarriesTheRatingServedWhereTheBoundOrTheClampCutIn() throws Exception {
        try (var h = harness(SETTINGS)) {
            for (int i = 0; i < 2; i++) {
                h.processElement(TitleEvent.of(label("Up (2031)", true, 1.0f, 3.0f, 3.0f, 4.0f)), 0); // bias 2 / (2 + 2) = 0.5
                h.processElement(TitleEvent.of(label("Down (2031)", true, -1.5f, 3.0f, 3.0f, 1.5f)), 0); // bias -3 / 4 = -0.75
            }
            h.processElement(TitleEvent.of(prediction("u1", "Up (2031)", 2.0f, 1.8f)), 0); // 1.8 + 0.5 bounded to 2
            h.processElement(TitleEvent.of(prediction("u2", "Down (2031)", 4.6f, 0.7f)), 0); // served 5.0 before the title's part
            List<Prediction> served = h.extractOutputValues();
            assertThat(served.get(0).predictedRating).isCloseTo(4.0f, within(1e-6f));
            assertThat(served.get(1).predictedRating).isCloseTo(4.55f, within(1e-6f));

            h.processElement(TitleEvent.of(label("Up (2031)", true, 0f, 2.0f, 2.0f + 1.8f, 4.0f)), 0);
            h.processElement(TitleEvent.of(label("Down (2031)", true, 0f, 4.6f, 4.6f + 0.7f, 4.5f)), 0);
            List<LabelJoin> joins = joins(h);
            assertThat(joins.get(joins.size() - 2).served).isCloseTo(served.get(0).predictedRating, within(1e-6f));
            assertThat(joins.get(joins.size() - 1).served).isCloseTo(served.get(1).predictedRating, within(1e-6f));
        }
    }

    @Test
    void aKnownTitleIsShrunkHarderAndTheTotalAdjustmentStaysWithinItsBound() throws Exception {
        try (var h = harness(SETTINGS)) {
            for (int i = 0; i < 50; i++) h.processElement(TitleEvent.of(label("Known (1990)", false, 2.0f, 3.0f, 3.0f, 5.0f)), 0);
            h.processElement(TitleEvent.of(prediction("u1", "Known (1990)", 3.0f, 0f)), 0);
            h.processElement(TitleEvent.of(prediction("u1", "Known (1990)", 2.0f, 1.8f)), 0);
            List<Prediction> out = h.extractOutputValues();
            assertThat(out.get(0).adjustment).isCloseTo(1.0f, within(1e-5f)); // 100 / (50 + 50)
            assertThat(out.get(1).adjustment).isEqualTo(2.0f);
            assertThat(out.get(1).predictedRating).isEqualTo(4.0f);
        }
    }

    @Test
    void aLateLabelOfAVersionNoLongerServedDoesNotMoveTheBias() throws Exception {
        try (var h = harness(SETTINGS)) {
            h.processElement(TitleEvent.of(label("T (2000)", true, 1.0f, 3.0f, 3.0f, 4.0f, 2)), 0);
            h.processElement(TitleEvent.of(prediction("u1", "T (2000)", 3.0f, 0f, 2)), 0);
            h.processElement(TitleEvent.of(label("T (2000)", true, -3.0f, 3.0f, 3.0f, 1.0f, 1)), 0);
            h.processElement(TitleEvent.of(prediction("u1", "T (2000)", 3.0f, 0f, 2)), 0);
            assertThat(h.extractOutputValues()).extracting(p -> p.adjustment).containsExactly(1 / 3f, 1 / 3f);
            assertThat(joins(h)).as("still counted for online accuracy").hasSize(2);
        }
    }

    /**
     * Labels of a new serving version keep version-carry (0.5) of what the old one's taught, then learn at their
     * weight; a late label of the old version then changes nothing.
     */
    @Test
    void aNewVersionsLabelsCarryHalfTheOldBiasAndTheOldVersionsStopTeaching() throws Exception {
        try (var h = harness(SETTINGS)) {
            h.processElement(TitleEvent.of(prediction("u1", "T (2031)", 3.0f, 0f, 1)), 0);
            for (int i = 0; i < 2; i++) h.processElement(TitleEvent.of(label("T (2031)", true, 2.0f, 3.0f, 3.0f, 5.0f, 1)), 0);
            h.processElement(TitleEvent.of(prediction("u1", "T (2031)", 3.0f, 0f, 2)), 0); // version 2 serves
            h.processElement(TitleEvent.of(label("T (2031)", true, 0f, 3.0f, 4.0f, 3.0f, 2)), 0);
            h.processElement(TitleEvent.of(prediction("u1", "T (2031)", 3.0f, 0f, 2)), 0);
            h.processElement(TitleEvent.of(label("T (2031)", true, -3.0f, 3.0f, 3.5f, 0.5f, 1)), 0); // late, of version 1
            h.processElement(TitleEvent.of(prediction("u1", "T (2031)", 3.0f, 0f, 2)), 0);
            // 4 / (2 + 2) = 1; carried: half the learned precision (1 of 2), mean 1 * 4 / 2 * 1 / (2 + 1) = 2/3;
            // then a residual of 0 at gain 1/4: 1/2
            assertThat(h.extractOutputValues()).extracting(p -> p.adjustment)
                    .usingElementComparator((a, b) -> Math.abs(a - b) < 1e-5f ? 0 : Float.compare(a, b))
                    .containsExactly(0f, 1.0f, 0.5f, 0.5f);
        }
    }

    /** Nor does it start one for a title with no bias yet: it is another model's error. */
    @Test
    void aLateLabelOfAVersionNoLongerServedStartsNoBias() throws Exception {
        try (var h = harness(SETTINGS)) {
            h.processElement(TitleEvent.of(prediction("u1", "T (2000)", 3.0f, 0f, 2)), 0);
            h.processElement(TitleEvent.of(label("T (2000)", true, -2.0f, 3.0f, 3.0f, 1.0f, 1)), 0);
            h.processElement(TitleEvent.of(prediction("u1", "T (2000)", 3.0f, 0f, 2)), 0);
            assertThat(h.extractOutputValues()).extracting(p -> p.adjustment).containsExactly(0f, 0f);
            assertThat(joins(h)).as("still counted for online accuracy").hasSize(1);
        }
    }

    /** A title's bias is cleared by its sweep once it has gone the state TTL (60 s here) without a label. */
    @Test
    void aTitlesBiasIsSweptAwayAfterTheTtlWithoutALabel() throws Exception {
        try (var h = harness(Map.of("adaptation.state-ttl-ms", "60000"))) {
            clock(h, 0);
            h.processElement(TitleEvent.of(label("N (2031)", true, 2f, 3f, 3f, 5f)), 0);
            h.processElement(TitleEvent.of(label("M (2031)", true, 2f, 3f, 3f, 5f)), 0);
            clock(h, 30_000);
            h.processElement(TitleEvent.of(label("M (2031)", true, 1f, 3f, 3f, 4f)), 0);
            assertThat(h.numKeyedStateEntries()).isEqualTo(2);
            clock(h, 60_000);
            assertThat(h.numKeyedStateEntries()).as("N swept, M labelled since").isEqualTo(1);
            clock(h, 90_000);
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    /** Restored under a longer adaptation.state-ttl-ms, a title's bias is still swept once the new TTL has passed. */
    @Test
    void aLongerStateTtlAfterARestoreStillSweeps() throws Exception {
        org.apache.flink.runtime.checkpoint.OperatorSubtaskState snapshot;
        try (var h = harness(Map.of("adaptation.state-ttl-ms", "60000"))) {
            clock(h, 0);
            h.processElement(TitleEvent.of(label("N (2031)", true, 2f, 3f, 3f, 5f)), 0);
            snapshot = h.snapshot(1, 10);
        }
        var h = new KeyedOneInputStreamOperatorTestHarness<String, TitleEvent, Prediction>(
                new org.apache.flink.streaming.api.operators.KeyedProcessOperator<>(new TitleAdaptation(
                        LabelSettings.from(new Settings(Map.of("adaptation.state-ttl-ms", "300000"))))),
                e -> e.prediction != null ? TitleAdaptation.key(e.prediction.movieTitle) : TitleAdaptation.key(e.label.title),
                Types.STRING);
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

    /**
     * The title bias of a job from before the one-stream operator restores into it (same uid, same state): a snapshot
     * written by commit b0dfe1c's two-input {@code TitleAdaptation} in its harness after two labels of "New (2031)"
     * with residual 2 each (default settings: prior 3), with Flink's {@code OperatorSnapshotUtil.writeStateHandle}.
     */
    @Test
    void aBiasLearnedByTheTwoInputOperatorIsServedAfterTheUpgrade() throws Exception {
        OperatorSubtaskState snapshot = OperatorSnapshotUtil.readStateHandle(
                java.nio.file.Path.of(getClass().getResource("title-bias-two-inputs-b0dfe1c.snapshot").toURI()).toString());
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new org.apache.flink.streaming.api.operators.KeyedProcessOperator<>(
                        new TitleAdaptation(LabelSettings.from(new Settings(Map.of())))),
                TitleEvent::key, Types.STRING);
        try (h) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(TitleEvent.of(prediction("u1", "New (2031)", 3.0f, 0f)), 0);
            assertThat(h.extractOutputValues()).singleElement()
                    .satisfies(p -> assertThat(p.adjustment).isCloseTo(0.8f, within(1e-6f))); // 4 / (2 + 3)
        }
    }

    @Test
    void onlyThePredictionsTheScopeNamesGetATitleBias() {
        Prediction known = prediction("u", "K (1990)", 3f, 0f);
        known.oovMovieTitle = false;
        Prediction unknown = prediction("u", "N (2031)", 3f, 0f);
        unknown.oovMovieTitle = true;
        Prediction unsure = prediction("u", "U (2031)", 3f, 0f);
        unsure.oovMovieTitle = null;
        LabelSettings byDefault = LabelSettings.from(new Settings(Map.of()));
        assertThat(byDefault.titleBias).isEqualTo(LabelSettings.TitleBiasScope.NEW);
        assertThat(List.of(known, unknown, unsure)).extracting(p -> TitleAdaptation.applies(byDefault, p)).containsExactly(false, true, false);
        LabelSettings all = LabelSettings.from(new Settings(Map.of("adaptation.title-bias", "all")));
        assertThat(List.of(known, unknown, unsure)).extracting(p -> TitleAdaptation.applies(all, p)).containsExactly(true, true, true);
        LabelSettings off = LabelSettings.from(new Settings(Map.of("adaptation.title-bias", "OFF")));
        assertThat(TitleAdaptation.applies(off, unknown)).isFalse();
        LabelSettings noAdaptation = LabelSettings.from(new Settings(Map.of("adaptation.enabled", "false")));
        assertThat(TitleAdaptation.applies(noAdaptation, unknown)).isFalse();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, TitleEvent, Prediction> harness(
            Map<String, String> settings) throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedProcessFunction(new TitleAdaptation(LabelSettings.from(new Settings(settings))),
                e -> e.prediction != null ? TitleAdaptation.key(e.prediction.movieTitle) : TitleAdaptation.key(e.label.title),
                Types.STRING);
    }

    private static List<LabelJoin> joins(KeyedOneInputStreamOperatorTestHarness<String, TitleEvent, Prediction> h) {
        return h.getSideOutput(TitleAdaptation.LABEL_JOINS).stream().map(StreamRecord::getValue).toList();
    }

    private static Prediction prediction(String user, String title, float model, float userAdjustment) {
        return prediction(user, title, model, userAdjustment, 1);
    }

    private static Prediction prediction(String user, String title, float model, float userAdjustment, long version) {
        Prediction p = new Prediction();
        p.requestId = user + "/" + title;
        p.userId = user;
        p.movieTitle = title;
        p.output3 = new float[] {model};
        p.adjustment = userAdjustment;
        p.predictedRating = TitleAdaptation.clamp(model + userAdjustment);
        p.modelVersion = version;
        return p;
    }

    private static TitleLabel label(String title, boolean newTitle, float residual, float model, float served, float label) {
        return label(title, newTitle, residual, model, served, label, 1);
    }

    private static TitleLabel label(String title, boolean newTitle, float residual, float model, float served, float label,
                                    long version) {
        return new TitleLabel(title, version, newTitle, residual, new LabelJoin(version, served, model, label));
    }

    /** Processing time and the state TTL's clock, which the harness keeps apart, set together as on a TaskManager. */
    private static void clock(KeyedOneInputStreamOperatorTestHarness<String, TitleEvent, Prediction> h, long ms) throws Exception {
        h.setStateTtlProcessingTime(ms);
        h.setProcessingTime(ms);
    }

    /** Every emoji or punctuation-only title has the empty canonical key: each keys by itself instead. */
    @Test
    void titlesWithoutLettersOrDigitsKeyByThemselves() {
        assertThat(TitleAdaptation.key("\uD83C\uDFAC")).isEqualTo("\uD83C\uDFAC");
        assertThat(TitleAdaptation.key("\uD83C\uDF7F")).isNotEqualTo(TitleAdaptation.key("\uD83C\uDFAC"));
        assertThat(TitleAdaptation.key("\uD83C\uDFAC ")).as("trailing space").isEqualTo(TitleAdaptation.key("\uD83C\uDFAC"));
        assertThat(TitleAdaptation.key("\u2026")).as("an ellipsis is three periods").isEqualTo(TitleAdaptation.key("..."));
        assertThat(TitleAdaptation.key("Devil's Advocate, The (1997)")).isEqualTo(TitleAdaptation.key("The Devil's Advocate (1997)"));
        assertThat(TitleAdaptation.key("\uD83C\uDFAC (2011)")).as("a year is no name")
                .isNotEqualTo(TitleAdaptation.key("!!! (2011)"));
    }
}

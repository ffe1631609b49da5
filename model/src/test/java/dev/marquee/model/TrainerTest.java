package dev.marquee.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.Rating;
import dev.marquee.data.movielens.Split;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.types.TFloat32;

class TrainerTest {

    @Test
    void trainingLowersTheLossAndBeatsTheGlobalMean() {
        Split split = SmallData.split(7);
        List<String> progress = new ArrayList<>();
        try (TrainedModel model = new Trainer(SmallData.config(Architecture.DEFAULT), progress::add)
                .train(split.train(), split.validation())) {
            List<LearningCurve.Epoch> epochs = model.learningCurve().epochs();
            assertThat(epochs).hasSizeGreaterThanOrEqualTo(3);
            assertThat(epochs.get(epochs.size() - 1).trainRmse()).isLessThan(epochs.get(0).trainRmse());
            double bestValidation = epochs.stream().mapToDouble(LearningCurve.Epoch::validationRmse).min()
                    .orElseThrow();
            Metrics globalMean = Metrics.of(GlobalMeanBaseline.fit(split.train()), split.validation());
            assertThat(bestValidation).isLessThan(globalMean.rmse());
            // The restored weights are the best epoch's: validation RMSE through the string path matches.
            assertThat(Metrics.of(model, split.validation()).rmse()).isCloseTo(bestValidation,
                    org.assertj.core.data.Offset.offset(1e-4));
            assertThat(progress).anyMatch(l -> l.startsWith("epoch   1  train RMSE"));
        }
    }

    @Test
    void theReferenceArchitectureTrains() {
        Split split = SmallData.split(8);
        TrainingConfig c = SmallData.config(Architecture.REFERENCE).withOptimizer(OptimizerKind.ADAM)
                .withLearningRate(0.01f);
        try (TrainedModel model = new Trainer(c, l -> {}).train(split.train(), split.validation())) {
            List<LearningCurve.Epoch> epochs = model.learningCurve().epochs();
            assertThat(epochs.get(epochs.size() - 1).trainRmse()).isLessThan(epochs.get(0).trainRmse());
        }
    }

    @Test
    void withoutValidationAHoldOutIsUsed() {
        Split split = SmallData.split(9);
        List<String> progress = new ArrayList<>();
        try (TrainedModel model = new Trainer(SmallData.config(Architecture.DEFAULT).withEpochs(3), progress::add)
                .train(split.train(), List.of())) {
            assertThat(model.trainRows()).isLessThan(split.train().size());
            assertThat(progress.get(0)).startsWith("no validation set: holding out");
            assertThat(model.learningCurve().epochs()).allMatch(e -> Double.isFinite(e.validationRmse()));
        }
    }

    /**
     * Rows whose user {@code --oov-rate} hides miss the (user, day) table: the zero bucket every unseen (user, day)
     * pair gets must stay zero, not learn a bias from them.
     */
    @Test
    void hiddenUsersLeaveTheUserDayZeroBucketAtZero(@TempDir Path dir) throws Exception {
        Split split = SmallData.split(12);
        TrainingConfig c = SmallData.config(Architecture.DEFAULT).withEpochs(3).withOovRate(0.5f);
        assertThat(c.userDayBias()).isTrue();
        try (TrainedModel model = new Trainer(c, l -> {}).train(split.train(), split.validation())) {
            model.exportSavedModel(dir.resolve("m"));
        }
        try (SavedModelBundle bundle = SavedModelBundle.loader(dir.resolve("m").toString()).withTags("serve").load();
                Result r = bundle.session().runner().fetch("user_day_bias").run()) {
            TFloat32 bias = (TFloat32) r.get(0);
            long n = bias.shape().size(0);
            assertThat(n).isGreaterThan(1);
            assertThat(bias.getFloat(0)).isNotZero();   // the buckets of the training's (user, day) pairs trained
            assertThat(bias.getFloat(n - 1)).isZero();
        }
    }

    @Test
    void theSameSeedGivesTheSameCurve() {
        Split split = SmallData.split(10);
        TrainingConfig c = SmallData.config(Architecture.DEFAULT).withEpochs(3).withL2(0.05f, 0.05f);
        List<LearningCurve.Epoch> a;
        List<LearningCurve.Epoch> b;
        try (TrainedModel m = new Trainer(c, l -> {}).train(split.train(), split.validation())) {
            a = m.learningCurve().epochs();
        }
        try (TrainedModel m = new Trainer(c, l -> {}).train(split.train(), split.validation())) {
            b = m.learningCurve().epochs();
        }
        assertThat(b).hasSameSizeAs(a);
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i).trainRmse()).isEqualTo(a.get(i).trainRmse());
            assertThat(b.get(i).validationRmse()).isEqualTo(a.get(i).validationRmse());
        }
    }

    @Test
    void aRefitTrainsExactlyTheScheduledEpochsOnEveryRowWithNothingHeldOut() {
        Split split = SmallData.split(11);
        List<Rating> all = TrainingRows.refitRows(split.train(), split.validation());
        List<String> progress = new ArrayList<>();
        // patience 1 would stop early within the first few epochs; a refit does not look at any validation
        TrainingConfig c = SmallData.config(Architecture.DEFAULT).withPatience(1);
        try (TrainedModel m = new Trainer(c, progress::add).refit(all, split.validation(), RefitSchedule.of(6))) {
            assertThat(m.learningCurve().epochs()).hasSize(6)
                    .allMatch(e -> Double.isNaN(e.validationRmse()) && Double.isFinite(e.trainRmse()));
            assertThat(m.trainRows()).isEqualTo(all.size());
            assertThat(m.refit()).isTrue();
            assertThat(m.bestEpoch()).isEqualTo(6);
            assertThat(m.schedule()).isEqualTo(RefitSchedule.of(6));
            // the validation rows were trained on: their users and titles are in the vocabularies
            assertThat(split.validation()).allMatch(r -> m.users().contains(r.userId) && m.titles().contains(r.movieTitle));
        }
        assertThat(progress).noneMatch(l -> l.startsWith("no validation set") || l.startsWith("early stop"));
        assertThat(progress.stream().filter(l -> l.startsWith("refit epoch"))).hasSize(6);
        assertThat(progress).contains(progress.stream().filter(l -> l.startsWith("refit epoch   6 of 6")).findFirst()
                .orElseThrow());
    }

    @Test
    void aRefitOfASplitWithoutValidationHoldsNothingOut() {
        Split split = SmallData.split(12);
        List<String> progress = new ArrayList<>();
        try (TrainedModel m = new Trainer(SmallData.config(Architecture.DEFAULT), progress::add)
                .refit(split.train(), List.of(), RefitSchedule.of(2))) {
            assertThat(m.trainRows()).isEqualTo(split.train().size());
            assertThat(m.learningCurve().epochs()).hasSize(2);
        }
        assertThat(progress).noneMatch(l -> l.startsWith("no validation set"));
    }

    @Test
    void aRunExposesWhatItChoseForARefit() {
        Split split = SmallData.split(13);
        try (TrainedModel m = new Trainer(SmallData.config(Architecture.DEFAULT).withPatience(2), l -> {})
                .train(split.train(), split.validation())) {
            assertThat(m.refit()).isFalse();
            assertThat(m.schedule()).isEqualTo(RefitSchedule.of(m.bestEpoch()));
            assertThat(m.schedule().blendWeights()).isNull();
        }
    }
}

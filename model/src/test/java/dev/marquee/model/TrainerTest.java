package dev.marquee.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.movielens.Split;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

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
}

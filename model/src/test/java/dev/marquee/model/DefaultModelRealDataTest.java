package dev.marquee.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.movielens.MovieLens100K;
import dev.marquee.data.movielens.MovieLensDir;
import dev.marquee.data.movielens.Split;
import dev.marquee.data.movielens.Splits;
import dev.marquee.data.testing.Prerequisites;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** On MovieLens 100K when present (skipped otherwise): the default model beats the baselines. */
class DefaultModelRealDataTest {

    @Test
    void defaultBeatsTheBiasBaselineOnTheTimeSplit() {
        Optional<MovieLensDir> dir = MovieLensDir.findForTests();
        Prerequisites.assumeOrFailInCi(dir.isPresent(), MovieLensDir.testSkipMessage());
        Split split = Splits.referenceTime(new MovieLens100K(dir.get()).ratings());
        try (TrainedModel model = new Trainer(TrainingConfig.defaults(Architecture.DEFAULT), l -> {})
                .train(split.train(), split.validation())) {
            EvaluationReport report = EvaluationReport.evaluate(model, split);
            double model_ = report.rows().get(0).test().rmse();
            double biases = report.rows().get(2).test().rmse();
            assertThat(model_).isLessThan(biases).isLessThan(1.035);
        }
    }
}

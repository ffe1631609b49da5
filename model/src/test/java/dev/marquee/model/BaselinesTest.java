package dev.marquee.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.marquee.data.event.Rating;
import dev.marquee.data.movielens.Split;
import java.util.List;
import org.junit.jupiter.api.Test;

class BaselinesTest {

    @Test
    void metricsAreRmseAndMae() {
        List<Rating> actual = List.of(new Rating("u", "t", 3, 0), new Rating("u", "t", 5, 0));
        Metrics m = Metrics.of(new float[] {4, 4}, actual);
        assertThat(m.rmse()).isCloseTo(1.0, within(1e-9));
        assertThat(m.mae()).isCloseTo(1.0, within(1e-9));
        assertThat(Metrics.of(new float[] {3, 3}, actual).rmse()).isCloseTo(Math.sqrt(2), within(1e-9));
    }

    @Test
    void biasesBeatTheGlobalMeanAndHandleUnknowns() {
        Split split = SmallData.split(13);
        Metrics mean = Metrics.of(GlobalMeanBaseline.fit(split.train()), split.test());
        Metrics biases = Metrics.of(BiasBaseline.fit(split.train()), split.test());
        assertThat(biases.rmse()).isLessThan(mean.rmse());
        float[] unknown = BiasBaseline.fit(split.train()).predict(List.of(new Rating("nobody", "nothing", 0, 0)));
        assertThat(unknown[0]).isCloseTo(GlobalMeanBaseline.fit(split.train()).mean(), within(1e-4f));
    }

    @Test
    void theReportListsTheModelAndBothBaselines() {
        Split split = SmallData.split(14);
        EvaluationReport report = EvaluationReport.evaluate(BiasBaseline.fit(split.train()), split);
        assertThat(report.rows()).extracting(EvaluationReport.Row::name)
                .containsExactly("user+item biases", "global mean", "user+item biases");
        assertThat(report.lines()).hasSize(5);
    }
}

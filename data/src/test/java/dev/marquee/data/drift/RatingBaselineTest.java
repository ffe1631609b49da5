package dev.marquee.data.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RatingBaselineTest {
    /**
     * User "hi" rates 5 and user "lo" 1, ten times each, the same title: mean 3; user biases (+-2 * 10) / (10 + 10)
     * = +-1 with the shrinkage of 10 pseudo-rows; the title's residuals (5 - 3 - 1, 1 - 3 + 1) cancel to 0.
     */
    @Test
    void aUserWhoAlwaysRatesHighGetsAPositiveBias() {
        List<DriftCalibrator.Row> rows = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            rows.add(row("hi", "Heat (1995)", 5, 4.25));
            rows.add(row("lo", "Heat (1995)", 1, 2.25));
        }
        RatingBaseline b = RatingBaseline.fit(rows);
        assertThat(b.ratingMean()).isEqualTo(3.0);
        assertThat(b.userBias()).containsEntry("hi", 1.0).containsEntry("lo", -1.0);
        assertThat(b.titleBias()).containsEntry("Heat (1995)", 0.0);
        assertThat(b.expected("hi", "Heat (1995)")).isEqualTo(4.0);
        assertThat(b.expected("lo", "Heat (1995)")).isEqualTo(2.0);
        // every prediction is its expected rating + 0.25
        assertThat(b.residualMean()).isCloseTo(0.25, within(1e-12));
    }

    @Test
    void unknownUsersAndTitlesHaveNoBias() {
        List<DriftCalibrator.Row> rows = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            rows.add(row("hi", "Heat (1995)", 5, 4));
            rows.add(row("lo", "Fargo (1996)", 2, 2));
        }
        RatingBaseline b = RatingBaseline.fit(rows);
        assertThat(b.expected("nobody", "Nothing (2001)")).isEqualTo(b.ratingMean());
        assertThat(b.expected(null, null)).isEqualTo(b.ratingMean());
        assertThat(b.expected("hi", "Nothing (2001)")).isEqualTo(b.ratingMean() + b.userBias().get("hi"));
        assertThat(b.expected("nobody", "Heat (1995)")).isEqualTo(b.ratingMean() + b.titleBias().get("Heat (1995)"));
        assertThat(b.userBias().get("hi")).isPositive();
        assertThat(b.userBias().get("lo")).isNegative();
    }

    @Test
    void fewRatingsAreShrunkTowardZero() {
        List<DriftCalibrator.Row> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) rows.add(row("many", "T" + (i % 4), 5, 4));
        for (int i = 0; i < 40; i++) rows.add(row("other" + (i % 8), "T" + (i % 4), 3, 3));
        rows.add(row("once", "T0", 5, 4));
        RatingBaseline b = RatingBaseline.fit(rows);
        assertThat(b.userBias().get("once")).isPositive().isLessThan(b.userBias().get("many") / 2);
    }

    /** On noisy generated rows, the residual mean is the mean of (prediction - expected) it reports. */
    @Test
    void theResidualMeanIsTheMeanOfPredictionLessBaseline() {
        Random random = new Random(5);
        List<DriftCalibrator.Row> rows = new ArrayList<>();
        double[] userBias = new double[50];
        for (int u = 0; u < 50; u++) userBias[u] = random.nextGaussian() * 0.4;
        for (int i = 0; i < 5_000; i++) {
            int u = random.nextInt(50);
            int t = random.nextInt(30);
            double signal = 3.5 + userBias[u] + (t - 15) * 0.03;
            double rating = Math.max(1, Math.min(5, Math.round(signal + random.nextGaussian() * 0.8)));
            rows.add(row("u" + u, "T" + t, rating, signal + 0.1 + random.nextGaussian() * 0.2));
        }
        RatingBaseline b = RatingBaseline.fit(rows);
        double residual = 0;
        for (DriftCalibrator.Row r : rows) residual += r.prediction() - b.expected(r.userId(), r.title());
        assertThat(b.residualMean()).isCloseTo(residual / rows.size(), within(1e-9));
        assertThat(b.residualMean()).as("predictions run 0.1 above the signal").isCloseTo(0.1, within(0.1));
        // the fitted user biases follow the true ones
        for (int u = 0; u < 50; u++) {
            assertThat(b.userBias().get("u" + u)).as("user %d", u).isCloseTo(userBias[u], within(0.35));
        }
    }

    @Test
    void noRowsGiveAnEmptyBaseline() {
        RatingBaseline b = RatingBaseline.fit(List.of());
        assertThat(b.ratingMean()).isZero();
        assertThat(b.residualMean()).isZero();
        assertThat(b.userBias()).isEmpty();
        assertThat(b.titleBias()).isEmpty();
    }

    private static DriftCalibrator.Row row(String user, String title, double rating, double prediction) {
        return new DriftCalibrator.Row(user, title, 0, rating, prediction, false, false);
    }
}

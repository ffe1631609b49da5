package dev.marquee.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.drift.DriftMetricNames;
import dev.marquee.data.event.Rating;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Which held-out rows set the least prediction thresholds: rows of the training period the version never trained on,
 * not a later period's (a time split's validation part) and not rows a refit trained on.
 */
class DriftAssetsTest {
    private static final long T0 = 883_612_800L;
    private static final long DAY = 86_400;
    private static final String PSI = DriftMetricNames.PREDICTION_PSI;

    @Test
    void onlyUnseenRowsOfTheTrainingPeriodRaiseThePredictionThresholds() {
        Random random = new Random(3);
        DriftAssets.Scored training = scored(20_000, T0, random, 1.0);
        DriftAssets.Scored samePeriod = scored(5_000, T0, random, 0.4);
        DriftAssets.Scored laterPeriod = scored(5_000, T0 + 90 * DAY, random, 0.4);
        List<String> lines = new ArrayList<>();

        double unseen = DriftAssets.compute(training, samePeriod, "validation", true, line -> { }).calibration().threshold(PSI, 300, 2);
        double later = DriftAssets.compute(training, laterPeriod, "validation", true, lines::add).calibration().threshold(PSI, 300, 2);
        double refit = DriftAssets.compute(training, samePeriod, "validation rows, trained on by the refit", false, lines::add)
                .calibration().threshold(PSI, 300, 2);

        assertThat(later).as("a later period's hold-out").isEqualTo(refit);
        assertThat(unseen).as("same-period rows the version never saw").isGreaterThan(2 * later);
        assertThat(lines).filteredOn(l -> l.contains("distance thresholds as calibrated")).containsExactly(
                "drift calibration: distance thresholds as calibrated on the training rows: the held-out rows (validation) are"
                        + " of a later period, whose change over time is what drift detection reports",
                "drift calibration: distance thresholds as calibrated on the training rows: this version trained on every row"
                        + " it was given (a refit), so none stands for traffic it did not train on");
    }

    /** {@code n} rows over 90 days from {@code start}, predictions around 3.5 with the given spread. */
    private static DriftAssets.Scored scored(int n, long start, Random random, double spread) {
        List<Rating> rows = new ArrayList<>(n);
        float[] predictions = new float[n];
        for (int i = 0; i < n; i++) {
            rows.add(new Rating("u" + random.nextInt(300), "Title " + random.nextInt(200), 1 + random.nextInt(5),
                    start + (long) i * 90 * DAY / n));
            predictions[i] = (float) Math.max(1, Math.min(5, 3.5 + spread * random.nextGaussian()));
        }
        return new DriftAssets.Scored(rows, predictions, new boolean[n], new boolean[n]);
    }
}

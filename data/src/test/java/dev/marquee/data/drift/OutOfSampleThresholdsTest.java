package dev.marquee.data.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.profile.ReferenceProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A model that fits its training rows spreads its predictions there wider than on rows it never saw: windows of
 * ordinary out-of-sample traffic must not read as prediction drift, and the thresholds must move only for what a
 * same-period hold-out shows.
 */
class OutOfSampleThresholdsTest {
    private static final long T0 = 883_612_800L;
    private static final long SPAN = 90L * 86_400;
    private static final int W = 300; // a calibrated size of 20,000 rows

    private static ReferenceProfile profile;
    private static DriftCalibration calibrated;

    @BeforeAll
    static void calibrateOnInSamplePredictions() {
        Random random = new Random(7);
        List<DriftCalibrator.Row> training = rows(20_000, random, () -> 3.5 + 1.0 * random.nextGaussian());
        profile = DriftCalibratorTest.profileOf(training);
        calibrated = new DriftCalibrator(DriftCalibrator.DEFAULT_BUDGET, line -> { }).calibrate(profile, training);
        assertThat(calibrated).isNotNull();
    }

    @Test
    void outOfSamplePredictionsNarrowerThanTheReferenceRaiseThePredictionThresholdsToWhatTheirWindowsNeed() {
        Random random = new Random(11);
        List<DriftCalibrator.Row> heldOut = rows(6_000, random, () -> 3.5 + 0.45 * random.nextGaussian());
        List<DriftCalibrator.Row> live = rows(20_000, random, () -> 3.5 + 0.45 * random.nextGaussian());
        List<String> lines = new ArrayList<>();

        DriftCalibration raised = OutOfSampleThresholds.allowFor(calibrated, profile, predictions(heldOut), titles(heldOut), true, "validation", lines::add);

        String psi = DriftMetricNames.PREDICTION_PSI;
        assertThat(overThreshold(live, calibrated, psi)).as("live windows over the in-sample threshold").isGreaterThan(0.5);
        assertThat(overThreshold(live, raised, psi)).as("live windows over the raised threshold").isLessThan(0.01);
        assertThat(overThreshold(live, raised, DriftMetricNames.PREDICTION_JS)).isLessThan(0.01);
        assertThat(lines).singleElement().asString().contains("6,000 held-out rows (validation; out of sample), sizes 200 to 300", "raised to what they need: prediction.psi ", "prediction.js ", " in a row of ");
        // streaks as the calibration takes them: the smallest of h windows in a row needs less than one window
        for (String metric : List.of(psi, DriftMetricNames.PREDICTION_JS)) {
            assertThat(raised.threshold(metric, W, 2)).isLessThan(raised.threshold(metric, W, 1));
            assertThat(raised.threshold(metric, W, 3)).isLessThanOrEqualTo(raised.threshold(metric, W, 2));
        }
        assertThat(overTwoInARow(live, raised, psi)).as("live windows over the 2-window threshold twice in a row").isLessThan(0.01);
        for (String streak : List.of("1", "2", "3")) {
            assertThat(raised.thresholds().get(streak).get(DriftMetricNames.PREDICTION_MEAN_SHIFT))
                    .as("other metrics keep their thresholds").isEqualTo(calibrated.thresholds().get(streak).get(DriftMetricNames.PREDICTION_MEAN_SHIFT));
        }
        // a real shift beyond what the model does out of sample still reads as drift
        List<DriftCalibrator.Row> shifted = rows(20_000, random, () -> 2.3 + 0.45 * random.nextGaussian());
        assertThat(overThreshold(shifted, raised, psi)).isGreaterThan(0.99);
    }

    /**
     * Out-of-sample predictions like the in-sample ones need little more than the calibration's thresholds (its
     * contiguous, overlapping windows see less of the tail than independent ones), and a threshold already above what
     * they need stays as it is.
     */
    @Test
    void outOfSamplePredictionsLikeTheReferenceMoveTheThresholdsLittleAndNeverDown() {
        Random random = new Random(13);
        float[] alike = predictions(rows(6_000, random, () -> 3.5 + 1.0 * random.nextGaussian()));
        float[] narrow = predictions(rows(6_000, random, () -> 3.5 + 0.45 * random.nextGaussian()));
        String psi = DriftMetricNames.PREDICTION_PSI;

        DriftCalibration forAlike = OutOfSampleThresholds.allowFor(calibrated, profile, alike, titlesFor(alike.length), true, "validation", line -> { });
        DriftCalibration forNarrow = OutOfSampleThresholds.allowFor(calibrated, profile, narrow, titlesFor(narrow.length), true, "validation", line -> { });

        assertThat(forAlike.threshold(psi, W, 2)).isGreaterThanOrEqualTo(calibrated.threshold(psi, W, 2))
                .isLessThan(forNarrow.threshold(psi, W, 2) / 2);
        int cells = 0;
        for (DriftCalibration moved : List.of(forAlike, forNarrow)) {
            for (var streak : calibrated.thresholds().entrySet()) {
                for (var metric : streak.getValue().entrySet()) {
                    double[] before = metric.getValue();
                    double[] after = moved.thresholds().get(streak.getKey()).get(metric.getKey());
                    assertThat(after).as("%s, %s in a row", metric.getKey(), streak.getKey()).hasSameSizeAs(before);
                    for (int i = 0; i < before.length; i++, cells++) {
                        assertThat(after[i]).as("%s, %s in a row, window size %d: never down", metric.getKey(),
                                streak.getKey(), calibrated.windowSizes()[i]).isGreaterThanOrEqualTo(before[i]);
                    }
                }
            }
        }
        assertThat(cells).as("every streak, metric and window size compared").isGreaterThan(2 * 3 * 4);
        Map<String, Map<String, double[]>> high = new java.util.TreeMap<>();
        calibrated.thresholds().forEach((streak, byMetric) -> {
            Map<String, double[]> copy = new java.util.TreeMap<>(byMetric);
            copy.replaceAll((metric, t) -> java.util.Arrays.stream(t).map(v -> v * 100).toArray());
            high.put(streak, copy);
        });
        DriftCalibration generous = new DriftCalibration(calibrated.formatVersion(), calibrated.budget(), calibrated.calibrationRows(),
                calibrated.heldOutRows(), calibrated.baseline(), calibrated.windowSizes(), high, calibrated.checks());
        List<String> lines = new ArrayList<>();
        DriftCalibration kept = OutOfSampleThresholds.allowFor(generous, profile, narrow, titlesFor(narrow.length), true, "validation", lines::add);
        assertThat(kept.threshold(psi, W, 2)).isEqualTo(generous.threshold(psi, W, 2));
        assertThat(lines).singleElement().asString().contains("the calibrated thresholds are above what they need");
    }

    /** Titles too: independent windows of ordinary titles see more of the tail than the calibration's overlapping ones. */
    @Test
    void ordinaryTitlesOutOfSampleStayQuietInTwoWindowsInARow() {
        Random random = new Random(19);
        List<DriftCalibrator.Row> heldOut = rows(6_000, random, () -> 3.5 + 1.0 * random.nextGaussian());
        List<DriftCalibrator.Row> live = rows(150_000, random, () -> 3.5 + 1.0 * random.nextGaussian());

        DriftCalibration raised = OutOfSampleThresholds.allowFor(calibrated, profile, predictions(heldOut), titles(heldOut), true,
                "validation", line -> { });

        for (String metric : List.of(DriftMetricNames.TITLE_LINF, DriftMetricNames.TITLE_JS)) {
            assertThat(raised.threshold(metric, W, 2)).as(metric).isGreaterThanOrEqualTo(calibrated.threshold(metric, W, 2))
                    .as("titles bucketed as the reference's: a little more than calibrated, not the other bucket's distance")
                    .isLessThan(1.5 * calibrated.threshold(metric, W, 2));
            assertThat(overTwoInARow(live, raised, metric)).as(metric + " over twice in a row").isLessThan(0.01);
        }
        // 14,000 calibration rows hold 46 windows of 300 per offset: their largest linf is short of the 0.99909 quantile
        assertThat(raised.threshold(DriftMetricNames.TITLE_LINF, W, 2)).isGreaterThan(calibrated.threshold(DriftMetricNames.TITLE_LINF, W, 2));
    }

    /** Windows over a quarter of the hold-out are not drawn (their own rows' noise): those sizes take the largest drawn size's need. */
    @Test
    void sizesOverAQuarterOfTheHoldOutTakeTheLargestDrawnSizesNeed() {
        Random random = new Random(23);
        List<DriftCalibrator.Row> heldOut = rows(1_000, random, () -> 3.5 + 0.45 * random.nextGaussian());
        List<String> lines = new ArrayList<>();

        DriftCalibration raised = OutOfSampleThresholds.allowFor(calibrated, profile, predictions(heldOut), titles(heldOut), true,
                "training hold-out", lines::add);

        String psi = DriftMetricNames.PREDICTION_PSI;
        assertThat(raised.threshold(psi, 300, 1)).isGreaterThan(calibrated.threshold(psi, 300, 1))
                .isEqualTo(raised.threshold(psi, 200, 1));
        assertThat(lines).singleElement().asString().contains("1,000 held-out rows (training hold-out; out of sample), sizes 200"
                + " to 200 (larger ones take the need of 200)");
    }

    @Test
    void aLaterPeriodOrTooFewRowsLeaveTheThresholdsAndSayWhy() {
        Random random = new Random(17);
        float[] narrow = predictions(rows(6_000, random, () -> 3.5 + 0.45 * random.nextGaussian()));
        List<String> lines = new ArrayList<>();

        assertThat(OutOfSampleThresholds.allowFor(calibrated, profile, narrow, titlesFor(narrow.length), false, "validation", lines::add)).isSameAs(calibrated);
        assertThat(OutOfSampleThresholds.allowFor(calibrated, profile, java.util.Arrays.copyOf(narrow, 999), titlesFor(999), true, "validation",
                lines::add)).isSameAs(calibrated);
        assertThat(OutOfSampleThresholds.allowFor(calibrated, profile, new float[0], new String[0], true, "validation", lines::add)).isSameAs(calibrated);
        assertThat(OutOfSampleThresholds.allowFor(null, profile, narrow, titlesFor(narrow.length), true, "validation", lines::add)).isNull();
        assertThat(lines).containsExactly(
                "drift calibration: distance thresholds as calibrated on the training rows: the held-out rows (validation)"
                        + " are of a later period, whose change over time is what drift detection reports",
                "drift calibration: distance thresholds as calibrated on the training rows: the held-out rows (validation)"
                        + " are 999, too few to stand for traffic the model did not train on (1,000 needed)",
                "drift calibration: distance thresholds as calibrated on the training rows: no held-out rows, too few to"
                        + " stand for traffic the model did not train on (1,000 needed)");
    }

    @Test
    void theSamePeriodIsTheTrainingRowsTimeRange() {
        long[] training = {100, 200, 300, 400};
        assertThat(OutOfSampleThresholds.samePeriod(training, new long[] {150, 250, 100, 400})).isTrue();
        assertThat(OutOfSampleThresholds.samePeriod(training, new long[] {401, 500})).as("a time split's later part").isFalse();
        long[] mostlyInside = new long[20];
        java.util.Arrays.fill(mostlyInside, 250);
        mostlyInside[0] = 900;
        assertThat(OutOfSampleThresholds.samePeriod(training, mostlyInside)).as("19 of 20 inside").isTrue();
        mostlyInside[1] = 900;
        mostlyInside[2] = 900;
        assertThat(OutOfSampleThresholds.samePeriod(training, mostlyInside)).as("17 of 20 inside").isFalse();
        assertThat(OutOfSampleThresholds.samePeriod(training, new long[0])).isFalse();
    }

    /** The share of consecutive windows of {@code rows} whose {@code metric} is over the threshold for one window. */
    private static double overThreshold(List<DriftCalibrator.Row> rows, DriftCalibration calibration, String metric) {
        ReferenceBuckets ref = ReferenceBuckets.of(0, profile, calibration, null);
        List<Map<String, Double>> windows = DriftCalibrator.windows(rows, 0, W, ref);
        double t = calibration.threshold(metric, W, 1);
        return windows.stream().filter(m -> m.get(metric) > t).count() / (double) windows.size();
    }

    /** The share of consecutive windows of {@code rows} that, with the one before, are over the 2-window threshold. */
    private static double overTwoInARow(List<DriftCalibrator.Row> rows, DriftCalibration calibration, String metric) {
        ReferenceBuckets ref = ReferenceBuckets.of(0, profile, calibration, null);
        List<Map<String, Double>> windows = DriftCalibrator.windows(rows, 0, W, ref);
        double t = calibration.threshold(metric, W, 2);
        int both = 0;
        for (int i = 1; i < windows.size(); i++) {
            if (windows.get(i - 1).get(metric) > t && windows.get(i).get(metric) > t) both++;
        }
        return both / (double) (windows.size() - 1);
    }

    /** Stationary rows over 90 days: 300 users, 200 titles, the given predictions. */
    private static List<DriftCalibrator.Row> rows(int n, Random random, DoubleSupplier prediction) {
        List<DriftCalibrator.Row> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double p = Math.max(1, Math.min(5, prediction.getAsDouble()));
            rows.add(new DriftCalibrator.Row("u" + random.nextInt(300), "Title " + random.nextInt(200), T0 + (long) i * SPAN / n,
                    1 + random.nextInt(5), p, false, false));
        }
        return rows;
    }

    private static String[] titles(List<DriftCalibrator.Row> rows) {
        return rows.stream().map(DriftCalibrator.Row::title).toArray(String[]::new);
    }

    /** Titles drawn as {@link #rows} draws them. */
    private static String[] titlesFor(int n) {
        Random random = new Random(5);
        String[] titles = new String[n];
        for (int i = 0; i < n; i++) titles[i] = "Title " + random.nextInt(200);
        return titles;
    }

    private static float[] predictions(List<DriftCalibrator.Row> rows) {
        float[] p = new float[rows.size()];
        for (int i = 0; i < p.length; i++) p[i] = (float) rows.get(i).prediction();
        return p;
    }
}

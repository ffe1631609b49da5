package dev.marquee.data.drift;

import static dev.marquee.data.drift.DriftMetricNames.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.marquee.data.profile.EventHours;
import dev.marquee.data.profile.ReferenceProfile;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WindowMetricsTest {
    /** Hours 1000 to 1004; 1001 and 1003 hold no reference row. */
    private static final EventHours HOURS = new EventHours(1_000, new long[] {5, 0, 3, 0, 2});

    @Test
    void rowsInHoursTheReferenceHadAreNoGap() {
        assertThat(WindowMetrics.sliceGapRate(counts(Map.of(1_000L, 4L, 1_002L, 1L, 1_004L, 7L)), HOURS)).isZero();
    }

    @Test
    void rowsInHoursTheReferenceLeftEmptyAreAllGaps() {
        assertThat(WindowMetrics.sliceGapRate(counts(Map.of(1_001L, 4L, 1_003L, 2L)), HOURS)).isEqualTo(1.0);
    }

    @Test
    void theGapRateIsTheShareOfRowsInEmptyHoursOrOutsideThePeriod() {
        assertThat(WindowMetrics.sliceGapRate(counts(Map.of(1_000L, 3L, 1_001L, 1L)), HOURS)).isEqualTo(0.25);
        assertThat(WindowMetrics.sliceGapRate(counts(Map.of(999L, 1L, 1_002L, 3L)), HOURS)).as("before the period")
                .isEqualTo(0.25);
        assertThat(WindowMetrics.sliceGapRate(counts(Map.of(1_004L, 2L, 1_005L, 2L)), HOURS)).as("half after it")
                .isEqualTo(0.5);
        DriftCounts overflow = counts(Map.of(1_000L, 3L, 1_001L, 1L));
        overflow.eventHoursOverflow = 2; // hours the summary could not keep are unknown: neither gaps nor not
        assertThat(WindowMetrics.sliceGapRate(overflow, HOURS)).isEqualTo(0.25);
    }

    @Test
    void aWindowMostlyOutsideThePeriodOrAReferenceWithoutHoursHasNoGapRate() {
        assertThat(WindowMetrics.sliceGapRate(counts(Map.of(1_000L, 2L, 5_000L, 3L)), HOURS)).isNaN();
        assertThat(WindowMetrics.sliceGapRate(counts(Map.of(5_000L, 3L)), HOURS)).isNaN();
        DriftCounts overflow = counts(Map.of(1_000L, 3L));
        overflow.eventHoursOverflow = 4;
        assertThat(WindowMetrics.sliceGapRate(overflow, HOURS)).isNaN();
        assertThat(WindowMetrics.sliceGapRate(counts(Map.of(1_000L, 3L)), null)).isNaN();
        assertThat(WindowMetrics.sliceGapRate(counts(Map.of()), HOURS)).isNaN();
    }

    @Test
    void theWindowMetricsMeasureTheSliceGapOnlyAgainstAnHourlyProfile() {
        ReferenceProfile profile = profile();
        long t = DriftFixtures.T0 + 10 * 3_600; // an hour of the reference
        ReferenceBuckets withHours = ReferenceBuckets.of(1, profile);
        assertThat(metrics(withHours, t, "1", "Movie 1 (1997)", 3.5)).containsEntry(SLICE_GAP, 0.0);
        assertThat(metrics(withHours, t + 3_600, "1", "Movie 1 (1997)", 3.5)).as("an hour the reference left empty")
                .containsEntry(SLICE_GAP, 1.0);
        assertThat(metrics(withHours, t + 365 * 86_400L, "1", "Movie 1 (1997)", 3.5)).as("a year later")
                .doesNotContainKey(SLICE_GAP);
        ReferenceProfile noHours = new ReferenceProfile(profile.formatVersion(), profile.topK(), profile.count(),
                profile.userId(), profile.movieTitle(), profile.timestamp(), profile.rating(), profile.prediction(),
                profile.predictionSource(), null);
        assertThat(metrics(ReferenceBuckets.of(1, noHours), t, "1", "Movie 1 (1997)", 3.5))
                .doesNotContainKey(SLICE_GAP).containsKeys(USER_OOV, TITLE_JS, USER_TOP5);
    }

    @Test
    void topShareIsTheShareOfTheLargestBuckets() {
        long[] buckets = {5, 1, 10, 3, 0, 2, 4};
        assertThat(WindowMetrics.topShare(buckets, 5, 25)).isEqualTo(24.0 / 25);
        assertThat(WindowMetrics.topShare(buckets, 1, 25)).isEqualTo(10.0 / 25);
        assertThat(buckets).as("not sorted in place").containsExactly(5, 1, 10, 3, 0, 2, 4);
        assertThat(WindowMetrics.topShare(new long[] {2, 3}, 5, 5)).isEqualTo(1.0);
        assertThat(WindowMetrics.topShare(new long[] {2, 3}, 5, 0)).isZero();
        assertThat(WindowMetrics.topShare(new long[0], 5, 10)).isZero();
    }

    @Test
    void theTopFiveShareCountsRequestsOfTheFiveBusiestUsers() {
        List<String> users = List.of("a", "b", "c", "d", "e", "f");
        Set<Integer> hashBuckets = new HashSet<>();
        users.forEach(u -> hashBuckets.add(DriftCounts.userHashBucket(u)));
        assertThat(hashBuckets).as("the six users hash apart").hasSize(6);
        ReferenceBuckets ref = ReferenceBuckets.of(1, profile());
        DriftCounts c = DriftCounts.forVersion(ref, LogBuckets.latencyMs(), LogBuckets.lagSeconds());
        long t = DriftFixtures.T0 + 10 * 3_600;
        for (int i = 0; i < 10; i++) c.countScored("a", "Movie 1 (1997)", false, false, t, 3.5, ref);
        for (String u : users.subList(1, 6)) c.countScored(u, "Movie 1 (1997)", true, true, t, 3.5, ref);
        Map<String, Double> m = new HashMap<>();
        WindowMetrics.put(m, c, ref, new RollingEventHours());
        assertThat(m.get(USER_TOP5)).isEqualTo(14.0 / 15);
        assertThat(m.get(USER_OOV)).isEqualTo(5.0 / 15);
        assertThat(m.get(TITLE_OOV)).isEqualTo(5.0 / 15);
        assertThat(m.get(PREDICTION_MEAN)).isEqualTo(3.5);
    }

    /** The lowest timestamp a widened parser.min-timestamp lets through: its lag is the top bucket, not bucket 0. */
    @Test
    void theLagOfTheOldestAllowedTimestampDoesNotOverflow() {
        ReferenceBuckets ref = ReferenceBuckets.of(1, profile());
        LogBuckets lag = LogBuckets.lagSeconds();
        DriftCounts c = DriftCounts.forVersion(ref, LogBuckets.latencyMs(), lag);
        long now = 1_796_000_000_000L;
        c.countPrediction(DriftFixtures.prediction("7", "Heat (1995)", -(Long.MAX_VALUE / 1000), 3.5, 1, now - 20, now),
                ref, LogBuckets.latencyMs(), lag, now, 300_000);
        assertThat(c.lag[lag.size() - 1]).isEqualTo(1);
        assertThat(c.lag[0]).isZero();
    }

    @Test
    void theMeanShiftIsTheResidualAgainstTheBaselineLessTheReferencesResidual() {
        RatingBaseline baseline = new RatingBaseline(3.5, Map.of("7", 0.25), Map.of("Heat (1995)", -0.5), 0.02, null);
        DriftCalibration calibration = new DriftCalibration(DriftCalibration.FORMAT_VERSION, 0.01, 1, 1, baseline,
                new int[] {200}, Map.of(), List.of());
        ReferenceBuckets ref = ReferenceBuckets.of(1, profile(), calibration, null);
        DriftCounts c = DriftCounts.forVersion(ref, LogBuckets.latencyMs(), LogBuckets.lagSeconds());
        long t = DriftFixtures.T0 + 10 * 3_600;
        c.countScored("7", "Heat (1995)", false, false, t, 3.5 + 0.25 - 0.5 + 0.3, ref);
        c.countScored("unknown", "Unknown (2001)", true, true, t, 3.5 + 0.3, ref);
        c.countScored("7", "Unknown (2001)", false, true, t, 3.5 + 0.25 - 0.1, ref);
        Map<String, Double> m = new HashMap<>();
        WindowMetrics.put(m, c, ref, new RollingEventHours());
        // residuals 0.3, 0.3 and -0.1: mean 1/6, less the reference's 0.02
        assertThat(m.get(PREDICTION_MEAN_SHIFT)).isCloseTo(0.5 / 3 - 0.02, within(1e-9));

        Map<String, Double> uncalibrated = new HashMap<>();
        DriftCounts u = DriftCounts.forVersion(ReferenceBuckets.of(1, profile()), LogBuckets.latencyMs(),
                LogBuckets.lagSeconds());
        u.countScored("7", "Heat (1995)", false, false, t, 3.5, ReferenceBuckets.of(1, profile()));
        WindowMetrics.put(uncalibrated, u, ReferenceBuckets.of(1, profile()), new RollingEventHours());
        assertThat(uncalibrated).doesNotContainKey(PREDICTION_MEAN_SHIFT).containsKey(PREDICTION_MEAN);
    }

    @Test
    void aBucketedValueWithABiasCountsInItsBucketAndItsBias() {
        RatingBaseline baseline = new RatingBaseline(3.5, Map.of("1", 0.25, "7", -0.125),
                Map.of("Movie 1 (1997)", -0.5, "Heat (1995)", 0.375), 0, null);
        DriftCalibration calibration = new DriftCalibration(DriftCalibration.FORMAT_VERSION, 0.01, 1, 1, baseline,
                new int[] {200}, Map.of(), List.of());
        ReferenceBuckets ref = ReferenceBuckets.of(1, profile(), calibration, null);
        DriftCounts c = DriftCounts.forVersion(ref, LogBuckets.latencyMs(), LogBuckets.lagSeconds());
        long t = DriftFixtures.T0 + 10 * 3_600;
        String[][] rows = {{"1", "Movie 1 (1997)"}, {"7", "Heat (1995)"}, {"2", "Unknown (2001)"},
                {"nobody", "Movie 2 (1997)"}, {null, null}};
        double expected = 0;
        for (String[] r : rows) {
            c.countScored(r[0], r[1], false, false, t, 4.1, ref);
            expected += 4.1 - baseline.expected(r[0], r[1]);
        }
        assertThat(c.residualSum).isEqualTo(expected);
        assertThat(c.baselined).isEqualTo(rows.length);
        DriftCounts oneByOne = DriftCounts.forVersion(ref, LogBuckets.latencyMs(), LogBuckets.lagSeconds());
        oneByOne.countScored("1", "Movie 1 (1997)", false, false, t, 4.1, ref);
        int userBucket = ref.userIndex.get("1");
        int titleBucket = ref.titleIndex.get("Movie 1 (1997)");
        assertThat(oneByOne.userBuckets[userBucket]).isEqualTo(1);
        assertThat(oneByOne.titleBuckets[titleBucket]).isEqualTo(1);
        assertThat(c.userBuckets[c.userBuckets.length - 1]).as("other: 7, nobody and the null user").isEqualTo(3);
        assertThat(c.titleBuckets[c.titleBuckets.length - 1]).as("other: Heat, Unknown and null").isEqualTo(3);
    }

    private static DriftCounts counts(Map<Long, Long> hours) {
        DriftCounts c = new DriftCounts();
        c.eventHours = new HashMap<>(hours);
        return c;
    }

    /** A reference whose rows fall at 10:00 UTC on the 90 days after T0, and never at 11:00. */
    private static ReferenceProfile profile() {
        ReferenceProfile.Builder b = ReferenceProfile.builder().topK(5);
        for (int day = 0; day < 90; day++) {
            for (int i = 0; i < 3; i++) {
                b.add(Integer.toString(1 + i), "Movie " + (1 + (day + i) % 4) + " (1997)", 4,
                        DriftFixtures.T0 + day * 86_400L + 10 * 3_600 + i * 60);
            }
        }
        return b.build();
    }

    private static Map<String, Double> metrics(ReferenceBuckets ref, long timestamp, String user, String title,
                                               double prediction) {
        DriftCounts c = DriftCounts.forVersion(ref, LogBuckets.latencyMs(), LogBuckets.lagSeconds());
        for (int i = 0; i < 10; i++) c.countScored(user, title, false, false, timestamp + i, prediction, ref);
        Map<String, Double> m = new HashMap<>();
        WindowMetrics.put(m, c, ref, new RollingEventHours());
        return m;
    }
}

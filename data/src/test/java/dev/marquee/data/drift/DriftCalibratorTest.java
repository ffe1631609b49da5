package dev.marquee.data.drift;

import static dev.marquee.data.drift.DriftMetricNames.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.data.event.DriftReport;
import dev.marquee.data.profile.Histogram;
import dev.marquee.data.profile.ReferenceProfile;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Calibration on a generated reference in the shape the trainer gives it ({@code Trainer.scoredRows}): the profile
 * and the calibration rows are the same rows, in time order, with the model's predictions. Three seeds, each about
 * 30,000 reference rows over 90 days (21,000 calibration rows: window sizes 200 to 500) and a stationary
 * continuation of about 60,000 rows over the next 180 days drawn by the same process.
 */
class DriftCalibratorTest {
    private static final long[] SEEDS = {1, 2, 3};
    /**
     * The seasonal metrics compare the last 28 days of event time with the profile; see
     * {@link #everyCalibratedMetricStaysWithinTheBudgetOnAStationaryContinuation} for why they are left out of the
     * false-alarm bound.
     */
    private static final Set<String> SEASONAL = Set.of(HOUR_JS, DAY_JS);
    private static final Map<Long, Case> CASES = new ConcurrentHashMap<>();

    /**
     * The 2-window rule over the calibrated thresholds, on consecutive windows of the stationary continuation.
     * Observed (seeds 1-3, seasonal metrics left out): windows of 200: 2 drifted of 903 (0.2%); 300: 7 of 602
     * (1.2%); 500: 5 of 360 (1.4%); together 14 of 1,865 (0.75%), against the default budget of 1%.
     *
     * <p>The bound is 2%, on the pooled count of about 1,860 windows (and on the 903 windows of 200 alone): were
     * the real rate exactly the 1% budget, the count would be Binomial(1,860, 0.01), mean 18.6 and sd 4.3, and
     * the 37 that 2% allows is more than 4 sd above; for the 903 windows of 200 (mean 9, sd 3) the allowed 18 is
     * 3 sd above. Drifted windows come in short streaks, which widens the spread a little; the margin covers it.
     * So a failure means the false-alarm rate is clearly above budget, not bad luck. Sizes are those the
     * calibrator calibrates (it needs at least 40 windows of a size); larger windows are not checked here.
     */
    @Test
    void aStationaryContinuationGivesFewDriftedReports() {
        int windows = 0;
        int drifted = 0;
        int windows200 = 0;
        int drifted200 = 0;
        for (long seed : SEEDS) {
            Case c = of(seed);
            for (int w : c.calibration.windowSizes()) {
                int[] d = drifted(c.continuation, w, c, metric -> !SEASONAL.contains(metric), new LinkedHashMap<>());
                windows += d[0];
                drifted += d[1];
                if (w == 200) {
                    windows200 += d[0];
                    drifted200 += d[1];
                }
            }
        }
        assertThat(windows).as("windows judged").isGreaterThan(1_500);
        assertThat(windows200).as("windows of 200 judged").isGreaterThan(800);
        assertThat((double) drifted / windows).as("drifted share, %d of %d windows", drifted, windows)
                .isLessThanOrEqualTo(0.02);
        assertThat((double) drifted200 / windows200).as("drifted share of windows of 200, %d of %d", drifted200,
                windows200).isLessThanOrEqualTo(0.02);
    }

    /**
     * The same judgement on every calibrated metric, the seasonal ones included, pooled over the seeds and every
     * calibrated size (a size needs 40 calibration windows). Before the seasonal metrics got floors and sizes
     * needed 40 windows, this gave up to 198 of 301 drifted windows of 200 (seed 2, nearly all from
     * {@code timestamp.hour_js} and {@code timestamp.day_js}) and 8-10 of 30 at 2,000.
     */
    @Test
    void everyCalibratedMetricStaysWithinTheBudgetOnAStationaryContinuation() {
        int windows = 0;
        int drifted = 0;
        Map<String, Integer> byMetric = new LinkedHashMap<>();
        for (long seed : SEEDS) {
            Case c = of(seed);
            for (int w : c.calibration.windowSizes()) {
                int[] d = drifted(c.continuation, w, c, metric -> true, byMetric);
                windows += d[0];
                drifted += d[1];
            }
        }
        assertThat(windows).as("windows judged").isGreaterThan(1_500);
        assertThat((double) drifted / windows).as("%d of %d drifted %s", drifted, windows, byMetric)
                .isLessThanOrEqualTo(0.02);
    }

    /** The checks the calibration records, recounted here from the held-out rows with its own thresholds. */
    @Test
    void theHeldOutChecksAreRecordedPerWindowSize() {
        int heldOut = 0;
        int heldOutDrifted = 0;
        for (long seed : SEEDS) {
            Case c = of(seed);
            DriftCalibration cal = c.calibration;
            int n = c.reference.size();
            int nCal = (int) (n * 0.7);
            assertThat(cal.calibrationRows()).isEqualTo(nCal);
            assertThat(cal.heldOutRows()).isEqualTo(n - nCal);
            assertThat(cal.budget()).isEqualTo(DriftCalibrator.DEFAULT_BUDGET);
            assertThat(nCal).as("the generated sizes hold 40 windows of 200 to 500").isBetween(20_000, 39_999);
            assertThat(cal.windowSizes()).containsExactly(200, 300, 500);
            assertThat(cal.checks()).extracting(DriftCalibration.Check::windowSize)
                    .containsExactly(200, 300, 500); // every size has 3 windows of held-out rows
            List<DriftCalibrator.Row> heldOutRows = c.reference.subList(nCal, n);
            for (DriftCalibration.Check check : cal.checks()) {
                int w = check.windowSize();
                assertThat(check.alertWindows()).isEqualTo(2);
                assertThat(check.calibrationWindows()).isEqualTo(nCal / w);
                assertThat(check.heldOutWindows()).isEqualTo((n - nCal) / w);
                Map<String, Integer> byMetric = new LinkedHashMap<>();
                int[] recount = drifted(heldOutRows, w, c, metric -> true, byMetric);
                assertThat(check.heldOutDrifted()).as("windows of %d", w).isEqualTo(recount[1]);
                assertThat(check.heldOutAlertsByMetric()).isEqualTo(byMetric);
                assertThat(check.calibrationDrifted()).as("the calibration windows the thresholds came from")
                        .isLessThanOrEqualTo(Math.max(1, check.calibrationWindows() / 100));
                heldOut += check.heldOutWindows();
                heldOutDrifted += check.heldOutDrifted();
            }
            assertThat(c.progress).hasSize(1 + cal.checks().size());
            assertThat(c.progress.get(0)).contains("3 window sizes from");
            assertThat(c.progress.get(1)).contains("windows of 200:", "held-out windows");
        }
        // Observed: 4 of 313 held-out windows (1.3%). A coarse bound: the held-out part is short (27 days) and the
        // profile and the baseline contain it, so this check is weaker than the continuation above.
        assertThat((double) heldOutDrifted / heldOut).as("%d of %d held-out windows", heldOutDrifted, heldOut)
                .isLessThanOrEqualTo(0.03);
    }

    /**
     * Half the rows from unseen users, every title unseen, or every prediction 0.5 higher: on the stationary
     * continuation, every window of every calibrated size is over the metric's threshold, and from the second
     * window on every report is drifted. The same rows unshifted give (almost) no drifted report on that metric.
     */
    @ParameterizedTest
    @ValueSource(strings = {USER_OOV, TITLE_OOV, PREDICTION_MEAN_SHIFT})
    void aShiftedSampleIsCaughtAtEveryWindowSize(String metric) {
        for (long seed : SEEDS) {
            Case c = of(seed);
            Random random = new Random(seed);
            UnaryOperator<DriftCalibrator.Row> shift = switch (metric) {
                case USER_OOV -> r -> random.nextBoolean()
                        ? new DriftCalibrator.Row("unseen-" + r.userId(), r.title(), r.timestamp(), r.rating(),
                                r.prediction(), true, r.oovTitle())
                        : r;
                case TITLE_OOV -> r -> new DriftCalibrator.Row(r.userId(), "Unseen " + r.title(), r.timestamp(),
                        r.rating(), r.prediction(), r.oovUser(), true);
                default -> r -> new DriftCalibrator.Row(r.userId(), r.title(), r.timestamp(), r.rating(),
                        r.prediction() + 0.5, r.oovUser(), r.oovTitle());
            };
            List<DriftCalibrator.Row> shifted = c.continuation.stream().map(shift).toList();
            for (int w : c.calibration.windowSizes()) {
                double t = c.calibration.threshold(metric, w, 2);
                String what = "seed " + seed + ", windows of " + w + ", threshold " + t;
                int[] before = drifted(c.continuation, w, c, metric::equals, new LinkedHashMap<>());
                assertThat(before[1]).as("unshifted, " + what).isLessThanOrEqualTo(before[0] / 50);
                List<Map<String, Double>> after = DriftCalibrator.windows(shifted, 0, w, c.buckets);
                assertThat(after).as(what).allSatisfy(m -> assertThat(m.get(metric)).isGreaterThan(t));
                int[] d = drifted(shifted, w, c, metric::equals, new LinkedHashMap<>());
                assertThat(d[1]).as("drifted reports, " + what).isEqualTo(d[0] - 1);
            }
        }
    }

    /**
     * The reference has no rows at night (21:00-08:00) nor on weekends, and a weekday's daytime hours are mostly,
     * not all, taken (83% for seed 1). Reference rows moved 12 hours land at night: every window that measures the
     * slice gap is over its threshold. Moved one day, Friday's rows land on an empty Saturday and a weekday's on
     * the next weekday's hours, most of which hold rows: every window's gap rate is at least its share of rows
     * moved to a Saturday, and a window with more than the threshold's share there is over it. Windows from
     * Monday to Thursday often are not: seed 1, 70 of 147 windows of 200 over (40 drifted reports), all 14 of
     * 2,000; but a window of 1,000 from Monday to Wednesday gives 0.045 and one of 2,000 (seed 3) 0.0485,
     * against 0.05.
     */
    @Test
    void timestampsMovedIntoHoursTheReferenceLeftEmptyAreCaught() {
        for (long seed : SEEDS) {
            Case c = of(seed);
            for (long by : new long[] {12 * 3_600, 86_400}) {
                List<DriftCalibrator.Row> shifted = c.reference.stream().map(r -> new DriftCalibrator.Row(r.userId(),
                        r.title(), r.timestamp() + by, r.rating(), r.prediction(), r.oovUser(), r.oovTitle())).toList();
                for (int w : c.calibration.windowSizes()) {
                    double t = c.calibration.threshold(SLICE_GAP, w, 2);
                    String what = "seed " + seed + ", moved " + by + " s, windows of " + w + ", threshold " + t;
                    List<Map<String, Double>> before = DriftCalibrator.windows(c.reference, 0, w, c.buckets);
                    assertThat(before).as("unmoved, " + what).allSatisfy(m -> assertThat(m.get(SLICE_GAP)).isZero());
                    List<Map<String, Double>> after = DriftCalibrator.windows(shifted, 0, w, c.buckets);
                    // The last windows, moved past the reference period, do not measure it.
                    assertThat(after.stream().filter(m -> !m.containsKey(SLICE_GAP)).count()).as(what)
                            .isLessThanOrEqualTo(Math.max(1, 2 * 200 / w));
                    for (int i = 0; i < after.size(); i++) {
                        Double gap = after.get(i).get(SLICE_GAP);
                        if (gap == null) continue;
                        double saturday = shifted.subList(i * w, (i + 1) * w).stream().filter(r ->
                                Instant.ofEpochSecond(r.timestamp()).atZone(ZoneOffset.UTC).getDayOfWeek()
                                        == DayOfWeek.SATURDAY).count() / (double) w;
                        String window = "window " + i + ", " + what;
                        assertThat(gap).as("rows on a Saturday are gaps, " + window).isGreaterThanOrEqualTo(saturday);
                        if (by == 12 * 3_600 || saturday > t) {
                            assertThat(gap).as(window).isGreaterThan(t);
                        }
                    }
                }
            }
        }
    }

    @Test
    void noiseDrivenThresholdsShrinkAsWindowsGrow() {
        for (long seed : SEEDS) {
            DriftCalibration cal = of(seed).calibration;
            for (int h = 1; h <= DriftCalibration.MAX_ALERT_WINDOWS; h++) {
                double[] t = cal.thresholds().get(Integer.toString(h)).get(TITLE_JS);
                for (int i = 1; i < t.length; i++) {
                    assertThat(t[i]).as("seed %d, %d windows, size %d", seed, h, cal.windowSizes()[i])
                            .isLessThanOrEqualTo(t[i - 1]);
                }
                // JS of a sample against its population falls about as 1/n: 2.5x the rows, clearly smaller.
                assertThat(t[t.length - 1]).isLessThan(t[0] / 1.5);
            }
            double previous = Double.POSITIVE_INFINITY;
            for (int n = 100; n <= 5_000; n += 50) {
                double t = cal.threshold(TITLE_JS, n, 2);
                assertThat(t).as("windows of %d", n).isLessThanOrEqualTo(previous);
                previous = t;
            }
        }
    }

    @Test
    void thresholdsRespectTheirFloors() {
        DriftCalibration cal = of(1).calibration;
        for (Map<String, double[]> byMetric : cal.thresholds().values()) {
            assertThat(byMetric.keySet()).isSubsetOf(CALIBRATED).contains(USER_OOV, TITLE_OOV, TITLE_JS, SLICE_GAP,
                    PREDICTION_MEAN_SHIFT, HOUR_JS, DAY_JS);
            byMetric.forEach((metric, t) -> {
                double floor = Set.of(HOUR_JS, DAY_JS).contains(metric) ? 0.10
                        : Set.of(USER_OOV, TITLE_OOV, SLICE_GAP, PREDICTION_MEAN_SHIFT).contains(metric) ? 0.05 : 0.005;
                for (double v : t) assertThat(v).as(metric).isGreaterThanOrEqualTo(floor);
            });
        }
        // Titles are never OOV in the generated reference but for the 40 rarest, and never in a window's 5%:
        // the floor is what holds the threshold.
        assertThat(cal.threshold(TITLE_OOV, 200, 2)).isEqualTo(0.05);
    }

    /** More windows in a row never need a higher threshold, whatever the margin does with a lower median. */
    @Test
    void aThresholdForMoreWindowsInARowIsNeverHigher() {
        DriftCalibration cal = of(1).calibration;
        int compared = 0;
        for (int h = 2; h <= DriftCalibration.MAX_ALERT_WINDOWS; h++) {
            Map<String, double[]> fewer = cal.thresholds().get(Integer.toString(h - 1));
            for (Map.Entry<String, double[]> e : cal.thresholds().get(Integer.toString(h)).entrySet()) {
                double[] before = fewer.get(e.getKey());
                for (int s = 0; s < e.getValue().length; s++) {
                    assertThat(e.getValue()[s]).as("%s, %d windows, size %d", e.getKey(), h, cal.windowSizes()[s])
                            .isLessThanOrEqualTo(before[s]);
                    compared++;
                }
            }
        }
        assertThat(compared).isPositive();
    }

    @Test
    void tooFewRowsGiveNoCalibrationAndSaySo() {
        // Windows of 200 need 40 windows in the calibration's 70%: ceil(8,000 / 0.7) = 11,429 rows.
        List<DriftCalibrator.Row> rows = of(1).reference;
        List<String> progress = new ArrayList<>();
        List<DriftCalibrator.Row> tooFew = rows.subList(0, 11_428);
        assertThat(new DriftCalibrator(0.01, progress::add).calibrate(profileOf(tooFew), tooFew)).isNull();
        assertThat(progress).singleElement().asString()
                .contains("11428 reference rows are too few", "windows of 200 need 11429", "uncalibrated");

        progress.clear();
        List<DriftCalibrator.Row> enough = rows.subList(0, 11_429);
        DriftCalibration cal = new DriftCalibrator(0.01, progress::add).calibrate(profileOf(enough), enough);
        assertThat(cal).isNotNull();
        assertThat(cal.windowSizes()).containsExactly(200);
        assertThat(cal.calibrationRows()).isEqualTo(8_000);
        assertThat(cal.checks()).singleElement().satisfies(c -> assertThat(c.heldOutWindows()).isEqualTo(17));
        assertThat(progress.get(0)).contains("1 window sizes from 11,429 rows");
    }

    @Test
    void theBudgetMustBeAShare() {
        for (double budget : new double[] {0, 1, -0.1, Double.NaN}) {
            assertThatThrownBy(() -> new DriftCalibrator(budget, s -> {}))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("budget");
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** One seed's reference, its calibration, and its continuation. */
    private record Case(List<DriftCalibrator.Row> reference, List<DriftCalibrator.Row> continuation,
                        ReferenceProfile profile, DriftCalibration calibration, ReferenceBuckets buckets,
                        List<String> progress) {}

    private static Case of(long seed) {
        return CASES.computeIfAbsent(seed, s -> {
            Synthetic synthetic = new Synthetic(s);
            List<DriftCalibrator.Row> reference = synthetic.rows(0, 90);
            Set<Integer> seen = new HashSet<>();
            for (DriftCalibrator.Row r : reference) seen.add(Integer.parseInt(r.userId().substring(1)));
            synthetic.restrictTo = seen;
            List<DriftCalibrator.Row> continuation = synthetic.rows(90, 270);
            ReferenceProfile profile = profileOf(reference);
            List<String> progress = new ArrayList<>();
            DriftCalibration calibration = new DriftCalibrator(DriftCalibrator.DEFAULT_BUDGET, progress::add)
                    .calibrate(profile, reference);
            assertThat(calibration).isNotNull();
            return new Case(reference, continuation, profile, calibration,
                    ReferenceBuckets.of(0, profile, calibration, null), progress);
        });
    }

    /**
     * {windows, drifted windows} of consecutive windows of {@code rows}, judged as the job judges them: the
     * 2-window rule over the calibrated thresholds of the metrics {@code judged} accepts.
     */
    static int[] drifted(List<DriftCalibrator.Row> rows, int w, Case c, java.util.function.Predicate<String> judged,
                         Map<String, Integer> alertsByMetric) {
        AlertTracker tracker = new AlertTracker(2);
        int drifted = 0;
        List<Map<String, Double>> windows = DriftCalibrator.windows(rows, 0, w, c.buckets);
        for (Map<String, Double> m : windows) {
            DriftReport r = new DriftReport();
            r.modelVersion = 0;
            r.metrics.putAll(m);
            for (String metric : CALIBRATED) {
                double t = c.calibration.threshold(metric, w, 2);
                if (judged.test(metric) && !Double.isNaN(t) && m.containsKey(metric)) r.thresholds.put(metric, t);
            }
            tracker.apply(r);
            if (r.drifted) drifted++;
            r.alerts.forEach(a -> alertsByMetric.merge(a.metric, 1, Integer::sum));
        }
        return new int[] {windows.size(), drifted};
    }

    /** The share of windows whose {@code metric} is over {@code threshold}; a window without it counts as not. */
    private static double share(List<Map<String, Double>> windows, String metric, double threshold) {
        assertThat(windows).isNotEmpty();
        return windows.stream().filter(m -> m.getOrDefault(metric, Double.NEGATIVE_INFINITY) > threshold).count()
                / (double) windows.size();
    }

    static ReferenceProfile profileOf(List<DriftCalibrator.Row> rows) {
        ReferenceProfile.Builder b = ReferenceProfile.builder();
        double[] predictions = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            DriftCalibrator.Row r = rows.get(i);
            b.add(r.userId(), r.title(), r.rating(), r.timestamp());
            predictions[i] = r.prediction();
        }
        return b.build().withPrediction(Histogram.of(Histogram.predictionEdges(), predictions), "train");
    }

    /**
     * A generated reference in the shape of MovieLens: users from a fixed population of 150 (mildly skewed
     * activity) arrive in bursts, a session of 20-80 ratings within 0.5-3.5 hours; 8-11 sessions a weekday start
     * between 08:00 and 18:00 UTC, none on weekends, so nights and weekends hold no rows, and concurrent sessions
     * interleave a little. Titles from a Zipf popularity over 400; ratings 1..5 from user + title biases and noise
     * (sd 0.8), predictions the same biases and a smaller noise (sd 0.3). One user in 40 and the 40 rarest titles
     * are out of the model's vocabulary.
     */
    static final class Synthetic {
        static final int USERS = 150;
        static final int TITLES = 400;
        static final double MEAN = 3.6;
        private final long seed;
        private final double[] userBias = new double[USERS];
        private final double[] userWeight = new double[USERS];
        private final boolean[] userOov = new boolean[USERS];
        private final double[] titleBias = new double[TITLES];
        private final double[] titleCdf = new double[TITLES];
        private final boolean[] titleOov = new boolean[TITLES];
        /** When set, sessions come only from these users (a continuation: the reference's population). */
        Set<Integer> restrictTo;

        Synthetic(long seed) {
            this.seed = seed;
            Random random = new Random(seed);
            for (int u = 0; u < USERS; u++) {
                userBias[u] = random.nextGaussian() * 0.5;
                userWeight[u] = 1.0 / (u + 10);
                userOov[u] = u % 40 == 39;
            }
            double total = 0;
            for (int t = 0; t < TITLES; t++) {
                titleBias[t] = random.nextGaussian() * 0.4;
                total += 1.0 / (t + 1);
                titleCdf[t] = total;
                titleOov[t] = t >= TITLES - 40;
            }
            for (int t = 0; t < TITLES; t++) titleCdf[t] /= total;
        }

        /** The rows of days {@code [fromDay, toDay)} after {@link DriftFixtures#T0} (a Thursday), in time order. */
        List<DriftCalibrator.Row> rows(int fromDay, int toDay) {
            Random random = new Random(seed * 1_000_003L + fromDay);
            List<DriftCalibrator.Row> out = new ArrayList<>();
            for (int day = fromDay; day < toDay; day++) {
                long midnight = DriftFixtures.T0 + day * 86_400L;
                DayOfWeek dow = Instant.ofEpochSecond(midnight).atZone(ZoneOffset.UTC).getDayOfWeek();
                if (dow == DayOfWeek.SATURDAY || dow == DayOfWeek.SUNDAY) continue;
                int sessions = 8 + random.nextInt(4);
                for (int s = 0; s < sessions; s++) {
                    int u = user(random);
                    long start = midnight + 8 * 3_600 + (long) (random.nextDouble() * 10 * 3_600);
                    double duration = (0.5 + 3 * random.nextDouble()) * 3_600;
                    int n = 20 + random.nextInt(61);
                    for (int i = 0; i < n; i++) {
                        int t = title(random);
                        double signal = MEAN + userBias[u] + titleBias[t];
                        double rating = Math.max(1, Math.min(5, Math.round(signal + random.nextGaussian() * 0.8)));
                        double prediction = Math.max(1, Math.min(5, signal + random.nextGaussian() * 0.3));
                        out.add(new DriftCalibrator.Row("u" + u, "Title " + t + " (1990)",
                                start + (long) (random.nextDouble() * duration), rating, prediction, userOov[u],
                                titleOov[t]));
                    }
                }
            }
            out.sort(Comparator.comparingLong(DriftCalibrator.Row::timestamp));
            return out;
        }

        private int user(Random random) {
            while (true) {
                double total = 0;
                for (double w : userWeight) total += w;
                double x = random.nextDouble() * total;
                int u = USERS - 1;
                for (int i = 0; i < USERS; i++) {
                    x -= userWeight[i];
                    if (x < 0) {
                        u = i;
                        break;
                    }
                }
                if (restrictTo == null || restrictTo.contains(u)) return u;
            }
        }

        private int title(Random random) {
            double x = random.nextDouble();
            int lo = 0;
            int hi = TITLES - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (titleCdf[mid] < x) lo = mid + 1;
                else hi = mid;
            }
            return lo;
        }
    }

    /** The quantile the thresholds are read from: the smallest value that at most the share 1 - q exceeds. */
    @Test
    void theUpperQuantileIsTheSmallestValueAtMostTheRestExceed() {
        double[] values = {7, 1, 10, 3, 5, 2, 9, 4, 8, 6};
        assertThat(DriftCalibrator.upperQuantile(values, 0.9)).isEqualTo(9);
        assertThat(DriftCalibrator.upperQuantile(values, 0.5)).isEqualTo(5);
        assertThat(DriftCalibrator.upperQuantile(values, 0.99)).isEqualTo(10);
        assertThat(DriftCalibrator.upperQuantile(values, 1.0)).isEqualTo(10);
        assertThat(DriftCalibrator.upperQuantile(values, 0.0)).isEqualTo(1);
        assertThat(DriftCalibrator.upperQuantile(new double[] {4}, 0.99)).isEqualTo(4);
        assertThat(values).as("the caller's values are left in their order").startsWith(7, 1, 10);
    }

    /** The quantile moved {@code MARGIN} times as far from the median as it lies. */
    @Test
    void theMarginMovesTheQuantileFurtherFromTheMedian() {
        double[] values = {7, 1, 10, 3, 5, 2, 9, 4, 8, 6};
        assertThat(DriftCalibrator.withMargin(values, 0.9)).isEqualTo(5 + DriftCalibrator.MARGIN * (9 - 5));
        assertThat(DriftCalibrator.withMargin(new double[] {2, 2, 2}, 0.99)).as("no spread, no margin").isEqualTo(2);
    }

    /** A window size a metric could not be measured at takes the next larger size's threshold, else the next smaller's. */
    @Test
    void aSizeWithoutAThresholdTakesItsNeighbours() {
        double[] t = {Double.NaN, 0.2, Double.NaN, Double.NaN, 0.05, Double.NaN};
        DriftCalibrator.fillGaps(t);
        assertThat(t).containsExactly(0.2, 0.2, 0.05, 0.05, 0.05, 0.05);
    }

    /** Each run of h windows in a row gives its smallest value; a window without the metric breaks the run. */
    @Test
    void runMinimaTakeTheSmallestOfEachRunOfWindowsInARow() {
        List<Map<String, Double>> first = List.of(Map.of("m", 3.0), Map.of("m", 1.0), Map.of("m", 2.0), Map.of(),
                Map.of("m", 4.0), Map.of("m", 6.0));
        List<Map<String, Double>> second = List.of(Map.of("m", 5.0));
        assertThat(DriftCalibrator.runMinima(List.of(first, second), "m", 2)).containsExactly(1.0, 1.0, 4.0);
        assertThat(DriftCalibrator.runMinima(List.of(first, second), "m", 1)).containsExactly(3.0, 1.0, 2.0, 4.0, 6.0, 5.0);
        assertThat(DriftCalibrator.runMinima(List.of(first, second), "m", 4)).isEmpty();
    }
}

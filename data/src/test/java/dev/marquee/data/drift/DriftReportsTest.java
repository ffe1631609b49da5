package dev.marquee.data.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.marquee.data.event.DeadLetter;
import dev.marquee.data.event.DriftReport;
import dev.marquee.data.event.ErrorCode;
import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.RatingRequest;
import dev.marquee.data.profile.ReferenceProfile;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class DriftReportsTest {
    private static final long NOW = 1_800_000_000_000L;
    private final ReferenceBuckets ref = ReferenceBuckets.of(1, DriftFixtures.profile(1));
    private final DriftSettings settings = DriftSettings.defaults(Map.of());
    private final DriftReports reports = new DriftReports(settings, LogBuckets.latencyMs(), LogBuckets.lagSeconds());

    @Test
    void stationaryTrafficStaysUnderEveryThreshold() {
        DriftReport r = window(5_000, UnaryOperator.identity());
        assertThat(r.metrics).containsKeys(DriftMetricNames.ALL.stream()
                .filter(m -> !m.equals(DriftMetricNames.MISSING_OPTIONAL_RATE) && !m.startsWith("labels.")
                        // seasonal metrics need 7 days of event time from several windows; the mean shift a calibration
                        && !m.equals(DriftMetricNames.HOUR_JS) && !m.equals(DriftMetricNames.DAY_JS)
                        && !m.equals(DriftMetricNames.PREDICTION_MEAN_SHIFT)).toArray(String[]::new));
        r.thresholds.forEach((metric, threshold) ->
                assertThat(r.metrics.get(metric)).as(metric).isLessThanOrEqualTo(threshold));
        assertThat(r.metrics.get(DriftMetricNames.LATENCY_P50)).isBetween(20.0, 22.0);
        assertThat(r.metrics.get(DriftMetricNames.THROUGHPUT)).isEqualTo(500.0);
        assertThat(r.modelVersion).isEqualTo(1);
        assertThat(r.scoredCount).isEqualTo(5_000);
    }

    @Test
    void unseenUsersMoveTheUserMetrics() {
        DriftReport r = window(5_000, p -> {
            p.userId = "new-" + p.userId;
            p.oovUserId = true;
            return p;
        });
        assertThat(r.metrics.get(DriftMetricNames.USER_OOV)).isEqualTo(1.0);
        assertThat(r.metrics.get(DriftMetricNames.TITLE_JS)).isLessThan(0.02);
    }

    @Test
    void titlesSpeltAnotherWayCountAsTheirCatalogTitleAndByHowTheyMatched() {
        DriftReport exact = window(5_000, p -> {
            p.catalogTitle = p.movieTitle;
            p.titleMatch = "exact";
            return p;
        });
        DriftReport respelt = window(5_000, p -> {
            p.catalogTitle = p.movieTitle;
            p.movieTitle = "A Respelling of " + p.movieTitle; // what the producer sent
            p.titleMatch = (p.timestamp & 3) == 0 ? "fuzzy" : "alias";
            return p;
        });
        // the title distribution is measured on the catalog titles scored, so a respelling is not drift
        assertThat(respelt.metrics.get(DriftMetricNames.TITLE_JS)).isEqualTo(exact.metrics.get(DriftMetricNames.TITLE_JS));
        assertThat(exact.metrics).containsEntry(DriftMetricNames.TITLE_MATCH_RATE_PREFIX + "exact", 1.0);
        double alias = respelt.metrics.get(DriftMetricNames.TITLE_MATCH_RATE_PREFIX + "alias");
        double fuzzy = respelt.metrics.get(DriftMetricNames.TITLE_MATCH_RATE_PREFIX + "fuzzy");
        assertThat(alias + fuzzy).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(fuzzy).isBetween(0.15, 0.35);
        // a version without vocabularies has no title match: no rate rather than a made-up one
        assertThat(window(100, UnaryOperator.identity()).metrics.keySet())
                .noneMatch(m -> m.startsWith(DriftMetricNames.TITLE_MATCH_RATE_PREFIX));
    }

    @Test
    void timestampsOutOfStepWithTheReferencePeriodMoveTheSliceGapRate() {
        assertThat(window(5_000, UnaryOperator.identity()).metrics.get(DriftMetricNames.SLICE_GAP)).isZero();
        DriftReport r = window(5_000, p -> {
            p.timestamp += 30L * 86_400; // a third of the rows now fall after the reference period
            return p;
        });
        assertThat(r.metrics.get(DriftMetricNames.SLICE_GAP)).isBetween(0.25, 0.42)
                .isGreaterThan(settings.thresholdOf(DriftMetricNames.SLICE_GAP));
    }

    @Test
    void shiftedPredictionsMoveThePredictionMetrics() {
        DriftReport r = window(5_000, p -> {
            p.output3[0] = 1.2f;
            return p;
        });
        assertThat(r.metrics.get(DriftMetricNames.PREDICTION_PSI)).isGreaterThan(0.25);
        assertThat(r.metrics.get(DriftMetricNames.PREDICTION_MEAN)).isCloseTo(1.2, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void schemaDriftComesFromTheParseStage() {
        DriftCounts parsed = new DriftCounts();
        for (int i = 0; i < 900; i++) {
            RatingRequest r = new RatingRequest("r" + i, "1", "Movie 1 (1997)", DriftFixtures.T0);
            if (i % 3 == 0) r.extraFields = new String[] {"device", "country"};
            if (i % 2 == 0) r.requestIdGiven = false;
            parsed.countValid(r, 32);
        }
        for (int i = 0; i < 100; i++) {
            DeadLetter d = new DeadLetter();
            d.errorCode = i < 60 ? ErrorCode.WRONG_TYPE : ErrorCode.MALFORMED_JSON;
            d.field = i < 60 ? "timestamp" : null;
            parsed.countInvalid(d);
        }
        DriftReport r = reports.report(NOW - 1_000, NOW, parsed, null, null, Map.of(), new RollingEventHours());
        assertThat(r.records).isEqualTo(1_000);
        assertThat(r.metrics).containsEntry(DriftMetricNames.INVALID_RATE, 0.1)
                .containsEntry(DriftMetricNames.TYPE_CHANGE_RATE, 0.06)
                .containsEntry("schema.invalid_rate.WRONG_TYPE", 0.06)
                .containsEntry("schema.invalid_rate.MALFORMED_JSON", 0.04)
                .containsEntry(DriftMetricNames.UNEXPECTED_FIELD_RATE, 300 / 900.0)
                .containsEntry(DriftMetricNames.MISSING_OPTIONAL_RATE, 0.5)
                .doesNotContainKey(DriftMetricNames.USER_OOV);
        assertThat(r.typeChanges).containsEntry("timestamp", 60L);
        assertThat(r.unexpectedFields).containsEntry("device", 300L).containsEntry("country", 300L);
        assertThat(r.missingOptionalFields).containsEntry("request_id", 450L);
        assertThat(r.thresholds).containsEntry("schema.invalid_rate.WRONG_TYPE", 0.02);
        assertThat(r.modelVersion).isEqualTo(-1);
        assertThat(r.unavailable).as("every report carries the estimate, or why not")
                .containsEntry(DriftMetricNames.LABELS_ESTIMATED_RMSE, "nothing was scored in the window");
    }

    @Test
    void tooFewScoredRecordsGiveNoDistributionMetrics() {
        DriftReport r = window((int) settings.minRecords - 1, UnaryOperator.identity());
        assertThat(r.metrics).doesNotContainKeys(DriftMetricNames.USER_OOV, DriftMetricNames.PREDICTION_PSI)
                .containsKey(DriftMetricNames.LATENCY_P99);
        assertThat(r.unavailable.get(DriftMetricNames.TITLE_JS)).as("said, for a deployment whose windows never reach it")
                .isEqualTo("window had 499 scored requests, under drift.min-records (500)");
        assertThat(r.metrics).doesNotContainKeys(DriftMetricNames.FUTURE_RATE, DriftMetricNames.LAG_P99);
        assertThat(r.metrics).doesNotContainKey(DriftMetricNames.PREDICTION_MEAN);
        assertThat(r.unavailable).containsKeys(DriftMetricNames.PREDICTION_MEAN, DriftMetricNames.FUTURE_RATE, DriftMetricNames.LAG_P50,
                DriftMetricNames.LAG_P95, DriftMetricNames.LAG_P99);
        assertThat(window(1, UnaryOperator.identity()).unavailable.get(DriftMetricNames.TITLE_JS))
                .isEqualTo("window had 1 scored request, under drift.min-records (500)");
    }

    /**
     * A window too small to compare still counts in the 28 days' seasonal span: left out, quiet hours and days (a
     * weekend's 400 requests a window against a weekday's 600) would look missing against the reference.
     */
    @Test
    void aWindowTooSmallToCompareStillCountsInTheSeasonalSpan() {
        RollingEventHours rolling = new RollingEventHours();
        window((int) settings.minRecords - 1, UnaryOperator.identity(), ref, rolling);
        assertThat(rolling.rows()).as("too few to place the span before a larger window did").isZero();
        window((int) settings.minRecords, UnaryOperator.identity(), ref, rolling);
        long placed = rolling.rows();
        long anchor = rolling.anchor;
        long first = rolling.first;
        window((int) settings.minRecords - 1, UnaryOperator.identity(), ref, rolling);
        assertThat(rolling.rows()).as("its rows inside the span count").isGreaterThan(placed);
        assertThat(rolling.anchor).as("the span does not move").isEqualTo(anchor);
        assertThat(rolling.first).isEqualTo(first);
    }

    @Test
    void aVersionWithoutAReferenceOrVocabulariesReportsWhatItCannotMeasureAndWhy() {
        ReferenceBuckets none = ReferenceBuckets.placeholder(1, "version 1 has no reference profile (imported)");
        DriftReport r = window(5_000, p -> {
            p.oovUserId = null; // the version has no vocabularies: unknown, not false
            p.oovMovieTitle = null;
            return p;
        }, none);
        assertThat(r.metrics).doesNotContainKeys(DriftMetricNames.NEED_REFERENCE.toArray(String[]::new))
                .doesNotContainKeys(DriftMetricNames.USER_OOV, DriftMetricNames.TITLE_OOV, DriftMetricNames.LABELS_ESTIMATED_RMSE)
                .containsKeys(DriftMetricNames.USER_TOP5, DriftMetricNames.PREDICTION_MEAN, DriftMetricNames.FUTURE_RATE,
                        DriftMetricNames.LAG_P50, DriftMetricNames.LATENCY_P99);
        for (String metric : DriftMetricNames.NEED_REFERENCE) {
            assertThat(r.unavailable).as(metric).containsEntry(metric, "version 1 has no reference profile (imported)");
        }
        assertThat(r.unavailable.get(DriftMetricNames.USER_OOV)).contains("no vocabularies");
        assertThat(r.unavailable.get(DriftMetricNames.TITLE_OOV)).contains("no vocabularies");
        assertThat(r.unavailable.get(DriftMetricNames.LABELS_ESTIMATED_RMSE)).isEqualTo("version 1 has no reference profile (imported)");
        assertThat(r.calibration).isEqualTo("uncalibrated: version 1 has no reference profile (imported)");
        assertThat(DriftReports.titlesGrown(DriftCounts.forVersion(none, LogBuckets.latencyMs(), LogBuckets.lagSeconds()), none))
                .isEmpty();
    }

    /**
     * An episode's titles_grown compares each title with its own reference share, not only the top K's: a title the
     * profile's top K misses would otherwise count its whole window share as growth and crowd out the real movers.
     */
    @Test
    void aTitleOutsideTheTopKIsComparedWithItsOwnReferenceShare() {
        ReferenceProfile.Builder profile = ReferenceProfile.builder().topK(2);
        List<DriftCalibrator.Row> rows = new java.util.ArrayList<>();
        String[] titles = {"A (1997)", "B (1997)", "C (1997)"};
        int[] counts = {50, 30, 20};
        for (int t = 0; t < titles.length; t++) {
            for (int i = 0; i < counts[t]; i++) {
                long at = DriftFixtures.T0 + rows.size() * 60L;
                profile.add("u" + i, titles[t], 4, at);
                rows.add(new DriftCalibrator.Row("u" + i, titles[t], at, 4, 4, false, false));
            }
        }
        DriftCalibration calibration = new DriftCalibration(DriftCalibration.FORMAT_VERSION, 0.01, 1, 1,
                RatingBaseline.fit(rows), new int[] {200}, Map.of(), List.of());
        ReferenceBuckets ref = ReferenceBuckets.of(1, profile.build(), calibration, null);
        DriftCounts window = DriftCounts.forVersion(ref, LogBuckets.latencyMs(), LogBuckets.lagSeconds());
        int[] inWindow = {2, 5, 3};
        for (int t = 0; t < titles.length; t++) {
            for (int i = 0; i < inWindow[t]; i++) window.countScored("u" + i, titles[t], false, false, DriftFixtures.T0, 4, ref);
        }
        assertThat(DriftReports.titlesGrown(window, ref)).extracting(c -> c.value, c -> c.share, c -> c.referenceShare)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("B (1997)", 0.5, 0.3),
                        org.assertj.core.groups.Tuple.tuple("C (1997)", 0.3, 0.2));

        // a calibration from before session 38 has no shares: outside the top K, 0, as then
        RatingBaseline old = RatingBaseline.fit(rows);
        ReferenceBuckets before = ReferenceBuckets.of(1, profile.build(), new DriftCalibration(DriftCalibration.FORMAT_VERSION,
                0.01, 1, 1, new RatingBaseline(old.ratingMean(), old.userBias(), old.titleBias(), old.residualMean(), null),
                new int[] {200}, Map.of(), List.of()), null);
        assertThat(DriftReports.titlesGrown(window, before)).extracting(c -> c.value).first().isEqualTo("C (1997)");
    }

    @Test
    void aVersionWithAProfileButUnknownOovFlagsReportsOnlyTheOovRatesUnavailable() {
        DriftReport r = window(5_000, p -> {
            p.oovUserId = null;
            return p;
        });
        assertThat(r.metrics).doesNotContainKeys(DriftMetricNames.USER_OOV, DriftMetricNames.TITLE_OOV)
                .containsKeys(DriftMetricNames.TITLE_JS, DriftMetricNames.PREDICTION_PSI);
        assertThat(r.unavailable).containsOnlyKeys(DriftMetricNames.USER_OOV, DriftMetricNames.TITLE_OOV,
                DriftMetricNames.LABELS_ESTIMATED_RMSE, DriftMetricNames.PREDICTION_MEAN_SHIFT);
    }

    /** A profile without calibration has no rating baseline: the mean shift says why it is missing, not nothing. */
    @Test
    void aVersionWithoutCalibrationReportsTheMeanShiftUnavailable() {
        DriftReport r = window(5_000, UnaryOperator.identity());
        assertThat(r.metrics).doesNotContainKey(DriftMetricNames.PREDICTION_MEAN_SHIFT);
        assertThat(r.unavailable.get(DriftMetricNames.PREDICTION_MEAN_SHIFT)).startsWith("version 1 has no rating baseline");
    }

    @Test
    void requestsTheModelRefusedAfterValidationCountOnceAmongTheInvalid() {
        DriftCounts parsed = new DriftCounts();
        for (int i = 0; i < 1_000; i++) {
            parsed.countValid(new RatingRequest("r" + i, i < 50 ? "u" + i : "1", "Movie 1 (1997)", DriftFixtures.T0), 32);
        }
        for (int i = 0; i < 50; i++) {
            RatingRequest refused = new RatingRequest("r" + i, "u" + i, "Movie 1 (1997)", DriftFixtures.T0);
            DriftCounts c = new DriftCounts(); // from another task, merged as the window does
            c.countInvalid(dev.marquee.data.parse.DeadLetters.ofValidated(ErrorCode.MODEL_INPUT_UNREPRESENTABLE, "user_id",
                    "not an integer", refused));
            parsed.merge(c, 32);
        }
        DriftReport r = reports.report(NOW - 1_000, NOW, parsed, null, null, Map.of(), new RollingEventHours());
        assertThat(r.records).isEqualTo(1_000);
        assertThat(r.validCount).isEqualTo(950);
        assertThat(r.invalidCount).isEqualTo(50);
        assertThat(r.invalidByCode).containsEntry("MODEL_INPUT_UNREPRESENTABLE", 50L);
        assertThat(r.metrics).containsEntry(DriftMetricNames.INVALID_RATE, 0.05)
                .containsEntry("schema.invalid_rate.MODEL_INPUT_UNREPRESENTABLE", 0.05)
                .containsEntry(DriftMetricNames.TYPE_CHANGE_RATE, 0.0);
    }

    @Test
    void labelsAndPredictionsTheJoinExpiredAreCountedWithTheLabelMetrics() {
        DriftCounts joined = new DriftCounts();
        joined.modelVersion = 1;
        joined.countLabel(3f, 3f, 4f);
        joined.unlabelledPredictions = 2;
        DriftCounts unmatched = new DriftCounts(); // expired labels: no version known
        unmatched.modelVersion = 0;
        unmatched.unmatchedLabels = 3;
        assertThat(unmatched.isEmpty()).as("a summary of expiries alone still goes to the window").isFalse();
        DriftReport r = reports.report(NOW - 10_000, NOW, new DriftCounts(), null, null, Map.of(),
                Map.of(1L, joined, 0L, unmatched), new RollingEventHours());
        assertThat(r.metrics).containsEntry(DriftMetricNames.LABELS_COUNT, 1.0)
                .containsEntry(DriftMetricNames.LABELS_UNMATCHED_COUNT, 3.0)
                .containsEntry(DriftMetricNames.LABELS_UNLABELLED_COUNT, 2.0);
        DriftReport none = reports.report(NOW - 10_000, NOW, new DriftCounts(), null, null, Map.of(), Map.of(),
                new RollingEventHours());
        assertThat(none.metrics).doesNotContainKeys(DriftMetricNames.LABELS_UNMATCHED_COUNT,
                DriftMetricNames.LABELS_UNLABELLED_COUNT);
    }

    /**
     * After a swap the version swapped out still gets labels (users rate what it served): they count in the window's
     * served accuracy, but the model's own RMSE, which the retraining trigger judges, is the report's version's.
     */
    @Test
    void theModelsOwnRmseIsTheReportsVersionsAlone() {
        Random random = new Random(3);
        DriftCounts scored = DriftCounts.forVersion(ref, LogBuckets.latencyMs(), LogBuckets.lagSeconds());
        for (int i = 0; i < 2_000; i++) {
            scored.countPrediction(DriftFixtures.stationary(random, 1, NOW), ref, LogBuckets.latencyMs(), LogBuckets.lagSeconds(), NOW, 300_000);
        }
        DriftCounts own = new DriftCounts();
        own.modelVersion = 1;
        DriftCounts old = new DriftCounts(); // version 2, rolled back from
        old.modelVersion = 2;
        for (int i = 0; i < 300; i++) {
            own.countLabel(3f, 3.5f, 4f);  // model error 0.5
            old.countLabel(3f, 2.5f, 4f);  // model error 1.5
        }
        DriftReport r = reports.report(NOW - 10_000, NOW, new DriftCounts(), scored, ref, Map.of(1L, 2_000L),
                Map.of(1L, own, 2L, old), new RollingEventHours());
        assertThat(r.modelVersion).isEqualTo(1);
        assertThat(r.metrics.get(DriftMetricNames.LABELS_MODEL_RMSE)).isCloseTo(0.5, within(1e-9));
        assertThat(r.metrics).containsEntry(DriftMetricNames.LABELS_MODEL_COUNT, 300.0)
                .containsEntry(DriftMetricNames.LABELS_COUNT, 600.0);
        assertThat(r.metrics.get(DriftMetricNames.LABELS_RMSE)).isCloseTo(1.0, within(1e-9)); // every label served

        DriftReport onlyOld = reports.report(NOW - 10_000, NOW, new DriftCounts(), scored, ref, Map.of(1L, 2_000L),
                Map.of(2L, old), new RollingEventHours());
        assertThat(onlyOld.metrics).doesNotContainKey(DriftMetricNames.LABELS_MODEL_RMSE)
                .containsEntry(DriftMetricNames.LABELS_MODEL_COUNT, 0.0).containsEntry(DriftMetricNames.LABELS_COUNT, 300.0);

        // a window that scored nothing (requests paused, labels still coming): the one version its labels are of
        DriftReport labelsOnly = reports.report(NOW - 10_000, NOW, new DriftCounts(), null, null, Map.of(),
                Map.of(1L, own), new RollingEventHours());
        assertThat(labelsOnly.modelVersion).isEqualTo(-1);
        assertThat(labelsOnly.metrics.get(DriftMetricNames.LABELS_MODEL_RMSE)).isCloseTo(0.5, within(1e-9));
        DriftReport twoVersions = reports.report(NOW - 10_000, NOW, new DriftCounts(), null, null, Map.of(),
                Map.of(1L, own, 2L, old), new RollingEventHours());
        assertThat(twoVersions.metrics).doesNotContainKey(DriftMetricNames.LABELS_MODEL_RMSE);
    }

    /**
     * drift.min-records lowered under the calibration's smallest window: a smaller window would be judged by that
     * size's thresholds, too tight for it (most ordinary windows would alert), so its calibrated metrics are left out.
     */
    @Test
    void aWindowSmallerThanTheSmallestCalibratedOneLeavesItsCalibratedMetricsOut() {
        DriftCalibration c = new DriftCalibration(DriftCalibration.FORMAT_VERSION, 0.01, 1, 1, null,
                new int[] {200}, Map.of(), List.of());
        ReferenceBuckets calibrated = ReferenceBuckets.of(1, DriftFixtures.profile(1), c, null);
        DriftReports low = new DriftReports(DriftSettings.defaults(Map.of(DriftSettings.MIN_RECORDS, "100")),
                LogBuckets.latencyMs(), LogBuckets.lagSeconds());
        for (int n : new int[] {150, 250}) {
            Random random = new Random(99);
            DriftCounts parsed = new DriftCounts();
            DriftCounts scored = DriftCounts.forVersion(calibrated, LogBuckets.latencyMs(), LogBuckets.lagSeconds());
            for (int i = 0; i < n; i++) {
                Prediction p = DriftFixtures.stationary(random, 1, NOW);
                parsed.countValid(new RatingRequest(p.requestId, p.userId, p.movieTitle, p.timestamp), 32);
                scored.countPrediction(p, calibrated, LogBuckets.latencyMs(), LogBuckets.lagSeconds(), NOW, 300_000);
            }
            DriftReport r = low.report(NOW - 10_000, NOW, parsed, scored, calibrated, Map.of(1L, (long) n), new RollingEventHours());
            if (n < 200) {
                assertThat(r.metrics).doesNotContainKeys(DriftMetricNames.TITLE_JS, DriftMetricNames.USER_TOP5);
                assertThat(r.unavailable.get(DriftMetricNames.TITLE_JS)).contains("under the 200");
                assertThat(r.metrics).containsKey(DriftMetricNames.LATENCY_P99); // not calibrated: kept
            } else {
                assertThat(r.metrics).containsKeys(DriftMetricNames.TITLE_JS, DriftMetricNames.USER_TOP5);
            }
        }
    }

    /** A metric the version's calibration could not measure is judged by its default threshold, not left without one. */
    @Test
    void aMetricTheCalibrationLacksIsJudgedByItsDefault() {
        DriftCalibration none = new DriftCalibration(DriftCalibration.FORMAT_VERSION, 0.01, 1, 1, null,
                new int[] {200}, Map.of(), List.of());
        DriftReport r = window(5_000, UnaryOperator.identity(), ReferenceBuckets.of(1, DriftFixtures.profile(1), none, null));
        assertThat(r.calibration).isEqualTo(DriftReports.FROM_CALIBRATION);
        assertThat(r.thresholds).containsEntry(DriftMetricNames.TITLE_JS, settings.thresholdOf(DriftMetricNames.TITLE_JS));
        assertThat(r.thresholdSources).containsEntry(DriftMetricNames.TITLE_JS, DriftReports.FROM_DEFAULT);
    }

    /**
     * An explicit drift.threshold.<metric> beats the version's calibration (DRIFT.md): a number replaces the calibrated
     * threshold, and off silences a noisy calibrated metric, which must then open no episode and ask for no retrain.
     */
    @Test
    void anExplicitThresholdBeatsTheCalibration() {
        double[] calibrated = {0.5};
        Map<String, Map<String, double[]>> byWindows = Map.of("1", Map.of(DriftMetricNames.TITLE_JS, calibrated),
                "2", Map.of(DriftMetricNames.TITLE_JS, calibrated), "3", Map.of(DriftMetricNames.TITLE_JS, calibrated));
        DriftCalibration c = new DriftCalibration(DriftCalibration.FORMAT_VERSION, 0.01, 1, 1, null,
                new int[] {200}, byWindows, List.of());
        ReferenceBuckets withCalibration = ReferenceBuckets.of(1, DriftFixtures.profile(1), c, null);

        DriftReport calibratedOnly = window(5_000, UnaryOperator.identity(), withCalibration);
        assertThat(calibratedOnly.thresholds).containsEntry(DriftMetricNames.TITLE_JS, 0.5);
        assertThat(calibratedOnly.thresholdSources).containsEntry(DriftMetricNames.TITLE_JS, DriftReports.FROM_CALIBRATION);

        DriftReport set = windowWith(Map.of(DriftSettings.THRESHOLD_PREFIX + DriftMetricNames.TITLE_JS, "0.9"), withCalibration);
        assertThat(set.thresholds).containsEntry(DriftMetricNames.TITLE_JS, 0.9);
        assertThat(set.thresholdSources).containsEntry(DriftMetricNames.TITLE_JS, DriftReports.FROM_SETTING);

        DriftReport off = windowWith(Map.of(DriftSettings.THRESHOLD_PREFIX + DriftMetricNames.TITLE_JS, "off"), withCalibration);
        assertThat(off.metrics).containsKey(DriftMetricNames.TITLE_JS);
        assertThat(off.thresholds).doesNotContainKey(DriftMetricNames.TITLE_JS);
    }

    private DriftReport windowWith(Map<String, String> driftSettings, ReferenceBuckets ref) {
        DriftReports other = new DriftReports(DriftSettings.defaults(driftSettings), LogBuckets.latencyMs(), LogBuckets.lagSeconds());
        Random random = new Random(99);
        DriftCounts parsed = new DriftCounts();
        DriftCounts scored = DriftCounts.forVersion(ref, LogBuckets.latencyMs(), LogBuckets.lagSeconds());
        for (int i = 0; i < 5_000; i++) {
            Prediction p = DriftFixtures.stationary(random, 1, NOW);
            parsed.countValid(new RatingRequest(p.requestId, p.userId, p.movieTitle, p.timestamp), 32);
            scored.countPrediction(p, ref, LogBuckets.latencyMs(), LogBuckets.lagSeconds(), NOW, 300_000);
        }
        return other.report(NOW - 10_000, NOW, parsed, scored, ref, Map.of(1L, 5_000L), new RollingEventHours());
    }

    /**
     * One scoring subtask could not read the version's profile (a passing read error) and counted its predictions
     * against a placeholder: merged with a subtask that read it, the window is still reported, from the profile's
     * side, instead of failing the job at every restart.
     */
    @Test
    void countsOfASubtaskWithoutTheProfileMergeWithoutFailingTheWindow() {
        Random random = new Random(5);
        ReferenceBuckets placeholder = ReferenceBuckets.placeholder(1, "cannot be read");
        DriftCounts read = DriftCounts.forVersion(ref, LogBuckets.latencyMs(), LogBuckets.lagSeconds());
        DriftCounts unread = DriftCounts.forVersion(placeholder, LogBuckets.latencyMs(), LogBuckets.lagSeconds());
        for (int i = 0; i < 2_000; i++) {
            read.countPrediction(DriftFixtures.stationary(random, 1, NOW), ref, LogBuckets.latencyMs(), LogBuckets.lagSeconds(), NOW, 300_000);
            unread.countPrediction(DriftFixtures.stationary(random, 1, NOW), placeholder, LogBuckets.latencyMs(),
                    LogBuckets.lagSeconds(), NOW, 300_000);
        }
        DriftCounts merged = DriftCounts.forVersion(placeholder, LogBuckets.latencyMs(), LogBuckets.lagSeconds());
        merged.merge(unread, 32);
        merged.merge(read, 32);
        assertThat(merged.scored).isEqualTo(4_000);
        assertThat(merged.titleBuckets).isEqualTo(read.titleBuckets);

        DriftReport r = reports.report(NOW - 10_000, NOW, new DriftCounts(), merged, ref, Map.of(1L, 4_000L),
                new RollingEventHours());
        assertThat(r.metrics.get(DriftMetricNames.TITLE_JS)).isLessThan(0.02);

        // Calibrated: the titles' distances and the mean shift were measured on the profile side's 2,000 rows alone,
        // and are judged by the thresholds for 2,000 rows, not the window's 4,000 (the predictions' slots need no
        // profile: every row counts).
        Map<String, double[]> bySize = new java.util.HashMap<>();
        for (String metric : DriftMetricNames.CALIBRATED) bySize.put(metric, new double[] {0.4, 0.2, 0.1});
        DriftCalibration c = new DriftCalibration(DriftCalibration.FORMAT_VERSION, 0.01, 1, 1,
                ref.baseline == null ? null : ref.baseline, new int[] {200, 2_000, 4_000}, Map.of("2", bySize), List.of());
        ReferenceBuckets calibrated = ReferenceBuckets.of(1, DriftFixtures.profile(1), c, null);
        DriftCounts side = DriftCounts.forVersion(calibrated, LogBuckets.latencyMs(), LogBuckets.lagSeconds());
        Random again = new Random(5);
        for (int i = 0; i < 2_000; i++) {
            side.countPrediction(DriftFixtures.stationary(again, 1, NOW), calibrated, LogBuckets.latencyMs(),
                    LogBuckets.lagSeconds(), NOW, 300_000);
        }
        DriftCounts half = DriftCounts.forVersion(placeholder, LogBuckets.latencyMs(), LogBuckets.lagSeconds());
        half.merge(unread, 32);
        half.merge(side, 32);
        DriftReport judged = reports.report(NOW - 10_000, NOW, new DriftCounts(), half, calibrated, Map.of(1L, 4_000L),
                new RollingEventHours());
        assertThat(judged.thresholds).containsEntry(DriftMetricNames.TITLE_JS, 0.2).containsEntry(DriftMetricNames.TITLE_LINF, 0.2)
                .as("measured on every row").containsEntry(DriftMetricNames.USER_TOP5, 0.1)
                .containsEntry(DriftMetricNames.PREDICTION_JS, 0.1);

        // No subtask had the profile: the titles' distances and the mean shift are not measured, and say why
        DriftCounts none = DriftCounts.forVersion(placeholder, LogBuckets.latencyMs(), LogBuckets.lagSeconds());
        none.merge(unread, 32);
        DriftReport unmeasured = reports.report(NOW - 10_000, NOW, new DriftCounts(), none, calibrated, Map.of(1L, 2_000L),
                new RollingEventHours());
        for (String metric : List.of(DriftMetricNames.TITLE_JS, DriftMetricNames.TITLE_LINF)) {
            assertThat(unmeasured.metrics).as(metric).doesNotContainKey(metric);
            assertThat(unmeasured.unavailable.get(metric)).as(metric).startsWith(DriftReports.PROFILE_NOT_READ_ON_SUBTASKS);
        }
        assertThat(unmeasured.metrics).doesNotContainKey(DriftMetricNames.PREDICTION_MEAN_SHIFT);
        assertThat(unmeasured.unavailable).as("the mean shift says why too").containsKey(DriftMetricNames.PREDICTION_MEAN_SHIFT);
        assertThat(unmeasured.metrics).as("measured without the profile").containsKey(DriftMetricNames.USER_OOV);
    }

    private DriftReport window(int n, UnaryOperator<Prediction> change) {
        return window(n, change, ref);
    }

    private DriftReport window(int n, UnaryOperator<Prediction> change, ReferenceBuckets ref) {
        return window(n, change, ref, new RollingEventHours());
    }

    private DriftReport window(int n, UnaryOperator<Prediction> change, ReferenceBuckets ref, RollingEventHours rolling) {
        Random random = new Random(99);
        DriftCounts parsed = new DriftCounts();
        DriftCounts scored = DriftCounts.forVersion(ref, LogBuckets.latencyMs(), LogBuckets.lagSeconds());
        for (int i = 0; i < n; i++) {
            Prediction p = change.apply(DriftFixtures.stationary(random, 1, NOW));
            RatingRequest r = new RatingRequest(p.requestId, p.userId, p.movieTitle, p.timestamp);
            parsed.countValid(r, 32);
            scored.countPrediction(p, ref, LogBuckets.latencyMs(), LogBuckets.lagSeconds(), NOW, 300_000);
        }
        return reports.report(NOW - 10_000, NOW, parsed, scored, ref, Map.of(1L, (long) n), rolling);
    }

    /** A report's titles_grown carries titles for people to read: long ones clipped, never inside a surrogate pair. */
    @Test
    void reportedTitlesAreClippedWithoutSplittingACharacter() {
        assertThat(DriftReports.clipTitle("Heat (1995)")).isEqualTo("Heat (1995)");
        String emoji = "\uD83C\uDFAC".repeat(200);
        String clipped = DriftReports.clipTitle(emoji);
        assertThat(clipped).hasSize(DriftReports.MAX_REPORTED_TITLE_CHARS + 3).endsWith("...");
        assertThat(clipped.substring(0, DriftReports.MAX_REPORTED_TITLE_CHARS)).isEqualTo(emoji.substring(0, DriftReports.MAX_REPORTED_TITLE_CHARS));
        String odd = "x" + emoji;
        assertThat(Character.isHighSurrogate(DriftReports.clipTitle(odd).charAt(DriftReports.MAX_REPORTED_TITLE_CHARS - 2))).isFalse();
        assertThat(DriftReports.clipTitle(odd)).hasSize(DriftReports.MAX_REPORTED_TITLE_CHARS - 1 + 3);
    }
}

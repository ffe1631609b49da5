package dev.marquee.job.drift;

import dev.marquee.data.drift.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.DriftReport;
import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.RatingRequest;
import dev.marquee.job.testing.StateSnapshots;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriftWindowOperatorTest {
    private static final long NOW = 1_800_000_000_000L;
    @TempDir Path registry;

    @Test
    void aWindowEndsOnItsTimeAndReportsAgainstTheServingVersionsProfile() throws Exception {
        writeProfile(1);
        try (var h = harness(Map.of("drift.window.ms", "10000"))) {
            h.setProcessingTime(NOW);
            h.open();
            h.processElement(new StreamRecord<>(requests(2_000)));
            h.processElement(new StreamRecord<>(stationary(2_000, 1, false)));
            assertThat(reports(h)).isEmpty();
            h.setProcessingTime(NOW + 10_000);
            DriftReport r = single(h);
            assertThat(r.windowStartMs).isEqualTo(NOW);
            assertThat(r.windowEndMs).isEqualTo(NOW + 10_000);
            assertThat(r.records).isEqualTo(2_000);
            assertThat(r.modelVersion).isEqualTo(1);
            assertThat(r.metrics.get(DriftMetricNames.USER_OOV)).isZero();
            assertThat(r.metrics.get(DriftMetricNames.THROUGHPUT)).isEqualTo(200.0);
            assertThat(r.alerts).isEmpty();
            assertThat(r.sequence).isEqualTo(1);
        }
    }

    @Test
    void aWindowEndsEarlyOnItsRecordCountAndAlertsAfterTheHysteresis() throws Exception {
        writeProfile(1);
        try (var h = harness(Map.of("drift.window.records", "1000", "drift.alert.windows", "2"))) {
            h.setProcessingTime(NOW);
            h.open();
            for (int w = 0; w < 3; w++) {
                h.processElement(new StreamRecord<>(requests(1_000)));
                h.processElement(new StreamRecord<>(stationary(1_000, 1, true)));
            }
            List<DriftReport> out = reports(h);
            assertThat(out).hasSize(3);
            assertThat(out.get(0).alerts).isEmpty();
            assertThat(out.get(1).alerts).extracting(a -> a.metric).contains(DriftMetricNames.USER_OOV);
            assertThat(out.get(2).drifted).isTrue();
        }
    }

    /**
     * The wall clock stepped back an hour: a window still lasts drift.window.ms from when it starts (not the hour
     * more it would take the clock to reach the window's start plus its length), and reports never date back.
     */
    @Test
    void afterTheWallClockSteppedBackWindowsStillLastTheirLengthAndDatesDoNotGoBack() throws Exception {
        writeProfile(1);
        long hour = 3_600_000;
        try (var h = harness(Map.of("drift.window.ms", "10000", "drift.window.records", "1000"))) {
            h.setProcessingTime(NOW);
            h.open();
            h.processElement(new StreamRecord<>(requests(500)));
            h.processElement(new StreamRecord<>(stationary(500, 1, false)));
            h.setProcessingTime(NOW + 10_000);
            assertThat(single(h).windowEndMs).isEqualTo(NOW + 10_000);
            h.setProcessingTime(NOW + 10_000 - hour); // NTP steps the clock back an hour
            h.processElement(new StreamRecord<>(requests(1_000)));
            h.processElement(new StreamRecord<>(stationary(1_000, 1, false))); // ends the window on its count
            List<DriftReport> out = reports(h);
            assertThat(out).hasSize(2);
            assertThat(out.get(1).windowStartMs).isEqualTo(NOW + 10_000);
            assertThat(out.get(1).windowEndMs).as("not before its start").isGreaterThanOrEqualTo(out.get(1).windowStartMs);
            h.processElement(new StreamRecord<>(requests(500)));
            h.processElement(new StreamRecord<>(stationary(500, 1, false)));
            h.setProcessingTime(NOW + 20_000 - hour); // a window's length later by the clock as it now reads
            out = reports(h);
            assertThat(out).as("the next window ends a window's length after it started, by the clock as it reads")
                    .hasSize(3);
            assertThat(out.get(2).records).isEqualTo(500);
            assertThat(out.get(2).windowStartMs).isGreaterThanOrEqualTo(out.get(1).windowEndMs);
        }
    }

    /**
     * With the wall clock stepped back, windows that end on their record count still end the timer set for them: a
     * window the count ended is not ended again by its timer, and timers do not pile up one per window.
     */
    @Test
    void afterTheWallClockSteppedBackAWindowEndedOnItsCountIsNotEndedAgainByItsTimer() throws Exception {
        writeProfile(1);
        long hour = 3_600_000;
        try (var h = harness(Map.of("drift.window.ms", "10000", "drift.window.records", "1000"))) {
            h.setProcessingTime(NOW);
            h.open();
            h.setProcessingTime(NOW - hour); // NTP steps the clock back an hour
            h.processElement(new StreamRecord<>(requests(1_000)));
            h.processElement(new StreamRecord<>(stationary(1_000, 1, false))); // ends the first window on its count
            h.setProcessingTime(NOW - hour + 5_000);
            h.processElement(new StreamRecord<>(requests(1_000)));
            h.processElement(new StreamRecord<>(stationary(1_000, 1, false))); // and the second
            h.processElement(new StreamRecord<>(requests(100)));
            h.processElement(new StreamRecord<>(stationary(100, 1, false)));
            h.setProcessingTime(NOW - hour + 10_000); // the first window's timer: that window has ended
            assertThat(reports(h)).as("the third window is 5 s old").hasSize(2);
            h.setProcessingTime(NOW - hour + 15_000);
            List<DriftReport> out = reports(h);
            assertThat(out).hasSize(3);
            assertThat(out.get(2).records).isEqualTo(100);
            assertThat(out.get(2).windowStartMs).isGreaterThanOrEqualTo(out.get(1).windowEndMs);
            assertThat(out.get(1).windowStartMs).isGreaterThanOrEqualTo(out.get(0).windowEndMs);
        }
    }

    @Test
    void aVersionWithoutAProfileStillReportsLatencyAndSchema() throws Exception {
        try (var h = harness(Map.of("drift.window.records", "1000"))) {
            h.setProcessingTime(NOW);
            h.open();
            h.processElement(new StreamRecord<>(requests(1_000)));
            h.processElement(new StreamRecord<>(stationary(1_000, 7, false)));
            DriftReport r = single(h);
            assertThat(r.modelVersion).isEqualTo(7);
            // What needs no reference is measured; what does is reported unavailable, with the reason.
            assertThat(r.metrics).containsKeys(DriftMetricNames.LATENCY_P99, DriftMetricNames.USER_OOV)
                    .doesNotContainKeys(DriftMetricNames.TITLE_JS, DriftMetricNames.PREDICTION_PSI);
            assertThat(r.unavailable.get(DriftMetricNames.TITLE_JS)).startsWith("version 7 has no reference profile");
            assertThat(r.unavailable.get(DriftMetricNames.LABELS_ESTIMATED_RMSE)).startsWith("version 7 has no reference profile");
            assertThat(r.calibration).startsWith("uncalibrated: version 7 has no reference profile");
        }
    }

    private static final Map<String, String> RESTORE_SETTINGS = Map.of("drift.window.records", "1000", "drift.alert.windows", "2");
    /** The job of {@link #DRIFT_WINDOW_SNAPSHOT}: a restore into it is a failover, into another a new job. */
    private static final org.apache.flink.api.common.JobID SNAPSHOT_JOB = new org.apache.flink.api.common.JobID(46L, 1L);
    /** {@link #halfAWindowAfterAnAlertingOne} as commit b21c353's operator saved it. */
    private static final String DRIFT_WINDOW_SNAPSHOT = "drift-window-b21c353.snapshot";
    /** This code's, under a name that copying it beside the older ones cannot mistake for theirs (TESTING.md). */
    private static final String THIS_CODES_SNAPSHOT = "drift-window-current.snapshot";

    /** One window of unseen users (its alert streak at 1), then half of the next: the state a restore must bring back. */
    private OperatorSubtaskState halfAWindowAfterAnAlertingOne(org.apache.flink.api.common.JobID job) throws Exception {
        try (var h = harness(RESTORE_SETTINGS, job)) {
            h.setProcessingTime(NOW);
            h.open();
            h.processElement(new StreamRecord<>(requests(1_000)));
            h.processElement(new StreamRecord<>(stationary(1_000, 1, true)));
            h.processElement(new StreamRecord<>(requests(500)));
            h.processElement(new StreamRecord<>(stationary(500, 1, true)));
            assertThat(reports(h)).hasSize(1);
            assertThat(reports(h).get(0).runStartedAtMs).isEqualTo(NOW);
            assertThat(reports(h).get(0).afterFailover).isFalse();
            return h.snapshot(1, NOW);
        }
    }

    /** What {@link #halfAWindowAfterAnAlertingOne} left, restored into the same job: the window and streak go on. */
    private List<DriftReport> assertTheHalfWindowAndTheStreakGoOn(OperatorSubtaskState snapshot,
            org.apache.flink.api.common.JobID job) throws Exception {
        try (var h = harness(RESTORE_SETTINGS, job)) {
            h.setProcessingTime(NOW + 1);
            h.initializeState(snapshot);
            h.open();
            h.processElement(new StreamRecord<>(requests(500)));
            h.processElement(new StreamRecord<>(stationary(500, 1, true)));
            DriftReport r = single(h);
            assertThat(r.records).as("the restored half window plus the new half").isEqualTo(1_000);
            assertThat(r.windowStartMs).as("the window's start as saved").isEqualTo(NOW);
            assertThat(r.scoredCount).isEqualTo(1_000);
            assertThat(r.sequence).isEqualTo(2);
            assertThat(r.runStartedAtMs).as("a failover keeps the numbering's start").isEqualTo(NOW);
            assertThat(r.alerts).as("the streak went on across the restore").extracting(a -> a.windows).contains(2);
            assertThat(r.afterFailover).as("the first report after a failover says so").isTrue();
            h.processElement(new StreamRecord<>(requests(1_000)));
            h.processElement(new StreamRecord<>(stationary(1_000, 1, true)));
            assertThat(reports(h)).hasSize(2).last().satisfies(next -> assertThat(next.afterFailover).isFalse());
            return reports(h);
        }
    }

    /** The window's state as {@code snapshot} restores it, before any input. */
    private List<DriftWindowState> stateOf(OperatorSubtaskState snapshot) throws Exception {
        try (var h = harness(RESTORE_SETTINGS, SNAPSHOT_JOB)) {
            h.setProcessingTime(NOW + 1);
            h.initializeState(snapshot);
            h.open();
            List<DriftWindowState> state = new java.util.ArrayList<>();
            h.getOperator().getOperatorStateBackend().getListState(new org.apache.flink.api.common.state.ListStateDescriptor<>(
                    "drift-window", org.apache.flink.api.common.typeinfo.TypeInformation.of(DriftWindowState.class)))
                    .get().forEach(state::add);
            assertThat(state).as("the saved window").isNotEmpty();
            return state;
        }
    }

    /** Today's state classes read what earlier code saved: a savepoint of a running job restores into this one. */
    @Test
    void aSnapshotSavedByEarlierCodeRestoresTheOpenWindowAndTheStreak() throws Exception {
        writeProfile(1);
        List<DriftReport> restored = assertTheHalfWindowAndTheStreakGoOn(StateSnapshots.read(getClass(), DRIFT_WINDOW_SNAPSHOT),
                SNAPSHOT_JOB);
        List<DriftReport> today = assertTheHalfWindowAndTheStreakGoOn(halfAWindowAfterAnAlertingOne(SNAPSHOT_JOB), SNAPSHOT_JOB);
        assertThat(stateOf(StateSnapshots.read(getClass(), DRIFT_WINDOW_SNAPSHOT)))
                .as("every field saved comes back (a renamed one would restore as its default)")
                .usingRecursiveFieldByFieldElementComparator().isEqualTo(stateOf(halfAWindowAfterAnAlertingOne(SNAPSHOT_JOB)));
        assertThat(restored).as("every saved count comes back (a renamed field would restore as its default)")
                .usingRecursiveFieldByFieldElementComparator().isEqualTo(today);
    }

    /** This code's snapshot, through a file as a savepoint is ({@link StateSnapshots#WRITE} keeps it for the next release). */
    @Test
    void thisCodesSnapshotWrittenToAFileRestoresTheOpenWindowAndTheStreak(@TempDir Path dir) throws Exception {
        writeProfile(1);
        Path file = StateSnapshots.write(halfAWindowAfterAnAlertingOne(SNAPSHOT_JOB), THIS_CODES_SNAPSHOT, dir);
        assertTheHalfWindowAndTheStreakGoOn(StateSnapshots.read(file), SNAPSHOT_JOB);
    }

    @Test
    void theOpenWindowAndTheAlertStreaksSurviveARestore() throws Exception {
        writeProfile(1);
        Map<String, String> settings = RESTORE_SETTINGS;
        OperatorSubtaskState snapshot = halfAWindowAfterAnAlertingOne(JOB);
        assertTheHalfWindowAndTheStreakGoOn(snapshot, JOB);
        try (var h = harness(settings, new org.apache.flink.api.common.JobID())) {
            h.setProcessingTime(NOW + 2);
            h.initializeState(snapshot);
            h.open();
            h.processElement(new StreamRecord<>(requests(500)));
            h.processElement(new StreamRecord<>(stationary(500, 1, true)));
            DriftReport r = single(h);
            assertThat(r.runStartedAtMs).as("a savepoint restored into another job numbers anew").isEqualTo(NOW + 2);
            assertThat(r.afterFailover).as("no failover: a new numbering").isFalse();
        }
    }

    /** Traffic stops after drifted windows: the gauges (and the alerts on them) say no data, not the last alarm. */
    @Test
    void afterAWindowWithNothingInItTheGaugesNoLongerShowTheLastDriftedReport() throws Exception {
        writeProfile(1);
        DriftWindowOperator operator = new DriftWindowOperator(DriftSettings.defaults(
                Map.of("drift.window.ms", "10000", "drift.alert.windows", "1")), registry.toString(), "marquee");
        try (var h = new OneInputStreamOperatorTestHarness<>(operator)) {
            h.setProcessingTime(NOW);
            h.open();
            h.processElement(new StreamRecord<>(requests(1_000)));
            h.processElement(new StreamRecord<>(stationary(1_000, 1, true)));
            h.setProcessingTime(NOW + 10_000);
            assertThat(single(h).drifted).isTrue();
            assertThat(operator.gaugedReport()).isNotNull();

            h.setProcessingTime(NOW + 20_000); // a window with nothing in it
            assertThat(reports(h)).as("no report for an empty window").hasSize(1);
            assertThat(operator.gaugedReport()).isNull();
        }
    }

    /**
     * An alert needs its consecutive windows of data: a window with nothing in it (a pause, a night) ends every
     * streak, so one drifted window before the pause and one after it are not two in a row.
     */
    @Test
    void aWindowWithNothingInItEndsEveryAlertStreak() throws Exception {
        writeProfile(1);
        DriftWindowOperator operator = new DriftWindowOperator(DriftSettings.defaults(
                Map.of("drift.window.ms", "10000", "drift.alert.windows", "2")), registry.toString(), "marquee");
        try (var h = new OneInputStreamOperatorTestHarness<>(operator)) {
            h.setProcessingTime(NOW);
            h.open();
            h.processElement(new StreamRecord<>(requests(1_000)));
            h.processElement(new StreamRecord<>(stationary(1_000, 1, true)));
            h.setProcessingTime(NOW + 10_000);
            assertThat(single(h).alerts).as("one window over: not yet an alert").isEmpty();

            h.setProcessingTime(NOW + 20_000); // a window with nothing in it
            h.processElement(new StreamRecord<>(requests(1_000)));
            h.processElement(new StreamRecord<>(stationary(1_000, 1, true)));
            h.setProcessingTime(NOW + 30_000);
            List<DriftReport> both = reports(h);
            assertThat(both).hasSize(2);
            assertThat(both.get(1).alerts).as("over again after the pause: a streak of one").isEmpty();
            assertThat(both.get(1).drifted).isFalse();
        }
    }

    /**
     * A failover while the traffic had paused (the last window ended empty) is no backlog read again: the first report
     * after it does not say it follows a failover, so the trigger's count of consecutive windows starts again.
     */
    @Test
    void aFailoverDuringAPauseIsNotReportedAsOne() throws Exception {
        writeProfile(1);
        Map<String, String> settings = Map.of("drift.window.ms", "10000");
        OperatorSubtaskState snapshot;
        try (var h = harness(settings)) {
            h.setProcessingTime(NOW);
            h.open();
            h.processElement(new StreamRecord<>(requests(1_000)));
            h.processElement(new StreamRecord<>(stationary(1_000, 1, true)));
            h.setProcessingTime(NOW + 10_000);
            h.setProcessingTime(NOW + 20_000); // a window with nothing in it
            assertThat(reports(h)).hasSize(1);
            snapshot = h.snapshot(1, NOW + 21_000);
        }
        try (var h = harness(settings)) { // the same job: a failover
            h.setProcessingTime(NOW + 22_000);
            h.initializeState(snapshot);
            h.open();
            h.processElement(new StreamRecord<>(requests(1_000)));
            h.processElement(new StreamRecord<>(stationary(1_000, 1, true)));
            h.setProcessingTime(NOW + 40_000);
            assertThat(single(h).afterFailover).as("the traffic had paused before the failure").isFalse();
        }
    }

    /** Nor is one whose traffic paused right after the restore: the window that ended empty was a gap. */
    @Test
    void aPauseRightAfterAFailoverEndsItsFollowOn() throws Exception {
        writeProfile(1);
        Map<String, String> settings = Map.of("drift.window.ms", "10000");
        OperatorSubtaskState snapshot;
        try (var h = harness(settings)) {
            h.setProcessingTime(NOW);
            h.open();
            h.processElement(new StreamRecord<>(requests(1_000)));
            h.processElement(new StreamRecord<>(stationary(1_000, 1, true)));
            h.setProcessingTime(NOW + 10_000);
            assertThat(reports(h)).hasSize(1);
            snapshot = h.snapshot(1, NOW + 11_000);
        }
        try (var h = harness(settings)) { // a failover with the traffic flowing, then a pause
            h.setProcessingTime(NOW + 12_000);
            h.initializeState(snapshot);
            h.open();
            h.setProcessingTime(NOW + 22_000); // the first window after the restore ends empty
            h.processElement(new StreamRecord<>(requests(1_000)));
            h.processElement(new StreamRecord<>(stationary(1_000, 1, true)));
            h.setProcessingTime(NOW + 40_000);
            assertThat(single(h).afterFailover).as("the traffic paused after the restore").isFalse();
        }
    }

    /** 3% of requests missing a field: under the overall invalid rate's threshold, over the per-code one. */
    @Test
    void everyAlertOfAReportHasAnAlertingGaugeAtOne() throws Exception {
        writeProfile(1);
        Map<String, String> settings = Map.of("drift.window.records", "1000", "drift.alert.windows", "1");
        DriftWindowOperator operator = new DriftWindowOperator(DriftSettings.defaults(settings), registry.toString(), "marquee");
        Map<String, org.apache.flink.metrics.Gauge<?>> gauges = new java.util.HashMap<>();
        try (var h = new OneInputStreamOperatorTestHarness<>(operator)) {
            h.setProcessingTime(NOW);
            h.open();
            operator.registerGauges(new org.apache.flink.metrics.groups.UnregisteredMetricsGroup() {
                @Override
                public <T, G extends org.apache.flink.metrics.Gauge<T>> G gauge(String name, G gauge) {
                    gauges.put(name, gauge);
                    return gauge;
                }
            });
            h.processElement(new StreamRecord<>(requests(970)));
            h.processElement(new StreamRecord<>(stationary(970, 1, false)));
            h.processElement(new StreamRecord<>(refused(30)));
            DriftReport r = single(h);
            assertThat(r.alerts).extracting(a -> a.metric)
                    .contains(DriftMetricNames.INVALID_RATE_CODE_PREFIX + "MISSING_FIELD")
                    .doesNotContain(DriftMetricNames.INVALID_RATE);
            for (var a : r.alerts) {
                var alerting = gauges.get(DriftMetricNames.gaugeName(a.metric) + "_alerting");
                assertThat(alerting).as(a.metric).isNotNull();
                assertThat(alerting.getValue()).as(a.metric).isEqualTo(1);
            }
            // what the dashboard and the other alerts read: the report's values, thresholds and summary, as reported
            assertThat(r.metrics).isNotEmpty();
            for (var m : r.metrics.entrySet()) {
                assertThat(gauges.get(DriftMetricNames.gaugeName(m.getKey())).getValue()).as(m.getKey()).isEqualTo(m.getValue());
                Double threshold = r.thresholds.get(m.getKey());
                assertThat(gauges.get(DriftMetricNames.gaugeName(m.getKey()) + "_threshold").getValue()).as(m.getKey())
                        .isEqualTo(threshold == null ? Double.NaN : threshold);
            }
            assertThat(r.thresholds).isNotEmpty();
            assertThat(gauges.get("alerts").getValue()).isEqualTo(r.alerts.size());
            assertThat(gauges.get("drifted").getValue()).isEqualTo(r.drifted ? 1 : 0);
            assertThat(gauges.get("window_records").getValue()).isEqualTo(r.records);
            assertThat(gauges.get("calibrated").getValue()).isEqualTo("calibrated".equals(r.calibration) ? 1 : 0);
            assertThat(gauges.get("episode_open").getValue()).isEqualTo(r.episode != null && r.episode.open ? 1 : 0);
            assertThat(gauges.get("model_version").getValue()).isEqualTo(1L);
            String absent = DriftMetricNames.ALL.stream().filter(m -> !r.metrics.containsKey(m)).findFirst().orElseThrow();
            assertThat(gauges.get(DriftMetricNames.gaugeName(absent)).getValue()).as(absent + ", not in the report").isEqualTo(Double.NaN);
            assertThat(gauges.get(DriftMetricNames.gaugeName(absent) + "_alerting").getValue()).isEqualTo(0);
        }
    }

    /** Only refused requests in a window (nothing scored): the version gauge keeps the serving version, also after a restore. */
    @Test
    void theVersionGaugeKeepsTheServingVersionThroughAWindowWithNothingScoredAndARestore() throws Exception {
        writeProfile(3);
        Map<String, String> settings = Map.of("drift.window.records", "1000");
        DriftWindowOperator operator = new DriftWindowOperator(DriftSettings.defaults(settings), registry.toString(), "marquee");
        OperatorSubtaskState snapshot;
        try (var h = new OneInputStreamOperatorTestHarness<>(operator)) {
            h.setProcessingTime(NOW);
            h.open();
            assertThat(operator.gaugedModelVersion()).isEqualTo(-1);
            h.processElement(new StreamRecord<>(requests(1_000)));
            h.processElement(new StreamRecord<>(stationary(1_000, 3, false)));
            assertThat(operator.gaugedModelVersion()).isEqualTo(3);
            h.processElement(new StreamRecord<>(refused(1_000)));
            assertThat(reports(h)).hasSize(2);
            assertThat(reports(h).get(1).modelVersion).as("nothing scored in the second window").isEqualTo(-1);
            assertThat(operator.gaugedModelVersion()).isEqualTo(3);
            snapshot = h.snapshot(1, NOW);
        }
        DriftWindowOperator restored = new DriftWindowOperator(DriftSettings.defaults(settings), registry.toString(), "marquee");
        try (var h = new OneInputStreamOperatorTestHarness<>(restored)) {
            h.setProcessingTime(NOW + 1);
            h.initializeState(snapshot);
            h.open();
            assertThat(restored.gaugedModelVersion()).isEqualTo(3);
        }
    }

    /** Restored after an hour down: one window from the restore on, not a burst of windows dated in the past. */
    @Test
    void aWindowRestoredAfterDowntimeEndsAWindowAfterTheRestore() throws Exception {
        writeProfile(1);
        Map<String, String> settings = Map.of("drift.window.ms", "10000");
        OperatorSubtaskState snapshot;
        try (var h = harness(settings)) {
            h.setProcessingTime(NOW);
            h.open();
            h.processElement(new StreamRecord<>(requests(500)));
            h.processElement(new StreamRecord<>(stationary(500, 1, false)));
            snapshot = h.snapshot(1, NOW + 1_000);
        }
        long restoredAt = NOW + 3_600_000;
        try (var h = harness(settings)) {
            h.setProcessingTime(restoredAt);
            h.initializeState(snapshot);
            h.open();
            h.processElement(new StreamRecord<>(requests(500)));
            h.processElement(new StreamRecord<>(stationary(500, 1, false)));
            assertThat(reports(h)).as("no window of the downtime ends at once").isEmpty();
            h.setProcessingTime(restoredAt + 10_000);
            DriftReport r = single(h);
            assertThat(r.windowStartMs).isEqualTo(restoredAt);
            assertThat(r.windowEndMs).isEqualTo(restoredAt + 10_000);
            assertThat(r.records).isEqualTo(1_000);
        }
    }

    /**
     * A job stopped and started from its savepoint paused: a drifted window before and one after are not two in a row
     * (the trigger sees a new numbering, a gap, too). A failover keeps the streaks, however long ago its checkpoint.
     */
    @Test
    void aRestoreIntoAnotherJobEndsEveryAlertStreakAndAFailoverDoesNot() throws Exception {
        writeProfile(1);
        Map<String, String> settings = Map.of("drift.window.ms", "10000", "drift.alert.windows", "2");
        OperatorSubtaskState snapshot;
        try (var h = harness(settings)) {
            h.setProcessingTime(NOW);
            h.open();
            h.processElement(new StreamRecord<>(requests(1_000)));
            h.processElement(new StreamRecord<>(stationary(1_000, 1, true)));
            h.setProcessingTime(NOW + 10_000);
            assertThat(single(h).alerts).as("one window over: not yet an alert").isEmpty();
            snapshot = h.snapshot(1, NOW + 10_500);
        }
        for (boolean anotherJob : new boolean[] {false, true}) {
            long restoredAt = NOW + 3_600_000;
            try (var h = anotherJob ? harness(settings, new org.apache.flink.api.common.JobID()) : harness(settings)) {
                h.setProcessingTime(restoredAt);
                h.initializeState(snapshot);
                h.open();
                h.processElement(new StreamRecord<>(requests(1_000)));
                h.processElement(new StreamRecord<>(stationary(1_000, 1, true)));
                h.setProcessingTime(restoredAt + 10_000);
                DriftReport r = single(h);
                if (!anotherJob) {
                    assertThat(r.alerts).as("a failover an hour after its checkpoint: the streak goes on").isNotEmpty();
                } else {
                    assertThat(r.alerts).as("restored into another job: a streak of one").isEmpty();
                    assertThat(r.drifted).isFalse();
                }
            }
        }
    }

    private static final org.apache.flink.api.common.JobID JOB = new org.apache.flink.api.common.JobID();

    /**
     * A savepoint restored into a new job on a TaskManager whose clock is behind the old run's start: the new run's
     * numbering still starts later than the old one's, as the retraining trigger follows the newer run.
     */
    @Test
    void aRestoreIntoAnotherJobStartsANewerRunEvenOnAClockBehind() throws Exception {
        writeProfile(1);
        Map<String, String> settings = Map.of("drift.window.ms", "10000");
        OperatorSubtaskState snapshot;
        long oldRun;
        try (var h = harness(settings)) {
            h.setProcessingTime(NOW + 600_000);
            h.open();
            h.processElement(new StreamRecord<>(requests(1_000)));
            h.setProcessingTime(NOW + 610_000);
            oldRun = single(h).runStartedAtMs;
            snapshot = h.snapshot(1, NOW + 610_500);
        }
        assertThat(oldRun).isEqualTo(NOW + 600_000);
        java.util.Set<Long> runs = new java.util.HashSet<>();
        for (org.apache.flink.api.common.JobID job : List.of(new org.apache.flink.api.common.JobID(0, 1),
                new org.apache.flink.api.common.JobID(0, 2))) { // the same savepoint restored twice
            try (var h = harness(settings, job)) {
                h.setProcessingTime(NOW); // ten minutes behind
                h.initializeState(snapshot);
                h.open();
                h.processElement(new StreamRecord<>(requests(1_000)));
                h.setProcessingTime(NOW + 10_000);
                long run = single(h).runStartedAtMs;
                assertThat(run).isGreaterThan(oldRun);
                runs.add(run);
            }
        }
        assertThat(runs).as("two jobs restored from one savepoint: two runs").hasSize(2);
    }

    /** A harness of the job {@link #JOB}: a restore into it is a failover's. */
    private OneInputStreamOperatorTestHarness<DriftCounts, DriftReport> harness(Map<String, String> settings) throws Exception {
        return harness(settings, JOB);
    }

    private OneInputStreamOperatorTestHarness<DriftCounts, DriftReport> harness(Map<String, String> settings,
            org.apache.flink.api.common.JobID job) throws Exception {
        return new OneInputStreamOperatorTestHarness<>(
                new DriftWindowOperator(DriftSettings.defaults(settings), registry.toString(), "marquee"),
                new org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder().setJobID(job).build());
    }

    private void writeProfile(long version) throws Exception {
        Path file = registry.resolve("marquee").resolve(Long.toString(version)).resolve(ReferenceBuckets.PROFILE_PATH);
        Files.createDirectories(file.getParent());
        DriftFixtures.profile(1).write(file);
    }

    private static DriftCounts stationary(int n, long version, boolean unseenUsers) {
        ReferenceBuckets ref = ReferenceBuckets.of(version, DriftFixtures.profile(1));
        DriftCounts c = DriftCounts.forVersion(ref, LogBuckets.latencyMs(), LogBuckets.lagSeconds());
        Random random = new Random(n);
        for (int i = 0; i < n; i++) {
            Prediction p = DriftFixtures.stationary(random, version, NOW);
            if (unseenUsers) {
                p.userId = "new-" + i;
                p.oovUserId = true;
            }
            c.countPrediction(p, ref, LogBuckets.latencyMs(), LogBuckets.lagSeconds(), NOW, 300_000);
        }
        return c;
    }

    private static DriftCounts requests(int n) {
        DriftCounts c = new DriftCounts();
        for (int i = 0; i < n; i++) c.countValid(new RatingRequest("r", "1", "A", DriftFixtures.T0), 32);
        return c;
    }

    private static DriftCounts refused(int n) {
        DriftCounts c = new DriftCounts();
        dev.marquee.data.event.DeadLetter d = new dev.marquee.data.event.DeadLetter();
        d.errorCode = dev.marquee.data.event.ErrorCode.MISSING_FIELD;
        for (int i = 0; i < n; i++) c.countInvalid(d);
        return c;
    }

    private static List<DriftReport> reports(OneInputStreamOperatorTestHarness<DriftCounts, DriftReport> h) {
        return h.extractOutputValues();
    }

    private static DriftReport single(OneInputStreamOperatorTestHarness<DriftCounts, DriftReport> h) {
        List<DriftReport> out = reports(h);
        assertThat(out).hasSize(1);
        return out.get(0);
    }
}

package dev.marquee.data.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.Alert;
import dev.marquee.data.event.DriftReport;
import org.junit.jupiter.api.Test;

class AlertTrackerTest {
    @Test
    void alertsOnlyAfterTheConfiguredConsecutiveWindows() {
        AlertTracker tracker = new AlertTracker(3);
        assertThat(apply(tracker, 0.5).alerts).isEmpty();
        assertThat(apply(tracker, 0.5).alerts).isEmpty();
        DriftReport third = apply(tracker, 0.4);
        assertThat(third.drifted).isTrue();
        assertThat(third.alerts).singleElement().satisfies(a -> {
            assertThat(a.metric).isEqualTo("user_id.oov_rate");
            assertThat(a.value).isEqualTo(0.4);
            assertThat(a.threshold).isEqualTo(0.1);
            assertThat(a.windows).isEqualTo(3);
        });
        assertThat(apply(tracker, 0.6).alerts).extracting(a -> a.windows).containsExactly(4);
    }

    @Test
    void aWindowUnderTheThresholdOrWithoutTheMetricResetsTheStreak() {
        AlertTracker tracker = new AlertTracker(2);
        apply(tracker, 0.5);
        apply(tracker, 0.05);
        assertThat(apply(tracker, 0.5).alerts).isEmpty();
        DriftReport missing = new DriftReport();
        missing.thresholds.put("user_id.oov_rate", 0.1);
        tracker.apply(missing);
        assertThat(apply(tracker, 0.5).alerts).isEmpty();
        assertThat(apply(tracker, 0.5).drifted).isTrue();
    }

    @Test
    void aValueEqualToTheThresholdDoesNotCount() {
        AlertTracker tracker = new AlertTracker(1);
        assertThat(apply(tracker, 0.1).alerts).isEmpty();
    }

    @Test
    void streaksSurviveARestart() {
        AlertTracker before = new AlertTracker(2);
        apply(before, 0.5);
        AlertTracker after = new AlertTracker(2, before.streaks(), before.modelVersion());
        assertThat(apply(after, 0.5).alerts).extracting(Alert::toString).hasSize(1);
    }

    @Test
    void aNewModelVersionStartsEveryCountAgain() {
        AlertTracker tracker = new AlertTracker(2);
        apply(tracker, 0.5, 1);
        assertThat(apply(tracker, 0.5, 1).alerts).hasSize(1);
        assertThat(apply(tracker, 0.5, 2).alerts).as("first window of version 2").isEmpty();
        assertThat(apply(tracker, 0.5, 2).alerts).hasSize(1);
        assertThat(apply(tracker, 0.5, -1).alerts).as("a report without predictions keeps the version").hasSize(1);
    }

    @Test
    void aLatencyAlertIsListedButDoesNotMakeTheReportDrifted() {
        AlertTracker tracker = new AlertTracker(2);
        for (int i = 1; i <= 2; i++) {
            DriftReport r = new DriftReport();
            r.modelVersion = 1;
            r.metrics.put("latency.p99_ms", 4_000.0);
            r.thresholds.put("latency.p99_ms", 1_000.0);
            r.metrics.put("user_id.oov_rate", 0.01);
            r.thresholds.put("user_id.oov_rate", 0.1);
            tracker.apply(r);
            if (i == 2) {
                assertThat(r.alerts).extracting(a -> a.metric).containsExactly("latency.p99_ms");
                assertThat(r.alerts.get(0).windows).isEqualTo(2);
                assertThat(r.drifted).isFalse();
            }
        }
        // a data metric alerting beside it makes the report drifted
        AlertTracker one = new AlertTracker(1);
        DriftReport r = new DriftReport();
        r.metrics.put("latency.p99_ms", 4_000.0);
        r.thresholds.put("latency.p99_ms", 1_000.0);
        r.metrics.put("user_id.oov_rate", 0.5);
        r.thresholds.put("user_id.oov_rate", 0.1);
        one.apply(r);
        assertThat(r.alerts).extracting(a -> a.metric).containsExactlyInAnyOrder("latency.p99_ms", "user_id.oov_rate");
        assertThat(r.drifted).isTrue();
        assertThat(AlertTracker.isOperational("latency.p50_ms")).isTrue();
        assertThat(AlertTracker.isOperational("labels.estimated_rmse")).isFalse();
    }

    /**
     * A producer's new field, refused requests or clock: schema drift (drifted, an episode), but no retrain could
     * answer it; the model's own refusals could be.
     */
    @Test
    void schemaAndFutureTimestampAlertsAreDriftThatNoRetrainAnswers() {
        for (String metric : java.util.List.of(DriftMetricNames.UNEXPECTED_FIELD_RATE, DriftMetricNames.INVALID_RATE,
                DriftMetricNames.INVALID_RATE_CODE_PREFIX + "MISSING_FIELD", DriftMetricNames.TYPE_CHANGE_RATE,
                DriftMetricNames.FUTURE_RATE)) {
            AlertTracker tracker = new AlertTracker(1);
            DriftReport r = new DriftReport();
            r.modelVersion = 1;
            r.metrics.put(metric, 1.0);
            r.thresholds.put(metric, 0.01);
            r.metrics.put("user_id.oov_rate", 0.01);
            r.thresholds.put("user_id.oov_rate", 0.1);
            tracker.apply(r);
            assertThat(r.alerts).as(metric).extracting(a -> a.metric).containsExactly(metric);
            assertThat(r.drifted).as(metric).isTrue();
            assertThat(AlertTracker.retrainCouldAnswer(r)).as(metric).isFalse();
        }
        for (String metric : java.util.List.of(DriftMetricNames.INVALID_RATE_CODE_PREFIX + "SCORING_FAILED",
                DriftMetricNames.INVALID_RATE_CODE_PREFIX + "MODEL_INPUT_UNREPRESENTABLE", DriftMetricNames.TITLE_OOV,
                DriftMetricNames.SLICE_GAP, DriftMetricNames.HOUR_JS)) {
            assertThat(AlertTracker.isInputQuality(metric)).as(metric).isFalse();
        }
        DriftReport both = new DriftReport();
        both.metrics.put(DriftMetricNames.UNEXPECTED_FIELD_RATE, 1.0);
        both.thresholds.put(DriftMetricNames.UNEXPECTED_FIELD_RATE, 0.01);
        both.metrics.put(DriftMetricNames.TITLE_OOV, 0.5);
        both.thresholds.put(DriftMetricNames.TITLE_OOV, 0.1);
        new AlertTracker(1).apply(both);
        assertThat(AlertTracker.retrainCouldAnswer(both)).as("new titles beside the new field").isTrue();
    }

    private static DriftReport apply(AlertTracker tracker, double value) {
        return apply(tracker, value, 1);
    }

    private static DriftReport apply(AlertTracker tracker, double value, long version) {
        DriftReport r = new DriftReport();
        r.modelVersion = version;
        r.metrics.put("user_id.oov_rate", value);
        r.thresholds.put("user_id.oov_rate", 0.1);
        r.metrics.put("user_id.js", 0.01);
        r.thresholds.put("user_id.js", 0.1);
        tracker.apply(r);
        return r;
    }
}

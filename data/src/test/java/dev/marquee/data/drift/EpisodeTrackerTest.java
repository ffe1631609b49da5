package dev.marquee.data.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.DriftReport;
import dev.marquee.data.event.Episode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EpisodeTrackerTest {
    private static final String OOV = DriftMetricNames.USER_OOV;
    private static final String JS = DriftMetricNames.TITLE_JS;
    private static final String LATENCY = DriftMetricNames.LATENCY_P99;
    private static final List<Episode.CategoryShift> NO_SHIFTS = List.of();

    private final AlertTracker alerts = new AlertTracker(1);
    private final EpisodeTracker episodes = new EpisodeTracker();
    private long sequence = 40;

    @Test
    void nothingOpensWhileNoReportIsDrifted() {
        DriftReport r = report(Map.of(OOV, 0.01));
        assertThat(r.episode).isNull();
        assertThat(episodes.open).isFalse();
    }

    @Test
    void opensOnTheFirstDriftedReport() {
        report(Map.of(OOV, 0.01));
        DriftReport first = report(Map.of(OOV, 0.5));
        assertThat(first.drifted).isTrue();
        Episode e = first.episode;
        assertThat(e.event).isEqualTo(Episode.OPENED);
        assertThat(e.id).isEqualTo(first.sequence).isEqualTo(42);
        assertThat(e.open).isTrue();
        assertThat(e.openedAtMs).isEqualTo(first.windowEndMs);
        assertThat(e.windows).isEqualTo(1);
        assertThat(e.movers).extracting(m -> m.metric).containsExactly(OOV);
    }

    @Test
    void staysOpenWhileAnyMetricIsOverItsThresholdAndClosesAfterQuietReports() {
        DriftReport opening = report(Map.of(OOV, 0.5));
        // Over its threshold but not alerting (a 3-window rule would hold it back): still not quiet.
        DriftReport over = report(Map.of(OOV, 0.01, JS, 0.2), new AlertTracker(3));
        assertThat(over.drifted).isFalse();
        assertThat(over.episode.event).isNull();
        assertThat(over.episode.open).isTrue();
        assertThat(over.episode.movers).extracting(m -> m.metric).containsExactly(JS);
        DriftReport quiet1 = report(Map.of(OOV, 0.01));
        DriftReport quiet2 = report(Map.of(OOV, 0.01));
        assertThat(quiet2.episode.open).as("2 of 3 quiet reports").isTrue();
        assertThat(quiet2.episode.event).isNull();
        assertThat(quiet1.episode.movers).isEmpty();
        DriftReport closing = report(Map.of(OOV, 0.01));
        assertThat(closing.episode.event).isEqualTo(Episode.CLOSED);
        assertThat(closing.episode.open).isFalse();
        assertThat(closing.episode.id).isEqualTo(opening.sequence);
        assertThat(closing.episode.windows).isEqualTo(5);
        assertThat(report(Map.of(OOV, 0.01)).episode).as("after it closed").isNull();

        DriftReport again = report(Map.of(OOV, 0.6));
        assertThat(again.episode.event).isEqualTo(Episode.OPENED);
        assertThat(again.episode.id).as("a new episode").isEqualTo(again.sequence).isNotEqualTo(opening.sequence);
        assertThat(again.episode.windows).isEqualTo(1);
    }

    @Test
    void aMetricOverItsThresholdStartsTheQuietCountAgain() {
        report(Map.of(OOV, 0.5));
        report(Map.of(OOV, 0.01));
        report(Map.of(OOV, 0.01));
        report(Map.of(OOV, 0.5));
        report(Map.of(OOV, 0.01));
        DriftReport r = report(Map.of(OOV, 0.01));
        assertThat(r.episode.open).isTrue();
        assertThat(report(Map.of(OOV, 0.01)).episode.event).isEqualTo(Episode.CLOSED);
    }

    @Test
    void moversAreRankedByValueOverThreshold() {
        DriftReport r = new DriftReport();
        r.sequence = 1;
        put(r, "a.x", 0.3, 0.1); // 3x
        put(r, "b.x", 0.5, 0.25); // 2x
        put(r, "c.x", 0.9, 0.2); // 4.5x
        put(r, "d.x", 0.1, 0.2); // under
        put(r, "e.x", 0.2, 0.2); // equal: not over
        put(r, LATENCY, 900.0, 100.0); // 9x, but operational
        r.drifted = true;
        episodes.apply(r, 3, NO_SHIFTS);
        assertThat(r.episode.movers).extracting(m -> m.metric).containsExactly("c.x", "a.x", "b.x");
        Episode.Mover top = r.episode.movers.get(0);
        assertThat(top.feature).isEqualTo("c");
        assertThat(top.value).isEqualTo(0.9);
        assertThat(top.threshold).isEqualTo(0.2);
        assertThat(top.ratio).isEqualTo(0.9 / 0.2);
    }

    @Test
    void keepsTheFiveLargestMoversAndTheTitlesThatGrew() {
        DriftReport r = new DriftReport();
        for (int i = 1; i <= 7; i++) put(r, "m" + i + ".x", i, 0.5);
        r.drifted = true;
        List<Episode.CategoryShift> titles = List.of(new Episode.CategoryShift("Heat (1995)", 0.3, 0.01));
        episodes.apply(r, 3, titles);
        assertThat(r.episode.movers).extracting(m -> m.metric)
                .containsExactly("m7.x", "m6.x", "m5.x", "m4.x", "m3.x");
        assertThat(r.episode.titlesGrown).isEqualTo(titles);
    }

    @Test
    void latencyAloneOpensNoEpisode() {
        DriftReport r = report(Map.of(OOV, 0.01, LATENCY, 5_000.0));
        assertThat(r.alerts).extracting(a -> a.metric).containsExactly(LATENCY);
        assertThat(r.drifted).isFalse();
        assertThat(r.episode).isNull();
        assertThat(episodes.open).isFalse();
    }

    @Test
    void latencyOverItsThresholdDoesNotHoldAnEpisodeOpen() {
        report(Map.of(OOV, 0.5));
        report(Map.of(OOV, 0.01, LATENCY, 5_000.0));
        report(Map.of(OOV, 0.01, LATENCY, 5_000.0));
        DriftReport r = report(Map.of(OOV, 0.01, LATENCY, 5_000.0));
        assertThat(r.episode.event).isEqualTo(Episode.CLOSED);
        assertThat(r.episode.movers).isEmpty();
    }

    /** Traffic pauses while labels still arrive: windows too small to measure neither close nor reset the episode. */
    @Test
    void windowsThatMeasuredNoDistributionDoNotCloseAnEpisode() {
        report(Map.of(OOV, 0.5));
        report(Map.of(OOV, 0.01));
        for (int i = 0; i < 4; i++) {
            DriftReport pause = report(Map.of(DriftMetricNames.LABELS_RMSE, 0.9));
            assertThat(pause.episode.open).as("pause %d", i).isTrue();
            assertThat(pause.episode.event).isNull();
        }
        report(Map.of(OOV, 0.01));
        assertThat(report(Map.of(OOV, 0.01)).episode.event).as("the third measured quiet report").isEqualTo(Episode.CLOSED);
    }

    /**
     * Title drift opened the episode; for a while the scoring subtasks count without the version's profile, so the
     * titles go unmeasured while the user metrics are measured: those windows are no quiet ones for the episode.
     */
    @Test
    void windowsWhoseMoversWentUnmeasuredForWantOfTheProfileDoNotCloseTheEpisode() {
        report(Map.of(OOV, 0.01, JS, 0.4));
        report(Map.of(OOV, 0.01, JS, 0.4));
        for (int i = 0; i < 4; i++) {
            DriftReport r = new DriftReport();
            r.sequence = ++sequence;
            r.modelVersion = 1;
            r.metrics.put(OOV, 0.01);
            r.thresholds.putAll(Map.of(OOV, 0.1, JS, 0.05));
            r.unavailable.put(JS, DriftReports.PROFILE_NOT_READ_ON_SUBTASKS + " (version 1): ...");
            alerts.apply(r);
            episodes.apply(r, 3, NO_SHIFTS);
            assertThat(r.episode.open).as("window %d", i).isTrue();
            assertThat(r.episode.event).isNull();
        }
        report(Map.of(OOV, 0.01, JS, 0.01));
        report(Map.of(OOV, 0.01, JS, 0.01));
        assertThat(report(Map.of(OOV, 0.01, JS, 0.01)).episode.event).as("three measured quiet reports").isEqualTo(Episode.CLOSED);
    }

    /**
     * A producer's wrong types opened the episode while too few requests were scored to measure distributions (all
     * refused, or low traffic): once fixed, its windows measure the rate that moved, and the episode closes.
     */
    @Test
    void anEpisodeTheProducersPayloadsOpenedClosesOnceTheyAreFixedWithoutDistributionsMeasured() {
        DriftReport last = null;
        for (double rate : new double[] {0.5, 0.5, 0.0, 0.0, 0.0}) {
            last = reportWith(Map.of(DriftMetricNames.TYPE_CHANGE_RATE, rate), Map.of(DriftMetricNames.TYPE_CHANGE_RATE, 0.01));
        }
        assertThat(last.episode.event).as("three quiet windows that measured the rate").isEqualTo(Episode.CLOSED);
    }

    /** The seasonal metrics, over the rolling 28 days, do not measure the window: they close no episode of titles. */
    @Test
    void seasonalMetricsAloneDoNotCloseAnEpisode() {
        report(Map.of(OOV, 0.5));
        report(Map.of(OOV, 0.5));
        for (int i = 0; i < 4; i++) {
            DriftReport small = report(Map.of(DriftMetricNames.HOUR_JS, 0.01, DriftMetricNames.DAY_JS, 0.01));
            assertThat(small.episode.open).as("small window %d", i).isTrue();
        }
    }

    /** A code's invalid rate is written only for codes seen: fixed, its absence beside the total rate is a 0. */
    @Test
    void anEpisodeOfRefusedPayloadsClosesOnceTheTotalRateIsQuiet() {
        String code = DriftMetricNames.INVALID_RATE_CODE_PREFIX + "MISSING_FIELD";
        DriftReport last = null;
        for (double rate : new double[] {0.5, 0.5, 0.0, 0.0, 0.0}) {
            last = rate > 0
                    ? reportWith(Map.of(DriftMetricNames.INVALID_RATE, rate, code, rate),
                            Map.of(DriftMetricNames.INVALID_RATE, 0.05, code, 0.02))
                    : reportWith(Map.of(DriftMetricNames.INVALID_RATE, rate), Map.of(DriftMetricNames.INVALID_RATE, 0.05));
        }
        assertThat(last.episode.event).isEqualTo(Episode.CLOSED);
    }

    /** A small window's blip does not replace the distribution that opened the episode: it closes only measured. */
    @Test
    void aBlipInASmallWindowDoesNotCloseAnEpisodeItsDistributionOpened() {
        report(Map.of(OOV, 0.5));
        report(Map.of(OOV, 0.5));
        reportWith(Map.of(DriftMetricNames.TYPE_CHANGE_RATE, 0.05), Map.of(DriftMetricNames.TYPE_CHANGE_RATE, 0.01));
        for (int i = 0; i < 4; i++) {
            DriftReport small = reportWith(Map.of(DriftMetricNames.TYPE_CHANGE_RATE, 0.0),
                    Map.of(DriftMetricNames.TYPE_CHANGE_RATE, 0.01));
            assertThat(small.episode.open).as("small window %d: the titles were not measured again", i).isTrue();
        }
    }

    private DriftReport report(Map<String, Double> metrics) {
        return report(metrics, alerts);
    }

    /** A report with only these metrics and thresholds (no calibrated distribution: a small window), applied. */
    private DriftReport reportWith(Map<String, Double> metrics, Map<String, Double> thresholds) {
        return applied(metrics, thresholds, alerts);
    }

    /** A report with thresholds 0.1 (OOV), 0.05 (JS), 1,000 ms (latency), alerts from {@code tracker}, closing after 3. */
    private DriftReport report(Map<String, Double> metrics, AlertTracker tracker) {
        return applied(metrics, Map.of(OOV, 0.1, JS, 0.05, LATENCY, 1_000.0), tracker);
    }

    private DriftReport applied(Map<String, Double> metrics, Map<String, Double> thresholds, AlertTracker tracker) {
        DriftReport r = new DriftReport();
        r.sequence = ++sequence;
        r.windowStartMs = sequence * 10_000;
        r.windowEndMs = r.windowStartMs + 10_000;
        r.modelVersion = 1;
        r.metrics.putAll(metrics);
        r.thresholds.putAll(thresholds);
        tracker.apply(r);
        episodes.apply(r, 3, NO_SHIFTS);
        return r;
    }

    private static void put(DriftReport r, String metric, double value, double threshold) {
        r.metrics.put(metric, value);
        r.thresholds.put(metric, threshold);
    }
}

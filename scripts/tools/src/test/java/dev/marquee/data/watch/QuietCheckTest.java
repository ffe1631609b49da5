package dev.marquee.data.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.Alert;
import dev.marquee.data.event.DriftReport;
import dev.marquee.data.event.RetrainRequest;
import dev.marquee.data.json.EventCodec;
import org.junit.jupiter.api.Test;

class QuietCheckTest {

    @Test
    void holdsOnlyOnceEveryRequestIsWindowedAndTheGraceAfterItPassed() {
        QuietCheck quiet = new QuietCheck(1_001);
        quiet.report(report(1, 1), 0);
        quiet.report(report(2, 600), 1_000);
        assertThat(quiet.held(60_000)).as("400 requests not counted yet").isFalse();
        assertThat(quiet.pending()).isEqualTo("the drift reports counted 601 of the 1,001 requests in 2 windows");

        quiet.report(report(3, 400), 5_000);
        assertThat(quiet.held(5_000 + QuietCheck.GRACE_MS - 1)).as("a retrain request may still follow").isFalse();
        assertThat(quiet.held(5_000 + QuietCheck.GRACE_MS)).isTrue();
        assertThat(quiet.broken()).isNull();
        assertThat(quiet.summary()).isEqualTo("quiet: 3 drift windows over 1,001 requests, no drift alert, and no retrain"
                + " request in the 10 s after the last");
    }

    @Test
    void anAlertBreaksItAndNamesTheWindowAndWhatAlerted() {
        QuietCheck quiet = new QuietCheck(1_000);
        quiet.report(report(4, 500), 0);
        DriftReport alerting = report(5, 500);
        alerting.alerts.add(new Alert("movie_title.js", 0.31, 0.12, 2));
        quiet.report(alerting, 1_000);
        assertThat(quiet.broken()).isEqualTo("window #5 alerted on ordinary traffic: movie_title.js 0.31 > 0.12");
        assertThat(quiet.held(1_000_000)).isFalse();
    }

    /** Another writer's report with a null among its alerts is still judged on the others. */
    @Test
    void anAlertBesideANullStillBreaksIt() {
        QuietCheck quiet = new QuietCheck(1_000);
        DriftReport alerting = report(5, 500);
        alerting.alerts.add(null);
        alerting.alerts.add(new Alert("movie_title.js", 0.31, 0.12, 2));
        quiet.report(alerting, 1_000);
        assertThat(quiet.broken()).isEqualTo("window #5 alerted on ordinary traffic: movie_title.js 0.31 > 0.12");

        QuietCheck unnamed = new QuietCheck(1_000);
        DriftReport nameless = report(6, 500);
        nameless.alerts.add(new Alert(null, 0.31, 0.12, 2));
        unnamed.report(nameless, 1_000);
        assertThat(unnamed.broken()).as("an alert without a name is no latency alert").startsWith("window #6 alerted");
    }

    /** The job's health on a busy host (latency) is no drift alarm: it opens no episode and asks for no retrain. */
    @Test
    void anOperationalAlertIsNoFalseAlarm() {
        QuietCheck quiet = new QuietCheck(1_000);
        DriftReport slow = report(1, 1_000);
        slow.alerts.add(new Alert("latency.p99_ms", 1_500, 1_000, 2));
        quiet.report(slow, 0);
        assertThat(quiet.broken()).isNull();
        assertThat(quiet.held(QuietCheck.GRACE_MS)).isTrue();
    }

    @Test
    void aRetrainRequestBreaksItEvenAfterEveryRequestWasWindowed() {
        QuietCheck quiet = new QuietCheck(500);
        quiet.report(report(1, 500), 0);
        quiet.request(new RetrainRequest("r-1", "online RMSE 0.9800 over 0.9500 for 3 windows", 1));
        assertThat(quiet.broken()).isEqualTo("a retrain was requested on ordinary traffic: online RMSE 0.9800 over 0.9500 for 3 windows");
        assertThat(quiet.held(QuietCheck.GRACE_MS)).isFalse();
    }

    /**
     * Before a drift episode (run-local --exit): the windows within the ordinary requests must not alert, nor a retrain
     * be requested before they are counted; the episode's own alerts and request after them are expected.
     */
    @Test
    void beforeAnEpisodeOnlyTheOrdinaryRequestsWindowsAreHeldToQuiet() {
        QuietCheck episode = new QuietCheck(1_000, true);
        episode.report(report(1, 600), 0);
        DriftReport straddling = report(2, 600); // holds the episode's first 200 requests
        straddling.alerts.add(new Alert("movie_title.js", 0.5, 0.2, 2));
        episode.report(straddling, 1_000);
        episode.request(new RetrainRequest("r-1", "drifted for 3 consecutive windows", 2));
        assertThat(episode.broken()).isNull();

        QuietCheck early = new QuietCheck(1_000, true);
        DriftReport alerting = report(1, 600);
        alerting.alerts.add(new Alert("user_id.oov_rate", 0.3, 0.1, 2));
        early.report(alerting, 0);
        assertThat(early.broken()).startsWith("window #1 alerted on ordinary traffic");

        QuietCheck tooSoon = new QuietCheck(1_000, true);
        tooSoon.report(report(1, 600), 0);
        tooSoon.request(new RetrainRequest("r-1", "online RMSE 1.2 over 1.0", 1));
        assertThat(tooSoon.broken()).startsWith("a retrain was requested on ordinary traffic");

        // read when the reports had counted exactly the ordinary requests: it answers their windows, not the episode's
        QuietCheck atTheCount = new QuietCheck(1_000, true);
        atTheCount.report(report(1, 600), 0);
        atTheCount.report(report(2, 400), 1_000);
        atTheCount.request(new RetrainRequest("r-1", "online RMSE 1.2 over 1.0", 2));
        assertThat(atTheCount.broken()).startsWith("a retrain was requested on ordinary traffic");
    }

    /** An exactly-once trigger's requests are read at its checkpoints: the grace after the last window is the caller's. */
    @Test
    void theGraceAfterTheLastWindowIsTheCallers() {
        QuietCheck quiet = new QuietCheck(600, false, 30_000);
        quiet.report(report(1, 600), 5_000);
        assertThat(quiet.held(5_000 + QuietCheck.GRACE_MS)).as("the default grace is not enough here").isFalse();
        assertThat(quiet.held(35_000)).isTrue();
        assertThat(quiet.summary()).endsWith("no retrain request in the 30 s after the last");
    }

    @Test
    void aWindowTooSmallToCompareIsCountedAsSuch() {
        QuietCheck quiet = new QuietCheck(250);
        DriftReport small = report(1, 250);
        small.metrics.clear();
        small.unavailable.put("movie_title.oov_rate", "window had 250 scored requests, under drift.min-records (300)");
        quiet.report(small, 0);
        assertThat(quiet.summary()).contains("1 drift windows over 250 requests (1 not compared)");
    }

    /** run-local --no-drift --rows 250: windows under drift.min-records compare nothing, so they show nothing quiet. */
    @Test
    void windowsTooSmallToCompareShowNothingQuiet() {
        QuietCheck quiet = new QuietCheck(251);
        quiet.report(tooSmall(1, 1), 0);
        quiet.report(tooSmall(2, 250), 1_000);
        assertThat(quiet.held(1_000 + QuietCheck.GRACE_MS)).isTrue();
        assertThat(quiet.nothingCompared()).isEqualTo("no drift window within the first 251 requests was compared (the"
                + " last: 250 scored requests, under drift.min-records (300)), so nothing shows them quiet: replay more requests");

        // a model that refuses every request: windows of dead letters only, which more requests would not help
        QuietCheck refused = new QuietCheck(100);
        DriftReport deadLetters = report(1, 100);
        deadLetters.metrics.clear();
        deadLetters.scoredCount = 0;
        refused.report(deadLetters, 0);
        assertThat(refused.nothingCompared()).isEqualTo("no drift window within the first 100 requests was compared (the"
                + " last: nothing was scored in the window), so nothing shows them quiet");

        QuietCheck compared = new QuietCheck(1_001);
        compared.report(tooSmall(1, 1), 0);
        compared.report(report(2, 1_000), 0);
        assertThat(compared.nothingCompared()).isNull();
    }

    /**
     * At-least-once, a failover sends the windows since the last checkpoint again, measured anew over the same
     * requests: counted once, or the quiet would hold before the last requests were compared.
     */
    @Test
    void windowsSentAgainAfterAFailoverAreCountedOnce() {
        QuietCheck quiet = new QuietCheck(1_500);
        quiet.report(run(7, report(1, 600)), 0);
        quiet.report(run(7, report(2, 600)), 1_000);
        DriftReport again = run(7, report(2, 500));
        again.afterFailover = true;
        quiet.report(again, 2_000);
        quiet.report(run(7, report(3, 350)), 3_000);
        assertThat(quiet.pending()).isEqualTo("the drift reports counted 1,450 of the 1,500 requests in 3 windows");
        assertThat(quiet.held(1_000_000)).isFalse();

        // a job started afresh numbers from 1 again: its windows are new ones
        quiet.report(run(99, report(1, 50)), 4_000);
        assertThat(quiet.pending()).isEqualTo("the drift reports counted 1,500 of the 1,500 requests in 4 windows");
        assertThat(quiet.held(4_000 + QuietCheck.GRACE_MS)).isTrue();
    }

    /** The count reached N, then a failover sent those windows again: N is reached anew, and the grace with it. */
    @Test
    void aFailoverBackBelowTheCountWaitsForItAgain() {
        QuietCheck quiet = new QuietCheck(1_200);
        quiet.report(run(7, report(1, 600)), 0);
        quiet.report(run(7, report(2, 600)), 1_000);
        quiet.report(run(7, report(2, 500)), 2_000);
        assertThat(quiet.held(1_000 + QuietCheck.GRACE_MS)).isFalse();
        quiet.report(run(7, report(3, 100)), 3_000);
        assertThat(quiet.held(3_000 + QuietCheck.GRACE_MS - 1)).isFalse();
        assertThat(quiet.held(3_000 + QuietCheck.GRACE_MS)).isTrue();
    }

    /** Jobs from before run_started_at_ms (0) number each start from 1: nothing is taken for a window sent again. */
    @Test
    void reportsOfJobsWithoutARunStartAreAllCounted() {
        QuietCheck quiet = new QuietCheck(1_300);
        quiet.report(report(1, 600), 0);
        quiet.report(report(2, 600), 1_000);
        quiet.report(report(1, 100), 2_000);
        assertThat(quiet.pending()).isEqualTo("the drift reports counted 1,300 of the 1,300 requests in 3 windows");
        assertThat(quiet.held(2_000 + QuietCheck.GRACE_MS)).isTrue();
    }

    /**
     * run-local --exit: the switch to a retrained version tells the story only after quiet ordinary windows, a drift
     * alert once the episode started and a retrain request after it (the online RMSE's too); not without the alert.
     */
    @Test
    void theEpisodesStoryNeedsAComparedQuietWindowThenADriftAlertThenARetrainRequest() {
        QuietCheck story = new QuietCheck(1_000, true);
        story.report(report(1, 600), 0);
        assertThat(story.episodeMissing()).isEqualTo("no drift alert came after the first 1,000 requests (the drift episode's)");
        DriftReport overLatency = report(2, 600);
        overLatency.alerts.add(new Alert("latency.p99_ms", 1_500, 1_000, 2));
        story.report(overLatency, 1_000);
        story.request(new RetrainRequest("r-1", "online RMSE 1.2 over 1.0", 2));
        assertThat(story.episodeMissing()).as("a latency alert is no drift alert")
                .startsWith("no drift alert came after");
        DriftReport drifted = report(3, 600);
        drifted.alerts.add(new Alert("movie_title.oov_rate", 1, 0.05, 2));
        story.report(drifted, 2_000);
        assertThat(story.episodeMissing()).isNull();
        assertThat(story.broken()).isNull();

        QuietCheck noRequest = new QuietCheck(1_000, true);
        noRequest.report(report(1, 600), 0);
        noRequest.report(drifted, 1_000);
        assertThat(noRequest.episodeMissing()).isEqualTo("no retrain was requested after the drift episode started");

        QuietCheck nothingCompared = new QuietCheck(1_000, true);
        nothingCompared.report(tooSmall(1, 1), 0);
        DriftReport straddling = report(2, 1_200);
        straddling.alerts.add(new Alert("movie_title.oov_rate", 1, 0.05, 2));
        nothingCompared.report(straddling, 1_000);
        nothingCompared.request(new RetrainRequest("r-1", "drifted for 3 consecutive windows", 2));
        assertThat(nothingCompared.episodeMissing()).as("the one window of ordinary requests reaches past them")
                .startsWith("no drift window within the first 1,000 requests was compared");
    }

    /** The watch feeds its own model's reports and requests to the check, and not another model's. */
    @Test
    void theWatchCountsOnlyItsOwnModelsEvents() {
        EventWatch watch = new EventWatch(3, -1, "marquee").quietThrough(1_000);
        DriftReport theirs = report(1, 1_000);
        theirs.modelName = "another";
        theirs.alerts.add(new Alert("user_id.oov_rate", 0.9, 0.1, 2));
        watch.lineFor(EventWatch.DRIFT_METRICS, EventCodec.of(DriftReport.class).encode(theirs));
        RetrainRequest theirRequest = new RetrainRequest("r-9", "drifted", 1);
        theirRequest.modelName = "another";
        watch.lineFor(EventWatch.RETRAIN_REQUESTS, EventCodec.of(RetrainRequest.class).encode(theirRequest));
        assertThat(watch.quiet().broken()).isNull();
        assertThat(watch.quiet().pending()).startsWith("the drift reports counted 0 of");

        DriftReport ours = report(1, 1_000);
        ours.modelName = "marquee";
        watch.lineFor(EventWatch.DRIFT_METRICS, EventCodec.of(DriftReport.class).encode(ours));
        RetrainRequest ourRequest = new RetrainRequest("r-1", "drifted", 1);
        ourRequest.modelName = "marquee";
        watch.lineFor(EventWatch.RETRAIN_REQUESTS, EventCodec.of(RetrainRequest.class).encode(ourRequest));
        assertThat(watch.quiet().pending()).startsWith("the drift reports counted 1,000 of");
        assertThat(watch.quiet().broken()).isEqualTo("a retrain was requested on ordinary traffic: drifted");
    }

    /** Another writer's report with nulls where the job writes none reaches the check, its alerts judged, and is shown. */
    @Test
    void theWatchJudgesAndShowsAReportWithNulls() {
        EventWatch watch = new EventWatch(3, -1, "marquee").quietThrough(1_000);
        String json = "{\"model_name\":\"marquee\",\"sequence\":4,\"records\":500,\"model_version\":1,\"metrics\":null,"
                + "\"unavailable\":null,\"alerts\":[null,{\"metric\":\"movie_title.js\",\"value\":0.31,\"threshold\":0.12,"
                + "\"windows\":2}]}";
        assertThat(watch.lineFor(EventWatch.DRIFT_METRICS, json.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .endsWith("movie_title.js 0.31 > 0.12");
        assertThat(watch.quiet().broken()).isEqualTo("window #4 alerted on ordinary traffic: movie_title.js 0.31 > 0.12");
    }

    private static DriftReport run(long startedAtMs, DriftReport r) {
        r.runStartedAtMs = startedAtMs;
        return r;
    }

    private static DriftReport tooSmall(long sequence, long records) {
        DriftReport r = report(sequence, records);
        r.metrics.clear();
        r.unavailable.put("movie_title.oov_rate", "window had " + records + " scored requests, under drift.min-records (300)");
        return r;
    }

    /** A window whose distributions were compared (a calibrated metric measured). */
    private static DriftReport report(long sequence, long records) {
        DriftReport r = new DriftReport();
        r.sequence = sequence;
        r.records = records;
        r.scoredCount = records;
        r.modelVersion = 1;
        r.metrics.put("movie_title.js", 0.01);
        return r;
    }
}

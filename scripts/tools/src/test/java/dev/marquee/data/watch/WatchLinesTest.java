package dev.marquee.data.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.data.event.Alert;
import dev.marquee.data.event.DriftReport;
import dev.marquee.data.event.ModelStatus;
import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.RetrainOutcome;
import dev.marquee.data.event.RetrainRequest;
import dev.marquee.data.json.EventCodec;
import dev.marquee.data.json.EventCodecException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WatchLinesTest {

    /** One event, one line: a failed retrain's reason, an exception's text, keeps its line breaks out of the output. */
    @Test
    void aReasonOverSeveralLinesIsPrintedOnOne() {
        RetrainOutcome failed = outcome(RetrainOutcome.FAILED, 0, "java.io.IOException: disk full\n\tat x.Y.z(Y.java:1)\r\n");
        String printed = dev.marquee.tools.TerminalText.oneLine(WatchLines.outcome(failed));
        assertThat(printed).doesNotContain("\n", "\r")
                .endsWith("FAILED: java.io.IOException: disk full\\u000A\tat x.Y.z(Y.java:1)\\u000D\\u000A");
    }

    @Test
    void aQuietWindowIsOkAndADriftedOneNamesItsAlertsWithValueAndThreshold() {
        DriftReport quiet = report(4, 1_000);
        quiet.metrics.put("labels.rmse", 1.04321);
        assertThat(WatchLines.drift(quiet)).isEqualTo("drift       window #4: 1,000 requests, model v1, online RMSE 1.043: OK");

        DriftReport drifted = report(5, 1_000);
        drifted.alerts.add(new Alert("user_id.oov_rate", 0.78, 0.1, 2));
        drifted.alerts.add(new Alert("latency.p99_ms", 1234.5, 1000, 2));
        drifted.drifted = true;
        assertThat(WatchLines.drift(drifted))
                .isEqualTo("drift       window #5: 1,000 requests, model v1: DRIFTED user_id.oov_rate 0.78 > 0.1, latency.p99_ms 1235 > 1000");
    }

    @Test
    void aWindowBeforeTheFirstPredictionSaysSoInsteadOfNamingAVersion() {
        DriftReport early = report(1, 800);
        early.modelVersion = -1;
        assertThat(WatchLines.drift(early)).isEqualTo("drift       window #1: 800 requests, none scored yet: OK");
    }

    /** Below drift.min-records no distribution is compared, so no alert can fire: "OK" would say more than is known. */
    @Test
    void aWindowTooSmallToCompareSaysSoInsteadOfOk() {
        DriftReport small = report(3, 250);
        small.metrics.clear();
        small.unavailable.put("movie_title.oov_rate", "window had 250 scored requests, under drift.min-records (300)");
        small.unavailable.put("user_id.oov_rate", "window had 250 scored requests, under drift.min-records (300)");
        assertThat(WatchLines.drift(small)).isEqualTo(
                "drift       window #3: 250 requests, model v1: not compared: 250 scored requests, under drift.min-records (300)");

        DriftReport noErrorModel = report(4, 1_000);
        noErrorModel.unavailable.put("labels.estimated_rmse", "version 1 has no error model");
        assertThat(WatchLines.drift(noErrorModel)).as("another metric unavailable: compared all the same").endsWith(": OK");
    }

    /**
     * drift.min-records below the calibration's smallest window: the job leaves the calibrated metrics out with its
     * own reason, and a window of dead letters only has nothing scored. Neither compared anything, so neither is "OK".
     */
    @Test
    void aWindowWithoutItsCalibratedMetricsIsNotCompared() {
        DriftReport underCalibration = report(5, 150);
        underCalibration.metrics.clear();
        underCalibration.metrics.put("schema.invalid_rate", 0.0);
        underCalibration.metrics.put("timestamp.hour_js", 0.02); // over 28 days: not this window's comparison
        String why = "window of 150 scored requests, under the 200 of the version's smallest calibrated window: its"
                + " thresholds would be too tight";
        for (String metric : dev.marquee.data.drift.DriftMetricNames.CALIBRATED) {
            if (!metric.equals("timestamp.hour_js")) underCalibration.unavailable.put(metric, why);
        }
        assertThat(WatchLines.drift(underCalibration)).endsWith(": not compared: " + why);

        DriftReport deadLettersOnly = report(6, 80);
        deadLettersOnly.metrics.clear();
        deadLettersOnly.scoredCount = 0;
        deadLettersOnly.metrics.put("schema.invalid_rate", 1.0);
        assertThat(WatchLines.drift(deadLettersOnly)).endsWith(": not compared: nothing was scored in the window");
    }

    /** The schema rates are measured in a window too small to compare distributions: one over its threshold shows. */
    @Test
    void aWindowTooSmallToCompareStillShowsASchemaRateOverItsThreshold() {
        DriftReport small = report(3, 40);
        small.metrics.clear();
        small.unavailable.put("movie_title.oov_rate", "window had 40 scored requests, under drift.min-records (500)");
        small.metrics.put("schema.invalid_rate", 0.9);
        small.thresholds.put("schema.invalid_rate", 0.05);
        assertThat(WatchLines.drift(small)).isEqualTo("drift       window #3: 40 requests, model v1: not compared: 40 scored"
                + " requests, under drift.min-records (500); over threshold, not alerting yet (an alert takes"
                + " drift.alert.windows windows in a row): schema.invalid_rate 0.9 > 0.05");
    }

    /** The first window of a streak is over its threshold without an alert yet: not "OK". */
    @Test
    void aWindowOverAThresholdBeforeItsAlertSaysSoInsteadOfOk() {
        DriftReport first = report(8, 479);
        first.metrics.put("movie_title.oov_rate", 0.33);
        first.thresholds.put("movie_title.oov_rate", 0.05);
        first.metrics.put("user_id.oov_rate", 0.01);
        first.thresholds.put("user_id.oov_rate", 0.05);
        assertThat(WatchLines.drift(first)).isEqualTo("drift       window #8: 479 requests, model v1: over threshold, not"
                + " alerting yet (an alert takes drift.alert.windows windows in a row): movie_title.oov_rate 0.33 > 0.05");

        DriftReport quiet = report(9, 479);
        quiet.metrics.put("movie_title.oov_rate", 0.05);
        quiet.thresholds.put("movie_title.oov_rate", 0.05);
        assertThat(WatchLines.drift(quiet)).as("at the threshold is not over it").endsWith(": OK");
    }

    @Test
    void aWindowWithManyAlertsNamesTheFirstFewAndCountsTheRest() {
        DriftReport r = report(9, 500);
        for (int i = 0; i < WatchLines.MAX_ALERTS_SHOWN + 2; i++) r.alerts.add(new Alert("m" + i, 1, 0.5, 2));
        String line = WatchLines.drift(r);
        assertThat(line).contains("m0 1 > 0.5").contains("m" + (WatchLines.MAX_ALERTS_SHOWN - 1))
                .doesNotContain("m" + WatchLines.MAX_ALERTS_SHOWN).endsWith("(+2 more)");
    }

    /** Another writer's report with nulls where the job writes none is shown, its alerts with it, not skipped. */
    @Test
    void aReportWithNullsIsShownWithItsAlerts() {
        DriftReport r = report(7, 500);
        r.alerts.add(null);
        r.alerts.add(new Alert("movie_title.js", 0.31, 0.12, 2));
        r.metrics = null;
        r.thresholds = null;
        r.unavailable = null;
        assertThat(WatchLines.drift(WatchLines.withoutNulls(r))).startsWith("drift       window #7: 500 requests")
                .endsWith(": movie_title.js 0.31 > 0.12");
        DriftReport none = report(8, 500);
        none.alerts = null;
        assertThat(WatchLines.drift(WatchLines.withoutNulls(none))).endsWith(": OK");
    }

    @Test
    void outcomesSayWhatHappenedAndTheGateNumbers() {
        RetrainOutcome published = outcome(RetrainOutcome.PUBLISHED, 2, null);
        published.metrics = Map.of("candidate_rmse", 0.91234, "current_rmse", 1.10, "holdout_rows", 800.0);
        assertThat(WatchLines.outcome(published))
                .isEqualTo("trainer     r-1: published version 2 (candidate RMSE 0.912 vs serving 1.1 on 800 held-out rows)");

        RetrainOutcome notInUse = outcome(RetrainOutcome.PUBLISHED, 3,
                "published, neither serving nor in shadow: trainer.promotion is manual, version 2 keeps serving");
        notInUse.metrics = published.metrics;
        assertThat(WatchLines.outcome(notInUse)).isEqualTo("trainer     r-1: published version 3 (candidate RMSE 0.912 vs serving"
                + " 1.1 on 800 held-out rows), neither serving nor in shadow: trainer.promotion is manual, version 2 keeps serving");
        assertThat(WatchLines.outcome(outcome(RetrainOutcome.PUBLISHED, 5, "published, but the serving pointer could not be"
                + " moved: disk full"))).isEqualTo("trainer     r-1: published version 5, but the serving pointer could not be"
                + " moved: disk full");
        assertThat(WatchLines.outcome(outcome(RetrainOutcome.PUBLISHED, 6, "kept for review")))
                .isEqualTo("trainer     r-1: published version 6: kept for review");
        assertThat(WatchLines.outcome(outcome(RetrainOutcome.PUBLISHED, 4, null))).isEqualTo("trainer     r-1: published version 4");

        assertThat(WatchLines.outcome(outcome(RetrainOutcome.REJECTED, -1, "candidate RMSE 1.2 not below 1.1")))
                .isEqualTo("trainer     r-1: candidate REJECTED by the gate (candidate RMSE 1.2 not below 1.1); v1 keeps serving");
        assertThat(WatchLines.outcome(outcome(RetrainOutcome.DEFERRED, -1, "the labels cannot tell")))
                .isEqualTo("trainer     r-1: candidate DEFERRED by the gate (the labels cannot tell); v1 keeps serving,"
                        + " the candidate waits for more labels");
        assertThat(WatchLines.outcome(outcome(RetrainOutcome.FAILED, -1, "no data"))).isEqualTo("trainer     r-1: FAILED: no data");
    }

    @Test
    void requestsPredictionsAndStatusesReadAsOneLineEach() {
        RetrainRequest request = new RetrainRequest("retrain-1-5-99", "drifted for 3 consecutive windows (user_id.oov_rate)", 0);
        request.modelVersion = 1;
        assertThat(WatchLines.request(request))
                .isEqualTo("retrain     requested retrain-1-5-99 (serving v1): drifted for 3 consecutive windows (user_id.oov_rate)");

        assertThat(WatchLines.prediction(prediction(1, true)))
                .isEqualTo("prediction  user 7, \"Heat (1995)\": 3.50 stars (model v1, user new to the model)");
        assertThat(WatchLines.status(new ModelStatus("marquee", 2, ModelStatus.LOADED, null, 2, 1, 0)))
                .isEqualTo("scoring     slot 1 serving model v2");
        ModelStatus shadowed = new ModelStatus("marquee", 2, ModelStatus.LOADED, null, 2, 1, 0);
        shadowed.shadowVersion = 3;
        assertThat(WatchLines.status(shadowed)).isEqualTo("scoring     slot 1 serving model v2, v3 in shadow");
        ModelUpdate update = new ModelUpdate("marquee", 2, "/r/marquee/2", 0);
        update.shadowVersion = 1;
        update.reason = "promoted";
        assertThat(WatchLines.update(update, "model-updates")).isEqualTo("model       marquee: serve v2, shadow v1 on model-updates (promoted)");
        assertThat(WatchLines.update(update, "model-updates-b")).as("a renamed topic, as --topic.model-updates names it")
                .isEqualTo("model       marquee: serve v2, shadow v1 on model-updates-b (promoted)");
        assertThat(WatchLines.status(new ModelStatus("marquee", 3, ModelStatus.REFUSED, "bad files", 2, 0, 0)))
                .isEqualTo("scoring     slot 0 refused model v3, v2 keeps serving: bad files");
        assertThat(WatchLines.status(new ModelStatus("marquee", 3, ModelStatus.SHADOW_DROPPED, "answered NaN", 2, 1, 0)))
                .isEqualTo("scoring     slot 1 dropped shadow v3, v2 keeps serving: answered NaN");
    }

    /** A record holding the JSON literal null is unreadable, as any record that is no event, not a crash. */
    /** No broker answering is not "the job did not switch": the verdict says what is not known, and why. */
    @Test
    @org.junit.jupiter.api.Timeout(value = 60, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void aWatchWhoseBrokerNeverAnswersSaysSoInsteadOfNoSwitch() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort(); // closed again: nothing listens there
        }
        java.util.Properties props = new java.util.Properties();
        props.put("bootstrap.servers", "127.0.0.1:" + port);
        props.put("key.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        props.put("group.id", "watch-test");
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream was = System.err;
        int status;
        System.setErr(new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            status = new EventWatch(2, 2).follow(props, 2_000);
        } finally {
            System.setErr(was);
        }
        assertThat(status).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("watch: the brokers did not say within 2 s how far model-status goes")
                .doesNotContain("did not switch to model version");
    }

    @Test
    void aRecordHoldingJsonNullIsUnreadableOnEveryTopic() {
        EventWatch watch = new EventWatch(2, 2);
        byte[] jsonNull = "null".getBytes(StandardCharsets.UTF_8);
        for (String topic : List.of(EventWatch.PREDICTIONS, EventWatch.DRIFT_METRICS, EventWatch.RETRAIN_REQUESTS,
                EventWatch.RETRAIN_OUTCOMES, EventWatch.MODEL_UPDATES, EventWatch.MODEL_STATUS)) {
            assertThatThrownBy(() -> watch.lineFor(topic, jsonNull)).as(topic).isInstanceOf(EventCodecException.class);
        }
    }

    @Test
    void untilVersionWaitsForTheSwitchAndShowsOnlyAFewPredictionsPerVersion() {
        EventWatch watch = new EventWatch(2, 2);
        byte[] v1 = EventCodec.of(Prediction.class).encode(prediction(1, false));
        assertThat(watch.lineFor(EventWatch.PREDICTIONS, v1)).isNotNull();
        assertThat(watch.lineFor(EventWatch.PREDICTIONS, v1)).isNotNull();
        assertThat(watch.lineFor(EventWatch.PREDICTIONS, v1)).isNull();
        assertThat(watch.switched()).isFalse();

        byte[] loaded1 = EventCodec.of(ModelStatus.class).encode(new ModelStatus("marquee", 1, ModelStatus.LOADED, null, 1, 0, 0));
        watch.lineFor(EventWatch.MODEL_STATUS, loaded1);
        assertThat(watch.switched()).as("version 1 is not the version waited for").isFalse();
        byte[] refused2 = EventCodec.of(ModelStatus.class).encode(new ModelStatus("marquee", 2, ModelStatus.REFUSED, "x", 1, 0, 0));
        watch.lineFor(EventWatch.MODEL_STATUS, refused2);
        assertThat(watch.switched()).as("a refused version is no switch").isFalse();
        byte[] loaded2 = EventCodec.of(ModelStatus.class).encode(new ModelStatus("marquee", 2, ModelStatus.LOADED, null, 2, 0, 0));
        watch.lineFor(EventWatch.MODEL_STATUS, loaded2);
        assertThat(watch.switched()).isTrue();

        byte[] v2 = EventCodec.of(Prediction.class).encode(prediction(2, false));
        assertThat(watch.lineFor(EventWatch.PREDICTIONS, v2)).contains("model v2");
    }

    /**
     * Read from the beginning, an old switch to the version waited for is undone by the rollback after it, and a
     * prediction scored before the switch proves nothing.
     */
    @Test
    void aSwitchRolledBackSinceIsNoSwitchAndOnlyPredictionsScoredAfterTheSwitchCount() {
        EventWatch watch = new EventWatch(2, 5);
        EventCodec<ModelStatus> codec = EventCodec.of(ModelStatus.class);
        watch.lineFor(EventWatch.MODEL_STATUS, codec.encode(new ModelStatus("marquee", 5, ModelStatus.LOADED, null, 5, 0, 1_000)));
        assertThat(watch.switched()).isTrue();
        watch.lineFor(EventWatch.MODEL_STATUS, codec.encode(new ModelStatus("marquee", 4, ModelStatus.LOADED, null, 4, 0, 2_000)));
        assertThat(watch.switched()).as("slot 0 serves 4 again: rolled back").isFalse();
        Prediction old = prediction(5, false);
        old.scoredAtMs = 1_500;
        watch.lineFor(EventWatch.PREDICTIONS, EventCodec.of(Prediction.class).encode(old));
        assertThat(watch.predictionOfTargetShown()).isFalse();

        watch.lineFor(EventWatch.MODEL_STATUS, codec.encode(new ModelStatus("marquee", 5, ModelStatus.LOADED, null, 5, 0, 3_000)));
        assertThat(watch.switched()).isTrue();
        watch.lineFor(EventWatch.PREDICTIONS, EventCodec.of(Prediction.class).encode(old));
        assertThat(watch.predictionOfTargetShown()).as("scored before this switch").isFalse();
        Prediction fresh = prediction(5, false);
        fresh.scoredAtMs = 3_100;
        watch.lineFor(EventWatch.PREDICTIONS, EventCodec.of(Prediction.class).encode(fresh));
        assertThat(watch.predictionOfTargetShown()).isTrue();
    }

    @Test
    void aLineCarriesItsRecordsTimeWithTheDateWhenNotToday() {
        long dayAgo = System.currentTimeMillis() - 3 * 86_400_000L; // another date in any zone, DST days included
        assertThat(EventWatch.clock(dayAgo)).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}");
        assertThat(EventWatch.clock(System.currentTimeMillis())).matches("\\d{2}:\\d{2}:\\d{2}");
    }

    /** Several models on shared topics: another model's version loading is no switch, and its events no lines. */
    @Test
    void anotherModelsEventsAreNotShownNorCountedAsTheSwitch() {
        EventWatch watch = new EventWatch(2, 2, "marquee");
        byte[] theirs = EventCodec.of(ModelStatus.class).encode(new ModelStatus("another", 2, ModelStatus.LOADED, null, 2, 0, 0));
        assertThat(watch.lineFor(EventWatch.MODEL_STATUS, theirs)).isNull();
        assertThat(watch.switched()).isFalse();
        ModelUpdate update = new ModelUpdate();
        update.modelName = "another";
        update.version = 3;
        assertThat(watch.lineFor(EventWatch.MODEL_UPDATES, EventCodec.of(ModelUpdate.class).encode(update))).isNull();
        // another model's prediction at version 3 (predictions name no model) is not this model's first one
        watch.lineFor(EventWatch.PREDICTIONS, EventCodec.of(Prediction.class).encode(prediction(3, false)));
        byte[] ours = EventCodec.of(ModelStatus.class).encode(new ModelStatus("marquee", 2, ModelStatus.LOADED, null, 2, 0, 0));
        assertThat(watch.lineFor(EventWatch.MODEL_STATUS, ours)).isNotNull();
        assertThat(watch.switched()).isTrue();
        assertThat(watch.predictionOfTargetShown()).as("none of ours since the switch").isFalse();
    }

    @Test
    void aTopicOutsideTheStoryGivesNoLine() {
        assertThat(new EventWatch(3, -1).lineFor("ratings", "{}".getBytes(StandardCharsets.UTF_8))).isNull();
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

    private static RetrainOutcome outcome(String kind, long version, String reason) {
        RetrainOutcome o = new RetrainOutcome();
        o.requestId = "r-1";
        o.outcome = kind;
        o.version = version;
        o.baseVersion = 1;
        o.reason = reason;
        return o;
    }

    private static Prediction prediction(long version, boolean oovUser) {
        Prediction p = new Prediction();
        p.userId = "7";
        p.movieTitle = "Heat (1995)";
        p.predictedRating = 3.5f;
        p.modelVersion = version;
        p.oovUserId = oovUser;
        return p;
    }
}

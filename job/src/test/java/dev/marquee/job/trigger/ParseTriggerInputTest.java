package dev.marquee.job.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.DriftReport;
import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.event.RetrainOutcome;
import dev.marquee.data.json.EventCodec;
import dev.marquee.job.source.RawRecord;
import java.nio.charset.StandardCharsets;
import org.apache.flink.streaming.api.operators.StreamFlatMap;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class ParseTriggerInputTest {
    private static OneInputStreamOperatorTestHarness<RawRecord, TriggerEvent> harness(ParseTriggerInput.Kind kind) throws Exception {
        var h = new OneInputStreamOperatorTestHarness<>(new StreamFlatMap<>(new ParseTriggerInput(kind)));
        h.open();
        return h;
    }

    private static StreamRecord<RawRecord> record(byte[] value) {
        return new StreamRecord<>(new RawRecord(value, "t", 0, 1, 2));
    }

    private static StreamRecord<RawRecord> record(String value) {
        return record(value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void garbageIsSkippedAndTheGoodRecordsPass() throws Exception {
        DriftReport report = new DriftReport();
        report.windowEndMs = 60_000;
        report.sequence = 7;
        report.drifted = true;
        report.metrics.put("labels.rmse", 1.1);
        try (var h = harness(ParseTriggerInput.Kind.DRIFT_REPORT)) {
            h.processElement(record("not json"));
            h.processElement(record(new byte[] {(byte) 0xff, 0x00}));
            h.processElement(record((byte[]) null));
            h.processElement(record("{}")); // no window: not a report
            h.processElement(record("[1,2]"));
            h.processElement(record(EventCodec.of(DriftReport.class).encode(report)));

            assertThat(h.extractOutputValues()).singleElement().satisfies(e -> {
                assertThat(e.report.sequence).isEqualTo(7);
                assertThat(e.report.drifted).isTrue();
                assertThat(e.report.metrics).containsEntry("labels.rmse", 1.1);
                assertThat(e.outcome).isNull();
                assertThat(e.update).isNull();
            });
        }
    }

    /**
     * A report of a near-1-MiB alert name, or of thousands of alerts or metrics (hand-written, another writer's), is
     * kept bounded: the retrain request it may become must fit a Kafka record, or the trigger restarts on it for ever.
     */
    @Test
    void anOversizedReportIsKeptWithinWhatARequestCanCarry() throws Exception {
        DriftReport report = new DriftReport();
        report.windowEndMs = 60_000;
        report.drifted = true;
        report.alerts.add(new dev.marquee.data.event.Alert("a".repeat(600_000), 1, 0.1, 3));
        for (int i = 0; i < 1_000; i++) report.alerts.add(new dev.marquee.data.event.Alert("m" + i, 1, 0.1, 3));
        for (int i = 0; i < 5_000; i++) report.metrics.put("metric." + i + "x".repeat(200), 0.5);
        report.metrics.put("labels.rmse", 1.1);
        try (var h = harness(ParseTriggerInput.Kind.DRIFT_REPORT)) {
            h.processElement(record(EventCodec.of(DriftReport.class).encode(report)));
            DriftReport kept = h.extractOutputValues().get(0).report;
            assertThat(kept.alerts).hasSize(ParseTriggerInput.MAX_ALERTS)
                    .allSatisfy(a -> assertThat(a.metric.length()).isLessThanOrEqualTo(ParseTriggerInput.MAX_NAME_CHARS + 1));
            assertThat(kept.metrics).hasSize(ParseTriggerInput.MAX_METRICS);
            dev.marquee.data.event.RetrainRequest asked = new dev.marquee.data.event.RetrainRequest("r",
                    String.join(", ", kept.alerts.stream().map(a -> a.metric).toList()), 1);
            asked.alerts = kept.alerts;
            asked.metrics = kept.metrics;
            assertThat(EventCodec.of(dev.marquee.data.event.RetrainRequest.class).encode(asked).length)
                    .as("a request of it fits the producer's default max.request.size").isLessThan(512 * 1024);
        }
    }

    @Test
    void outcomesAndUpdatesNeedTheirKeyFields() throws Exception {
        RetrainOutcome o = new RetrainOutcome();
        o.requestId = "retrain-1-3-4";
        o.outcome = RetrainOutcome.PUBLISHED;
        try (var h = harness(ParseTriggerInput.Kind.RETRAIN_OUTCOME)) {
            h.processElement(record("{\"outcome\":\"FAILED\"}"));
            h.processElement(record(EventCodec.of(RetrainOutcome.class).encode(o)));
            assertThat(h.extractOutputValues()).extracting(e -> e.outcome.requestId).containsExactly("retrain-1-3-4");
        }
        try (var h = harness(ParseTriggerInput.Kind.MODEL_UPDATE)) {
            h.processElement(record("{\"model_name\":\"marquee\",\"version\":0}"));
            h.processElement(record(EventCodec.of(ModelUpdate.class).encode(new ModelUpdate("marquee", 3, "/r", 1))));
            assertThat(h.extractOutputValues()).extracting(e -> e.update.version).containsExactly(3L);
        }
    }

    /** Nulls where the rules read: a hand-written alert {@code {}}, a metric or threshold {@code null}. */
    @Test
    void nullsInsideAReadableEventAreDroppedSoTheRulesCanReadEveryField() throws Exception {
        try (var h = harness(ParseTriggerInput.Kind.DRIFT_REPORT)) {
            h.processElement(record("{\"window_end_ms\":5,\"drifted\":true,\"alerts\":[{},null,{\"metric\":\"user_id.js\"}],"
                    + "\"metrics\":{\"labels.rmse\":null,\"user_id.js\":0.4},\"thresholds\":{\"user_id.js\":null}}"));
            h.processElement(record("{\"window_end_ms\":6,\"metrics\":{},\"alerts\":null,\"thresholds\":null}"));
            assertThat(h.extractOutputValues()).extracting(e -> e.report).satisfiesExactly(r -> {
                assertThat(r.alerts).extracting(a -> a.metric).containsExactly("user_id.js");
                assertThat(r.metrics).containsOnlyKeys("user_id.js");
                assertThat(r.thresholds).isEmpty();
            }, r -> {
                assertThat(r.alerts).isEmpty();
                assertThat(r.thresholds).isEmpty();
            });
        }
        try (var h = harness(ParseTriggerInput.Kind.RETRAIN_OUTCOME)) {
            h.processElement(record("{\"request_id\":\"r\",\"outcome\":\"PUBLISHED\",\"metrics\":{\"deferred_superseded\":null}}"));
            h.processElement(record("{\"request_id\":\"s\",\"outcome\":\"PUBLISHED\",\"metrics\":null}"));
            assertThat(h.extractOutputValues()).extracting(e -> e.outcome.metrics).containsExactly(java.util.Map.of(), java.util.Map.of());
        }
    }

    /** The unreadable counters' names are what RETRAINING.md documents under every locale (Turkish: "drıft"). */
    @Test
    void theMetricGroupNamesDoNotDependOnTheLocale() {
        java.util.Locale before = java.util.Locale.getDefault();
        java.util.Locale.setDefault(java.util.Locale.forLanguageTag("tr-TR"));
        try {
            assertThat(ParseTriggerInput.metricGroupName(ParseTriggerInput.Kind.DRIFT_REPORT)).isEqualTo("drift_report");
            assertThat(ParseTriggerInput.metricGroupName(ParseTriggerInput.Kind.RETRAIN_OUTCOME)).isEqualTo("retrain_outcome");
        } finally {
            java.util.Locale.setDefault(before);
        }
    }
}

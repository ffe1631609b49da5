package dev.marquee.job.trigger;

import dev.marquee.data.event.DriftReport;
import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.event.RetrainOutcome;
import dev.marquee.data.json.EventCodec;
import dev.marquee.job.source.RawRecord;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one input topic of the trigger into {@link TriggerEvent}s. A record that is not the expected event is
 * counted ({@code marquee.input.<kind>.unreadable}) and skipped, never allowed to fail the job; the first and then every
 * {@value #LOG_EVERY}th is logged.
 */
public final class ParseTriggerInput extends RichFlatMapFunction<RawRecord, TriggerEvent> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ParseTriggerInput.class);
    static final int LOG_EVERY = 1_000;

    /** What a topic carries. */
    public enum Kind { DRIFT_REPORT, RETRAIN_OUTCOME, MODEL_UPDATE }

    private final Kind kind;
    private transient EventCodec<?> codec;
    private transient Counter unreadable;
    private transient long unreadableSeen;

    public ParseTriggerInput(Kind kind) {
        this.kind = kind;
    }

    @Override
    public void open(OpenContext context) {
        codec = switch (kind) {
            case DRIFT_REPORT -> EventCodec.of(DriftReport.class);
            case RETRAIN_OUTCOME -> EventCodec.of(RetrainOutcome.class);
            case MODEL_UPDATE -> EventCodec.of(ModelUpdate.class);
        };
        unreadable = getRuntimeContext().getMetricGroup().addGroup("marquee").addGroup("input", metricGroupName(kind))
                .counter("unreadable");
    }

    @Override
    public void flatMap(RawRecord record, Collector<TriggerEvent> out) {
        TriggerEvent event;
        try {
            event = record.value == null ? null : toEvent(codec.decode(record.value));
        } catch (RuntimeException e) { // anything on a topic may be garbage
            problem(record, e.getMessage());
            return;
        }
        if (event == null) {
            problem(record, "not a " + kind + " (" + requirement() + ")");
            return;
        }
        out.collect(event);
    }

    private TriggerEvent toEvent(Object decoded) {
        switch (kind) {
            case DRIFT_REPORT: {
                DriftReport r = (DriftReport) decoded;
                return r != null && r.windowEndMs > 0 && r.metrics != null ? TriggerEvent.of(tidied(r)) : null;
            }
            case RETRAIN_OUTCOME: {
                RetrainOutcome o = (RetrainOutcome) decoded;
                if (o == null || o.requestId == null || o.outcome == null) return null;
                o.metrics = withoutNulls(o.metrics);
                return TriggerEvent.of(o);
            }
            default: {
                ModelUpdate u = (ModelUpdate) decoded;
                return u != null && u.modelName != null && u.version >= 1 ? TriggerEvent.of(u) : null;
            }
        }
    }

    /**
     * What the trigger reads of a report, without the nulls a hand-written or foreign record may hold (an alert
     * {@code {}}, a metric {@code null}): the rules can then read every field they use without failing the job.
     */
    static DriftReport tidied(DriftReport r) {
        r.metrics = withoutNulls(r.metrics);
        r.thresholds = withoutNulls(r.thresholds);
        r.alerts = r.alerts == null ? new java.util.ArrayList<>() : new java.util.ArrayList<>(r.alerts);
        r.alerts.removeIf(a -> a == null || a.metric == null);
        // Bounded, as the request they may go into must fit a Kafka record (1 MiB by default): a report of a
        // near-1-MiB alert name (hand-written, or another writer's) made a request the sink refused, and the job
        // restarted on it for ever. The scoring job's reports stay far below these bounds.
        if (r.alerts.size() > MAX_ALERTS) r.alerts = new java.util.ArrayList<>(r.alerts.subList(0, MAX_ALERTS));
        for (var a : r.alerts) a.metric = clipped(a.metric);
        return r;
    }

    /** Alerts of a report the trigger keeps (the scoring job's reports have one per metric, a few dozen at most). */
    static final int MAX_ALERTS = 64;
    /** Metrics (and thresholds) of a report the trigger keeps. */
    static final int MAX_METRICS = 512;
    /** Characters of a metric's name the trigger keeps. */
    static final int MAX_NAME_CHARS = 128;

    private static String clipped(String name) {
        return name.length() <= MAX_NAME_CHARS ? name : name.substring(0, MAX_NAME_CHARS) + "…";
    }

    private static Map<String, Double> withoutNulls(Map<String, Double> values) {
        Map<String, Double> kept = new LinkedHashMap<>();
        if (values != null) values.forEach((k, v) -> {
            if (k != null && v != null && kept.size() < MAX_METRICS) kept.putIfAbsent(clipped(k), v);
        });
        return kept;
    }

    private String requirement() {
        return switch (kind) {
            case DRIFT_REPORT -> "needs window_end_ms > 0";
            case RETRAIN_OUTCOME -> "needs request_id and outcome";
            case MODEL_UPDATE -> "needs model_name and a version >= 1";
        };
    }

    private void problem(RawRecord record, String why) {
        unreadable.inc();
        if (unreadableSeen++ % LOG_EVERY == 0) {
            LOG.warn("skipping an unreadable record on {} at partition {} offset {} ({} so far; every {}th is logged): {}",
                    record.topic, record.partition, record.offset, unreadableSeen, LOG_EVERY, why);
        }
    }

    /** The metric group of a kind's unreadable records: the same under every locale (Turkish "DRIFT" is "drıft"). */
    static String metricGroupName(Kind kind) {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}

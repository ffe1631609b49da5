package dev.marquee.data.watch;

import dev.marquee.data.event.TopicNames;
import dev.marquee.data.event.DriftReport;
import dev.marquee.data.event.ModelStatus;
import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.RetrainOutcome;
import dev.marquee.data.event.RetrainRequest;
import dev.marquee.data.json.EventCodec;
import dev.marquee.data.json.EventCodecException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Follows the topics the demo's story runs through (predictions, drift reports, retrain requests and outcomes,
 * model updates and the scoring slots' model status) and prints one short line per event; with a target version
 * it ends once the scoring job has switched to that model version. {@link WatchCommand} runs it.
 */
final class EventWatch {
    static final String PREDICTIONS = TopicNames.PREDICTIONS;
    static final String DRIFT_METRICS = TopicNames.DRIFT_METRICS;
    static final String RETRAIN_REQUESTS = TopicNames.RETRAIN_REQUESTS;
    static final String RETRAIN_OUTCOMES = TopicNames.RETRAIN_OUTCOMES;
    static final String MODEL_UPDATES = TopicNames.MODEL_UPDATES;
    static final String MODEL_STATUS = TopicNames.MODEL_STATUS;
    private static final long LINGER_AFTER_SWITCH_MS = 15_000;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final DateTimeFormatter DATE_CLOCK = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final EventCodec<Prediction> predictions = EventCodec.of(Prediction.class);
    private final EventCodec<DriftReport> reports = EventCodec.of(DriftReport.class);
    private final EventCodec<RetrainRequest> requests = EventCodec.of(RetrainRequest.class);
    private final EventCodec<RetrainOutcome> outcomes = EventCodec.of(RetrainOutcome.class);
    private final EventCodec<ModelUpdate> updates = EventCodec.of(ModelUpdate.class);
    private final EventCodec<ModelStatus> statuses = EventCodec.of(ModelStatus.class);
    private final Map<Long, Integer> predictionsShown = new HashMap<>();
    private final int predictionsPerVersion;
    private final long untilVersion;
    private long switchedAtMs = -1;
    /** The watch's clock: milliseconds since the class loaded, monotonic (a wall-clock step moves no deadline). */
    private static final long ORIGIN_NANOS = System.nanoTime();
    /** When the slot that made the switch reported it (its status's at_ms): a prediction scored earlier is no proof. */
    private long switchReportedAtMs;
    /** What each scoring slot last said it serves: a rollback after an old switch undoes it. */
    private final Map<Integer, Long> servingBySlot = new HashMap<>();
    private boolean predictionOfTargetShown;
    private long unreadable;
    /** Of those, drift reports and retrain requests: what the quiet check judges. */
    private long unreadableJudged;
    /** Null unless the watch checks that ordinary traffic stays quiet (--quiet-through). */
    private QuietCheck quiet;

    /** Null: every model's events. */
    private final String modelName;
    private final WatchTopics topics;

    EventWatch(int predictionsPerVersion, long untilVersion) {
        this(predictionsPerVersion, untilVersion, null);
    }

    EventWatch(int predictionsPerVersion, long untilVersion, String modelName) {
        this(predictionsPerVersion, untilVersion, modelName, WatchTopics.DEFAULTS);
    }

    EventWatch(int predictionsPerVersion, long untilVersion, String modelName, WatchTopics topics) {
        this.predictionsPerVersion = predictionsPerVersion;
        this.untilVersion = untilVersion;
        this.modelName = modelName;
        this.topics = topics;
    }

    /** Ends the watch once ordinary traffic has proved quiet through {@code requests} requests, or at what broke it. */
    EventWatch quietThrough(long requests) {
        return quietThrough(requests, QuietCheck.GRACE_MS);
    }

    /** As above, waiting {@code graceMs} after the last window for a retrain request (exactly-once: its checkpoints). */
    EventWatch quietThrough(long requests, long graceMs) {
        quiet = new QuietCheck(requests, untilVersion >= 0, graceMs);
        return this;
    }

    /** Events of another model than {@link #modelName} left out, and one such model's name. */
    private long hidden;
    private String hiddenModel;

    /** Another model's event on a shared topic (one naming none, from an older job, is anyone's): counted, not shown. */
    private boolean another(String eventModel) {
        boolean other = modelName != null && eventModel != null && !modelName.equals(eventModel);
        if (other) {
            hidden++;
            hiddenModel = eventModel;
        }
        return other;
    }

    /** The exit code when the output was closed, as a shell gives a command ended by SIGPIPE. */
    static final int OUTPUT_CLOSED = 141;

    int follow(Properties props, long timeoutMs) {
        long deadline = clockMs() + timeoutMs;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(topics.all());
            // the slots' statuses up to the watch's start are read before a switch decides: a later one may undo an
            // old switch. Taken once the broker answers (bounded by the deadline: it may not be up yet)
            Map<TopicPartition, Long> statusEnd = null;
            while (true) {
                if (untilVersion >= 0 && statusEnd == null) statusEnd = statusEndOffsets(consumer, topics.modelStatus(), deadline);
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) continue;
                    try {
                        String line = lineFor(r.topic(), r.value());
                        if (line != null) {
                            System.out.println(clock(r.timestamp()) + " " + dev.marquee.tools.TerminalText.oneLine(line)); // one event, one line
                            System.out.flush();
                            // its reader is gone (`| head -1`, `| grep -m1`) or its disk full: a print stream says so
                            // only here. A watch without a verdict to wait for would run on for ever; one with a
                            // verdict goes on to it (said on stderr, and in its exit code)
                            if (untilVersion < 0 && quiet == null && System.out.checkError()) {
                                System.err.println("watch: its output cannot be written (closed, or a full disk); stopping");
                                return OUTPUT_CLOSED;
                            }
                        }
                    } catch (RuntimeException e) { // not an event (EventCodecException), or one with nulls it must not have
                        unreadable++;
                        if (r.topic().equals(topics.driftMetrics()) || r.topic().equals(topics.retrainRequests())) unreadableJudged++;
                    }
                }
                if (quiet != null && untilVersion < 0) {
                    Integer verdict = quietVerdict(deadline, timeoutMs);
                    if (verdict != null) return verdict;
                    continue;
                }
                if (quiet != null && quiet.broken() != null) { // before the episode it waits for the switch after
                    System.err.println("watch: not quiet before the drift episode: " + quiet.broken());
                    return 1;
                }
                if (untilVersion < 0) continue;
                long now = clockMs();
                if (switchedAtMs >= 0 && (predictionOfTargetShown || now - switchedAtMs >= LINGER_AFTER_SWITCH_MS)
                        && statusEnd != null && readUpTo(consumer, statusEnd, deadline)) {
                    String missing = quiet == null ? null : quiet.episodeMissing();
                    if (missing == null) return 0;
                    System.err.printf(java.util.Locale.ROOT, "watch: the scoring job switched to model version %d, but"
                            + " not for the drift episode: %s%n", untilVersion, missing);
                    return 1;
                }
                if (now >= deadline && switchedAtMs >= 0 && statusEnd != null && !predictionOfTargetShown
                        && now - switchedAtMs < LINGER_AFTER_SWITCH_MS) {
                    System.err.printf(java.util.Locale.ROOT, "watch: a scoring slot switched to model version %d %.1f s"
                            + " before the time ran out, and no prediction of it came in that time (a prediction, or %d s"
                            + " after the switch, shows it held)%n", untilVersion, (now - switchedAtMs) / 1000.0,
                            LINGER_AFTER_SWITCH_MS / 1000);
                    return 1;
                }
                if (now >= deadline && switchedAtMs >= 0) {
                    System.err.printf(java.util.Locale.ROOT, "watch: a scoring slot switched to model version %d, but"
                            + " %s could not be read up to its end within %d s, so a later status may undo it%n",
                            untilVersion, topics.modelStatus(), timeoutMs / 1000);
                    return 1;
                }
                if (now >= deadline && statusEnd == null) {
                    System.err.printf(java.util.Locale.ROOT, "watch: the brokers did not say within %d s how far %s"
                            + " goes, so whether the scoring job switched to model version %d is not known (is the"
                            + " bootstrap address right, the broker up, and %s led?)%n", timeoutMs / 1000, topics.modelStatus(),
                            untilVersion, topics.modelStatus());
                    return 1;
                }
                if (now >= deadline) {
                    System.err.printf(java.util.Locale.ROOT, "watch: the scoring job did not switch to model version %d within %d s%s%s%n", untilVersion,
                            timeoutMs / 1000, unreadable > 0 ? " (" + unreadable + " unreadable records skipped)" : "",
                            hidden > 0 ? " (" + hidden + " events of model '" + hiddenModel + "' not shown: --model-name "
                                    + modelName + ")" : "");
                    return 1;
                }
            }
        }
    }

    /** 0 when the quiet held, 1 when it broke or time ran out first, null while undecided. */
    private Integer quietVerdict(long deadline, long timeoutMs) {
        long now = clockMs();
        if (quiet.broken() != null) {
            System.err.println("watch: not quiet: " + quiet.broken());
            return 1;
        }
        if (quiet.held(now)) {
            String nothing = quiet.nothingCompared();
            if (nothing != null) {
                System.err.println("watch: not shown quiet: " + nothing);
                return 1;
            }
            System.err.println("watch: " + quiet.summary() + (unreadableJudged > 0 ? " (" + unreadableJudged + " unreadable"
                    + " drift reports or retrain requests skipped: not judged)" : ""));
            return 0;
        }
        if (now >= deadline) {
            System.err.printf(java.util.Locale.ROOT, "watch: not settled within %d s: %s%s%s%n", timeoutMs / 1000,
                    quiet.pending(), unreadable > 0 ? " (" + unreadable + " unreadable records skipped)" : "",
                    hidden > 0 ? " (" + hidden + " events of model '" + hiddenModel + "' not counted: --model-name "
                            + modelName + ")" : "");
            return 1;
        }
        return null;
    }

    /** The status topic's end offsets now, or null when the broker did not answer in time (asked again later). */
    private static Map<TopicPartition, Long> statusEndOffsets(KafkaConsumer<byte[], byte[]> consumer, String statusTopic,
            long deadline) {
        try {
            Duration wait = Duration.ofMillis(Math.max(100, Math.min(5_000, deadline - clockMs())));
            List<org.apache.kafka.common.PartitionInfo> infos = consumer.partitionsFor(statusTopic, wait);
            if (infos == null || infos.isEmpty()) return Map.of(); // no statuses yet: nothing to read first
            List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(statusTopic, i.partition())).toList();
            return consumer.endOffsets(partitions, wait);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            return null;
        }
    }

    /**
     * Whether this consumer has read the status partitions it was given up to {@code end}. A partition the group gave
     * another member (a --consumer-prop group.id shared with another watch) is that member's to read.
     */
    private static boolean readUpTo(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end, long deadline) {
        java.util.Set<TopicPartition> mine = consumer.assignment();
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (!mine.contains(e.getKey())) continue;
            try {
                Duration wait = Duration.ofMillis(Math.max(100, Math.min(5_000, deadline - clockMs())));
                if (consumer.position(e.getKey(), wait) < e.getValue()) return false;
            } catch (org.apache.kafka.common.errors.TimeoutException t) {
                return false;
            }
        }
        return !mine.isEmpty() || end.isEmpty(); // false only while this consumer holds no partition (mid-rebalance)
    }

    /** The record's own time (its Kafka timestamp), with the date when it is not today's: old events look old. */
    static String clock(long recordMs) {
        if (recordMs <= 0) return LocalTime.now().format(CLOCK);
        java.time.ZonedDateTime at = java.time.Instant.ofEpochMilli(recordMs).atZone(java.time.ZoneId.systemDefault());
        return at.toLocalDate().equals(java.time.LocalDate.now()) ? at.format(CLOCK)
                : at.format(DATE_CLOCK);
    }

    /** The line for one record, or null when it is not worth a line (a prediction beyond the first few of its version). */
    String lineFor(String topic, byte[] value) {
        WatchTopics.Kind kind = topics.kind(topic);
        if (kind == null) return null;
        switch (kind) {
            case PREDICTIONS -> {
                Prediction p = present(predictions.decode(value));
                int shown = predictionsShown.merge(p.modelVersion, 1, Integer::sum);
                // predictions name no model: only one scored after this model's switch counts (another's may share the
                // topic, and one of an earlier time the target served proves nothing now)
                if (untilVersion > 0 && switchedAtMs >= 0 && p.modelVersion >= untilVersion
                        && (p.scoredAtMs <= 0 || switchReportedAtMs <= 0 || p.scoredAtMs >= switchReportedAtMs)) {
                    predictionOfTargetShown = true;
                }
                return shown <= predictionsPerVersion ? WatchLines.prediction(p) : null;
            }
            case DRIFT_METRICS -> {
                DriftReport r = WatchLines.withoutNulls(present(reports.decode(value)));
                if (another(r.modelName)) return null;
                if (quiet != null) quiet.report(r, clockMs());
                return WatchLines.drift(r);
            }
            case RETRAIN_REQUESTS -> {
                RetrainRequest r = present(requests.decode(value));
                if (another(r.modelName)) return null;
                if (quiet != null) quiet.request(r);
                return WatchLines.request(r);
            }
            case RETRAIN_OUTCOMES -> {
                RetrainOutcome o = present(outcomes.decode(value));
                return another(o.modelName) ? null : WatchLines.outcome(o);
            }
            case MODEL_UPDATES -> {
                ModelUpdate u = present(updates.decode(value));
                return another(u.modelName) ? null : WatchLines.update(u, topic);
            }
            case MODEL_STATUS -> {
                ModelStatus s = present(statuses.decode(value));
                if (another(s.modelName)) return null;
                long serves = s.servingVersion > 0 ? s.servingVersion : ModelStatus.LOADED.equals(s.status) ? s.version : 0;
                if (serves > 0) servingBySlot.put(s.subtask, serves);
                if (untilVersion > 0) {
                    boolean switched = servingBySlot.values().stream().anyMatch(v -> v >= untilVersion);
                    if (switched && switchedAtMs < 0) {
                        switchedAtMs = clockMs();
                        switchReportedAtMs = s.atMs;
                    } else if (!switched && switchedAtMs >= 0) { // rolled back since: that switch no longer holds
                        switchedAtMs = -1;
                        predictionOfTargetShown = false;
                    }
                }
                return WatchLines.status(s);
            }
            default -> {
                return null;
            }
        }
    }

    /** A record holding the JSON literal null decodes to null: unreadable, like any other record that is no event. */
    private static <T> T present(T decoded) {
        if (decoded == null) throw new EventCodecException("the record holds the JSON null", null);
        return decoded;
    }

    QuietCheck quiet() {
        return quiet;
    }

    boolean switched() {
        return switchedAtMs >= 0;
    }

    boolean predictionOfTargetShown() {
        return predictionOfTargetShown;
    }

    private static long clockMs() {
        return (System.nanoTime() - ORIGIN_NANOS) / 1_000_000;
    }
}

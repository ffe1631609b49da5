package dev.marquee.data.watch;

import dev.marquee.data.event.TopicNames;
import dev.marquee.data.config.CliArgs;
import dev.marquee.data.config.SettingException;
import dev.marquee.data.config.Settings;
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
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Follows the topics the demo's story runs through (predictions, drift reports, retrain requests and outcomes,
 * model updates and the scoring slots' model status) and prints one short line per event. {@code scripts/run-local}
 * runs it; with {@code --until-version} it ends once the scoring job has switched to that model version.
 */
public final class WatchMain {
    static final String USAGE = String.join("\n",
            "usage: java dev.marquee.data.watch.WatchMain [options]   (scripts/run-local runs it)",
            "  prints one line per event on predictions (the first few of each model version), drift-metrics,",
            "  retrain-requests, retrain-outcomes, model-updates and model-status, read from the beginning",
            "  --bootstrap HOST:PORT   Kafka bootstrap servers (default: $MARQUEE_BOOTSTRAP or localhost:9092)",
            "  --predictions N         predictions printed per model version (default: 3)",
            "  --until-version V       exit 0 once a scoring slot switched to model version V or later and one of",
            "                          its predictions was printed (or 15 s after the switch without one)",
            "  --timeout-seconds S     with --until-version: exit 1 when it has not happened within S (default: 600)",
            "  --consumer-prop K=V     any Kafka consumer property (repeatable)");

    static final String PREDICTIONS = TopicNames.PREDICTIONS;
    static final String DRIFT_METRICS = TopicNames.DRIFT_METRICS;
    static final String RETRAIN_REQUESTS = TopicNames.RETRAIN_REQUESTS;
    static final String RETRAIN_OUTCOMES = TopicNames.RETRAIN_OUTCOMES;
    static final String MODEL_UPDATES = TopicNames.MODEL_UPDATES;
    static final String MODEL_STATUS = TopicNames.MODEL_STATUS;
    private static final long LINGER_AFTER_SWITCH_MS = 15_000;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private static final CliArgs ARGS = new CliArgs(
            Set.of("bootstrap", "predictions", "until-version", "timeout-seconds", "consumer-prop"), Set.of("help"));

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
    private boolean predictionOfTargetShown;
    private long unreadable;

    WatchMain(int predictionsPerVersion, long untilVersion) {
        this.predictionsPerVersion = predictionsPerVersion;
        this.untilVersion = untilVersion;
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        try {
            CliArgs.Parsed parsed = ARGS.parse(args);
            Settings s = parsed.settings();
            if (s.bool("help", false)) {
                System.out.println(USAGE);
                return 0;
            }
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.string("bootstrap", defaultBootstrap()));
            props.put(ConsumerConfig.GROUP_ID_CONFIG, "marquee-watch-" + UUID.randomUUID());
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "2000"); // notice topics created after the start soon
            props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            props.putAll(parsed.properties("consumer-prop"));
            WatchMain watch = new WatchMain(s.intInRange("predictions", 3, 0, 1_000_000),
                    s.longInRange("until-version", -1, 1, Long.MAX_VALUE));
            long timeoutMs = (long) (s.doubleInRange("timeout-seconds", 600, 0.1, 86_400) * 1000);
            return watch.follow(props, timeoutMs);
        } catch (SettingException e) {
            System.err.println("watch: " + e.getMessage());
            System.err.println(USAGE);
            return 2;
        }
    }

    private static String defaultBootstrap() {
        String env = System.getenv("MARQUEE_BOOTSTRAP");
        return env == null || env.isBlank() ? "localhost:9092" : env.trim();
    }

    private int follow(Properties props, long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(PREDICTIONS, DRIFT_METRICS, RETRAIN_REQUESTS, RETRAIN_OUTCOMES, MODEL_UPDATES, MODEL_STATUS));
            while (true) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) continue;
                    try {
                        String line = lineFor(r.topic(), r.value());
                        if (line != null) {
                            System.out.println(LocalTime.now().format(CLOCK) + " " + line);
                            System.out.flush();
                        }
                    } catch (EventCodecException e) {
                        unreadable++;
                    }
                }
                if (untilVersion < 0) continue;
                long now = System.currentTimeMillis();
                if (switchedAtMs >= 0 && (predictionOfTargetShown || now - switchedAtMs >= LINGER_AFTER_SWITCH_MS)) return 0;
                if (now >= deadline) {
                    System.err.printf("watch: the scoring job did not switch to model version %d within %d s%s%n", untilVersion,
                            timeoutMs / 1000, unreadable > 0 ? " (" + unreadable + " unreadable records skipped)" : "");
                    return 1;
                }
            }
        }
    }

    /** The line for one record, or null when it is not worth a line (a prediction beyond the first few of its version). */
    String lineFor(String topic, byte[] value) {
        switch (topic) {
            case PREDICTIONS -> {
                Prediction p = predictions.decode(value);
                int shown = predictionsShown.merge(p.modelVersion, 1, Integer::sum);
                if (untilVersion > 0 && p.modelVersion >= untilVersion) predictionOfTargetShown = true;
                return shown <= predictionsPerVersion ? WatchLines.prediction(p) : null;
            }
            case DRIFT_METRICS -> {
                return WatchLines.drift(reports.decode(value));
            }
            case RETRAIN_REQUESTS -> {
                return WatchLines.request(requests.decode(value));
            }
            case RETRAIN_OUTCOMES -> {
                return WatchLines.outcome(outcomes.decode(value));
            }
            case MODEL_UPDATES -> {
                return WatchLines.update(updates.decode(value));
            }
            case MODEL_STATUS -> {
                ModelStatus s = statuses.decode(value);
                if (untilVersion > 0 && ModelStatus.LOADED.equals(s.status) && s.version >= untilVersion && switchedAtMs < 0) {
                    switchedAtMs = System.currentTimeMillis();
                }
                return WatchLines.status(s);
            }
            default -> {
                return null;
            }
        }
    }

    boolean switched() {
        return switchedAtMs >= 0;
    }
}

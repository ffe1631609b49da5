package dev.marquee.job.config;

import dev.marquee.data.event.TopicNames;
import dev.marquee.data.config.SecretMasking;
import dev.marquee.data.config.SettingException;
import dev.marquee.data.config.Settings;
import dev.marquee.data.parse.ParserLimits;
import dev.marquee.data.drift.DriftSettings;
import dev.marquee.job.label.LabelSettings;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The scoring job's settings: one documented key each (docs/CONFIGURATION.md), a default, and a check at
 * start-up whose message names the key. Unknown keys are refused, so a typo never silently keeps a default.
 */
public final class JobSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String BOOTSTRAP = "kafka.bootstrap-servers";
    public static final String GROUP_ID = "kafka.group-id";
    public static final String STARTING_OFFSETS = "kafka.starting-offsets";
    /** Prefix of Kafka client properties passed to every source and sink, e.g. kafka.property.security.protocol. */
    public static final String KAFKA_PROPERTY_PREFIX = "kafka.property.";
    public static final String TOPIC_REQUESTS = "topic.rating-requests";
    public static final String TOPIC_PREDICTIONS = "topic.predictions";
    public static final String TOPIC_DEAD_LETTERS = "topic.dead-letters";
    public static final String TOPIC_MODEL_UPDATES = "topic.model-updates";
    public static final String TOPIC_DRIFT = "topic.drift-metrics";
    public static final String TOPIC_RATINGS = "topic.ratings";
    public static final String DELIVERY = "delivery.guarantee";
    public static final String TRANSACTIONAL_ID_PREFIX = "delivery.transactional-id-prefix";
    public static final String TRANSACTION_TIMEOUT_MS = "delivery.transaction-timeout-ms";
    public static final String CHECKPOINT_INTERVAL_MS = "checkpoint.interval-ms";
    public static final String PARALLELISM = "parallelism";
    public static final String TOPIC_MODEL_STATUS = "topic.model-status";
    public static final String TOPIC_LABELED_PREDICTIONS = "topic.labeled-predictions";
    public static final String MODEL_REGISTRY = "model.registry";
    public static final String MODEL_NAME = "model.name";
    public static final String MODEL_VERSION = "model.version";
    public static final String BATCH_SIZE = "batch.size";
    public static final String BATCH_MAX_DELAY_MS = "batch.max-delay-ms";
    public static final String SCORING_THREADS = "scoring.threads";
    public static final String MAX_OUT_OF_ORDERNESS_MS = "watermark.max-out-of-orderness-ms";
    public static final String IDLENESS_MS = "watermark.idleness-ms";
    public static final String BUFFER_TIMEOUT_MS = "pipeline.buffer-timeout-ms";
    public static final String PROMETHEUS_PORTS = "metrics.prometheus-ports";
    /** {@value #MODEL_VERSION} value meaning: the registry's pinned version, else its latest. */
    public static final String SERVING = "serving";

    private static final Set<String> KEYS = Set.of(BOOTSTRAP, GROUP_ID, STARTING_OFFSETS, TOPIC_REQUESTS,
            TOPIC_PREDICTIONS, TOPIC_DEAD_LETTERS, TOPIC_MODEL_UPDATES, TOPIC_DRIFT, TOPIC_RATINGS, DELIVERY,
            TRANSACTIONAL_ID_PREFIX, TRANSACTION_TIMEOUT_MS, CHECKPOINT_INTERVAL_MS, PARALLELISM, TOPIC_MODEL_STATUS, TOPIC_LABELED_PREDICTIONS,
            MODEL_REGISTRY, MODEL_NAME, MODEL_VERSION, BATCH_SIZE, BATCH_MAX_DELAY_MS, SCORING_THREADS,
            MAX_OUT_OF_ORDERNESS_MS, IDLENESS_MS, BUFFER_TIMEOUT_MS, PROMETHEUS_PORTS,
            ParserLimits.MAX_PAYLOAD_BYTES, ParserLimits.MAX_INSTANCES, ParserLimits.MAX_DEPTH,
            ParserLimits.MAX_USER_ID_CHARS, ParserLimits.MAX_TITLE_CHARS, ParserLimits.MAX_REQUEST_ID_CHARS,
            ParserLimits.MIN_TIMESTAMP, ParserLimits.MAX_TIMESTAMP, ParserLimits.MAX_EXTRA_FIELDS,
            ParserLimits.MAX_DEAD_LETTER_PAYLOAD_BYTES);

    public final String bootstrapServers;
    public final String groupId;
    public final StartingOffsets startingOffsets;
    public final String requestsTopic;
    public final String predictionsTopic;
    public final String deadLettersTopic;
    public final String modelUpdatesTopic;
    public final String driftTopic;
    public final String ratingsTopic;
    public final DeliveryGuarantee delivery;
    public final String transactionalIdPrefix;
    public final long transactionTimeoutMs;
    public final long checkpointIntervalMs;
    /** 0 when not set: Flink's default parallelism applies. */
    public final int parallelism;
    public final ParserLimits parserLimits;
    public final String modelStatusTopic;
    public final String labeledPredictionsTopic;
    public final String modelRegistry;
    public final String modelName;
    /** The version to serve; 0 for the registry's serving version (pinned, else latest). */
    public final long modelVersion;
    public final int batchSize;
    public final long batchMaxDelayMs;
    /** TensorFlow intra-op threads per scoring slot; 0 shares the machine's cores evenly among local slots. */
    public final int scoringThreads;
    public final long maxOutOfOrdernessMs;
    public final long idlenessMs;
    /** Longest a record waits in a network buffer between two tasks. */
    public final long bufferTimeoutMs;
    /** Port (or range) of Flink's Prometheus reporter when the job runs in this JVM; "off" for none. */
    public final String prometheusPorts;
    /** Drift detection: the drift.* keys. */
    public final DriftSettings drift;
    /** Labels and online adaptation: the labels.* and adaptation.* keys. */
    public final LabelSettings labels;
    private final Map<String, String> kafkaProperties;
    /** The dead-letter sink's own producer properties ({@code max.request.size}, {@code buffer.memory}): {@link DeadLetterRecordSize}. */
    private final Map<String, String> deadLetterProducerProperties;
    /** The settings as given, for {@link #describe()}. */
    private final Map<String, String> given;

    private JobSettings(Settings s) {
        List<String> unknown = new ArrayList<>();
        for (String key : s.asMap().keySet()) {
            if (!KEYS.contains(key) && !key.startsWith(KAFKA_PROPERTY_PREFIX) && !key.startsWith(DriftSettings.PREFIX)
                    && !key.startsWith(LabelSettings.LABELS_PREFIX) && !key.startsWith(LabelSettings.ADAPTATION_PREFIX)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new SettingException("unknown setting" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown)
                    + "; known: " + String.join(", ", new TreeSet<>(KEYS)) + ", " + KAFKA_PROPERTY_PREFIX + "*, " + DriftSettings.PREFIX + "* (docs/DRIFT.md), "
                    + LabelSettings.LABELS_PREFIX + "*, " + LabelSettings.ADAPTATION_PREFIX + "* (docs/RETRAINING.md)");
        }
        String envBootstrap = System.getenv("MARQUEE_BOOTSTRAP");
        bootstrapServers = s.string(BOOTSTRAP, envBootstrap == null || envBootstrap.isBlank() ? "localhost:9092" : envBootstrap.trim());
        groupId = s.string(GROUP_ID, "marquee-scoring");
        startingOffsets = StartingOffsets.parse(STARTING_OFFSETS, s.string(STARTING_OFFSETS, "committed"));
        requestsTopic = s.string(TOPIC_REQUESTS, TopicNames.RATING_REQUESTS);
        predictionsTopic = s.string(TOPIC_PREDICTIONS, TopicNames.PREDICTIONS);
        deadLettersTopic = s.string(TOPIC_DEAD_LETTERS, TopicNames.RATING_REQUESTS_DLQ);
        modelUpdatesTopic = s.string(TOPIC_MODEL_UPDATES, TopicNames.MODEL_UPDATES);
        driftTopic = s.string(TOPIC_DRIFT, TopicNames.DRIFT_METRICS);
        ratingsTopic = s.string(TOPIC_RATINGS, TopicNames.RATINGS);
        delivery = DeliveryGuarantee.parse(DELIVERY, s.string(DELIVERY, "at-least-once"));
        transactionalIdPrefix = s.string(TRANSACTIONAL_ID_PREFIX, "marquee-scoring");
        // Brokers refuse transactions longer than transaction.max.timeout.ms (15 min by default); the
        // connector's own default of one hour would be refused.
        transactionTimeoutMs = s.longInRange(TRANSACTION_TIMEOUT_MS, 900_000, 1_000, 3_600_000);
        // At-least-once: a checkpoint only bounds how much is read again after a failure, and each one stalls
        // the sinks while they flush (measured: p99 latency 135 ms at 10 s, 33 ms at 60 s). Exactly-once: the
        // interval is how long outputs wait to become visible, so it stays short.
        checkpointIntervalMs = s.longInRange(CHECKPOINT_INTERVAL_MS,
                delivery == DeliveryGuarantee.EXACTLY_ONCE ? 10_000 : 60_000, 100, 86_400_000);
        parallelism = s.intInRange(PARALLELISM, 0, 0, 10_000);
        parserLimits = ParserLimits.from(s);
        drift = DriftSettings.from(s);
        labels = LabelSettings.from(s);
        modelStatusTopic = s.string(TOPIC_MODEL_STATUS, TopicNames.MODEL_STATUS);
        labeledPredictionsTopic = s.string(TOPIC_LABELED_PREDICTIONS, TopicNames.LABELED_PREDICTIONS);
        String envRegistry = System.getenv("MARQUEE_REGISTRY");
        modelRegistry = s.string(MODEL_REGISTRY, envRegistry == null || envRegistry.isBlank() ? ".marquee/registry" : envRegistry.trim());
        modelName = s.string(MODEL_NAME, "marquee");
        String version = s.string(MODEL_VERSION, SERVING);
        modelVersion = parseVersion(version);
        batchSize = s.intInRange(BATCH_SIZE, 256, 1, 65_536);
        batchMaxDelayMs = s.longInRange(BATCH_MAX_DELAY_MS, 5, 0, 60_000);
        scoringThreads = s.intInRange(SCORING_THREADS, 0, 0, 1_024);
        maxOutOfOrdernessMs = s.longInRange(MAX_OUT_OF_ORDERNESS_MS, 5_000, 0, 86_400_000L * 365);
        idlenessMs = s.longInRange(IDLENESS_MS, 10_000, 0, 86_400_000);
        // Flink's default of 100 ms is paid once per network hop, and scoring is one hop from parsing (it has
        // a second input, so it cannot be chained): 5 ms keeps the p99 latency target within reach.
        bufferTimeoutMs = s.longInRange(BUFFER_TIMEOUT_MS, 5, 0, 60_000);
        prometheusPorts = s.string(PROMETHEUS_PORTS, "9249-9259");
        if (!prometheusPorts.equals("off") && !prometheusPorts.matches("\\d{1,5}(-\\d{1,5})?")) {
            throw new SettingException(PROMETHEUS_PORTS + " must be a port, a range like 9249-9259, or off; got '"
                    + prometheusPorts + "'");
        }
        Map<String, String> kafka = new java.util.LinkedHashMap<>();
        s.asMap().forEach((k, v) -> {
            if (k.startsWith(KAFKA_PROPERTY_PREFIX)) kafka.put(k.substring(KAFKA_PROPERTY_PREFIX.length()), v);
        });
        kafkaProperties = Map.copyOf(kafka);
        deadLetterProducerProperties = DeadLetterRecordSize.producerProperties(parserLimits, kafkaProperties);
        given = Map.copyOf(s.asMap());
        if (delivery == DeliveryGuarantee.EXACTLY_ONCE && transactionTimeoutMs <= checkpointIntervalMs) {
            throw new SettingException(TRANSACTION_TIMEOUT_MS + " (" + transactionTimeoutMs + ") must be longer than "
                    + CHECKPOINT_INTERVAL_MS + " (" + checkpointIntervalMs + "): a transaction stays open from one checkpoint to the next");
        }
    }

    private static long parseVersion(String value) {
        if (SERVING.equals(value)) return 0;
        try {
            long v = Long.parseLong(value);
            if (v >= 1) return v;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new SettingException(MODEL_VERSION + " must be '" + SERVING + "' or a version number >= 1, got '" + value + "'");
    }

    public static JobSettings from(Map<String, String> settings) {
        return new JobSettings(new Settings(settings));
    }

    public static JobSettings defaults() {
        return from(Map.of());
    }

    /** The settings as given (unmasked: never log this; see {@link #describe()}). */
    public Map<String, String> asMap() {
        return given;
    }

    /** The settings as given, sorted, with secret values (passwords, JAAS configurations, ...) masked: for logs. */
    public String describe() {
        return SecretMasking.describe(given);
    }

    @Override
    public String toString() {
        return "JobSettings{" + describe() + "}";
    }

    /** The {@value #KAFKA_PROPERTY_PREFIX}* properties, without the prefix, for every Kafka client. */
    public Properties kafkaProperties() {
        Properties p = new Properties();
        p.putAll(kafkaProperties);
        return p;
    }

    /** The dead-letter sink's producer: {@link #kafkaProperties()} with its size limits following the dead-letter limit. */
    public Properties deadLetterProducerProperties() {
        Properties p = kafkaProperties();
        p.putAll(deadLetterProducerProperties);
        return p;
    }
}

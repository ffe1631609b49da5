package dev.marquee.job.config;

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
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.configuration.Configuration;

/**
 * The scoring job's settings: the {@link ScoringJobOptions} (documented in docs/CONFIGURATION.md), each read
 * with its default and checked at start-up with a message that names the key. Unknown keys are refused, so a typo never silently keeps a default.
 */
public final class JobSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String BOOTSTRAP = ScoringJobOptions.BOOTSTRAP_SERVERS.key();
    public static final String GROUP_ID = ScoringJobOptions.GROUP_ID.key();
    public static final String STARTING_OFFSETS = ScoringJobOptions.STARTING_OFFSETS.key();
    /** Prefix of Kafka client properties passed to every source and sink, e.g. kafka.property.security.protocol. */
    public static final String KAFKA_PROPERTY_PREFIX = ScoringJobOptions.KAFKA_PROPERTY_PREFIX;
    public static final String TOPIC_REQUESTS = ScoringJobOptions.TOPIC_REQUESTS.key();
    public static final String TOPIC_PREDICTIONS = ScoringJobOptions.TOPIC_PREDICTIONS.key();
    public static final String TOPIC_DEAD_LETTERS = ScoringJobOptions.TOPIC_DEAD_LETTERS.key();
    public static final String TOPIC_MODEL_UPDATES = ScoringJobOptions.TOPIC_MODEL_UPDATES.key();
    public static final String TOPIC_DRIFT = ScoringJobOptions.TOPIC_DRIFT.key();
    public static final String TOPIC_RATINGS = ScoringJobOptions.TOPIC_RATINGS.key();
    public static final String DELIVERY = ScoringJobOptions.DELIVERY.key();
    public static final String TRANSACTIONAL_ID_PREFIX = ScoringJobOptions.TRANSACTIONAL_ID_PREFIX.key();
    public static final String TRANSACTION_TIMEOUT_MS = ScoringJobOptions.TRANSACTION_TIMEOUT_MS.key();
    public static final String CHECKPOINT_INTERVAL_MS = ScoringJobOptions.CHECKPOINT_INTERVAL_MS.key();
    public static final String CHECKPOINT_LOCAL_DIR = ScoringJobOptions.CHECKPOINT_LOCAL_DIR.key();
    public static final String PARALLELISM = ScoringJobOptions.PARALLELISM.key();
    public static final String TOPIC_MODEL_STATUS = ScoringJobOptions.TOPIC_MODEL_STATUS.key();
    public static final String TOPIC_LABELED_PREDICTIONS = ScoringJobOptions.TOPIC_LABELED_PREDICTIONS.key();
    public static final String MODEL_REGISTRY = ScoringJobOptions.MODEL_REGISTRY.key();
    /** Exactly-once: the least the transaction timeout must exceed the interval by (the checkpoint timeout is capped below it). */
    public static final long MIN_CHECKPOINT_TIME_MS = 10_000;
    public static final String MODEL_NAME = ScoringJobOptions.MODEL_NAME.key();
    public static final String MODEL_VERSION = ScoringJobOptions.MODEL_VERSION.key();
    public static final String BATCH_SIZE = ScoringJobOptions.BATCH_SIZE.key();
    public static final String IDLENESS_MS = ScoringJobOptions.IDLENESS_MS.key();
    public static final String PROMETHEUS_PORTS = ScoringJobOptions.PROMETHEUS_PORTS.key();
    /** {@value ScoringJobOptions#SERVING} as {@code model.version}: the registry's serving version (pin, pointer, latest). */
    public static final String SERVING = ScoringJobOptions.SERVING;

    /** The keys read here; drift.*, labels.* and adaptation.* are checked by their own settings. */
    private static final Set<String> KEYS = OptionSection.keys(List.of(ScoringJobOptions.KAFKA,
            ScoringJobOptions.TOPICS, ScoringJobOptions.DELIVERY_SECTION, ScoringJobOptions.SCORING,
            ScoringJobOptions.METRICS, ScoringJobOptions.PARSER));

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
    /** Checkpoint directory of a run in an embedded Flink of its own, as a {@code file://} URI. */
    public final String localCheckpointDir;
    /** 0 when not set: Flink's default parallelism applies. */
    public final int parallelism;
    public final ParserLimits parserLimits;
    public final String modelStatusTopic;
    public final String labeledPredictionsTopic;
    public final String modelRegistry;
    public final String modelName;
    /** The version to serve; 0 for the registry's serving version (pinned, else the serving pointer's, else latest). */
    public final long modelVersion;
    public final int batchSize;
    public final long batchMaxDelayMs;
    /** TensorFlow intra-op threads per scoring slot; 0 shares the machine's cores evenly among local slots. */
    public final int scoringThreads;
    public final long maxOutOfOrdernessMs;
    public final long idlenessMs;
    /** How far ahead of the clock a timestamp may be and still move event time; negative: no bound. */
    public final long futureToleranceMs;
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

    /**
     * A default consumer group or transactional-id prefix for {@code modelName}: the default model keeps the plain
     * name, any other gets its own ({@code marquee-scoring-b}), so two models' jobs on one Kafka cluster never share
     * offsets or abort each other's transactions.
     */
    static String perModel(String base, String modelName) {
        return modelName.equals(ScoringJobOptions.MODEL_NAME.defaultValue()) ? base : base + "-" + modelName;
    }

    /**
     * A job's name for {@code modelName}: {@code base} for the default model, else with the model's name after it, so
     * that two models' jobs on one cluster are told apart by their metrics' job_name (and the alerts keyed on it).
     */
    public static String jobName(String base, String modelName) {
        return modelName.equals(ScoringJobOptions.MODEL_NAME.defaultValue()) ? base : base + " " + modelName;
    }

    private JobSettings(Configuration conf) {
        this(conf, true);
    }

    /** {@code scoring} false: the retraining trigger's share, which writes neither dead letters nor predictions. */
    private JobSettings(Configuration conf, boolean scoring) {
        OptionReader r = new OptionReader(conf);
        Settings s = r.settings();
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
        bootstrapServers = r.string(ScoringJobOptions.BOOTSTRAP_SERVERS, fromEnvironment("MARQUEE_BOOTSTRAP",
                ScoringJobOptions.BOOTSTRAP_SERVERS.defaultValue()));
        String model = r.string(ScoringJobOptions.MODEL_NAME);
        groupId = s.has(ScoringJobOptions.GROUP_ID.key()) ? r.string(ScoringJobOptions.GROUP_ID)
                : perModel(ScoringJobOptions.GROUP_ID.defaultValue(), model);
        startingOffsets = StartingOffsets.parse(STARTING_OFFSETS, r.string(ScoringJobOptions.STARTING_OFFSETS));
        requestsTopic = r.string(ScoringJobOptions.TOPIC_REQUESTS);
        predictionsTopic = r.string(ScoringJobOptions.TOPIC_PREDICTIONS);
        deadLettersTopic = r.string(ScoringJobOptions.TOPIC_DEAD_LETTERS);
        modelUpdatesTopic = r.string(ScoringJobOptions.TOPIC_MODEL_UPDATES);
        driftTopic = r.string(ScoringJobOptions.TOPIC_DRIFT);
        ratingsTopic = r.string(ScoringJobOptions.TOPIC_RATINGS);
        delivery = DeliveryGuarantee.parse(DELIVERY, r.string(ScoringJobOptions.DELIVERY));
        transactionalIdPrefix = s.has(ScoringJobOptions.TRANSACTIONAL_ID_PREFIX.key())
                ? r.string(ScoringJobOptions.TRANSACTIONAL_ID_PREFIX)
                : perModel(ScoringJobOptions.TRANSACTIONAL_ID_PREFIX.defaultValue(), model);
        // "marquee-labeled" takes nobody's ids: model marquee's prefix is the bare default, not "<default>-marquee"
        if (delivery == DeliveryGuarantee.EXACTLY_ONCE && !s.has(ScoringJobOptions.TRANSACTIONAL_ID_PREFIX.key())
                && (model.equals("labeled") || (model.endsWith("-labeled")
                        && !model.equals(ScoringJobOptions.MODEL_NAME.defaultValue() + "-labeled")))) {
            // each sink's ids are <prefix>-<sink>: "<base>-labeled" + "-predictions" is "<base>" + "-labeled-predictions"
            String other = model.equals("labeled") ? ScoringJobOptions.MODEL_NAME.defaultValue()
                    : model.substring(0, model.length() - "-labeled".length());
            throw new SettingException(MODEL_NAME + " '" + model + "' at exactly-once: its predictions sink's default"
                    + " transactional ids (" + transactionalIdPrefix + "-predictions-...) are model '" + other + "''s"
                    + " labeled-predictions sink's, and the two jobs would fence each other's transactions; set "
                    + ScoringJobOptions.TRANSACTIONAL_ID_PREFIX.key() + ", or name the model otherwise");
        }
        if (scoring && delivery == DeliveryGuarantee.EXACTLY_ONCE && s.has(ScoringJobOptions.TRANSACTIONAL_ID_PREFIX.key())
                && transactionalIdPrefix.endsWith("-labeled")) {
            String other = transactionalIdPrefix.substring(0, transactionalIdPrefix.length() - "-labeled".length());
            throw new SettingException(ScoringJobOptions.TRANSACTIONAL_ID_PREFIX.key() + " '" + transactionalIdPrefix
                    + "' at exactly-once: its predictions sink's transactional ids (" + transactionalIdPrefix
                    + "-predictions-...) are those of the labeled-predictions sink of a job whose prefix is '" + other
                    + "', and the two jobs would fence each other's transactions; choose a prefix that does not end in '-labeled'");
        }
        // Brokers refuse transactions longer than transaction.max.timeout.ms (15 min by default); the
        // connector's own default of one hour would be refused.
        transactionTimeoutMs = r.longIn(ScoringJobOptions.TRANSACTION_TIMEOUT_MS, 1_000, 3_600_000);
        // At-least-once: a checkpoint only bounds how much is read again after a failure, and each one stalls
        // the sinks while they flush (measured: p99 latency 135 ms at 10 s, 33 ms at 60 s). Exactly-once: the
        // interval is how long outputs wait to become visible, so it stays short.
        checkpointIntervalMs = r.longIn(ScoringJobOptions.CHECKPOINT_INTERVAL_MS, delivery == DeliveryGuarantee.EXACTLY_ONCE
                ? ScoringJobOptions.EXACTLY_ONCE_CHECKPOINT_INTERVAL_MS : ScoringJobOptions.CHECKPOINT_INTERVAL_MS.defaultValue(),
                100, 86_400_000);
        localCheckpointDir = fileUri(CHECKPOINT_LOCAL_DIR, r.string(ScoringJobOptions.CHECKPOINT_LOCAL_DIR));
        parallelism = r.intIn(ScoringJobOptions.PARALLELISM, 0, 10_000);
        parserLimits = ParserLimits.from(s);
        drift = DriftSettings.from(s);
        labels = LabelSettings.from(s);
        modelStatusTopic = r.string(ScoringJobOptions.TOPIC_MODEL_STATUS);
        labeledPredictionsTopic = r.string(ScoringJobOptions.TOPIC_LABELED_PREDICTIONS);
        refuseLoops(Map.of(TOPIC_REQUESTS, requestsTopic, TOPIC_RATINGS, ratingsTopic, TOPIC_MODEL_UPDATES, modelUpdatesTopic),
                Map.of(TOPIC_PREDICTIONS, predictionsTopic, TOPIC_DEAD_LETTERS, deadLettersTopic, TOPIC_DRIFT, driftTopic,
                        TOPIC_MODEL_STATUS, modelStatusTopic, TOPIC_LABELED_PREDICTIONS, labeledPredictionsTopic));
        String registry = r.string(ScoringJobOptions.MODEL_REGISTRY, fromEnvironment("MARQUEE_REGISTRY",
                ScoringJobOptions.MODEL_REGISTRY.defaultValue()));
        try {
            modelRegistry = dev.marquee.model.ModelRegistry.baseOf(registry).toString(); // file:///x as /x
        } catch (IllegalArgumentException e) {
            throw new SettingException(MODEL_REGISTRY + ": " + e.getMessage());
        }
        modelName = r.string(ScoringJobOptions.MODEL_NAME);
        if (!dev.marquee.model.ModelRegistry.isValidName(modelName)) {
            throw new SettingException(MODEL_NAME + " must be letters, digits, '.', '_' and '-', starting with a letter or"
                    + " digit (it names a folder of the registry); got '" + modelName + "'");
        }
        if (java.nio.file.Files.isRegularFile(java.nio.file.Path.of(modelRegistry))) {
            throw new SettingException(MODEL_REGISTRY + " (" + modelRegistry + ") is a file; it must be the registry's folder");
        }
        modelVersion = parseVersion(r.string(ScoringJobOptions.MODEL_VERSION));
        batchSize = r.intIn(ScoringJobOptions.BATCH_SIZE, 1, 65_536);
        batchMaxDelayMs = r.longIn(ScoringJobOptions.BATCH_MAX_DELAY_MS, 0, 60_000);
        scoringThreads = r.intIn(ScoringJobOptions.SCORING_THREADS, 0, 1_024);
        maxOutOfOrdernessMs = r.longIn(ScoringJobOptions.MAX_OUT_OF_ORDERNESS_MS, 0, 86_400_000L * 365);
        idlenessMs = r.longIn(ScoringJobOptions.IDLENESS_MS, 0, 86_400_000);
        futureToleranceMs = r.longIn(ScoringJobOptions.FUTURE_TOLERANCE_MS, -1, 86_400_000L * 365);
        // Flink's default of 100 ms is paid once per network hop, and with labels on every prediction crosses one
        // to the keyed labels' join: 5 ms keeps the p99 latency target within reach.
        bufferTimeoutMs = r.longIn(ScoringJobOptions.BUFFER_TIMEOUT_MS, 0, 60_000);
        prometheusPorts = r.string(ScoringJobOptions.PROMETHEUS_PORTS);
        if (!prometheusPorts.equals("off") && !validPorts(prometheusPorts)) {
            throw new SettingException(PROMETHEUS_PORTS + " must be a port, a range like 9249-9259 (1-65535, low to"
                    + " high), or off; got '" + prometheusPorts + "'");
        }
        kafkaProperties = Map.copyOf(r.withPrefix(KAFKA_PROPERTY_PREFIX));
        KafkaPropertyChecks.check(kafkaProperties, delivery);
        // the records' largest sizes against the producers' limits: the scoring job's sinks only
        deadLetterProducerProperties = scoring ? DeadLetterRecordSize.producerProperties(parserLimits, kafkaProperties)
                : kafkaProperties;
        if (scoring) PredictionRecordSize.check(parserLimits, kafkaProperties);
        given = Map.copyOf(s.asMap());
        if (delivery == DeliveryGuarantee.EXACTLY_ONCE && transactionTimeoutMs < checkpointIntervalMs + MIN_CHECKPOINT_TIME_MS) {
            throw new SettingException(TRANSACTION_TIMEOUT_MS + " (" + transactionTimeoutMs + ") must be longer than "
                    + CHECKPOINT_INTERVAL_MS + " (" + checkpointIntervalMs + ") by at least " + MIN_CHECKPOINT_TIME_MS
                    + " ms: a transaction stays open from one checkpoint to the next, and the job caps its checkpoint "
                    + "timeout so that no transaction outlives it (docs/RELIABILITY.md)");
        }
    }

    /**
     * A topic the job writes that it also reads would feed its output back in for ever: a prediction parses as a valid
     * request, a dead letter as a request missing its fields, which is dead-lettered again.
     */
    private static void refuseLoops(Map<String, String> read, Map<String, String> written) {
        for (Map.Entry<String, String> out : new TreeMap<>(written).entrySet()) {
            for (Map.Entry<String, String> in : new TreeMap<>(read).entrySet()) {
                if (out.getValue().equals(in.getValue())) {
                    throw new SettingException(out.getKey() + " and " + in.getKey() + " both name topic '" + in.getValue()
                            + "': the job would read what it writes, for ever; give them different topics");
                }
            }
        }
    }

    private static boolean validPorts(String value) {
        if (!value.matches("\\d{1,5}(-\\d{1,5})?")) return false;
        String[] ends = value.split("-");
        int low = Integer.parseInt(ends[0]);
        int high = Integer.parseInt(ends[ends.length - 1]);
        return low >= 1 && low <= high && high <= 65_535;
    }

    /** A directory or {@code file://} URI as an absolute {@code file://} URI. */
    private static String fileUri(String key, String value) {
        if (value.isBlank()) throw new SettingException(key + " must name a directory");
        if (value.contains("://") && !value.startsWith("file://")) {
            throw new SettingException(key + " must be a local directory or a file:// URI: " + value);
        }
        java.nio.file.Path dir;
        try {
            dir = value.startsWith("file://") ? java.nio.file.Path.of(java.net.URI.create(value)) : java.nio.file.Path.of(value);
        } catch (IllegalArgumentException e) { // file://tmp/x (an authority), a space in a URI, ...
            throw new SettingException(key + " must be a local directory or a file:/// URI (three slashes, spaces as"
                    + " %20): " + e.getMessage() + ": " + value);
        }
        String uri = dir.toAbsolutePath().normalize().toUri().toString();
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri; // toUri adds one when the directory exists
    }

    private static String fromEnvironment(String variable, String defaultValue) {
        String value = System.getenv(variable);
        return value == null || value.isBlank() ? defaultValue : value.trim();
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
        return from(Configuration.fromMap(settings));
    }

    /** The settings in a Flink configuration ({@link ScoringJobOptions}). */
    public static JobSettings from(Configuration conf) {
        return new JobSettings(conf);
    }

    public static JobSettings defaults() {
        return from(Map.of());
    }

    /** The settings the retraining trigger shares with the scoring job, without the checks of the scoring job's sinks. */
    static JobSettings forTrigger(Map<String, String> settings) {
        return new JobSettings(Configuration.fromMap(settings), false);
    }

    /** The settings as given (unmasked: never log this; see {@link #describe()}). */
    public Map<String, String> asMap() {
        return given;
    }

    /** Settings that are valid but probably not what was meant, each as a line to print at start. */
    public java.util.List<String> warnings() {
        java.util.List<String> out = new java.util.ArrayList<>();
        if (drift.enabled && drift.windowRecords > 0 && drift.windowRecords < drift.minRecords) {
            out.add(DriftSettings.WINDOW_RECORDS + " (" + drift.windowRecords + ") is below " + DriftSettings.MIN_RECORDS
                    + " (" + drift.minRecords + "): windows that close on their record count have too few predictions "
                    + "for their distributions to be compared; raise the first or lower the second");
        }
        if (!drift.enabled) {
            out.add(DriftSettings.ENABLED + " false: no drift reports, so neither drift nor online accuracy (labels.rmse)"
                    + " is measured, and the retraining trigger's drift and RMSE rules never fire on this job (its"
                    + " trigger.schedule-ms still does)");
        }
        String acks = kafkaProperties.get("acks");
        if (acks != null && (acks.trim().equals("0") || acks.trim().equals("1"))) {
            out.add(KAFKA_PROPERTY_PREFIX + "acks=" + acks.trim() + ": a broker that fails before its followers copy a"
                    + " record loses it, which at-least-once does not allow for; the job's default is all");
        }
        if (drift.enabled && drift.minRecords < dev.marquee.data.drift.DriftCalibrator.SMALLEST_WINDOW) {
            out.add(DriftSettings.MIN_RECORDS + " (" + drift.minRecords + ") is below the smallest calibrated window ("
                    + dev.marquee.data.drift.DriftCalibrator.SMALLEST_WINDOW + " scored requests): in smaller windows the"
                    + " calibrated metrics are reported unavailable (their thresholds would be too tight)");
        }
        // the alert fires once the last checkpoint is 300 s + its 2 min old; a minute is left for the checkpoint itself
        if (checkpointIntervalMs > CHECKPOINT_STALE_ALERT_MS + 60_000) {
            out.add(ScoringJobOptions.CHECKPOINT_INTERVAL_MS.key() + " (" + checkpointIntervalMs + " ms): the "
                    + "MarqueeCheckpointStale alert of infra/prometheus/alerts.yml fires after "
                    + CHECKPOINT_STALE_ALERT_MS / 1000 + " s without a completed checkpoint (held 2 min), so it may fire"
                    + " between checkpoints that all succeed; raise its " + CHECKPOINT_STALE_ALERT_MS / 1000
                    + " to about twice the interval in seconds");
        }
        return out;
    }

    /** The age of the last completed checkpoint at which infra/prometheus/alerts.yml's MarqueeCheckpointStale fires. */
    static final long CHECKPOINT_STALE_ALERT_MS = 300_000;

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

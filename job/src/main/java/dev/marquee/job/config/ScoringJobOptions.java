package dev.marquee.job.config;

import static org.apache.flink.configuration.ConfigOptions.key;

import dev.marquee.data.drift.DriftSettings;
import dev.marquee.data.event.TopicNames;
import dev.marquee.data.parse.ParserLimits;
import java.util.List;
import java.util.StringJoiner;
import org.apache.flink.configuration.ConfigOption;

/**
 * The scoring job's settings, by section: key, type, default and description. {@link JobSettings} reads and
 * checks them; docs/CONFIGURATION.md is generated from them ({@link ConfigurationDocs}). The defaults of the
 * parser and drift keys are those of {@link ParserLimits} and {@link DriftSettings}, which check them.
 */
public final class ScoringJobOptions {
    private ScoringJobOptions() {}

    // Kafka
    public static final ConfigOption<String> BOOTSTRAP_SERVERS = key("kafka.bootstrap-servers").stringType()
            .defaultValue("localhost:9092").withDescription("Kafka bootstrap servers");
    public static final ConfigOption<String> GROUP_ID = key("kafka.group-id").stringType()
            .defaultValue("marquee-scoring").withDescription("consumer group of the request source; the labels' source"
                    + " uses `<group-id>-labels` (grant both: docs/OPERATIONS.md#kafka-acls); for a `model.name` other than"
                    + " `marquee` the default is `marquee-scoring-<model.name>`, so two models' jobs never share offsets");
    public static final ConfigOption<String> STARTING_OFFSETS = key("kafka.starting-offsets").stringType()
            .defaultValue("committed").withDescription("where to start without a checkpoint: `committed` (the group's"
                    + " offsets, else earliest), `earliest`, `latest` (also on every restart until the first checkpoint"
                    + " completes). A restored offset that retention has deleted resumes at the earliest offset kept,"
                    + " whichever is set");
    /** Prefix of Kafka client properties passed to every source and sink, e.g. kafka.property.security.protocol. */
    public static final String KAFKA_PROPERTY_PREFIX = "kafka.property.";
    public static final OptionRow KAFKA_PROPERTIES = OptionRow.family(KAFKA_PROPERTY_PREFIX, "<name>", "string", "none",
            "any Kafka client property, passed to every source and sink, e.g. `kafka.property.security.protocol=SASL_SSL`,"
            + " `kafka.property.sasl.mechanism=SCRAM-SHA-512`, `kafka.property.ssl.truststore.location=...`. The sources"
            + " look for partitions added to their topics every minute (`partition.discovery.interval.ms`, 60000 unless"
            + " given here; the connector's default is 5 minutes). The"
            + " dead-letter sink's `max.request.size` and `buffer.memory` follow `parser.max-dead-letter-payload-bytes`"
            + " (the largest dead-letter record: 70,144 bytes by default); given smaller here, or a `topic.dead-letters`"
            + " topic whose `max.message.bytes` is smaller, the job fails at start-up"
            + " ([RELIABILITY.md](RELIABILITY.md#hostile-input)). Refused at start-up: `bootstrap.servers`, `group.id`,"
            + " `transactional.id` and `transaction.timeout.ms` (set `kafka.bootstrap-servers`, `kafka.group-id`,"
            + " `delivery.transactional-id-prefix`, `delivery.transaction-timeout-ms`, which reach every client), and at"
            + " exactly-once what Kafka's transactions cannot run with (`enable.idempotence` other than true, `acks` other"
            + " than all or -1, `retries=0`, `max.in.flight.requests.per.connection` above 5), and at either guarantee"
            + " `transaction.two.phase.commit.enable=true` (the producer refuses the transaction timeout the connector sets"
            + " on every sink beside it), and a `delivery.timeout.ms` below `linger.ms` + `request.timeout.ms` (the"
            + " producer's defaults for those not given), which Kafka's producer refuses on every sink;"
            + " `transaction.two.phase.commit.enable`, `max.request.size` and `buffer.memory`, and at exactly-once"
            + " `enable.idempotence`, `acks`, `retries` and `max.in.flight.requests.per.connection`, cannot come from a"
            + " config provider (`${...}`): the job must read them to check them; `acks` 0 or 1 is warned about. Values of secret keys (passwords, JAAS configurations, tokens) are masked wherever settings are"
            + " logged");

    // Topics
    public static final ConfigOption<String> TOPIC_REQUESTS = key("topic.rating-requests").stringType()
            .defaultValue(TopicNames.RATING_REQUESTS).withDescription("input");
    public static final ConfigOption<String> TOPIC_PREDICTIONS = key("topic.predictions").stringType()
            .defaultValue(TopicNames.PREDICTIONS).withDescription("output, keyed by `request_id`");
    public static final ConfigOption<String> TOPIC_DEAD_LETTERS = key("topic.dead-letters").stringType()
            .defaultValue(TopicNames.RATING_REQUESTS_DLQ).withDescription("refused input, keyed by source position");
    public static final ConfigOption<String> TOPIC_MODEL_UPDATES = key("topic.model-updates").stringType()
            .defaultValue(TopicNames.MODEL_UPDATES).withDescription("new model versions (broadcast to every slot)");
    public static final ConfigOption<String> TOPIC_DRIFT = key("topic.drift-metrics").stringType()
            .defaultValue(TopicNames.DRIFT_METRICS).withDescription("one drift report per window");
    public static final ConfigOption<String> TOPIC_RATINGS = key("topic.ratings").stringType()
            .defaultValue(TopicNames.RATINGS).withDescription("true ratings (labels)");
    public static final ConfigOption<String> TOPIC_MODEL_STATUS = key("topic.model-status").stringType()
            .defaultValue(TopicNames.MODEL_STATUS)
            .withDescription("one record per slot each time a model version is loaded or refused");
    public static final ConfigOption<String> TOPIC_LABELED_PREDICTIONS = key("topic.labeled-predictions").stringType()
            .defaultValue(TopicNames.LABELED_PREDICTIONS).withDescription("each label matched with its prediction, with"
                    + " the shadow version's rating when one runs (labels on); the trainer's promoter reads it"
                    + " ([RETRAINING.md](RETRAINING.md#shadow-promotion-and-rollback))");

    // Delivery and checkpoints
    public static final ConfigOption<String> DELIVERY = key("delivery.guarantee").stringType()
            .defaultValue("at-least-once").withDescription("`at-least-once`: nothing lost, a restart may repeat some"
                    + " outputs. `exactly-once`: Kafka transactions committed with each checkpoint. Both read the inputs"
                    + " `read_committed` (a transactional producer's aborted records are not read, and its open"
                    + " transaction holds the job back until it ends; at-least-once,"
                    + " `kafka.property.isolation.level=read_uncommitted` reads past it); consumers of the outputs must read with `isolation.level=read_committed`");
    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX = key("delivery.transactional-id-prefix")
            .stringType().defaultValue("marquee-scoring")
            .withDescription("prefix of the sinks' transactional ids (exactly-once; for a `model.name` other than `marquee`"
                    + " the default is `marquee-scoring-<model.name>`); unique per job on one Kafka cluster (two jobs"
                    + " writing to the same brokers with one prefix abort each other's transactions, whatever Flink cluster"
                    + " each runs on); one given by hand must not end in `-labeled` at exactly-once (its predictions sink's ids would be the"
                    + " labeled-predictions sink's of a job with the prefix before it), nor may the model name end so without one, but"
                    + " for `marquee-labeled`, whose default prefix no other model's can meet; changed across a savepoint, the job needs WRITE on the old prefix's ids too until its"
                    + " first checkpoint (the restore commits or aborts the old transactions)");
    public static final ConfigOption<Long> TRANSACTION_TIMEOUT_MS = key("delivery.transaction-timeout-ms").longType()
            .defaultValue(900_000L).withDescription("must exceed the checkpoint interval by at least 10 s and not exceed the brokers'"
                    + " `transaction.max.timeout.ms` (15 min by default, checked at start; the connector's own one-hour"
                    + " default would be refused). The checkpoint timeout is capped so that no transaction outlives it (the lower of this"
                    + " minus the interval and (this minus the min-pause) / 2), and an exactly-once job must be restored"
                    + " within it, less its open transactions' age, after a failure (docs/RELIABILITY.md)");
    public static final ConfigOption<Long> CHECKPOINT_INTERVAL_MS = key("checkpoint.interval-ms").longType()
            .defaultValue(60_000L).withDescription("checkpoint interval. At-least-once: it bounds what is read again"
                    + " after a failure, and each checkpoint briefly stalls the sinks while they flush (p99 latency at"
                    + " 10,000 requests/s: 135 ms with 10 s, 33 ms with 60 s; docs/BENCHMARKS.md). Exactly-once: outputs"
                    + " become visible when the checkpoint after them completes, so their added latency is up to the"
                    + " interval plus a checkpoint's duration (seconds with gigabytes of state). Over 360 s, raise the"
                    + " 300 s of the MarqueeCheckpointStale alert (infra/prometheus/alerts.yml) to about twice the"
                    + " interval, or it fires between healthy checkpoints (a warning at start says so)");
    public static final ConfigOption<String> CHECKPOINT_LOCAL_DIR = key("checkpoint.local-dir").stringType()
            .defaultValue(".marquee/checkpoints").withDescription("where the job keeps its checkpoints when it runs in"
                    + " an embedded Flink of its own (`marquee score`, scripts/run-local): a directory or a `file://` URI."
                    + " Flink's own default there keeps them in the JobManager's memory, which refuses a task's state over"
                    + " 5 MB and fails the checkpoint (the labels' join holds more within a minute at a few thousand"
                    + " requests/s). Each JVM checkpoints into a folder of its own there, `run-<pid>-<n>`, deleted as it"
                    + " exits: an embedded run never restores (every start is a new job); what a JVM stopped by kill -9"
                    + " left is deleted by the next one to start (where the file system has file locks: without, a WARN"
                    + " says so, and only an exit cleans up). On a cluster, Flink's `execution.checkpointing.dir`"
                    + " decides and this is not used");
    /** The checkpoint interval's default with exactly-once delivery. */
    public static final long EXACTLY_ONCE_CHECKPOINT_INTERVAL_MS = 10_000;
    public static final ConfigOption<Integer> PARALLELISM = key("parallelism").intType().defaultValue(0)
            .withDescription("job parallelism; 0: Flink's default");
    public static final ConfigOption<Long> BUFFER_TIMEOUT_MS = key("pipeline.buffer-timeout-ms").longType()
            .defaultValue(5L).withDescription("longest a record on its way to a prediction waits in a network buffer between two"
                    + " tasks (Flink's default is 100 ms); with labels on, predictions cross to the keyed label join. Drift"
                    + " summaries and dead letters wait up to this or 100 ms, whichever is longer, unless drift windows"
                    + " end on a record count");

    // Model and scoring
    public static final ConfigOption<String> MODEL_REGISTRY = key("model.registry").stringType()
            .defaultValue(".marquee/registry").withDescription("the model registry's base directory (TF-Serving layout"
                    + " `<base>/<name>/<version>/`): a path or a `file://` URI; other URIs (`s3://`, `hdfs://`) are refused"
                    + " ([decision 0018](decisions/0018-the-registry-on-a-posix-volume.md))");
    public static final ConfigOption<String> MODEL_NAME = key("model.name").stringType().defaultValue("marquee")
            .withDescription("the model's name in the registry");
    /**
     * {@link #MODEL_VERSION} value meaning: the registry's serving version (the pin, else the serving pointer, else
     * the latest).
     */
    public static final String SERVING = "serving";
    public static final ConfigOption<String> MODEL_VERSION = key("model.version").stringType().defaultValue(SERVING)
            .withDescription("`serving`: start from the registry's serving version (the pinned one, else the one its"
                    + " serving pointer names, else the latest: docs/RETRAINING.md) and follow `model-updates`; a number:"
                    + " serve that version and ignore updates");
    public static final ConfigOption<Integer> BATCH_SIZE = key("batch.size").intType().defaultValue(256)
            .withDescription("rows per micro-batch at most");
    public static final ConfigOption<Long> BATCH_MAX_DELAY_MS = key("batch.max-delay-ms").longType().defaultValue(5L)
            .withDescription("longest a row waits for its batch to fill; 0 scores every row at once");
    public static final ConfigOption<Integer> SCORING_THREADS = key("scoring.threads").intType().defaultValue(0)
            .withDescription("TensorFlow intra-op threads of a scoring slot's session; 0 takes cores / min(cores,"
                    + " the job's parallelism), right when the whole job runs on one machine (on a cluster of several,"
                    + " set cores per TaskManager / slots per TaskManager). TensorFlow keeps one intra-op pool per"
                    + " process, sized by its first"
                    + " session, so the slots of a TaskManager share the first slot's pool (see Devices)");
    public static final ConfigOption<Long> MAX_OUT_OF_ORDERNESS_MS = key("watermark.max-out-of-orderness-ms")
            .longType().defaultValue(5_000L).withDescription("event time (the request's `timestamp`, and a label's on"
                    + " `ratings`) may run this far out of order");
    public static final ConfigOption<Long> IDLENESS_MS = key("watermark.idleness-ms").longType().defaultValue(10_000L)
            .withDescription("a subtask with no requests (or labels) for this long stops holding event time back (0"
                    + " or a few ms: after one watermark interval, 200 ms, without records; quiet subtasks then switch"
                    + " between idle and active)");
    public static final ConfigOption<Long> FUTURE_TOLERANCE_MS = key("watermark.future-tolerance-ms").longType()
            .defaultValue(300_000L).withDescription("a request (or label) stamped further than this ahead of the"
                    + " TaskManager's clock keeps its timestamp but does not move event time, so one wrong client clock"
                    + " cannot expire what waits in the labels' join; -1: every timestamp moves it");

    // Metrics
    public static final ConfigOption<String> PROMETHEUS_PORTS = key("metrics.prometheus-ports").stringType()
            .defaultValue("9249-9259").withDescription("port, or range of ports, of Flink's Prometheus reporter when"
                    + " the job runs in this JVM (`scripts/marquee score`, `scripts/run-local`); `off`: none. A cluster"
                    + " takes its reporters from its own configuration (`infra/flink/`)");

    // Request parser (docs/EVENTS.md)
    public static final ConfigOption<Integer> PARSER_MAX_PAYLOAD_BYTES = key(ParserLimits.MAX_PAYLOAD_BYTES).intType()
            .defaultValue(ParserLimits.DEFAULT_MAX_PAYLOAD_BYTES).withDescription("larger records are `TOO_LARGE`");
    public static final ConfigOption<Integer> PARSER_MAX_INSTANCES = key(ParserLimits.MAX_INSTANCES).intType()
            .defaultValue(ParserLimits.DEFAULT_MAX_INSTANCES).withDescription("instances per envelope");
    public static final ConfigOption<Integer> PARSER_MAX_DEPTH = key(ParserLimits.MAX_DEPTH).intType()
            .defaultValue(ParserLimits.DEFAULT_MAX_DEPTH).withDescription("JSON nesting depth");
    public static final ConfigOption<Integer> PARSER_MAX_USER_ID_CHARS = key(ParserLimits.MAX_USER_ID_CHARS).intType()
            .defaultValue(ParserLimits.DEFAULT_MAX_USER_ID_CHARS).withDescription("longest `user_id`");
    public static final ConfigOption<Integer> PARSER_MAX_TITLE_CHARS = key(ParserLimits.MAX_TITLE_CHARS).intType()
            .defaultValue(ParserLimits.DEFAULT_MAX_TITLE_CHARS).withDescription("longest `movie_title`");
    public static final ConfigOption<Integer> PARSER_MAX_REQUEST_ID_CHARS = key(ParserLimits.MAX_REQUEST_ID_CHARS)
            .intType().defaultValue(ParserLimits.DEFAULT_MAX_REQUEST_ID_CHARS).withDescription("longest `request_id`");
    public static final ConfigOption<Long> PARSER_MIN_TIMESTAMP = key(ParserLimits.MIN_TIMESTAMP).longType()
            .defaultValue(ParserLimits.DEFAULT_MIN_TIMESTAMP).withDescription("seconds since the epoch, inclusive; within ±9223372036854775 (its milliseconds fit a long)");
    public static final ConfigOption<Long> PARSER_MAX_TIMESTAMP = key(ParserLimits.MAX_TIMESTAMP).longType()
            .defaultValue(ParserLimits.DEFAULT_MAX_TIMESTAMP)
            .withDescription("inclusive; catches milliseconds sent as seconds; within ±9223372036854775 (its milliseconds fit a long)");
    public static final ConfigOption<String> PARSER_SIGNATURE_NAMES = key(ParserLimits.SIGNATURE_NAMES).stringType()
            .defaultValue(ParserLimits.DEFAULT_SIGNATURE_NAMES).withDescription("the `signature_name`s a TF-Serving envelope may"
                    + " give, comma-separated (an empty one, TF Serving's default, is always taken): add the signature a"
                    + " model was imported with (`--signature`), or Keras' `serve`, when clients send that name; the"
                    + " version serving is scored whichever name a request gives");
    public static final ConfigOption<String> PARSER_MISSING_TIMESTAMP = key(ParserLimits.MISSING_TIMESTAMP).stringType()
            .defaultValue("refuse").withDescription("a request without a `timestamp`: `refuse` (a `MISSING_FIELD` dead letter) or"
                    + " `record-time` (its Kafka record's timestamp, in seconds: the producer's clock under CreateTime), for"
                    + " clients of a model imported without a timestamp input, whom TF Serving refuses the key; an id-less"
                    + " label joins such a request only when it carries no timestamp either. Not for an envelope instance"
                    + " whose envelope has a `timestamp` at its top level: that is `MISSING_FIELD`");
    public static final ConfigOption<Integer> PARSER_MAX_EXTRA_FIELDS = key(ParserLimits.MAX_EXTRA_FIELDS).intType()
            .defaultValue(ParserLimits.DEFAULT_MAX_EXTRA_FIELDS).withDescription("unknown field names kept per request");
    public static final ConfigOption<Integer> PARSER_MAX_DEAD_LETTER_PAYLOAD_BYTES =
            key(ParserLimits.MAX_DEAD_LETTER_PAYLOAD_BYTES).intType()
            .defaultValue(ParserLimits.DEFAULT_MAX_DEAD_LETTER_PAYLOAD_BYTES).withDescription("original bytes kept in a"
                    + " dead letter, counted as written in its JSON; a serialised dead letter is at most 4 KiB + the larger of"
                    + " this and the largest validated request, which is never cut (about 7.9 KB at the default field"
                    + " limits): 69,632 bytes by default; the dead-letter sink's `max.request.size` follows it, and"
                    + " the start-up check names the bound"
                    + " ([RELIABILITY.md](RELIABILITY.md#hostile-input))");

    // Drift detection (docs/DRIFT.md)
    public static final ConfigOption<Boolean> DRIFT_ENABLED = key(DriftSettings.ENABLED).booleanType()
            .defaultValue(DriftSettings.DEFAULT_ENABLED).withDescription("drift detection on or off (off: no drift reports, so no online accuracy, and the"
                    + " retraining trigger's drift and RMSE rules never fire; its schedule still does)");
    public static final ConfigOption<Long> DRIFT_WINDOW_MS = key(DriftSettings.WINDOW_MS).longType()
            .defaultValue(DriftSettings.DEFAULT_WINDOW_MS).withDescription("window length (processing time); at least twice `drift.partial.interval-ms`, how often the"
                    + " subtasks send their counts (a shorter window would often come out empty, ending every alert streak)");
    public static final ConfigOption<Long> DRIFT_WINDOW_RECORDS = key(DriftSettings.WINDOW_RECORDS).longType()
            .defaultValue(DriftSettings.DEFAULT_WINDOW_RECORDS)
            .withDescription("also end a window after this many requests (0: time only)");
    public static final ConfigOption<Long> DRIFT_MIN_RECORDS = key(DriftSettings.MIN_RECORDS).longType()
            .defaultValue(DriftSettings.DEFAULT_MIN_RECORDS)
            .withDescription("scored requests a window needs before its distributions are compared (listed"
                    + " unavailable below it); under the smallest calibrated window (200) the job warns at start");
    public static final ConfigOption<Integer> DRIFT_PARTIAL_RECORDS = key(DriftSettings.PARTIAL_RECORDS).intType()
            .defaultValue(DriftSettings.DEFAULT_PARTIAL_RECORDS)
            .withDescription("a counting operator emits its summary after this many records ...");
    public static final ConfigOption<Long> DRIFT_PARTIAL_INTERVAL_MS = key(DriftSettings.PARTIAL_INTERVAL_MS).longType()
            .defaultValue(DriftSettings.DEFAULT_PARTIAL_INTERVAL_MS)
            .withDescription("... or this long after its first uncounted record");
    public static final ConfigOption<Integer> DRIFT_ALERT_WINDOWS = key(DriftSettings.ALERT_WINDOWS).intType()
            .defaultValue(DriftSettings.DEFAULT_ALERT_WINDOWS)
            .withDescription("consecutive windows over the threshold before a metric alerts");
    public static final ConfigOption<Integer> DRIFT_EPISODE_CLOSE_WINDOWS = key(DriftSettings.EPISODE_CLOSE_WINDOWS)
            .intType().defaultValue(DriftSettings.DEFAULT_EPISODE_CLOSE_WINDOWS)
            .withDescription("reports with no metric over its threshold that close a drift episode");
    public static final ConfigOption<Integer> DRIFT_MAX_TRACKED_FIELDS = key(DriftSettings.MAX_TRACKED_FIELDS).intType()
            .defaultValue(DriftSettings.DEFAULT_MAX_TRACKED_FIELDS)
            .withDescription("distinct unexpected field names tracked per window (the rest as `(other)`); 1 to 1,000, which keeps"
                    + " a report under the producer's 1 MiB `max.request.size`");
    public static final ConfigOption<Long> DRIFT_FUTURE_TOLERANCE_MS = key(DriftSettings.FUTURE_TOLERANCE_MS).longType()
            .defaultValue(DriftSettings.DEFAULT_FUTURE_TOLERANCE_MS)
            .withDescription("how far ahead of now a timestamp may be before it counts as future");
    public static final OptionRow DRIFT_THRESHOLDS = OptionRow.family(DriftSettings.THRESHOLD_PREFIX, "<metric>",
            "double", "calibrated, else the metric's default", "a number ≥ 0, or `off`; beats the calibration. Metrics"
            + " and their defaults: " + thresholdDefaults());
    public static final ConfigOption<Double> DRIFT_CODE_THRESHOLD =
            key(DriftSettings.THRESHOLD_PREFIX + DriftSettings.CODE_THRESHOLD_KEY).doubleType()
            .defaultValue(DriftSettings.DEFAULT_CODE_THRESHOLD)
            .withDescription("threshold of every per-code invalid rate (`schema.invalid_rate.<CODE>`), or `off`");

    // Labels and online adaptation (docs/RETRAINING.md)
    public static final String LABELS_PREFIX = "labels.";
    public static final String ADAPTATION_PREFIX = "adaptation.";
    public static final ConfigOption<Boolean> LABELS_ENABLED = key("labels.enabled").booleanType().defaultValue(true)
            .withDescription("read `ratings` and match labels with predictions (off: predictions go straight from the"
                    + " scorer)");
    public static final ConfigOption<Long> JOIN_TTL_MS = key("labels.join-ttl-ms").longType().defaultValue(3_600_000L)
            .withDescription("how long, in event time, a prediction waits for its label (after its request timestamp)"
                    + " and a label for its prediction (after its own timestamp, and until the requests' event time"
                    + " passes that: while no request flows a label waits on, up to `adaptation.state-ttl-ms`; an"
                    + " entry stamped late or beyond `watermark.future-tolerance-ms` waits from the event time at its"
                    + " arrival); expiries are counted (`labels.unmatched_count`, `labels.unlabelled_count`)");
    public static final ConfigOption<Integer> MAX_PENDING = key("labels.max-pending-per-user").intType()
            .defaultValue(256).withDescription("waiting predictions and labels kept per user, together (beyond it"
                    + " the entry due first is expired early, counted in `labelsPendingDropped` and as unlabelled or"
                    + " unmatched in the drift report)");
    public static final ConfigOption<Boolean> ADAPTATION_ENABLED = key("adaptation.enabled").booleanType()
            .defaultValue(true).withDescription("serve `output_3` adjusted by what the labels taught (off: labels still"
                    + " give online accuracy)");
    public static final ConfigOption<Double> SHRINKAGE = key("adaptation.shrinkage").doubleType().defaultValue(3.0)
            .withDescription("residual bias: pseudo-count the residual mean is shrunk toward 0 with:"
                    + " `sum / (weight + shrinkage)`");
    public static final ConfigOption<Double> DECAY = key("adaptation.decay").doubleType().defaultValue(0.95)
            .withDescription("residual bias: weight kept by earlier residuals at each new label (1: plain mean)");
    public static final ConfigOption<Double> MAX_ADJUSTMENT = key("adaptation.max-adjustment").doubleType()
            .defaultValue(2.0).withDescription("bound on the user's adjustment, and again on it plus the title's bias"
                    + " (the user's part is bounded first), in stars; the served rating is also kept within 1..5");
    public static final ConfigOption<Long> STATE_TTL_MS = key("adaptation.state-ttl-ms").longType()
            .defaultValue(90L * 86_400_000).withDescription("a user's factors and residual, and a title's bias,"
                    + " expire after this long without a label; the label join's waiting entries too, but never before"
                    + " twice `labels.join-ttl-ms` nor a week (their own expiry is in event time, which stands still"
                    + " while nothing flows; this is the safety net)");
    public static final ConfigOption<Double> VERSION_CARRY = key("adaptation.version-carry").doubleType()
            .defaultValue(0.5).withDescription("share of the evidence (weight, or precision) behind a user's (or"
                    + " title's) learned bias kept when labels start coming from a new model version: the bias keeps"
                    + " more than that share, as its prior then weighs more (at 0.5, a user's residual after 10 labels"
                    + " keeps about 80%); the user's taste weights start again");
    public static final ConfigOption<Boolean> FACTORS_ENABLED = key("adaptation.factors.enabled").booleanType()
            .defaultValue(true).withDescription("learn per-user factors on the serving version's title embeddings"
                    + " (`output_2`, or an import's `embedding_output`); a version without them, or `false`, serves the"
                    + " residual bias");
    public static final ConfigOption<Integer> FACTOR_DIMENSIONS = key("adaptation.factors.dimensions").intType()
            .defaultValue(16).withDescription("principal directions of the title embeddings kept (1..128); a user's"
                    + " state is (d+1)(d+4)/2 doubles. Changed across a restore, a user's factors serve their bias alone"
                    + " until the user's next label carries them to the new count, their bias keeping"
                    + " `adaptation.version-carry` of its precision as at a change of version");
    public static final ConfigOption<Double> FACTOR_PRIOR = key("adaptation.factors.prior").doubleType()
            .defaultValue(5.0).withDescription("prior precision of each taste weight, in units of the noise variance"
                    + " (the ridge penalty)");
    public static final ConfigOption<Double> FACTOR_BIAS_PRIOR = key("adaptation.factors.bias-prior").doubleType()
            .defaultValue(8.0).withDescription("prior precision of the user's bias beside the factors (a pseudo-count)");
    public static final ConfigOption<Double> FACTOR_BIAS_DRIFT = key("adaptation.factors.bias-drift").doubleType()
            .defaultValue(0.002).withDescription("variance the user's bias gains before each label (a random walk:"
                    + " recent labels count more)");
    public static final ConfigOption<String> TITLE_BIAS = key("adaptation.title-bias").stringType().defaultValue("new")
            .withDescription("which titles learn an online bias of their own: `new` (the version does not know them),"
                    + " `all` (one more shuffle of every prediction), `off`");
    public static final ConfigOption<Double> TITLE_NEW_PRIOR = key("adaptation.title-bias.new-prior").doubleType()
            .defaultValue(3.0).withDescription("pseudo-count a new title's bias is shrunk toward 0 with:"
                    + " `Σ residuals / (n + prior)`");
    public static final ConfigOption<Double> TITLE_KNOWN_PRIOR = key("adaptation.title-bias.known-prior").doubleType()
            .defaultValue(100.0).withDescription("the same for a title the version knows (`adaptation.title-bias all`"
                    + " only)");

    public static final OptionSection KAFKA = OptionSection.of("scoring.kafka",
            OptionRow.of(BOOTSTRAP_SERVERS, "`$MARQUEE_BOOTSTRAP`, else `localhost:9092`"), GROUP_ID, STARTING_OFFSETS,
            KAFKA_PROPERTIES);
    public static final OptionSection TOPICS = OptionSection.of("scoring.topics", TOPIC_REQUESTS, TOPIC_PREDICTIONS,
            TOPIC_DEAD_LETTERS, TOPIC_MODEL_UPDATES, TOPIC_DRIFT, TOPIC_RATINGS, TOPIC_MODEL_STATUS,
            TOPIC_LABELED_PREDICTIONS);
    public static final OptionSection DELIVERY_SECTION = OptionSection.of("scoring.delivery", DELIVERY,
            TRANSACTIONAL_ID_PREFIX, TRANSACTION_TIMEOUT_MS,
            OptionRow.of(CHECKPOINT_INTERVAL_MS, "`60000` (1 min) at-least-once, `10000` exactly-once"), CHECKPOINT_LOCAL_DIR,
            OptionRow.of(PARALLELISM, "Flink's default"), BUFFER_TIMEOUT_MS);
    public static final OptionSection SCORING = OptionSection.of("scoring.model",
            OptionRow.of(MODEL_REGISTRY, "`$MARQUEE_REGISTRY`, else `.marquee/registry`"), MODEL_NAME, MODEL_VERSION,
            BATCH_SIZE, BATCH_MAX_DELAY_MS, SCORING_THREADS, MAX_OUT_OF_ORDERNESS_MS, IDLENESS_MS,
            FUTURE_TOLERANCE_MS);
    public static final OptionSection METRICS = OptionSection.of("scoring.metrics", PROMETHEUS_PORTS);
    public static final OptionSection PARSER = OptionSection.of("scoring.parser",
            OptionRow.of(PARSER_MAX_PAYLOAD_BYTES, "`1048576` (1 MiB)"),
            PARSER_MAX_INSTANCES, PARSER_MAX_DEPTH, PARSER_MAX_USER_ID_CHARS, PARSER_MAX_TITLE_CHARS,
            PARSER_MAX_REQUEST_ID_CHARS, PARSER_MIN_TIMESTAMP,
            OptionRow.of(PARSER_MAX_TIMESTAMP, "`4102444800` (2100-01-01)"), PARSER_MAX_EXTRA_FIELDS,
            PARSER_MAX_DEAD_LETTER_PAYLOAD_BYTES, PARSER_SIGNATURE_NAMES, PARSER_MISSING_TIMESTAMP);
    public static final OptionSection DRIFT = OptionSection.of("scoring.drift", DRIFT_ENABLED, DRIFT_WINDOW_MS,
            DRIFT_WINDOW_RECORDS, DRIFT_MIN_RECORDS, DRIFT_PARTIAL_RECORDS, DRIFT_PARTIAL_INTERVAL_MS,
            DRIFT_ALERT_WINDOWS, DRIFT_EPISODE_CLOSE_WINDOWS, DRIFT_MAX_TRACKED_FIELDS, DRIFT_FUTURE_TOLERANCE_MS,
            DRIFT_THRESHOLDS, DRIFT_CODE_THRESHOLD);
    public static final OptionSection LABELS = OptionSection.of("scoring.labels", LABELS_ENABLED, JOIN_TTL_MS,
            MAX_PENDING, ADAPTATION_ENABLED, SHRINKAGE, DECAY, MAX_ADJUSTMENT, STATE_TTL_MS, VERSION_CARRY,
            FACTORS_ENABLED, FACTOR_DIMENSIONS, FACTOR_PRIOR, FACTOR_BIAS_PRIOR, FACTOR_BIAS_DRIFT, TITLE_BIAS,
            TITLE_NEW_PRIOR, TITLE_KNOWN_PRIOR);

    /** Every section, in the order of docs/CONFIGURATION.md. */
    public static final List<OptionSection> SECTIONS = List.of(KAFKA, TOPICS, DELIVERY_SECTION, SCORING, METRICS,
            PARSER, DRIFT, LABELS);

    private static String thresholdDefaults() {
        StringJoiner j = new StringJoiner(", ");
        DriftSettings.defaultThresholds().forEach((metric, value) -> j.add("`" + metric + "` " + OptionRow.format(value)
                // measured only against a calibration's rating baseline, whose threshold it takes (docs/DRIFT.md)
                + (dev.marquee.data.drift.DriftMetricNames.PREDICTION_MEAN_SHIFT.equals(metric)
                        ? " (only where the calibration's threshold is missing: an uncalibrated version has no such metric)" : "")));
        return j.toString();
    }
}

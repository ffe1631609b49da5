package dev.marquee.job;

import dev.marquee.data.config.SettingException;
import dev.marquee.data.event.DeadLetter;
import dev.marquee.data.event.LabeledPrediction;
import dev.marquee.data.event.DriftReport;
import dev.marquee.data.event.ModelStatus;
import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.Rating;
import dev.marquee.data.event.RatingRequest;
import dev.marquee.job.config.DeadLetterRecordSize;
import dev.marquee.job.config.DeliveryGuarantee;
import dev.marquee.job.config.JobSettings;
import dev.marquee.job.config.LocalCheckpointFolders;
import dev.marquee.job.drift.DriftTaps;
import dev.marquee.job.drift.PartialDriftOperator;
import dev.marquee.job.label.LabelJoin;
import dev.marquee.job.label.LabelJoinOperator;
import dev.marquee.job.label.LabelSettings;
import dev.marquee.job.label.OnlineAdaptation;
import dev.marquee.job.label.ToLabeledPrediction;
import dev.marquee.job.label.ParseRatings;
import dev.marquee.job.label.RegistryTitleCatalogs;
import dev.marquee.job.label.RegistryTitleEmbeddings;
import dev.marquee.job.label.LabelPreparation;
import dev.marquee.job.label.TitleAdaptation;
import dev.marquee.job.label.TitleEvent;
import dev.marquee.job.score.MicroBatchOperator;
import dev.marquee.job.score.ModelScoringFunction;
import dev.marquee.job.score.ControlFeed;
import dev.marquee.job.score.KafkaModelUpdates;
import dev.marquee.job.sink.JsonRecordSerializer;
import dev.marquee.job.sink.KafkaConnections;
import dev.marquee.job.config.BrokerChecks;
import dev.marquee.job.sink.BrokerFacts;
import dev.marquee.job.source.ClockBoundedWatermarks;
import dev.marquee.job.source.RawRecord;
import dev.marquee.job.validate.ParseRequests;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.OutputTag;

/**
 * The scoring job: raw rating requests → parse and validate (bad input to the dead letters) → event time →
 * micro-batched scoring with one SavedModel per version and TaskManager JVM, shared by its slots, following
 * model-updates → predictions (requests the serving model cannot take to the dead letters too). See
 * docs/ARCHITECTURE.md and docs/CONFIGURATION.md.
 */
public final class ScoringJob {
    /** The job's name (after Flink's Prometheus reporter's filter, the {@code job_name} infra/prometheus selects). */
    public static final String JOB_NAME = "marquee scoring";
    public static final OutputTag<ModelStatus> MODEL_STATUS = new OutputTag<>("model-status") { };
    /** Valid requests the serving model's inputs cannot take, as dead letters. */
    public static final OutputTag<DeadLetter> MODEL_REFUSALS = new OutputTag<>("model-refusals") { };

    private ScoringJob() {}

    /**
     * Wires the pipeline between the given streams and sinks; tests pass their own. Model updates are not a stream:
     * each scoring slot reads them from {@code updates} itself, so the scorer chains to its upstream (decision 0004).
     * {@code labels} may be null
     * (no online accuracy or adaptation), and so may {@code labeled} (labels with both versions' ratings, for the
     * trainer's promoter). {@code titledPredictions} writes the predictions the title bias adjusted (to the same
     * place as {@code predictions}, but a sink of its own, so the main path's sink chains to the labels' join
     * instead of waiting behind a union: decision 0014); null: they join the main path's sink.
     */
    public static void build(StreamExecutionEnvironment env, JobSettings s, DataStream<RawRecord> requests,
                             ControlFeed<ModelUpdate> updates, DataStream<Rating> labels, Sink<Prediction> predictions,
                             Sink<Prediction> titledPredictions, Sink<DeadLetter> deadLetters, Sink<ModelStatus> statuses,
                             Sink<DriftReport> driftReports, Sink<LabeledPrediction> labeled) {
        // The drift taps' network outputs carry summaries and dead letters, and (without labels) the scorer's only
        // summaries: their buffers need not be flushed as often as a record on its way to a prediction. Not with
        // windows that end on a record count: there summaries held back unevenly per channel would move records
        // between windows (a backlog is read at 100,000 records/s).
        long summariesTimeoutMs = s.drift.windowRecords > 0 ? s.bufferTimeoutMs
                : Math.max(s.bufferTimeoutMs, DriftTaps.PARTIALS_BUFFER_TIMEOUT_MS);
        DriftTaps drift = s.drift.enabled ? new DriftTaps(s.drift, s.modelRegistry, s.modelName, summariesTimeoutMs) : null;
        SingleOutputStreamOperator<RatingRequest> parsed = requests
                .process(new ParseRequests(s.parserLimits)).name("parse and validate").uid("parse-requests");
        DataStream<DeadLetter> invalid = parsed.getSideOutput(ParseRequests.DEAD_LETTERS);
        if (drift != null) invalid = drift.deadLetters(invalid);
        DataStream<RatingRequest> valid = drift != null ? drift.requests(parsed) : parsed;

        WatermarkStrategy<RatingRequest> eventTime = ClockBoundedWatermarks
                .<RatingRequest>strategy(s.maxOutOfOrdernessMs, s.idlenessMs, s.futureToleranceMs)
                .withTimestampAssigner((r, kafkaTs) -> r.timestamp * 1000);
        DataStream<RatingRequest> timed = valid.assignTimestampsAndWatermarks(eventTime).name("event time").uid("event-time");

        boolean labelled = labels != null && s.labels.labelsEnabled;
        RegistryTitleEmbeddings titleEmbeddings = new RegistryTitleEmbeddings(s.modelRegistry, s.modelName,
                s.labels.factorDimensions);
        ModelScoringFunction scoring = new ModelScoringFunction(s.modelRegistry, s.modelName, s.modelVersion, s.scoringThreads)
                .withDeadLetterPayloadBytes(s.parserLimits.maxDeadLetterPayloadBytes);
        RegistryTitleCatalogs labelCatalogs = new RegistryTitleCatalogs(s.modelRegistry, s.modelName);
        // a new version's title catalog for the labels (and its title embeddings for the online adaptation), made by
        // the slot's loader thread before the version serves, not by the labels' task thread while predictions wait
        if (labelled) {
            scoring.alsoPreparing(new LabelPreparation(labelCatalogs,
                    s.labels.adaptationEnabled && s.labels.factorsEnabled ? titleEmbeddings : null));
        }
        MicroBatchOperator<RatingRequest, ModelUpdate, Prediction, ModelStatus> scorer = new MicroBatchOperator<>(
                scoring, updates,
                s.batchSize, s.batchMaxDelayMs, MODEL_STATUS, drift != null ? drift.predictionCounter() : null,
                MODEL_REFUSALS);
        // One input, so Flink chains it: source → parse → score → sinks in one task (ScoringJobGraphTest).
        SingleOutputStreamOperator<Prediction> scored = timed
                .transform("score", TypeInformation.of(Prediction.class), scorer).uid("score");
        // Each kind of dead letter is counted where it arises, in line with that stage's other counts (the parse
        // stage runs ahead of scoring), then both go to one sink.
        DataStream<DeadLetter> unscorable = scored.getSideOutput(MODEL_REFUSALS);
        if (drift != null) unscorable = drift.modelRefusals(unscorable);
        invalid.union(unscorable).sinkTo(deadLetters).name("dead letters").uid("sink-dead-letters");
        if (drift != null) drift.scored(scored.getSideOutput(PartialDriftOperator.PARTIALS));
        scored.getSideOutput(MODEL_STATUS).sinkTo(statuses).name("model status").uid("sink-model-status");
        DataStream<Prediction> served = scored;
        if (drift != null && !labelled) scored.setBufferTimeout(summariesTimeoutMs); // predictions stay chained
        if (labelled) {
            // Labels get event time of their own so the join's expiry timers follow both inputs; idleness keeps a
            // quiet ratings topic from holding event time back. A waiting label expires only on the requests' own
            // event time, which the operator hands the join (LabelJoinOperator).
            WatermarkStrategy<Rating> labelTime = ClockBoundedWatermarks
                    .<Rating>strategy(s.maxOutOfOrdernessMs, s.idlenessMs, s.futureToleranceMs)
                    .withTimestampAssigner((r, kafkaTs) -> r.timestamp > 0 ? r.timestamp * 1000 : kafkaTs);
            DataStream<Rating> timedLabels = labels.assignTimestampsAndWatermarks(labelTime)
                    .name("label event time").uid("label-event-time");
            SingleOutputStreamOperator<Prediction> adapted = scored.keyBy(p -> p.userId, Types.STRING)
                    .connect(timedLabels.keyBy(r -> r.userId, Types.STRING))
                    .transform("labels and online adaptation", TypeInformation.of(Prediction.class),
                            new LabelJoinOperator(new OnlineAdaptation(s.labels, titleEmbeddings, labelCatalogs)
                                    .withFutureTolerance(s.futureToleranceMs)))
                    .uid("online-adaptation");
            served = adapted;
            DataStream<LabelJoin> joins = adapted.getSideOutput(OnlineAdaptation.LABEL_JOINS);
            if (s.labels.adaptationEnabled && s.labels.titleBias != LabelSettings.TitleBiasScope.OFF) {
                // one stream: a prediction and its label reach the title's bias in the order they left
                SingleOutputStreamOperator<Prediction> titled = adapted.getSideOutput(OnlineAdaptation.TITLE_EVENTS)
                        .keyBy(TitleEvent::key, Types.STRING)
                        .process(new TitleAdaptation(s.labels)).name("title bias").uid("title-adaptation");
                if (titledPredictions != null) {
                    titled.sinkTo(titledPredictions).name("predictions (title bias)").uid("sink-predictions-title-bias");
                } else {
                    served = adapted.union(titled);
                }
                joins = joins.union(titled.getSideOutput(TitleAdaptation.LABEL_JOINS));
            }
            if (drift != null) {
                drift.labelJoins(joins);
                drift.unmatched(adapted.getSideOutput(OnlineAdaptation.EXPIRED));
            }
            if (labeled != null) {
                joins.map(new ToLabeledPrediction(s.modelName)).name("to labeled predictions").uid("labeled-predictions")
                        .sinkTo(labeled).name("labeled predictions").uid("sink-labeled-predictions");
            }
        }
        served.sinkTo(predictions).name("predictions").uid("sink-predictions");
        if (drift != null) drift.report(driftReports);
    }

    /** The job against Kafka, as configured. */
    public static void buildWithKafka(StreamExecutionEnvironment env, JobSettings s) {
        configure(env, s);
        DataStream<RawRecord> requests = env
                .fromSource(KafkaConnections.requestSource(s), WatermarkStrategy.noWatermarks(), "rating requests")
                .uid("source-rating-requests");
        buildToKafka(env, s, requests, KafkaModelUpdates.fromLatest(s), labels(env, s));
    }

    /** The labels read from the ratings topic and parsed, or null when labels are off. */
    public static DataStream<Rating> labels(StreamExecutionEnvironment env, JobSettings s) {
        return !s.labels.labelsEnabled ? null : env
                .fromSource(KafkaConnections.source(s, s.ratingsTopic, s.groupId + "-labels", false),
                        WatermarkStrategy.noWatermarks(), "ratings")
                .uid("source-ratings")
                .flatMap(new ParseRatings(s.parserLimits)).name("parse labels").uid("parse-labels");
    }

    /** The pipeline from the given streams to Kafka sinks on the settings' topics (tests bring bounded sources). */
    public static void buildToKafka(StreamExecutionEnvironment env, JobSettings s, DataStream<RawRecord> requests,
                                    ControlFeed<ModelUpdate> updates) {
        buildToKafka(env, s, requests, updates, null);
    }

    /** As above, with labels ({@code ratings}) for online accuracy and adaptation; null for none. */
    public static void buildToKafka(StreamExecutionEnvironment env, JobSettings s, DataStream<RawRecord> requests,
                                    ControlFeed<ModelUpdate> updates, DataStream<Rating> labels) {
        build(env, s, requests, updates, labels,
                KafkaConnections.sink(s, "predictions", new JsonRecordSerializer<>(s.predictionsTopic, Prediction.class, p -> p.requestId)),
                KafkaConnections.sink(s, "predictions-title-bias", new JsonRecordSerializer<>(s.predictionsTopic, Prediction.class, p -> p.requestId)),
                KafkaConnections.deadLetterSink(s, new JsonRecordSerializer<>(s.deadLettersTopic, DeadLetter.class,
                        d -> d.source == null ? null : d.source.defaultRequestId())),
                KafkaConnections.sink(s, "model-status", new JsonRecordSerializer<>(s.modelStatusTopic, ModelStatus.class, m -> m.modelName)),
                KafkaConnections.sink(s, "drift-metrics", new JsonRecordSerializer<>(s.driftTopic, DriftReport.class, r -> s.modelName)),
                KafkaConnections.sink(s, "labeled-predictions", new JsonRecordSerializer<>(s.labeledPredictionsTopic,
                        LabeledPrediction.class, p -> p.userId)));
    }

    /**
     * Exactly-once: a checkpoint that outlives the transactions it commits would lose their records (the brokers
     * abort them after delivery.transaction-timeout-ms, and the committer only logs it): such a checkpoint fails
     * instead, and the job restores. The retraining trigger's sink is exactly-once the same way.
     */
    public static void capCheckpointTimeout(StreamExecutionEnvironment env, JobSettings s) {
        if (s.delivery != DeliveryGuarantee.EXACTLY_ONCE) return;
        long cap = checkpointTimeoutCap(s.transactionTimeoutMs, s.checkpointIntervalMs,
                env.getCheckpointConfig().getMinPauseBetweenCheckpoints());
        if (env.getCheckpointConfig().getCheckpointTimeout() > cap) env.getCheckpointConfig().setCheckpointTimeout(cap);
    }

    /**
     * The longest a checkpoint may take so that no transaction outlives {@code transactionTimeoutMs}. A sink's
     * transaction opens at one checkpoint's barrier and commits when the next checkpoint completes: it lives the rest
     * of its own checkpoint (up to D), the wait for the next one (the interval's remainder, at least the min-pause P),
     * and that one (D): at most max(interval + D, 2D + P). Both must stay within the transaction timeout.
     */
    static long checkpointTimeoutCap(long transactionTimeoutMs, long intervalMs, long minPauseMs) {
        long cap = Math.min(transactionTimeoutMs - intervalMs, (transactionTimeoutMs - Math.max(0, minPauseMs)) / 2);
        return Math.max(1_000, cap); // a min-pause near the timeout leaves no room: refused at start (checkMinPause)
    }

    /**
     * Exactly-once: a min-pause that leaves no second for a checkpoint within the transaction timeout is refused. Every
     * transaction lives at least the pause; past the timeout the brokers abort it and its records are lost.
     */
    public static void checkMinPause(JobSettings settings, long minPauseMs) {
        if (settings.delivery != DeliveryGuarantee.EXACTLY_ONCE) return;
        if ((settings.transactionTimeoutMs - Math.max(0, minPauseMs)) / 2 < 1_000) {
            throw new SettingException("execution.checkpointing.min-pause (" + minPauseMs + " ms) leaves no room for a"
                    + " checkpoint within " + JobSettings.TRANSACTION_TIMEOUT_MS + " (" + settings.transactionTimeoutMs
                    + " ms): every transaction would live at least the pause, and the brokers abort it at the timeout;"
                    + " lower the pause below the timeout less 2 s, or raise the timeout");
        }
    }

    /** What the operator is told when {@link #capCheckpointTimeout} lowered the checkpoint timeout. */
    public static java.util.Optional<String> capNotice(JobSettings settings, long checkpointTimeoutMs, long minPauseMs) {
        if (settings.delivery != DeliveryGuarantee.EXACTLY_ONCE || checkpointTimeoutMs
                != checkpointTimeoutCap(settings.transactionTimeoutMs, settings.checkpointIntervalMs, minPauseMs)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("checkpoint timeout capped at " + checkpointTimeoutMs + " ms (the lower of "
                + JobSettings.TRANSACTION_TIMEOUT_MS + " minus " + JobSettings.CHECKPOINT_INTERVAL_MS + " and (it minus"
                + " the min-pause, " + minPauseMs + " ms) / 2: a transaction spans two checkpoints)");
    }

    /** Checkpointing and serialization settings every run of the job uses. */
    public static void configure(StreamExecutionEnvironment env, JobSettings s) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false); // every event is a POJO: fail fast if one ever needs Kryo
        // No deep copy of every record between chained operators (decision 0006): every operator emits objects it
        // created and never changes or reuses one after handing it on, so the scorer may keep the requests it batches.
        conf.set(PipelineOptions.OBJECT_REUSE, true);
        env.configure(conf);
        env.enableCheckpointing(s.checkpointIntervalMs, s.delivery == DeliveryGuarantee.EXACTLY_ONCE
                ? CheckpointingMode.EXACTLY_ONCE : CheckpointingMode.AT_LEAST_ONCE);
        capCheckpointTimeout(env, s);
        env.setBufferTimeout(s.bufferTimeoutMs);
        if (s.parallelism > 0) env.setParallelism(s.parallelism);
        if (env instanceof LocalStreamEnvironment) {
            // An embedded Flink of the job's own: Flink would keep checkpoints in the JobManager's memory, which
            // refuses a task's state over 5 MB. On a cluster (a context environment) the cluster's directory decides.
            // A folder of this JVM's own, deleted as it exits: an embedded run never restores from them.
            Configuration local = new Configuration();
            local.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            local.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, LocalCheckpointFolders.claim(s.localCheckpointDir));
            env.configure(local);
        }
    }

    /**
     * A run in this JVM (scripts/marquee score, run-local): loopback addresses ({@link
     * dev.marquee.job.config.LocalBinding}) and Flink's Prometheus reporter; a cluster takes both from its own
     * configuration (infra/flink/), and {@link dev.marquee.job.config.LocalBinding#environment} does not apply this there.
     */
    static Configuration localConfiguration(JobSettings s) {
        return dev.marquee.job.config.LocalBinding.localRun(s.prometheusPorts);
    }

    /**
     * The job jar's entry point on a cluster ({@code flink run job.jar --key value ...}): {@code --key value} or
     * {@code --key=value} pairs ({@link dev.marquee.job.config.JobArguments}). {@code marquee score} takes the same keys as picocli options
     * ({@code dev.marquee.job.cli.ScoreCommand}).
     */
    public static void main(String[] args) throws Exception {
        if (java.util.Arrays.asList(args).contains("--help")) {
            System.out.println("usage: marquee score [--key value ...]   settings and defaults: docs/CONFIGURATION.md");
            return;
        }
        try {
            run(JobSettings.from(dev.marquee.job.config.JobArguments.parse(args)));
        } catch (SettingException e) {
            System.err.println("marquee scoring job: " + e.getMessage());
            if (!dev.marquee.job.config.LocalBinding.runsItsOwnCluster()) throw e; // a failed submission, not a dead JobManager
            System.exit(2);
        }
    }

    /**
     * Runs the job with {@code settings} until it ends; settings the brokers or the checkpoint configuration show
     * the job would fail on (BrokerChecks) are a {@link SettingException} before it is submitted.
     */
    public static void run(JobSettings settings) throws Exception {
        dev.marquee.job.config.LocalBinding.requireSharedRegistry(settings.modelRegistry);
        BrokerFacts facts = checkBrokers(settings);
        start(settings, facts);
    }

    /** What the brokers say about the job's topics and transactions (BrokerChecks); a refusal is a SettingException. */
    private static BrokerFacts checkBrokers(JobSettings settings) {
        java.util.Set<String> topics = new java.util.LinkedHashSet<>(BrokerChecks.writtenTopics(settings));
        topics.addAll(BrokerChecks.readTopics(settings));
        BrokerFacts facts = BrokerFacts.read(settings, topics, Duration.ofSeconds(10));
        if (dev.marquee.job.config.LocalBinding.runsItsOwnCluster()) {
            BrokerChecks.refuseWhatTheJobWouldFailOn(BrokerChecks.readsTheJobFailsOn(settings),
                    BrokerChecks.writtenTopics(settings), facts);
        }
        BrokerChecks.check(settings, facts, warning -> System.err.println("marquee scoring job: " + warning));
        for (String warning : settings.warnings()) System.err.println("marquee scoring job: " + warning);
        return facts;
    }

    /**
     * The parallelism the job's sources run at: its own setting, else the one it is submitted with ({@code flink run
     * -p}, the submitting client's {@code parallelism.default}, else Flink's default, 1, which the sources take then
     * too); known only once the environment is made.
     */
    static int configuredParallelism(JobSettings settings, StreamExecutionEnvironment env) {
        return settings.parallelism > 0 ? settings.parallelism : env.getParallelism();
    }

    private static void start(JobSettings settings, BrokerFacts facts) throws Exception {
        StreamExecutionEnvironment env = dev.marquee.job.config.LocalBinding.environment(localConfiguration(settings));
        buildWithKafka(env, settings);
        for (String warning : BrokerChecks.checkPartitions(settings, facts, configuredParallelism(settings, env))) {
            System.err.println("marquee scoring job: " + warning);
        }
        // The checkpoint timeout and tolerated failures are the submitting client's configuration (Flink's defaults
        // unless it sets them), which the job graph carries: known only here.
        long checkpointTimeoutMs = env.getCheckpointConfig().getCheckpointTimeout();
        long minPauseMs = env.getCheckpointConfig().getMinPauseBetweenCheckpoints();
        checkMinPause(settings, minPauseMs);
        capNotice(settings, checkpointTimeoutMs, minPauseMs).ifPresent(n -> System.err.println("marquee scoring job: " + n));
        for (String warning : BrokerChecks.checkTransactionTimeout(settings, checkpointTimeoutMs, minPauseMs,
                env.getCheckpointConfig().getTolerableCheckpointFailureNumber())) {
            System.err.println("marquee scoring job: " + warning);
        }
        System.out.printf("marquee scoring job: reading %s at %s, model %s from %s, %s%n", settings.requestsTopic,
                settings.bootstrapServers, settings.modelName, settings.modelRegistry,
                settings.delivery == DeliveryGuarantee.EXACTLY_ONCE ? "exactly-once" : "at-least-once");
        env.execute(JobSettings.jobName(JOB_NAME, settings.modelName));
    }
}

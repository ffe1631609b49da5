package dev.marquee.job.trigger;

import dev.marquee.data.event.RetrainRequest;
import dev.marquee.job.config.DeliveryGuarantee;
import dev.marquee.job.config.JobSettings;
import dev.marquee.job.config.TriggerSettings;
import dev.marquee.job.sink.JsonRecordSerializer;
import dev.marquee.job.sink.KafkaConnections;
import dev.marquee.job.source.RawRecord;
import java.util.Arrays;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The retraining trigger: drift reports, retrain outcomes and model updates in, retrain requests out, by the
 * policy of docs/RETRAINING.md. A job of its own, beside the scoring job.
 */
public final class RetrainTriggerJob {
    /** The job's name (after Flink's Prometheus reporter's filter, the {@code job_name} infra/prometheus selects). */
    public static final String JOB_NAME = "marquee retraining trigger";
    private RetrainTriggerJob() {}

    /** Wires the trigger between the given raw-record streams and sink; tests pass their own. */
    public static void build(StreamExecutionEnvironment env, TriggerSettings s, DataStream<RawRecord> driftReports,
                             DataStream<RawRecord> outcomes, DataStream<RawRecord> updates, Sink<RetrainRequest> requests) {
        build(env, s, driftReports, outcomes, updates, requests,
                new RegistryCardRmse(s.common.modelRegistry, s.common.modelName));
    }

    /** As above, with the model cards' test RMSE from {@code cards} instead of the registry. */
    public static void build(StreamExecutionEnvironment env, TriggerSettings s, DataStream<RawRecord> driftReports,
                             DataStream<RawRecord> outcomes, DataStream<RawRecord> updates, Sink<RetrainRequest> requests,
                             CardRmse cards) {
        DataStream<TriggerEvent> reports = driftReports
                .flatMap(new ParseTriggerInput(ParseTriggerInput.Kind.DRIFT_REPORT))
                .name("parse drift reports").uid("parse-drift-reports");
        DataStream<TriggerEvent> answers = outcomes
                .flatMap(new ParseTriggerInput(ParseTriggerInput.Kind.RETRAIN_OUTCOME))
                .name("parse retrain outcomes").uid("parse-retrain-outcomes");
        DataStream<TriggerEvent> versions = updates
                .flatMap(new ParseTriggerInput(ParseTriggerInput.Kind.MODEL_UPDATE))
                .name("parse model updates").uid("parse-model-updates");
        reports.union(answers, versions)
                .keyBy(new ConstantKey(s.common.modelName))
                .process(new RetrainTriggerFunction(s.rules(), cards,
                        new RegistryHeldVersions(s.common.modelRegistry, s.common.modelName)))
                .name("retraining trigger").uid("retraining-trigger")
                .sinkTo(requests).name("retrain requests").uid("sink-retrain-requests");
    }

    /** The trigger against Kafka, as configured. */
    public static void buildWithKafka(StreamExecutionEnvironment env, TriggerSettings s, boolean bounded) {
        configure(env, s.common);
        JobSettings k = s.common;
        DataStream<RawRecord> drift = env.fromSource(TriggerSources.of(k, k.driftTopic, bounded),
                WatermarkStrategy.noWatermarks(), "drift reports").uid("source-drift-metrics");
        DataStream<RawRecord> outcomes = env.fromSource(TriggerSources.of(k, s.retrainOutcomesTopic, bounded),
                WatermarkStrategy.noWatermarks(), "retrain outcomes").uid("source-retrain-outcomes");
        DataStream<RawRecord> updates = env.fromSource(TriggerSources.of(k, k.modelUpdatesTopic, bounded),
                WatermarkStrategy.noWatermarks(), "model updates").uid("source-model-updates");
        build(env, s, drift, outcomes, updates, KafkaConnections.sink(k, "retrain-requests",
                new JsonRecordSerializer<>(s.retrainRequestsTopic, RetrainRequest.class, r -> r.requestId)));
    }

    static void configure(StreamExecutionEnvironment env, JobSettings s) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false); // every event is a POJO: fail fast if one ever needs Kryo
        env.configure(conf);
        env.enableCheckpointing(s.checkpointIntervalMs, s.delivery == DeliveryGuarantee.EXACTLY_ONCE
                ? CheckpointingMode.EXACTLY_ONCE : CheckpointingMode.AT_LEAST_ONCE);
        dev.marquee.job.ScoringJob.capCheckpointTimeout(env, s);
        if (s.parallelism > 0) env.setParallelism(s.parallelism);
    }

    /**
     * The job jar's entry point for the trigger: {@code --key value} or {@code --key=value} pairs
     * ({@link dev.marquee.job.config.JobArguments}).
     * {@code marquee trigger} takes the same keys as picocli options ({@code dev.marquee.job.cli.TriggerCommand}).
     */
    public static void main(String[] args) throws Exception {
        if (Arrays.asList(args).contains("--help")) {
            System.out.println("usage: marquee trigger [--key value ...]   settings and defaults: docs/CONFIGURATION.md"
                    + " (\"Retraining trigger\"), policy: docs/RETRAINING.md");
            return;
        }
        TriggerSettings settings;
        try {
            settings = TriggerSettings.from(dev.marquee.job.config.JobArguments.parse(args));
            for (String warning : warnings(settings.common)) System.err.println("marquee retraining trigger: " + warning);
            dev.marquee.job.config.LocalBinding.requireSharedRegistry(settings.common.modelRegistry);
            checkBrokers(settings, System.err::println);
        } catch (dev.marquee.data.config.SettingException e) { // not any IllegalArgumentException: a bug keeps its trace
            System.err.println("marquee retraining trigger: " + e.getMessage());
            if (!dev.marquee.job.config.LocalBinding.runsItsOwnCluster()) throw e; // a failed submission, not a dead JobManager
            System.exit(2);
            return;
        }
        start(settings);
    }

    /** The settings' warnings that concern the trigger: the Kafka clients' (acks) and its checkpoints'; drift's are the scoring job's. */
    static java.util.List<String> warnings(JobSettings common) {
        return common.warnings().stream().filter(w -> w.startsWith(JobSettings.KAFKA_PROPERTY_PREFIX)
                || w.startsWith(dev.marquee.job.config.ScoringJobOptions.CHECKPOINT_INTERVAL_MS.key())).toList();
    }

    /**
     * What the brokers say (BrokerChecks): the topics the trigger's sources read must exist, and an exactly-once
     * trigger's transactions must fit the brokers' maximum; a refusal is a SettingException. What could not be checked
     * or may fail later is handed to {@code say} as it is found: what was found before a refusal is said, not lost with it.
     */
    static void checkBrokers(TriggerSettings settings, java.util.function.Consumer<String> say) {
        checkBrokers(settings, dev.marquee.job.config.LocalBinding.runsItsOwnCluster(), say);
    }

    /** As above; {@code local}: this JVM runs the trigger itself (LocalBinding), so what it would fail on is refused. */
    static void checkBrokers(TriggerSettings settings, boolean local, java.util.function.Consumer<String> say) {
        java.util.List<String> sources = java.util.List.of(settings.common.driftTopic, settings.retrainOutcomesTopic,
                settings.common.modelUpdatesTopic);
        java.util.List<String> topics = new java.util.ArrayList<>(sources);
        topics.add(settings.retrainRequestsTopic);
        dev.marquee.job.sink.BrokerFacts facts = dev.marquee.job.sink.BrokerFacts.read(settings.common, topics,
                java.time.Duration.ofSeconds(10));
        if (!local || (facts.authenticationFailure == null && facts.unreadableFile == null)) { // else the refusal says it
            for (String why : facts.unread) say.accept("marquee retraining trigger: could not read from the brokers: " + why + "; not checked");
        }
        if (local) {
            dev.marquee.job.config.BrokerChecks.refuseWhatTheJobWouldFailOn(sources,
                    java.util.List.of(settings.retrainRequestsTopic), facts);
        }
        java.util.List<String> warnings = new java.util.ArrayList<>();
        for (String topic : sources) warnings.add(dev.marquee.job.config.BrokerChecks.sourceReadWarning(topic, facts));
        warnings.add(dev.marquee.job.config.BrokerChecks.missingSinkTopicWarning(settings.retrainRequestsTopic, facts));
        warnings.add(dev.marquee.job.config.BrokerChecks.sinkWriteWarning(settings.retrainRequestsTopic, facts));
        for (String warning : warnings) {
            if (warning != null) say.accept("marquee retraining trigger: WARNING: " + warning);
        }
        dev.marquee.job.config.BrokerChecks.requireSourceTopics(sources, facts);
        dev.marquee.job.config.BrokerChecks.requireSinkTopic(settings.retrainRequestsTopic, facts);
        if (settings.common.delivery == DeliveryGuarantee.EXACTLY_ONCE) {
            dev.marquee.job.config.BrokerChecks.checkTransactionMax(settings.common, facts);
        }
    }

    /**
     * Runs the trigger with {@code settings} in this JVM until it ends; a missing topic it reads (or writes, on
     * brokers that create none) and an exactly-once transaction timeout the brokers refuse are a SettingException
     * before it is submitted.
     */
    public static void run(TriggerSettings settings) throws Exception {
        for (String warning : warnings(settings.common)) System.err.println("marquee retraining trigger: " + warning);
        if (java.nio.file.Files.notExists(java.nio.file.Path.of(settings.common.modelRegistry))) {
            System.err.println("marquee retraining trigger: warning: the registry " + settings.common.modelRegistry
                    + " does not exist: until it does, the trigger cannot read the serving pointer (which version is"
                    + " watched, in shadow or held)");
        }
        checkBrokers(settings, System.err::println);
        start(settings);
    }

    private static void start(TriggerSettings settings) throws Exception {
        StreamExecutionEnvironment env = dev.marquee.job.config.LocalBinding.environment(
                dev.marquee.job.config.LocalBinding.localRun(settings.common.prometheusPorts));
        buildWithKafka(env, settings, false);
        long checkpointTimeoutMs = env.getCheckpointConfig().getCheckpointTimeout();
        long minPauseMs = env.getCheckpointConfig().getMinPauseBetweenCheckpoints();
        try {
            // the submitting client's min-pause, known only now: one the transactions cannot outlive loses every request
            dev.marquee.job.ScoringJob.checkMinPause(settings.common, minPauseMs);
        } catch (dev.marquee.data.config.SettingException e) {
            System.err.println("marquee retraining trigger: " + e.getMessage());
            if (!dev.marquee.job.config.LocalBinding.runsItsOwnCluster()) throw e;
            System.exit(2);
            return;
        }
        dev.marquee.job.ScoringJob.capNotice(settings.common, checkpointTimeoutMs, minPauseMs)
                .ifPresent(n -> System.err.println("marquee retraining trigger: " + n));
        for (String warning : dev.marquee.job.config.BrokerChecks.checkTransactionTimeout(settings.common,
                checkpointTimeoutMs, minPauseMs, env.getCheckpointConfig().getTolerableCheckpointFailureNumber())) {
            System.err.println("marquee retraining trigger: " + warning);
        }
        System.out.printf("marquee retraining trigger: reading %s, %s, %s at %s; writing %s; model %s; %s%n",
                settings.common.driftTopic, settings.retrainOutcomesTopic, settings.common.modelUpdatesTopic,
                settings.common.bootstrapServers, settings.retrainRequestsTopic, settings.common.modelName, settings.rules());
        env.execute(dev.marquee.job.config.JobSettings.jobName(JOB_NAME, settings.common.modelName));
    }
}

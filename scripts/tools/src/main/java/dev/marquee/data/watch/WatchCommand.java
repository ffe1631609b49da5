package dev.marquee.data.watch;

import dev.marquee.data.event.TopicNames;
import dev.marquee.tools.OptionRanges;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code marquee watch}: one line per event of the demo's story; {@code scripts/run-local} runs it. */
@Command(name = "watch", mixinStandardHelpOptions = true, sortOptions = false,
        header = "print one line per event on the job's output and control topics",
        description = {"Print one line per event on predictions (the first few of each model version), drift-metrics, "
                + "retrain-requests, retrain-outcomes, model-updates and model-status, read from the beginning."})
public final class WatchCommand implements Callable<Integer> {
    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = "${env:MARQUEE_BOOTSTRAP:-localhost:9092}",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}; from $MARQUEE_BOOTSTRAP when set)")
    String bootstrap;

    @Option(names = "--predictions", paramLabel = "N", defaultValue = "3",
            description = "predictions printed per model version (default: ${DEFAULT-VALUE})")
    int predictions;

    @Option(names = "--until-version", paramLabel = "V",
            description = "exit 0 once a scoring slot switched to model version V or later and one of its predictions "
                    + "was printed (or 15 s after the switch without one)")
    Long untilVersion;

    @Option(names = "--quiet-through", paramLabel = "N",
            description = "for ordinary traffic: exit 0 once the drift reports (read from the beginning) have counted N "
                    + "requests without a drift alert (latency alerts, the job's health, do not count) and no retrain request came"
                    + " in the --quiet-grace-seconds after; exit 1 at the first drift alert or retrain request. With --until-version: the first N requests come before a drift episode, and a "
                    + "drift alert in a window within them, or a retrain request before they were counted, exits 1")
    Long quietThrough;

    @Option(names = "--quiet-grace-seconds", paramLabel = "S", defaultValue = "10",
            description = "with --quiet-through: how long after the last window a retrain request may still come; raise"
                    + " it above the trigger's checkpoint interval when the trigger runs exactly-once (its requests are"
                    + " read at its checkpoints) (default: ${DEFAULT-VALUE})")
    double quietGraceSeconds;

    @Option(names = "--timeout-seconds", paramLabel = "S", defaultValue = "600",
            description = "with --until-version or --quiet-through: exit 1 when it has not happened within S (default: "
                    + "${DEFAULT-VALUE})")
    double timeoutSeconds;

    @Option(names = "--model-name", paramLabel = "NAME", defaultValue = "marquee",
            description = "the model whose drift reports, retrains, updates and statuses to show when several models"
                    + " share the topics (default: ${DEFAULT-VALUE})")
    String modelName;

    @Option(names = "--topic.predictions", paramLabel = "NAME", defaultValue = TopicNames.PREDICTIONS,
            description = "the scoring job's predictions (default: ${DEFAULT-VALUE})")
    String predictionsTopic;

    @Option(names = "--topic.drift-metrics", paramLabel = "NAME", defaultValue = TopicNames.DRIFT_METRICS,
            description = "its drift reports (default: ${DEFAULT-VALUE})")
    String driftMetricsTopic;

    @Option(names = "--topic.retrain-requests", paramLabel = "NAME", defaultValue = TopicNames.RETRAIN_REQUESTS,
            description = "the trigger's retrain requests (default: ${DEFAULT-VALUE})")
    String retrainRequestsTopic;

    @Option(names = "--topic.retrain-outcomes", paramLabel = "NAME", defaultValue = TopicNames.RETRAIN_OUTCOMES,
            description = "the trainer's outcomes (default: ${DEFAULT-VALUE})")
    String retrainOutcomesTopic;

    @Option(names = "--topic.model-updates", paramLabel = "NAME", defaultValue = TopicNames.MODEL_UPDATES,
            description = "model updates (default: ${DEFAULT-VALUE})")
    String modelUpdatesTopic;

    @Option(names = "--topic.model-status", paramLabel = "NAME", defaultValue = TopicNames.MODEL_STATUS,
            description = "the scoring slots' model status (default: ${DEFAULT-VALUE})")
    String modelStatusTopic;

    @Option(names = "--consumer-prop", paramLabel = "K=V", description = "any Kafka consumer property (repeatable)")
    Map<String, String> consumerProps = new LinkedHashMap<>();

    public WatchCommand() {}

    @Override
    public Integer call() {
        EventWatch watch = new EventWatch(OptionRanges.between("--predictions", predictions, 0, 1_000_000),
                untilVersion == null ? -1 : OptionRanges.between("--until-version", untilVersion, 1, Long.MAX_VALUE),
                OptionRanges.modelName("--model-name", modelName), topics());
        if (quietThrough != null) {
            watch.quietThrough(OptionRanges.between("--quiet-through", quietThrough, 1, Long.MAX_VALUE),
                    (long) (OptionRanges.between("--quiet-grace-seconds", quietGraceSeconds, 0, 3_600) * 1000));
        }
        long timeoutMs = (long) (OptionRanges.between("--timeout-seconds", timeoutSeconds, 0.1, 86_400) * 1000);
        return watch.follow(consumerProperties(), timeoutMs);
    }

    WatchTopics topics() {
        return new WatchTopics(predictionsTopic, driftMetricsTopic, retrainRequestsTopic, retrainOutcomesTopic,
                modelUpdatesTopic, modelStatusTopic);
    }

    private Properties consumerProperties() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "marquee-watch-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "2000"); // notice topics created after the start soon
        // a topic created later makes the group rebalance: an eager one drops every position, so the whole story would
        // be read again from the beginning; the cooperative one keeps the partitions it owned where they were
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                org.apache.kafka.clients.consumer.CooperativeStickyAssignor.class.getName());
        // Committed records only (the job's sinks are transactional at exactly-once: an aborted LOADED is no switch),
        // and subscribing creates no topic.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumerProps.forEach((k, v) -> props.put(k.trim(), v.trim()));
        return props;
    }
}

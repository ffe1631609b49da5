package dev.marquee.job.score;

import dev.marquee.data.event.ModelUpdate;
import dev.marquee.job.config.JobSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Each scoring slot's own consumer of {@code model-updates} (decision 0004, "Update (issue 18): one chained
 * scorer"): no consumer group, every partition assigned, read on a thread of its own so the task thread never
 * waits for Kafka. The job's Kafka client settings (security included) apply, and under exactly-once delivery it
 * reads committed records only, as the job's sources do. Nothing of it is checkpointed: a restored slot starts from
 * the registry's serving pointer, which names what the updates announced, and reads on from the latest.
 */
public final class KafkaModelUpdates implements ControlFeed<ModelUpdate> {
    private static final long serialVersionUID = 1L;
    /** How long {@code open()} waits for the consumer's starting position before going on without it. */
    static final Duration POSITIONED_WITHIN = Duration.ofSeconds(10);

    private final String topic;
    private final HashMap<String, String> consumerProperties;
    private final boolean fromEarliest;

    private KafkaModelUpdates(JobSettings s, boolean fromEarliest) {
        this.topic = s.modelUpdatesTopic;
        this.fromEarliest = fromEarliest;
        this.consumerProperties = new HashMap<>();
        Properties p = s.kafkaProperties();
        for (String key : p.stringPropertyNames()) consumerProperties.put(key, p.getProperty(key));
        consumerProperties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers);
        consumerProperties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumerProperties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumerProperties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumerProperties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"); // after a truncation only
        consumerProperties.remove(ConsumerConfig.GROUP_ID_CONFIG);
        consumerProperties.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false"); // reading creates nothing
        // the partition list the slot checks every minute is the client's cached metadata: as fresh as that
        consumerProperties.putIfAbsent(ConsumerConfig.METADATA_MAX_AGE_CONFIG,
                Long.toString(KafkaModelUpdateSubscription.PARTITION_CHECK.toMillis()));
        // While the brokers are down, a reconnect a second means a warning a second per slot; an update read up to
        // 10 s after they are back only delays a swap. (The request sources and the sinks keep Kafka's 1 s: their
        // recovery is the requests' latency.)
        consumerProperties.putIfAbsent(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "10000");
        // an aborted transaction's update was never published
        consumerProperties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, dev.marquee.job.sink.KafkaConnections
                .isolationLevel(s, consumerProperties.get(ConsumerConfig.ISOLATION_LEVEL_CONFIG)));
    }

    /** Production: updates published after the slot opened (what came before is in the registry's pointer). */
    public static KafkaModelUpdates fromLatest(JobSettings s) {
        return new KafkaModelUpdates(s, false);
    }

    /** Every update on the topic, oldest first (tests on a fresh topic, so an early update is never missed). */
    public static KafkaModelUpdates fromEarliest(JobSettings s) {
        return new KafkaModelUpdates(s, true);
    }

    /** The topic read. */
    public String topic() {
        return topic;
    }

    /** The consumer's settings (what the security pass-through test checks). */
    public Map<String, String> consumerProperties() {
        return Map.copyOf(consumerProperties);
    }

    @Override
    public Subscription<ModelUpdate> subscribe(RuntimeContext context) throws InterruptedException {
        return subscribe(context, POSITIONED_WITHIN);
    }

    /** As above, waiting up to {@code positionedWithin} for the starting position (tests shorten it). */
    Subscription<ModelUpdate> subscribe(RuntimeContext context, Duration positionedWithin) throws InterruptedException {
        int subtask = context.getTaskInfo().getIndexOfThisSubtask();
        Properties props = new Properties();
        props.putAll(consumerProperties);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "marquee-model-updates-" + subtask + "-"
                + Long.toHexString(System.nanoTime()));
        ModelUpdateDecoder decoder = new ModelUpdateDecoder(context.getMetricGroup().addGroup("marquee"), subtask);
        KafkaModelUpdateSubscription subscription = new KafkaModelUpdateSubscription(topic, props, fromEarliest, decoder,
                "marquee-model-updates-" + subtask);
        subscription.start(positionedWithin);
        return subscription;
    }
}

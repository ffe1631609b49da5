package dev.marquee.job.sink;

import dev.marquee.job.config.DeliveryGuarantee;
import dev.marquee.job.config.JobSettings;
import dev.marquee.job.source.RawRecord;
import dev.marquee.job.source.RawRecordDeserializer;
import java.util.Properties;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceOptions;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/** Builds the job's Kafka sources and sinks from its settings, with the delivery guarantee applied to both ends. */
public final class KafkaConnections {
    private KafkaConnections() {}

    public static KafkaSource<RawRecord> requestSource(JobSettings s) {
        return requestSource(s, false);
    }

    /** @param bounded stop at the offsets that are the latest when the job starts (tests, batch replays) */
    public static KafkaSource<RawRecord> requestSource(JobSettings s, boolean bounded) {
        return source(s, s.requestsTopic, s.groupId, bounded);
    }

    /** A raw-record source on {@code topic} with the job's Kafka settings and starting offsets. */
    public static KafkaSource<RawRecord> source(JobSettings s, String topic, String groupId, boolean bounded) {
        Properties props = sourceProperties(s);
        props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                isolationLevel(s, props.getProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG)));
        var builder = KafkaSource.<RawRecord>builder()
                .setBootstrapServers(s.bootstrapServers)
                .setTopics(topic)
                .setGroupId(groupId)
                .setStartingOffsets(s.startingOffsets.initializer())
                .setDeserializer(new RawRecordDeserializer())
                .setProperties(props);
        if (bounded) builder.setBounded(OffsetsInitializer.latest());
        return builder.build();
    }

    /** How often an unbounded source looks for partitions added to its topic, unless a kafka.property sets it. */
    public static final long PARTITION_DISCOVERY_INTERVAL_MS = 60_000;

    /**
     * The job's Kafka properties for a source. The connector looks for new partitions every 5 minutes by default:
     * after a topic grows, the keys the producers move to the new partitions would wait that long unscored (the
     * latency alert pages); a minute's metadata request per source is cheap.
     */
    public static Properties sourceProperties(JobSettings s) {
        Properties props = s.kafkaProperties();
        props.putIfAbsent(KafkaSourceOptions.PARTITION_DISCOVERY_INTERVAL_MS.key(),
                String.valueOf(PARTITION_DISCOVERY_INTERVAL_MS));
        return props;
    }

    /**
     * Records of an aborted transaction were never sent: a transactional producer (another Flink job, Kafka Streams)
     * aborts and sends again on its failover, and reading them would give a request two outcomes, or one that was
     * never asked. Read committed at either guarantee; at-least-once, a {@code kafka.property.isolation.level} wins.
     */
    public static String isolationLevel(JobSettings s, String given) {
        return s.delivery == DeliveryGuarantee.EXACTLY_ONCE || given == null ? "read_committed" : given;
    }

    /** A sink; {@code name} keeps transactional ids of different sinks apart. */
    public static <T> KafkaSink<T> sink(JobSettings s, String name, KafkaRecordSerializationSchema<T> serializer) {
        return sink(s, name, serializer, s.kafkaProperties());
    }

    /**
     * The dead-letter sink: its producer's {@code max.request.size} and {@code buffer.memory} take the largest
     * dead letter the {@code parser.*} limits allow (JobSettings checks them at start-up), so that no dead letter
     * is ever refused and replayed for ever.
     */
    public static <T> KafkaSink<T> deadLetterSink(JobSettings s, KafkaRecordSerializationSchema<T> serializer) {
        return sink(s, "dead-letters", serializer, s.deadLetterProducerProperties());
    }

    private static <T> KafkaSink<T> sink(JobSettings s, String name, KafkaRecordSerializationSchema<T> serializer,
                                         Properties props) {
        var builder = KafkaSink.<T>builder()
                .setBootstrapServers(s.bootstrapServers)
                .setRecordSerializer(serializer);
        if (s.delivery == DeliveryGuarantee.EXACTLY_ONCE) {
            props.setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, String.valueOf(s.transactionTimeoutMs));
            builder.setDeliveryGuarantee(org.apache.flink.connector.base.DeliveryGuarantee.EXACTLY_ONCE)
                    .setTransactionalIdPrefix(s.transactionalIdPrefix + "-" + name);
        } else {
            builder.setDeliveryGuarantee(org.apache.flink.connector.base.DeliveryGuarantee.AT_LEAST_ONCE);
        }
        return builder.setKafkaProducerConfig(props).build();
    }
}

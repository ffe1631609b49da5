package dev.marquee.job.trigger;

import dev.marquee.job.config.JobSettings;
import dev.marquee.job.sink.KafkaConnections;
import dev.marquee.job.source.RawRecord;
import dev.marquee.job.source.RawRecordDeserializer;
import java.util.Properties;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/** A raw-record Kafka source on one topic, configured like the scoring job's request source. */
final class TriggerSources {
    private TriggerSources() {}

    /** @param bounded stop at the offsets that are the latest when the job starts (tests) */
    static KafkaSource<RawRecord> of(JobSettings s, String topic, boolean bounded) {
        Properties props = KafkaConnections.sourceProperties(s);
        // Whatever the trigger's own guarantee: an exactly-once scoring job writes drift reports in transactions, and
        // a report of an aborted one (the scoring job failed over) must not count. Without transactions it costs nothing.
        props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        var builder = KafkaSource.<RawRecord>builder()
                .setBootstrapServers(s.bootstrapServers)
                .setTopics(topic)
                .setGroupId(s.groupId)
                .setStartingOffsets(s.startingOffsets.initializer())
                .setDeserializer(new RawRecordDeserializer())
                .setProperties(props);
        if (bounded) builder.setBounded(OffsetsInitializer.latest());
        return builder.build();
    }
}

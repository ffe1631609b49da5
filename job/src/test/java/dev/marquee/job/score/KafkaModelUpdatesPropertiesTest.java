package dev.marquee.job.score;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.job.config.JobSettings;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

/** What a scoring slot's own model-updates consumer is configured with. */
class KafkaModelUpdatesPropertiesTest {

    /**
     * The slot lists the topic's partitions every minute, from the client's cached metadata (5 minutes old by Kafka's
     * default): the cache is refreshed as often, so a partition added to model-updates is read within about a minute.
     */
    @Test
    void theMetadataIsAsFreshAsThePartitionCheckUnlessTheUserSaysOtherwise() {
        JobSettings defaults = JobSettings.from(Map.of(JobSettings.BOOTSTRAP, "broker:9092"));
        assertThat(KafkaModelUpdates.fromLatest(defaults).consumerProperties())
                .containsEntry(ConsumerConfig.METADATA_MAX_AGE_CONFIG, Long.toString(KafkaModelUpdateSubscription.PARTITION_CHECK.toMillis()))
                .containsEntry(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "60000");

        JobSettings given = JobSettings.from(Map.of(JobSettings.BOOTSTRAP, "broker:9092",
                JobSettings.KAFKA_PROPERTY_PREFIX + ConsumerConfig.METADATA_MAX_AGE_CONFIG, "15000"));
        assertThat(KafkaModelUpdates.fromLatest(given).consumerProperties())
                .containsEntry(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "15000");
    }

    /** A broker outage: the slot's model-updates reader tries to reconnect every 10 s at most, unless told otherwise. */
    @Test
    void reconnectsBackOffUpTo10SecondsUnlessTheUserSaysOtherwise() {
        JobSettings defaults = JobSettings.from(Map.of(JobSettings.BOOTSTRAP, "broker:9092"));
        assertThat(KafkaModelUpdates.fromLatest(defaults).consumerProperties())
                .containsEntry(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "10000");
        JobSettings given = JobSettings.from(Map.of(JobSettings.BOOTSTRAP, "broker:9092",
                JobSettings.KAFKA_PROPERTY_PREFIX + ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000"));
        assertThat(KafkaModelUpdates.fromLatest(given).consumerProperties())
                .containsEntry(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
    }
}

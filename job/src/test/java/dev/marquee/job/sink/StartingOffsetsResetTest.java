package dev.marquee.job.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.job.ScoringJob;
import dev.marquee.job.config.JobSettings;
import dev.marquee.job.config.StartingOffsets;
import dev.marquee.job.config.TriggerSettings;
import dev.marquee.job.trigger.RetrainTriggerJob;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * kafka.starting-offsets decides only where a job without a checkpoint starts: a restored offset that retention
 * deleted resumes at the earliest offset Kafka still holds, never at the end (which would skip up to a retention
 * period of records nobody processed). The connector turns the initializer's reset strategy into the consumers'
 * auto.offset.reset, so it is checked on the built sources.
 */
class StartingOffsetsResetTest {

    @ParameterizedTest
    @ValueSource(strings = {"committed", "earliest", "latest"})
    void aRestoredOffsetThatIsGoneResumesAtTheEarliestInEveryJob(String startingOffsets) throws Exception {
        Map<String, String> m = new HashMap<>();
        m.put(JobSettings.BOOTSTRAP, "broker-1.example:9092");
        m.put(JobSettings.STARTING_OFFSETS, startingOffsets);
        m.put(JobSettings.KAFKA_PROPERTY_PREFIX + ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"); // overridden anyway

        StreamExecutionEnvironment scoring = StreamExecutionEnvironment.getExecutionEnvironment();
        ScoringJob.buildWithKafka(scoring, JobSettings.from(m));
        StreamExecutionEnvironment trigger = StreamExecutionEnvironment.getExecutionEnvironment();
        RetrainTriggerJob.buildWithKafka(trigger, TriggerSettings.from(m), false);

        List<KafkaSource<?>> sources = new java.util.ArrayList<>(KafkaSecurityPassThroughTest.BuiltClients.of(scoring).sources);
        sources.addAll(KafkaSecurityPassThroughTest.BuiltClients.of(trigger).sources);
        assertThat(sources).hasSizeGreaterThanOrEqualTo(4);
        for (KafkaSource<?> source : sources) {
            assertThat(KafkaSecurityPassThroughTest.BuiltClients.sourceProperties(source))
                    .containsEntry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        }
    }

    @org.junit.jupiter.api.Test
    void latestStillStartsAFreshJobAtTheEnd() {
        TopicPartition p = new TopicPartition("rating-requests", 0);
        Map<TopicPartition, Long> offsets = StartingOffsets.LATEST.initializer().getPartitionOffsets(List.of(p), new Ends(Map.of(p, 42L)));
        assertThat(offsets).containsExactly(Map.entry(p, 42L));
    }

    /** The broker's answer, as the enumerator's admin client would give it. */
    private record Ends(Map<TopicPartition, Long> ends) implements OffsetsInitializer.PartitionOffsetsRetriever {
        @Override
        public Map<TopicPartition, Long> committedOffsets(Collection<TopicPartition> partitions) {
            return Map.of();
        }

        @Override
        public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
            return ends;
        }

        @Override
        public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
            return Map.of();
        }

        @Override
        public Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> timestampsToSearch) {
            return Map.of();
        }
    }
}

package dev.marquee.job.config;

import dev.marquee.data.config.SettingException;
import java.util.Collection;
import java.util.Map;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;

/**
 * Where the job starts reading when it has no checkpoint to restore from. Whichever it is, a restored offset that
 * retention has deleted resumes at the earliest offset Kafka still holds (the connector makes the initializer's reset
 * strategy the consumer's auto.offset.reset, overriding any given one).
 */
public enum StartingOffsets {
    /** The group's committed offsets, else the earliest: a restarted job picks up where it left off. */
    COMMITTED,
    EARLIEST,
    LATEST;

    static StartingOffsets parse(String key, String value) {
        switch (value) {
            case "committed": return COMMITTED;
            case "earliest": return EARLIEST;
            case "latest": return LATEST;
            default: throw new SettingException(key + " must be committed, earliest or latest, got '" + value + "'");
        }
    }

    @SuppressWarnings("deprecation") // the connector's API still takes OffsetResetStrategy
    public OffsetsInitializer initializer() {
        switch (this) {
            case EARLIEST: return OffsetsInitializer.earliest();
            case LATEST: return new LatestResettingToEarliest();
            default: return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        }
    }

    /**
     * The end offsets at the first start, but EARLIEST as the reset for a restored offset that is gone: with the
     * connector's own latest() such a restore would jump to the end, past every record retention still keeps.
     */
    @SuppressWarnings("deprecation")
    static final class LatestResettingToEarliest implements OffsetsInitializer {
        private static final long serialVersionUID = 1L;
        private final OffsetsInitializer latest = OffsetsInitializer.latest();

        @Override
        public Map<TopicPartition, Long> getPartitionOffsets(Collection<TopicPartition> partitions,
                                                             PartitionOffsetsRetriever retriever) {
            return latest.getPartitionOffsets(partitions, retriever);
        }

        @Override
        public OffsetResetStrategy getAutoOffsetResetStrategy() {
            return OffsetResetStrategy.EARLIEST;
        }
    }
}

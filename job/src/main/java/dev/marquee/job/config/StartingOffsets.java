package dev.marquee.job.config;

import dev.marquee.data.config.SettingException;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** Where the job starts reading when it has no checkpoint to restore from. */
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
            case LATEST: return OffsetsInitializer.latest();
            default: return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        }
    }
}

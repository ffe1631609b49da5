package dev.marquee.job.pipeline;

import dev.marquee.job.source.RawRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * Records as a Kafka source would hand them to the job: the value, and a source position (topic, partition,
 * offset) that is distinct per record, spread round-robin over the partitions.
 */
public final class RawRecords {
    private final String topic;
    private final long[] nextOffset;
    private final List<RawRecord> all = new ArrayList<>();

    public RawRecords(String topic, int partitions) {
        this.topic = topic;
        this.nextOffset = new long[partitions];
    }

    /** Appends a record ({@code value} null: a tombstone) and returns it, with its position. */
    public RawRecord add(byte[] value) {
        int partition = all.size() % nextOffset.length;
        RawRecord r = new RawRecord(value, topic, partition, nextOffset[partition]++, System.currentTimeMillis());
        all.add(r);
        return r;
    }

    public List<RawRecord> all() {
        return all;
    }

    /** "partition@offset" of a record, the key the tests match outcomes by. */
    public static String position(int partition, long offset) {
        return partition + "@" + offset;
    }
}

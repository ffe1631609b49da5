package dev.marquee.job.source;

import dev.marquee.data.event.SourcePosition;

/** One Kafka record as read: its value untouched, and where it came from. A Flink POJO. */
public class RawRecord {
    /** The record value; null for a tombstone. */
    public byte[] value;
    public String topic;
    public int partition;
    public long offset;
    /** Kafka record timestamp, milliseconds since the epoch. */
    public long timestamp;

    public RawRecord() {}

    public RawRecord(byte[] value, String topic, int partition, long offset, long timestamp) {
        this.value = value;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
    }

    public SourcePosition position() {
        return new SourcePosition(topic, partition, offset, timestamp);
    }
}

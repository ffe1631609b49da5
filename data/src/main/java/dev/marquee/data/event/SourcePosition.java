package dev.marquee.data.event;

import java.util.Objects;

/** Where a record came from in Kafka: enough to find the original again. */
public class SourcePosition {
    public String topic;
    public int partition;
    public long offset;
    /** The Kafka record timestamp in milliseconds since the epoch, or -1 when unknown. */
    public long timestamp = -1;

    public SourcePosition() {}

    public SourcePosition(String topic, int partition, long offset, long timestamp) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
    }

    /**
     * Whether the record carries a time to measure from: Kafka's -1 is none, and so is 0, the epoch, which a producer
     * that never sets the time sends (the parser, the drift latency and the scorer's latency histogram agree on this).
     */
    public boolean hasTimestamp() {
        return timestamp > 0;
    }

    /** The default request id of a record: {@code topic-partition-offset}. */
    public String defaultRequestId() {
        return topic + "-" + partition + "-" + offset;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof SourcePosition)) return false;
        SourcePosition s = (SourcePosition) o;
        return partition == s.partition && offset == s.offset && timestamp == s.timestamp
                && Objects.equals(topic, s.topic);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, offset, timestamp);
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}

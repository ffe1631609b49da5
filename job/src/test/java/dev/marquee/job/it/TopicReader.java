package dev.marquee.job.it;

import static org.awaitility.Awaitility.await;

import dev.marquee.infra.testing.KafkaBrokerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a topic from the beginning: until a condition holds or to its current end (failing after a deadline), or
 * for a while.
 */
final class TopicReader implements AutoCloseable {
    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();

    TopicReader(KafkaBrokerExtension kafka, String topic) {
        this.topic = topic;
        Properties props = kafka.consumerProps("reader-" + topic + "-" + System.nanoTime());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        // Only what a transaction committed: in exactly-once mode that is what "no duplicate" is about.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = new KafkaConsumer<>(props);
        consumer.subscribe(List.of(topic));
    }

    /**
     * Polls until {@code done} holds for everything read so far; returns all read. Fails (Awaitility's
     * ConditionTimeoutException) when it does not hold within {@code deadline}.
     */
    List<ConsumerRecord<byte[], byte[]>> readUntil(Predicate<List<ConsumerRecord<byte[], byte[]>>> done, Duration deadline) {
        // the consumer is not thread-safe: polled on the test's thread; its poll timeout is the wait
        await("reading " + topic).atMost(deadline).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                .until(() -> done.test(seen) || done.test(pollOnce(Duration.ofMillis(200))));
        return seen;
    }

    /** Everything read after polling for {@code period} more: to see late records (duplicates), or that none came. */
    List<ConsumerRecord<byte[], byte[]>> readFor(Duration period) {
        long end = System.nanoTime() + period.toNanos();
        for (long left = period.toNanos(); left > 0; left = end - System.nanoTime()) {
            pollOnce(Duration.ofNanos(left));
        }
        return seen;
    }

    /**
     * Everything up to the topic's end offsets of this moment (read_committed: its last stable offsets, so every
     * transaction committed by now), failing after {@code deadline}. Unlike a read for a fixed while it does not
     * depend on how long joining the consumer group takes.
     */
    List<ConsumerRecord<byte[], byte[]>> readToEnd(Duration deadline) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        await("reading " + topic + " to its end offsets " + end).atMost(deadline).pollInSameThread()
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                .until(() -> {
                    if (atEnd(end)) return true;
                    pollOnce(Duration.ofMillis(200));
                    return atEnd(end);
                });
        return seen;
    }

    private boolean atEnd(Map<TopicPartition, Long> end) {
        return consumer.assignment().containsAll(end.keySet())
                && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private List<ConsumerRecord<byte[], byte[]>> pollOnce(Duration timeout) {
        consumer.poll(timeout).forEach(seen::add);
        return seen;
    }

    /** Reads at least {@code count} records (failing the caller's assertion otherwise), plus any already there. */
    List<ConsumerRecord<byte[], byte[]>> readAtLeast(int count, Duration deadline) {
        readUntil(all -> all.size() >= count, deadline);
        // one more short poll, so duplicates beyond the expected count would be seen too
        return pollOnce(Duration.ofMillis(500));
    }

    @Override
    public void close() {
        consumer.close();
    }
}

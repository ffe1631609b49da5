package dev.marquee.model.trainer;

import dev.marquee.data.event.Rating;
import dev.marquee.data.json.EventCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads every label on the ratings topic from the beginning up to the end offsets taken when the read starts
 * (labels that arrive meanwhile wait for the next request). Records that are not a usable {@link Rating}
 * (not JSON, no user or title, a rating that is not a finite number) are counted and skipped.
 */
final class LabelReader {
    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaClients clients;
    private final String topic;
    private final Duration timeout;
    private final EventCodec<Rating> codec = EventCodec.of(Rating.class);

    LabelReader(KafkaClients clients, String topic, Duration timeout) {
        this.clients = clients;
        this.topic = topic;
        this.timeout = timeout;
    }

    /** The labels read, and how many records were skipped. */
    record Labels(List<Rating> ratings, int unreadable) {}

    Labels read() throws TimeoutException {
        try (KafkaConsumer<byte[], byte[]> consumer = clients.readerConsumer()) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, timeout);
            List<Rating> ratings = new ArrayList<>();
            if (partitions == null || partitions.isEmpty()) {
                return new Labels(ratings, 0); // no such topic yet: no labels
            }
            List<TopicPartition> tps = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            int unreadable = 0;
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("read only " + ratings.size() + " labels from " + topic + " within "
                            + timeout.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    if (record.offset() >= end.get(new TopicPartition(record.topic(), record.partition()))) {
                        continue; // arrived after the request was taken
                    }
                    Rating r = decode(record.value());
                    if (r == null) {
                        unreadable++;
                    } else {
                        ratings.add(r);
                    }
                }
            }
            return new Labels(ratings, unreadable);
        }
    }

    private Rating decode(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            Rating r = codec.decode(value);
            boolean usable = r != null && r.userId != null && !r.userId.isBlank() && r.movieTitle != null
                    && !r.movieTitle.isBlank() && Float.isFinite(r.rating);
            return usable ? r : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}

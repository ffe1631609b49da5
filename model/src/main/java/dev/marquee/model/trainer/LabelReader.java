package dev.marquee.model.trainer;

import dev.marquee.data.event.Rating;
import dev.marquee.data.parse.ParserLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a bounded window of labels from the ratings topic: the {@code maxLabels} most recent by event time among
 * the last {@code maxLabels} records of each partition, up to the end offsets taken when the read starts
 * (labels that arrive meanwhile wait for the next read). Memory holds at most {@code maxLabels} labels, whatever
 * the topic's length: records stream through a heap that drops the oldest. Records that are not a label the
 * scoring job would accept ({@code LabelDecoder} and {@code ParserLimits.admitsLabel}, with the limits of the
 * trainer's --parser-setting: not JSON, no user or title, a rating outside [0.5, 5.5], a field over its limit) are
 * counted and skipped.
 */
final class LabelReader {
    private static final Duration POLL = Duration.ofMillis(200);
    /** Ties broken by where the label is in the topic, not by poll order: a retrain done again reads the same list. */
    private static final Comparator<Entry> OLDEST_FIRST = Comparator.comparingLong((Entry e) -> e.rating().timestamp)
            .thenComparingInt(Entry::partition).thenComparingLong(Entry::offset);

    private final KafkaClients clients;
    private final String topic;
    private final int maxLabels;
    private final Duration timeout;
    /** The scoring job's label stage refuses labels beyond its request parser's limits; so does the trainer. */
    private final ParserLimits limits;

    LabelReader(KafkaClients clients, String topic, int maxLabels, Duration timeout) {
        this(clients, topic, maxLabels, timeout, ParserLimits.defaults());
    }

    LabelReader(KafkaClients clients, String topic, int maxLabels, Duration timeout, ParserLimits limits) {
        if (maxLabels < 1) {
            throw new IllegalArgumentException("the label window needs room for at least 1 label, got " + maxLabels);
        }
        this.clients = clients;
        this.topic = topic;
        this.maxLabels = maxLabels;
        this.timeout = timeout;
        this.limits = limits;
    }

    /**
     * The labels in the window, oldest first, and what the read skipped.
     *
     * @param records records read (the tail of each partition)
     * @param refused records that are no acceptable label
     * @param dropped acceptable labels older than the window's {@code maxLabels}
     * @param unread records before the tail of each partition, not read at all
     * @param ahead acceptable labels stamped ahead of the clock ({@link LabelSplit#latestAllowed}): counted, not kept
     */
    record Labels(List<Rating> ratings, long records, long refused, long dropped, long unread, long ahead) {
        Labels(List<Rating> ratings, long records, long refused, long dropped, long unread) {
            this(ratings, records, refused, dropped, unread, 0);
        }

        static Labels of(List<Rating> ratings) {
            return new Labels(ratings, ratings.size(), 0, 0, 0);
        }

        /** Whether labels were left out for want of room (trainer.labels.max-count): the read is not the whole topic. */
        boolean truncated() {
            return dropped > 0 || unread > 0;
        }
    }

    private record Entry(Rating rating, int partition, long offset) {}

    Labels read() throws TimeoutException {
        // read committed, as the scoring job reads them: a transactional producer's aborted labels were never sent,
        // and read twice (aborted, then sent again) they would be trained on or judged on twice
        try (KafkaConsumer<byte[], byte[]> consumer = clients.readerConsumer(
                Map.of(org.apache.kafka.clients.consumer.ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, timeout);
            if (partitions == null || partitions.isEmpty()) {
                return Labels.of(List.of()); // no such topic yet: no labels
            }
            List<TopicPartition> tps = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(tps);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(tps, timeout);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps, timeout);
            long unread = 0;
            for (TopicPartition tp : tps) {
                long from = Math.max(begin.get(tp), end.get(tp) - maxLabels);
                unread += from - begin.get(tp);
                consumer.seek(tp, from);
            }
            PriorityQueue<Entry> window = new PriorityQueue<>(OLDEST_FIRST);
            // Labels stamped ahead of the clock are never used: counted, not kept, so that they take no room from real
            // ones (a producer's clock hours ahead would push out the newest labels)
            long latestAllowed = LabelSplit.latestAllowed(System.currentTimeMillis());
            long ahead = 0;
            long deadline = System.nanoTime() + timeout.toNanos();
            long records = 0;
            long refused = 0;
            long dropped = 0;
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("read only " + records + " records from " + topic + " within "
                            + timeout.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    if (record.offset() >= end.get(new TopicPartition(record.topic(), record.partition()))) {
                        continue; // arrived after the read started
                    }
                    records++;
                    Rating r = decode(record.value(), limits);
                    if (r == null) {
                        refused++;
                        continue;
                    }
                    if (r.timestamp <= 0 && record.timestamp() > 0) {
                        r.timestamp = record.timestamp() / 1000; // as the scoring job reads it: the record's time
                    }
                    if (r.timestamp > latestAllowed) {
                        ahead++;
                        continue;
                    }
                    window.add(new Entry(r, record.partition(), record.offset()));
                    if (window.size() > maxLabels) {
                        window.poll();
                        dropped++;
                    }
                }
            }
            List<Entry> kept = new ArrayList<>(window);
            kept.sort(OLDEST_FIRST);
            return new Labels(kept.stream().map(Entry::rating).toList(), records, refused, dropped, unread, ahead);
        }
    }

    /** A label as a scoring job with the default parser settings reads it (ParseRatings), or null for one it drops. */
    static Rating decode(byte[] value) {
        return decode(value, ParserLimits.defaults());
    }

    /** A label as the scoring job with these parser settings reads it (ParseRatings), or null for one it drops. */
    static Rating decode(byte[] value, ParserLimits limits) {
        if (value == null || value.length > limits.maxPayloadBytes) { // the job refuses what is larger (ParseRatings)
            return null;
        }
        try {
            Rating r = dev.marquee.data.parse.LabelDecoder.decode(value); // the job's rules (ParseRatings)
            r.requestId = ParserLimits.labelRequestId(r.requestId); // a blank id is none, before the limits, as the job
            return limits.admitsLabel(r) ? r : null;
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

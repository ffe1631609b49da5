package dev.marquee.model.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.Rating;
import dev.marquee.data.json.EventCodec;
import dev.marquee.infra.testing.KafkaBrokerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The trainer's label window on a real broker: 2,000 labels on two partitions, read with room for 300, give the
 * 300 newest by event time, reading only the tail of each partition; records the scoring job would refuse are
 * counted and never kept; with room for all, every acceptable label comes back.
 */
class LabelReaderITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final EventCodec<Rating> RATINGS = EventCodec.of(Rating.class);
    private static final int LABELS = 2_000;

    @Test
    void readsABoundedWindowOfTheNewestAcceptableLabels() throws Exception {
        String topic = KAFKA.createTopic("ratings", 2);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.producerProps())) {
            for (int i = 0; i < LABELS; i++) {
                // Event time mostly follows arrival, with some labels late by up to 50 positions.
                long timestamp = 1_000_000L + 10L * i - (i % 7 == 0 ? 500 : 0);
                Rating r = new Rating("u" + (i % 97), "Movie " + (i % 31) + " (1990)", 1 + i % 5, timestamp);
                producer.send(new ProducerRecord<>(topic, r.userId, RATINGS.encodeToString(r)));
                if (i >= LABELS - 40 && i % 10 == 0) { // 4 bad records of each kind near the end of both partitions
                    producer.send(new ProducerRecord<>(topic, "u" + (i % 97), "not json"));
                    producer.send(new ProducerRecord<>(topic, "u" + (i % 97),
                            RATINGS.encodeToString(new Rating(r.userId, r.movieTitle, 1e30f, timestamp))));
                    producer.send(new ProducerRecord<>(topic, "u" + (i % 97),
                            RATINGS.encodeToString(new Rating(r.userId, r.movieTitle, 0.2f, timestamp))));
                    producer.send(new ProducerRecord<>(topic, "u" + (i % 97),
                            RATINGS.encodeToString(new Rating(" ", r.movieTitle, 3f, timestamp))));
                }
            }
            producer.flush();
        }
        KafkaClients clients = new KafkaClients(KAFKA.bootstrapServers(), new Properties());

        LabelReader.Labels window = new LabelReader(clients, topic, 300, Duration.ofSeconds(60)).read();
        assertThat(window.ratings()).hasSize(300);
        assertThat(window.ratings()).isSortedAccordingTo(Comparator.comparingLong(r -> r.timestamp));
        assertThat(window.ratings()).allMatch(dev.marquee.data.parse.ParserLimits.defaults()::admitsLabel);
        assertThat(window.refused()).isEqualTo(16);
        assertThat(window.records()).as("only each partition's last 300 records are read").isLessThanOrEqualTo(600);
        assertThat(window.dropped()).isEqualTo(window.records() - window.refused() - 300);

        LabelReader.Labels all = new LabelReader(clients, topic, 5_000, Duration.ofSeconds(60)).read();
        assertThat(all.records()).isEqualTo(LABELS + 16);
        assertThat(all.refused()).isEqualTo(16);
        assertThat(all.dropped()).isZero();
        assertThat(all.ratings()).hasSize(LABELS);
        List<Rating> newest = all.ratings().subList(LABELS - 300, LABELS);
        // The window holds the 300 newest by event time (ties at the edge may go either way).
        long edge = newest.get(0).timestamp;
        assertThat(window.ratings()).allMatch(r -> r.timestamp >= edge);
        assertThat(window.ratings().get(299)).isEqualTo(newest.get(299));
    }

    /** Labels stamped far ahead of the clock (a producer's clock or time zone) are not used, and take no room from real ones. */
    @Test
    void labelsAheadOfTheClockDoNotTakeTheWindowsRoom() throws Exception {
        String topic = KAFKA.createTopic("ratings-ahead", 2); // 200 records each: every one read (300 a partition)
        long now = System.currentTimeMillis() / 1000;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.producerProps())) {
            for (int i = 0; i < 300; i++) {
                Rating r = new Rating("u" + i, "Movie " + (i % 31) + " (1990)", 1 + i % 5, now - 3_600 + i);
                producer.send(new ProducerRecord<>(topic, i % 2, r.userId, RATINGS.encodeToString(r)));
                if (i % 3 == 0) { // 100 labels from a producer whose clock runs in 2096
                    Rating ahead = new Rating("f" + i, "Movie 1 (1990)", 3f, 4_000_000_000L);
                    producer.send(new ProducerRecord<>(topic, i % 2, ahead.userId, RATINGS.encodeToString(ahead)));
                }
            }
            producer.flush();
        }
        KafkaClients clients = new KafkaClients(KAFKA.bootstrapServers(), new Properties());
        LabelReader.Labels read = new LabelReader(clients, topic, 300, Duration.ofSeconds(60)).read();
        assertThat(read.dropped()).as("no real label pushed out").isZero();
        assertThat(read.ratings()).as("the real labels, and no more than the room").hasSize(300)
                .allMatch(r -> r.userId.startsWith("u"));
        assertThat(read.ahead()).isEqualTo(100);
    }

    /** A transactional producer's aborted labels were never sent: the trainer does not read them, as the job does not. */
    @Test
    void labelsOfAnAbortedTransactionAreNotRead() throws Exception {
        String topic = KAFKA.createTopic("ratings-aborted", 1);
        Properties transactional = new Properties();
        transactional.putAll(KAFKA.producerProps());
        transactional.put("transactional.id", "labels-" + System.nanoTime());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(transactional)) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 5; i++) {
                Rating r = new Rating("aborted" + i, "Movie (1990)", 3f, 1_600_000_000L + i);
                producer.send(new ProducerRecord<>(topic, r.userId, RATINGS.encodeToString(r)));
            }
            producer.flush(); // on the broker, then aborted (unflushed, the abort would drop them before they left)
            producer.abortTransaction();
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.producerProps())) {
            for (int i = 0; i < 10; i++) {
                Rating r = new Rating("sent" + i, "Movie (1990)", 3f, 1_600_000_100L + i);
                producer.send(new ProducerRecord<>(topic, r.userId, RATINGS.encodeToString(r)));
            }
            producer.flush();
        }
        KafkaClients clients = new KafkaClients(KAFKA.bootstrapServers(), new Properties());
        LabelReader.Labels labels = new LabelReader(clients, topic, 100, Duration.ofSeconds(60)).read();
        assertThat(labels.ratings()).hasSize(10).allSatisfy(r -> assertThat(r.userId).startsWith("sent"));
    }

    @Test
    void aTopicThatDoesNotExistYetHasNoLabels() throws Exception {
        KafkaClients clients = new KafkaClients(KAFKA.bootstrapServers(), new Properties());
        String topic = "no-such-topic-" + System.nanoTime();
        LabelReader.Labels none = new LabelReader(clients, topic, 100, Duration.ofSeconds(10)).read();
        assertThat(none.ratings()).isEmpty();
        assertThat(none.records()).isZero();
        // nor is it created by the reading (a broker that creates topics on first use would, with its defaults)
        try (var admin = org.apache.kafka.clients.admin.Admin.create(java.util.Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            assertThat(admin.listTopics().names().get()).doesNotContain(topic);
        }
    }

    /**
     * Labels without a timestamp take their record's Kafka time, as the scoring job's label stage does (before, the
     * trainer sorted them into 1970); labels with a line break or control character are refused like requests with
     * one; equal timestamps are ordered by partition and offset, so two reads give the same list.
     */
    @Test
    void unstampedLabelsTakeTheirRecordTimeAndTiesKeepTopicOrder() throws Exception {
        String topic = KAFKA.createTopic("ratings-unstamped", 2);
        // an hour ago: record times the broker's 7-day retention keeps (a 2023 time is deleted at its first check)
        long start = (System.currentTimeMillis() / 1000 - 3600) * 1000;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.producerProps())) {
            for (int i = 0; i < 40; i++) { // record times go backwards as offsets go forwards
                Rating r = new Rating("u" + i, "Movie " + i + " (1990)", 3f, 0);
                producer.send(new ProducerRecord<>(topic, i % 2, start - 1_000L * i, r.userId, RATINGS.encodeToString(r)));
            }
            for (int i = 0; i < 20; i++) { // all at the same second, both partitions
                Rating r = new Rating("t" + i, "Tie " + i + " (1990)", 4f, 1_600_000_000L);
                producer.send(new ProducerRecord<>(topic, i % 2, start, r.userId, RATINGS.encodeToString(r)));
            }
            producer.send(new ProducerRecord<>(topic, 0, start, "42",
                    RATINGS.encodeToString(new Rating("42\r", "Movie 1 (1990)", 3f, 1_600_000_000L))));
            producer.send(new ProducerRecord<>(topic, 1, start, "43",
                    RATINGS.encodeToString(new Rating("43", "Movie\n1 (1990)", 3f, 1_600_000_000L))));
            producer.flush();
        }
        KafkaClients clients = new KafkaClients(KAFKA.bootstrapServers(), new Properties());

        LabelReader.Labels first = new LabelReader(clients, topic, 1_000, Duration.ofSeconds(60)).read();
        assertThat(first.refused()).as("the labels with a line break").isEqualTo(2);
        List<Rating> unstamped = first.ratings().stream().filter(r -> r.userId.startsWith("u")).toList();
        assertThat(unstamped).hasSize(40).allMatch(r -> r.timestamp > 1_600_000_000L);
        assertThat(unstamped.get(0).userId).as("the oldest record time first").isEqualTo("u39");
        assertThat(unstamped.get(0).timestamp).isEqualTo((start - 39_000L) / 1000);
        List<String> ties = first.ratings().stream().filter(r -> r.userId.startsWith("t")).map(r -> r.userId).toList();
        assertThat(ties).as("partition 0's in offset order, then partition 1's")
                .containsExactly("t0", "t2", "t4", "t6", "t8", "t10", "t12", "t14", "t16", "t18",
                        "t1", "t3", "t5", "t7", "t9", "t11", "t13", "t15", "t17", "t19");
        LabelReader.Labels again = new LabelReader(clients, topic, 1_000, Duration.ofSeconds(60)).read();
        assertThat(again.ratings()).isEqualTo(first.ratings());
    }

    /**
     * The readers seek where they start; when retention deletes records under that offset before the fetch, Kafka's
     * default reset (latest) would skip everything retained and end the read early without a word. They resume at
     * what is left instead.
     */
    @Test
    void aReaderSeekingBelowWhatRetentionKeptResumesAtTheOldestRetainedRecord() throws Exception {
        String topic = KAFKA.createTopic("ratings-retained", 1);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.producerProps())) {
            for (int i = 0; i < 10; i++) {
                Rating r = new Rating("u" + i, "Movie " + i + " (1990)", 3f, 1_600_000_000L + i);
                producer.send(new ProducerRecord<>(topic, 0, r.userId, RATINGS.encodeToString(r)));
            }
            producer.flush();
        }
        TopicPartition tp = new TopicPartition(topic, 0);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(6))).all().get(30, TimeUnit.SECONDS);
        }
        KafkaClients clients = new KafkaClients(KAFKA.bootstrapServers(), new Properties());
        try (KafkaConsumer<byte[], byte[]> reader = clients.readerConsumer()) {
            reader.assign(List.of(tp));
            reader.seek(tp, 2); // an offset retention has deleted since it was read
            List<Long> offsets = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (offsets.size() < 4 && System.nanoTime() < deadline) {
                reader.poll(Duration.ofMillis(200)).forEach(r -> offsets.add(r.offset()));
            }
            assertThat(offsets).containsExactly(6L, 7L, 8L, 9L);
        }
    }
}

package dev.marquee.model.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.Rating;
import dev.marquee.data.json.EventCodec;
import dev.marquee.infra.testing.KafkaBrokerExtension;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
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
        assertThat(window.ratings()).allMatch(Rating::isValidLabel);
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

    @Test
    void aTopicThatDoesNotExistYetHasNoLabels() throws Exception {
        KafkaClients clients = new KafkaClients(KAFKA.bootstrapServers(), new Properties());
        LabelReader.Labels none = new LabelReader(clients, "no-such-topic-" + System.nanoTime(), 100,
                Duration.ofSeconds(10)).read();
        assertThat(none.ratings()).isEmpty();
        assertThat(none.records()).isZero();
    }
}

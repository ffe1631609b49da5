package dev.marquee.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;

import dev.marquee.infra.testing.KafkaBrokerExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EmbeddedKafkaITCase {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @Test
    void producedRecordsAreConsumedBack() throws Exception {
        String topic = KAFKA.createTopic("roundtrip", 2);
        List<String> sent = IntStream.range(0, 100).mapToObj(i -> "value-" + i).toList();

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.producerProps())) {
            for (String value : sent) {
                producer.send(new ProducerRecord<>(topic, value, value)).get();
            }
        }

        assertThat(values(readUntil(topic, KAFKA.consumerProps("roundtrip"), sent.size())))
                .containsExactlyInAnyOrderElementsOf(sent);
    }

    @Test
    void readCommittedSeesCommittedTransactionsAndNotAbortedOnes() {
        String topic = KAFKA.createTopic("transactions", 1);
        Properties producerProps = KAFKA.producerProps();
        producerProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-" + topic);

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "committed-1"));
            producer.send(new ProducerRecord<>(topic, "committed-2"));
            producer.commitTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "aborted-1"));
            producer.send(new ProducerRecord<>(topic, "aborted-2"));
            producer.flush();
            producer.abortTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "committed-3"));
            producer.commitTransaction();
        }

        Properties readCommitted = KAFKA.consumerProps("read-committed");
        readCommitted.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        assertThat(values(readUntil(topic, readCommitted, 3)))
                .containsExactly("committed-1", "committed-2", "committed-3");

        // The aborted records were written: an uncommitted reader sees them.
        Properties readUncommitted = KAFKA.consumerProps("read-uncommitted");
        readUncommitted.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        assertThat(values(readUntil(topic, readUncommitted, 5)))
                .containsExactly("committed-1", "committed-2", "aborted-1", "aborted-2", "committed-3");
    }

    @Test
    void defaultTopicsAreCreatedOnceAndThenLeftAlone() {
        Topics topics = Topics.defaults();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            assertThat(topics.createAll(admin, DEADLINE)).containsExactlyInAnyOrderElementsOf(topics.names());
            assertThat(topics.createAll(admin, DEADLINE)).isEmpty();

            await().atMost(DEADLINE).untilAsserted(() -> assertThat(admin.describeTopics(topics.names())
                    .allTopicNames().get().get(Topics.RATING_REQUESTS).partitions()).hasSize(2));
        }
    }

    @Test
    void eachCreatedTopicIsNew() {
        assertThat(KAFKA.createTopic("fresh", 1)).startsWith("fresh-").isNotEqualTo(KAFKA.createTopic("fresh", 1));
    }

    /** Polls until {@code count} records arrived or the deadline passes, then checks nothing more arrives in one poll. */
    private static List<ConsumerRecord<String, String>> readUntil(String topic, Properties consumerProps, int count) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps)) {
            consumer.subscribe(List.of(topic));
            await().atMost(DEADLINE).pollInSameThread().pollInterval(Duration.ofMillis(10)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= count;
            });
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return records;
    }

    private static List<String> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).toList();
    }
}

package dev.marquee.model.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

/** The trainer's producer gives up when its writer stops waiting, whatever --kafka-prop sets beside it. */
class KafkaClientsTest {
    private static final String NOBODY = "127.0.0.1:9";

    private static KafkaClients clients(String... keyValues) {
        Properties extra = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) extra.put(keyValues[i], keyValues[i + 1]);
        return new KafkaClients(NOBODY, extra);
    }

    @Test
    void byDefaultTheProducerGivesUpAfter30SecondsAndTheWriterWaitsAMarginLonger() {
        KafkaClients kafka = clients();
        assertThat(kafka.producerProperties()).containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000")
                .containsEntry(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        try (KafkaProducer<String, byte[]> producer = kafka.producer()) {
            assertThat(kafka.writer(producer).ackTimeoutMs()).isEqualTo(35_000);
            producer.close(Duration.ZERO);
        }
    }

    /** Kafka refuses a delivery timeout below linger + request timeout when it is set: a longer request timeout raises it. */
    @Test
    void aLongerRequestTimeoutOrLingerGivenByTheUserStillMakesAProducer() {
        KafkaClients kafka = clients(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "60000", ProducerConfig.LINGER_MS_CONFIG, "100");
        assertThat(kafka.producerProperties()).containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60100");
        try (KafkaProducer<String, byte[]> producer = kafka.producer()) {
            assertThat(kafka.writer(producer).ackTimeoutMs()).isEqualTo(65_100);
            producer.close(Duration.ZERO);
        }
    }

    @Test
    void aDeliveryTimeoutGivenByTheUserIsKeptAndWaitedFor() {
        KafkaClients kafka = clients(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
        assertThat(kafka.producerProperties()).containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
        try (KafkaProducer<String, byte[]> producer = kafka.producer()) {
            assertThat(kafka.writer(producer).ackTimeoutMs()).isEqualTo(125_000);
            producer.close(Duration.ZERO);
        }
    }

    /** A broker outage is not a warning a second from each of the worker's clients; the user's setting still wins. */
    @Test
    void everyClientBacksOffReconnectsUpTo10SecondsUnlessTheUserSaysOtherwise() {
        KafkaClients kafka = clients();
        String key = ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG;
        assertThat(kafka.producerProperties()).containsEntry(key, "10000");
        assertThat(kafka.requestConsumerProperties("g")).containsEntry(key, "10000");
        assertThat(kafka.readerConsumerProperties(java.util.Map.of())).containsEntry(key, "10000");
        KafkaClients user = clients(key, "2000");
        assertThat(user.producerProperties()).containsEntry(key, "2000");
        assertThat(user.requestConsumerProperties("g")).containsEntry(key, "2000");
        assertThat(user.readerConsumerProperties(java.util.Map.of())).containsEntry(key, "2000");
    }
}

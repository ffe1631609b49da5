package dev.marquee.job.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.marquee.infra.testing.KafkaBrokerExtension;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The slot's own consumer of model-updates, against a real broker. */
class KafkaModelUpdateSubscriptionITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    /** Fails every read with an Error, as an out-of-memory error on the consumer thread would. */
    public static final class ErrorOnRead implements Deserializer<byte[]> {
        @Override
        public byte[] deserialize(String topic, byte[] data) {
            throw new AssertionError("injected on the consumer thread");
        }
    }

    /**
     * An Error ends the consumer thread; the task thread hears of it at its next poll, so the task fails over
     * instead of scoring on with a subscription that will never bring another version.
     */
    @Test
    void anErrorOnTheConsumerThreadIsRethrownOnTheTaskThread() throws Exception {
        String topic = KAFKA.createTopic("model-updates", 1);
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ErrorOnRead.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        KafkaModelUpdateSubscription subscription = new KafkaModelUpdateSubscription(topic, props, true,
                new ModelUpdateDecoder(new UnregisteredMetricsGroup(), 0), "test-model-updates");
        try {
            subscription.start(Duration.ofSeconds(30));
            assertThat(subscription.poll()).isEmpty();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.producerProps())) {
                producer.send(new ProducerRecord<>(topic, "marquee", "{}")).get();
            }
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            await("the Error handed to the task thread").atMost(Duration.ofSeconds(60)).until(() -> {
                thrown.set(catchThrowable(subscription::poll));
                return thrown.get() != null;
            });
            assertThat(thrown.get()).isInstanceOf(AssertionError.class).hasMessage("injected on the consumer thread");
        } finally {
            subscription.close();
        }
    }
}

package dev.marquee.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.infra.testing.SecuredKafka;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * What the senders (replay, hostile-requests) rely on, on a real broker: once the brokers refused a producer, the
 * next {@code send} throws, and the refusal is in what it throws.
 */
class SendFailuresITCase {
    @Test
    void aSendAfterTheBrokersRefusedTheProducerThrowsTheRefusal() throws Exception {
        try (SecuredKafka kafka = SecuredKafka.start("refused")) {
            kafka.createTopic("rating-requests", 1);
            kafka.allow("refused", "rating-requests", AclOperation.DESCRIBE);
            Properties p = kafka.clientProps("refused");
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>("rating-requests", new byte[] {1});
                // the first sends may be taken and fail in their callback, depending on when the refusal arrives
                KafkaException thrown = null;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (thrown == null && System.nanoTime() < deadline) {
                    try {
                        Future<?> taken = producer.send(record);
                        assertThatThrownBy(() -> taken.get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                                .cause().isInstanceOf(AuthorizationException.class);
                    } catch (KafkaException e) {
                        thrown = e;
                    }
                }

                assertThat(thrown).as("a send refused at once").isNotNull();
                assertThat(SendFailures.cause(thrown)).isInstanceOf(AuthorizationException.class);
            }
        }
    }
}

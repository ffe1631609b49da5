package dev.marquee.model.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.event.RetrainOutcome;
import dev.marquee.infra.testing.KafkaBrokerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Where the trainer's events land on a real broker, on topics of two partitions. */
class EventWriterITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    /**
     * On a model-updates topic given a second partition, the model name's hash would put its updates on partition 1
     * for a producer that has seen it and on 0 for one that has not: slots would read them out of order.
     */
    @Test
    void modelUpdatesGoToPartitionZeroWhateverTheTopicsPartitionCount() {
        String updatesTopic = KAFKA.createTopic("model-updates", 2);
        String outcomesTopic = KAFKA.createTopic("retrain-outcomes", 2);
        // a model name and a request id that Kafka's own partitioner puts on partition 1 of 2
        String model = onPartitionOne("marquee");
        String requestId = onPartitionOne("r-");

        Properties props = KAFKA.producerProps();
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            EventWriter writer = new EventWriter(producer, 30_000);
            writer.write(updatesTopic, new ModelUpdate(model, 4, "/registry/" + model + "/4", 1L));
            RetrainOutcome outcome = new RetrainOutcome();
            outcome.requestId = requestId;
            outcome.outcome = RetrainOutcome.REJECTED;
            writer.write(outcomesTopic, outcome);
        }

        assertThat(read(updatesTopic)).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo(model);
            assertThat(r.partition()).as("always partition 0").isZero();
        });
        assertThat(read(outcomesTopic)).singleElement().satisfies(r -> {
            assertThat(r.key()).as("outcomes: keyed by request id, partitioned by it").isEqualTo(requestId);
            assertThat(r.partition()).isEqualTo(1);
        });
    }

    private static String onPartitionOne(String prefix) {
        return Stream.concat(Stream.of(prefix), Stream.iterate(0, i -> i + 1).limit(100).map(i -> prefix + i))
                .filter(k -> Utils.toPositive(Utils.murmur2(k.getBytes(StandardCharsets.UTF_8))) % 2 == 1)
                .findFirst().orElseThrow();
    }

    /** Every record of both partitions of the topic, read from the start to its end. */
    private static List<ConsumerRecord<String, byte[]>> read(String topic) {
        Properties props = KAFKA.consumerProps("read-" + topic);
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        props.put("key.deserializer", StringDeserializer.class.getName());
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}

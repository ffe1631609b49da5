package dev.marquee.model.trainer;

import static org.awaitility.Awaitility.await;

import dev.marquee.data.json.EventCodec;
import dev.marquee.infra.testing.KafkaBrokerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads a topic's records as they stand now: from the beginning of every partition to its current end. */
final class TopicContents {
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private TopicContents() {}

    static <T> List<T> readAll(KafkaBrokerExtension kafka, String topic, EventCodec<T> codec) {
        return readAll(kafka.consumerProps("reader-" + System.nanoTime()), topic, codec);
    }

    /** As above, with these client settings (a secured broker's sign-in, say). */
    static <T> List<T> readAll(Properties clientProps, String topic, EventCodec<T> codec) {
        Properties props = new Properties();
        props.putAll(clientProps);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> tps = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            List<T> out = new ArrayList<>();
            // the consumer is not thread-safe: polled on the caller's thread; its poll timeout is the wait
            await("reading " + topic + " to its end").atMost(DEADLINE).pollInSameThread().pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(1)).until(() -> {
                        if (tps.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp))) return true;
                        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) out.add(codec.decode(r.value()));
                        return false;
                    });
            return out;
        }
    }
}

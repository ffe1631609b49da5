package dev.marquee.job.it;

import static org.awaitility.Awaitility.await;

import dev.marquee.data.event.Prediction;
import dev.marquee.data.json.EventCodec;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the predictions topic of any broker from the beginning, committed records only (in exactly-once mode,
 * what an aborted transaction wrote never counts), and counts predictions per request id.
 */
final class PredictionCounts implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final EventCodec<Prediction> codec = EventCodec.of(Prediction.class);
    private final Map<String, Integer> counts = new HashMap<>();
    private final Map<String, Prediction> last = new HashMap<>();

    PredictionCounts(String bootstrap, String topic) {
        this(bootstrapOnly(bootstrap), topic);
    }

    /** With these client settings (a secured broker's sign-in, say). */
    PredictionCounts(Properties clientProps, String topic) {
        Properties p = new Properties();
        p.putAll(clientProps);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "fault-reader-" + topic + "-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumer = new KafkaConsumer<>(p);
        consumer.subscribe(List.of(topic));
    }

    /**
     * Polls until every id in {@code ids} has a prediction (failing after {@code deadline}); then one more poll for
     * late duplicates.
     */
    Map<String, Integer> awaitAll(Set<String> ids, Duration deadline) {
        // the consumer is not thread-safe: polled on the test's thread; its poll timeout is the wait
        await("a prediction for each of " + ids.size() + " requests").atMost(deadline).pollInSameThread()
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                .until(() -> counts.keySet().containsAll(ids) || poll(Duration.ofMillis(200)).keySet().containsAll(ids));
        poll(Duration.ofMillis(1000));
        return counts;
    }

    /** One poll; returns the counts so far. */
    Map<String, Integer> poll(Duration timeout) {
        for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(timeout)) {
            Prediction p = codec.decode(rec.value());
            counts.merge(p.requestId, 1, Integer::sum);
            last.put(p.requestId, p);
        }
        return counts;
    }

    Map<String, Integer> counts() {
        return counts;
    }

    Prediction last(String requestId) {
        return last.get(requestId);
    }

    /** Request ids with more than one prediction, and how many each. */
    Map<String, Integer> duplicates() {
        return counts.entrySet().stream().filter(e -> e.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    @Override
    public void close() {
        consumer.close();
    }

    static Properties bootstrapOnly(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return p;
    }
}

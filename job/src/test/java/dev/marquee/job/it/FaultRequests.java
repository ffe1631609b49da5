package dev.marquee.job.it;

import dev.marquee.data.event.Rating;
import dev.marquee.data.replay.RequestEncoder;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Sends rating requests with ids of the form {@code <prefix>-<n>} to any broker, and remembers every id sent. */
final class FaultRequests implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final List<Rating> rows;
    private final RequestEncoder encoder = new RequestEncoder();
    private final Set<String> sent = new LinkedHashSet<>();

    FaultRequests(String bootstrap, String topic, List<Rating> rows) {
        this(PredictionCounts.bootstrapOnly(bootstrap), topic, rows);
    }

    /** With these client settings (a secured broker's sign-in, say). */
    FaultRequests(Properties clientProps, String topic, List<Rating> rows) {
        Properties p = new Properties();
        p.putAll(clientProps);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        // a broker restart must delay a send, not drop it
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "300000");
        this.producer = new KafkaProducer<>(p);
        this.topic = topic;
        this.rows = rows;
    }

    /** Sends {@code n} requests and waits until the broker has them all; a send that failed fails the test here. */
    void send(String prefix, int n) {
        List<Future<RecordMetadata>> sends = new ArrayList<>(n);
        List<String> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String id = prefix + "-" + i;
            Rating r = rows.get(Math.floorMod(id.hashCode(), rows.size()));
            if (!sent.add(id)) throw new IllegalArgumentException("request id sent twice by the test: " + id);
            ids.add(id);
            sends.add(producer.send(new ProducerRecord<>(topic, r.userId.getBytes(), encoder.single(id, r))));
        }
        producer.flush();
        for (int i = 0; i < n; i++) {
            try {
                sends.get(i).get(); // flushed: done
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted sending " + ids.get(i), e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("could not send " + ids.get(i), e.getCause());
            }
        }
    }

    Set<String> sent() {
        return sent;
    }

    @Override
    public void close() {
        producer.close();
    }
}

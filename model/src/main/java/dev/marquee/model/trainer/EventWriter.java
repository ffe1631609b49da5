package dev.marquee.model.trainer;

import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.event.RetrainOutcome;
import dev.marquee.data.json.EventCodec;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/** Writes model updates (keyed by model name, on partition 0) and retrain outcomes (keyed by request id), waiting for each ack. */
final class EventWriter {
    /** The producers' delivery.timeout.ms unless set otherwise (KafkaClients). */
    static final long DELIVERY_TIMEOUT_MS = 30_000;
    /** How much longer than the producer's delivery timeout a write is waited for: its own error comes first. */
    static final long MARGIN_MS = 5_000;

    private final Producer<String, byte[]> producer;
    private final long ackTimeoutMs;
    private final EventCodec<ModelUpdate> updates = EventCodec.of(ModelUpdate.class);
    private final EventCodec<RetrainOutcome> outcomes = EventCodec.of(RetrainOutcome.class);

    EventWriter(Producer<String, byte[]> producer) {
        this(producer, DELIVERY_TIMEOUT_MS + MARGIN_MS);
    }

    EventWriter(Producer<String, byte[]> producer, long ackTimeoutMs) {
        this.producer = producer;
        this.ackTimeoutMs = ackTimeoutMs;
    }

    long ackTimeoutMs() {
        return ackTimeoutMs;
    }

    /**
     * Always partition 0, whatever the topic's count: slots apply updates in the order they read them, and an update
     * keyed onto a partition added later (a producer whose metadata has seen it, another's not yet) could be read
     * after a newer one written to the old partition, and undo it.
     */
    void write(String topic, ModelUpdate update) {
        send(new ProducerRecord<>(topic, UPDATES_PARTITION, update.modelName, updates.encode(update)));
    }

    static final int UPDATES_PARTITION = 0;

    void write(String topic, RetrainOutcome outcome) {
        send(new ProducerRecord<>(topic, outcome.requestId, outcomes.encode(outcome)));
    }

    private void send(ProducerRecord<String, byte[]> record) {
        try {
            producer.send(record).get(ackTimeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while writing to " + record.topic(), e);
        } catch (ExecutionException e) {
            throw new KafkaException("cannot write to " + record.topic() + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("no acknowledgement from " + record.topic() + " within " + ackTimeoutMs / 1000 + " s", e);
        }
    }
}

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
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;

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
            if (e.getCause() instanceof ClusterAuthorizationException refused) throw new ProducerUnusable(record.topic(), refused);
            throw new WriteFailed(record.topic(), "cannot write to " + record.topic() + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("no acknowledgement from " + record.topic() + " within " + ackTimeoutMs / 1000 + " s", e);
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            throw e; // the thread was interrupted (the trainer stopping), not the producer broken
        } catch (KafkaException e) {
            // thrown by send itself: the producer is in its fatal error state (Kafka's "Cannot execute transactional
            // method because we are in an error state"), and refuses every write from now on
            throw new ProducerUnusable(record.topic(), e.getCause() != null ? e.getCause() : e);
        }
    }

    /** A write the brokers answered with an error: its topic, and the grant to give when it was a refusal. */
    static class WriteFailed extends KafkaException {
        private final String topic;

        WriteFailed(String topic, String message, Throwable cause) {
            super(message, cause);
            this.topic = topic;
        }

        /** The grant that lets the write through, when the brokers' ACLs refused it; else empty. */
        String grantAdvice() {
            return getCause() instanceof AuthorizationException
                    ? " (grant this principal WRITE on " + topic + ": docs/OPERATIONS.md#kafka-acls)" : "";
        }

        /** What the trainer, whose process holds the producer, tells its operator. */
        String trainerAdvice() {
            return grantAdvice();
        }
    }

    /**
     * The brokers refused this producer's id (a principal that may write no topic), or it failed otherwise for good:
     * no write of this process's producer succeeds again, whatever is granted later.
     */
    static final class ProducerUnusable extends WriteFailed {
        ProducerUnusable(String topic, Throwable cause) {
            super(topic, "cannot write to " + topic + ": the Kafka producer refuses every write since " + cause, cause);
        }

        @Override
        String trainerAdvice() {
            return grantAdvice() + "; restart the trainer";
        }
    }
}

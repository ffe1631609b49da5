package dev.marquee.model.trainer;

import dev.marquee.data.event.LabeledPrediction;
import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.json.EventCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The trainer's promoter thread: reads {@code labeled-predictions} from its end (a restarted trainer starts its
 * comparisons afresh), feeds {@link ShadowPromoter}, and writes the model updates it returns. Runs beside the
 * request loop, which may be busy training for minutes.
 */
final class ShadowLoop implements Runnable, AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(500);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final EventWriter writer;
    private final String labeledTopic;
    private final String updatesTopic;
    private final ShadowPromoter promoter;
    private final Consumer<String> out;
    private final EventCodec<LabeledPrediction> codec = EventCodec.of(LabeledPrediction.class);
    private volatile boolean running = true;
    private long undecodable;

    ShadowLoop(KafkaClients kafka, EventWriter writer, String labeledTopic, String updatesTopic,
               ShadowPromoter promoter, Consumer<String> out) {
        // labels of aborted transactions (an exactly-once job's failover) must not count
        this.consumer = kafka.readerConsumer(Map.of("isolation.level", "read_committed"));
        this.writer = writer;
        this.labeledTopic = labeledTopic;
        this.updatesTopic = updatesTopic;
        this.promoter = promoter;
        this.out = out;
    }

    @Override
    public void run() {
        boolean assigned = false;
        boolean missingLogged = false;
        try {
            while (running) {
                if (!assigned) {
                    List<PartitionInfo> partitions = consumer.partitionsFor(labeledTopic);
                    if (partitions == null || partitions.isEmpty()) {
                        if (!missingLogged) {
                            out.accept("promoter: topic " + labeledTopic + " does not exist yet; shadows are not judged "
                                    + "until the scoring job writes labeled predictions");
                            missingLogged = true;
                        }
                    } else {
                        List<TopicPartition> tps = new ArrayList<>();
                        for (PartitionInfo p : partitions) tps.add(new TopicPartition(p.topic(), p.partition()));
                        consumer.assign(tps);
                        consumer.seekToEnd(tps);
                        assigned = true;
                    }
                }
                if (assigned) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                        try {
                            promoter.accept(r.value() == null ? null : codec.decode(r.value()));
                        } catch (RuntimeException e) {
                            if (undecodable++ == 0) out.accept("promoter: skipping undecodable records on " + labeledTopic + ": " + e);
                        }
                    }
                } else {
                    Thread.sleep(POLL.toMillis()); // waiting for the topic to exist; nothing to synchronise with
                }
                ModelUpdate update;
                // written (and acknowledged) under the promoter's lock: a claim of the same target waits for it
                synchronized (promoter) {
                    update = promoter.poll(System.currentTimeMillis());
                    if (update != null) writer.write(updatesTopic, update);
                }
                if (update != null) {
                    out.accept("promoter: announced serve v" + update.version
                            + (update.shadowVersion > 0 ? ", shadow v" + update.shadowVersion : ", no shadow")
                            + " on " + updatesTopic + " (" + update.reason + ")");
                }
            }
        } catch (WakeupException e) {
            if (running) throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            out.accept("promoter: stopped on an error: " + e);
        }
    }

    /**
     * See {@link ShadowPromoter#claim}: false when the promoter announced this target already, and then it is on the
     * topic (acknowledged) by the time this returns.
     */
    boolean claim(ModelUpdate update) {
        return promoter.claim(update.version, update.shadowVersion);
    }

    void stop() {
        running = false;
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close();
    }
}

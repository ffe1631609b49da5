package dev.marquee.job.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.json.EventCodec;
import dev.marquee.infra.testing.KafkaBrokerExtension;
import dev.marquee.job.config.JobSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.streaming.util.MockStreamingRuntimeContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each scoring slot's own reading of model-updates, against a real broker. */
class KafkaModelUpdatesITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final EventCodec<ModelUpdate> CODEC = EventCodec.of(ModelUpdate.class);

    private static JobSettings settings(String topic) {
        return JobSettings.from(Map.of(JobSettings.BOOTSTRAP, KAFKA.bootstrapServers(), JobSettings.TOPIC_MODEL_UPDATES, topic));
    }

    private static void publish(String topic, byte[]... values) throws Exception {
        Properties p = KAFKA.producerProps();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (byte[] v : values) producer.send(new ProducerRecord<>(topic, v)).get();
        }
    }

    private static byte[] update(long version) {
        return CODEC.encode(new ModelUpdate("marquee", version, "ignored", 1L));
    }

    /** Polls until {@code versions} updates arrived (or the deadline passed); returns their versions in order. */
    private static List<Long> pollVersions(ControlFeed.Subscription<ModelUpdate> s, int versions) {
        List<Long> got = new ArrayList<>();
        await("the updates").atMost(DEADLINE).pollInterval(Duration.ofMillis(20)).until(() -> {
            s.poll().forEach(u -> got.add(u.version));
            return got.size() >= versions;
        });
        return got;
    }

    @Test
    void aSlotReadsTheUpdatesPublishedAfterItOpenedInOrderAndSkipsGarbage() throws Exception {
        String topic = KAFKA.createTopic("updates", 1);
        publish(topic, update(1)); // before the slot opened: the registry's pointer has it
        MockStreamingRuntimeContext slot0 = new MockStreamingRuntimeContext(2, 0);
        try (var s = KafkaModelUpdates.fromLatest(settings(topic)).subscribe(slot0)) {
            publish(topic, "{not json".getBytes(StandardCharsets.UTF_8), update(2), null, update(3));
            assertThat(pollVersions(s, 2)).containsExactly(2L, 3L);
        }
    }

    @Test
    void fromTheEarliestASlotReadsEveryUpdate() throws Exception {
        String topic = KAFKA.createTopic("updates", 2);
        publish(topic, update(1), update(2));
        try (var s = KafkaModelUpdates.fromEarliest(settings(topic)).subscribe(new MockStreamingRuntimeContext(1, 0))) {
            assertThat(pollVersions(s, 2)).containsExactlyInAnyOrder(1L, 2L);
        }
    }

    @Test
    void atTheEndOfInputTheSlotReadsUpToWhatWasPublishedBeforeIt() throws Exception {
        String topic = KAFKA.createTopic("updates", 1);
        try (var s = KafkaModelUpdates.fromLatest(settings(topic)).subscribe(new MockStreamingRuntimeContext(1, 0))) {
            publish(topic, update(4), update(5));
            List<Long> got = new ArrayList<>();
            s.poll().forEach(u -> got.add(u.version)); // maybe some already, maybe none
            s.drain(DEADLINE).forEach(u -> got.add(u.version));
            assertThat(got).containsExactly(4L, 5L);
        }
    }

    /**
     * A slot that got no position within its wait (the broker unreachable at open) read the serving pointer without
     * one: once positioned, it reads the updates sent since shortly before it opened, not only those after.
     */
    @Test
    void aSlotPositionedLateReadsTheUpdatesSentSinceItOpened() throws Exception {
        String topic = KAFKA.createTopic("updates", 1);
        // just before the slot opens, as updates sent while it had no position: the newer states the target
        publish(topic, update(1), update(5), CODEC.encode(new ModelUpdate("another-model", 9, "ignored", 1L)),
                "{not json".getBytes(StandardCharsets.UTF_8));
        try (var s = KafkaModelUpdates.fromLatest(settings(topic)).subscribe(new MockStreamingRuntimeContext(1, 0),
                Duration.ZERO)) {
            List<ModelUpdate> replayed = new ArrayList<>();
            await("the look-back").atMost(DEADLINE).pollInterval(Duration.ofMillis(20)).until(() -> {
                replayed.addAll(s.poll());
                return replayed.size() >= 2;
            });
            assertThat(replayed).as("the newest per model; 1 is superseded by 5, sent before the slot positioned")
                    .extracting(u -> u.modelName + " v" + u.version).containsExactly("marquee v5", "another-model v9");
            publish(topic, update(2)); // positioned by now (5 came): read as it comes
            assertThat(pollVersions(s, 1)).containsExactly(2L);
        }
    }

    /** A missing topic is waited for, not fatal, and once created it is read from its beginning. */
    @Test
    void aTopicThatAppearsAfterTheSlotOpenedIsReadFromItsBeginning() throws Exception {
        String topic = "updates-created-later-" + System.nanoTime();
        long opening = System.nanoTime();
        try (var s = KafkaModelUpdates.fromLatest(settings(topic)).subscribe(new MockStreamingRuntimeContext(1, 0))) {
            assertThat(Duration.ofNanos(System.nanoTime() - opening)).as("open() did not wait the 10 s out")
                    .isLessThan(KafkaModelUpdates.POSITIONED_WITHIN);
            assertThat(s.poll()).isEmpty();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            }
            publish(topic, update(7));
            assertThat(pollVersions(s, 1)).containsExactly(7L);
        }
    }

    /** A task cancelled while its slot waits for a position (broker unreachable) leaves no consumer thread behind. */
    @Test
    void aSlotInterruptedWhileWaitingForItsPositionStopsItsConsumer() throws Exception {
        JobSettings unreachable = JobSettings.from(Map.of(JobSettings.BOOTSTRAP, "127.0.0.1:1",
                JobSettings.TOPIC_MODEL_UPDATES, "updates-unreachable"));
        String threadName = "marquee-model-updates-7";
        java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
        Thread opening = new Thread(() -> {
            try {
                KafkaModelUpdates.fromLatest(unreachable).subscribe(new MockStreamingRuntimeContext(8, 7), DEADLINE).close();
            } catch (Throwable t) {
                thrown.set(t);
            }
        }, "opening-slot");
        opening.start();
        await("the slot waits for its position").atMost(DEADLINE)
                .until(() -> opening.getState() == Thread.State.TIMED_WAITING && consumerThreadAlive(threadName));
        opening.interrupt();
        opening.join(DEADLINE.toMillis());
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        await("the consumer thread stops").atMost(DEADLINE).until(() -> !consumerThreadAlive(threadName));
    }

    private static boolean consumerThreadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }
}

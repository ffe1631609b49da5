package dev.marquee.job.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.json.EventCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The slot's model-updates consumer where a real broker cannot produce the case on cue (docs/TESTING.md, "Rules"): a
 * position held back mid-start, a poll() that throws, a close() that blocks. Kafka's MockConsumer stands in for the
 * broker here only; brokers down at the start are tested for real in KafkaModelUpdateSubscriptionITCase.
 */
class KafkaModelUpdateSubscriptionTest {
    private static final String TOPIC = "model-updates";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);

    /**
     * start() gives up waiting (the slot then reads its pointer and scores) while the consumer's position is still
     * being fixed; an update published in between lands below that position. The slot reads back from the look-back
     * instead of skipping it for good.
     */
    @Test
    void anUpdatePublishedWhileALatePositionIsFixedIsRead() throws Exception {
        List<ModelUpdate> got = publishedWhileALatePositionIsFixed(List.of(new ModelUpdate("marquee", 6, "/r/marquee/6", 1L)));
        assertThat(got).singleElement().satisfies(u -> assertThat(u.version).isEqualTo(6));
    }

    /**
     * The look-back keeps the newest update per model and registry: another deployment's newer update of the same
     * model name (which the slot then ignores) does not hide this registry's.
     */
    @Test
    void anotherRegistrysNewerUpdateInTheLookBackDoesNotHideThisOnes() throws Exception {
        ModelUpdate own = new ModelUpdate("marquee", 6, "/r/marquee/6", 1L);
        own.registryId = "this-registry-0001";
        ModelUpdate foreign = new ModelUpdate("marquee", 9, "/elsewhere/marquee/9", 2L);
        foreign.registryId = "another-registry-0001";
        List<ModelUpdate> got = publishedWhileALatePositionIsFixed(List.of(own, foreign));
        assertThat(got).extracting(u -> u.version).containsExactly(6L, 9L);
    }

    /** The updates start() gave up before the consumer's position was fixed, then published, then read back. */
    private static List<ModelUpdate> publishedWhileALatePositionIsFixed(List<ModelUpdate> updates) throws Exception {
        CountDownLatch positionAsked = new CountDownLatch(1);
        CountDownLatch positionAnswers = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        MockConsumer<byte[], byte[]> slowBroker = new MockConsumer<>("latest") {
            @Override
            public synchronized List<PartitionInfo> partitionsFor(String topic, Duration timeout) {
                return List.of(new PartitionInfo(topic, 0, null, null, null));
            }

            @Override
            public long position(TopicPartition partition, Duration timeout) {
                if (first.getAndSet(false)) {
                    positionAsked.countDown();
                    try {
                        positionAnswers.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return super.position(partition, timeout);
            }

            @Override
            public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> times, Duration timeout) {
                Map<TopicPartition, OffsetAndTimestamp> found = new HashMap<>();
                long end = endOffsets(List.of(P0)).get(P0);
                for (Map.Entry<TopicPartition, Long> e : times.entrySet()) {
                    found.put(e.getKey(), end > 0 ? new OffsetAndTimestamp(0, e.getValue()) : null); // the records are newer
                }
                return found;
            }
        };
        slowBroker.updateBeginningOffsets(Map.of(P0, 0L));
        slowBroker.updateEndOffsets(Map.of(P0, 0L));
        KafkaModelUpdateSubscription subscription = new KafkaModelUpdateSubscription(TOPIC, slowBroker, false,
                new ModelUpdateDecoder(new UnregisteredMetricsGroup(), 0), "test-model-updates");
        try {
            subscription.start(Duration.ofSeconds(3)); // gives up: the position is held back until released below
            // (held back until released below, so however late the consumer's thread gets there, it is still fixing it)
            assertThat(positionAsked.await(30, java.util.concurrent.TimeUnit.SECONDS))
                    .as("the consumer was fixing its position when start() gave up").isTrue();

            // the trainer promotes a version now: its update is written before the position is fixed
            slowBroker.updateEndOffsets(Map.of(P0, (long) updates.size()));
            for (int i = 0; i < updates.size(); i++) {
                slowBroker.addRecord(new ConsumerRecord<>(TOPIC, 0, i, null, EventCodec.of(ModelUpdate.class).encode(updates.get(i))));
            }
            positionAnswers.countDown();

            List<ModelUpdate> got = new ArrayList<>();
            await("the updates published while the position was fixed").atMost(Duration.ofSeconds(30)).until(() -> {
                got.addAll(subscription.poll());
                return got.size() >= updates.size() || (!got.isEmpty() && updates.size() > 1 && got.size() == 1
                        && got.get(0).version == updates.get(updates.size() - 1).version);
            });
            return got;
        } finally {
            positionAnswers.countDown();
            subscription.close();
        }
    }

    /**
     * Brokers down for an hour: the slot says so once, then at most every few minutes, not once a retry; once it
     * reads again, the next failure is said at once (a failure thrown from poll(), which a real consumer does not do
     * for a lost broker: the reset after reading again is what this checks).
     */
    @Test
    void aBrokerOutageIsLoggedOnceNotOnEveryRetry() throws Exception {
        AtomicBoolean brokerDown = new AtomicBoolean(true);
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("latest") {
            @Override
            public synchronized List<PartitionInfo> partitionsFor(String topic, Duration timeout) {
                if (brokerDown.get()) throw new org.apache.kafka.common.errors.TimeoutException("no broker answered");
                return List.of(new PartitionInfo(topic, 0, null, null, null));
            }

            @Override
            public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> times, Duration timeout) {
                Map<TopicPartition, OffsetAndTimestamp> none = new HashMap<>();
                times.keySet().forEach(p -> none.put(p, null)); // nothing published since the look-back
                return none;
            }
        };
        consumer.updateBeginningOffsets(Map.of(P0, 0L));
        consumer.updateEndOffsets(Map.of(P0, 0L));
        KafkaModelUpdateSubscription subscription = new KafkaModelUpdateSubscription(TOPIC, consumer, false,
                new ModelUpdateDecoder(new UnregisteredMetricsGroup(), 0), "outage-model-updates")
                .retryEvery(Duration.ofMillis(10));
        try {
            subscription.start(Duration.ofMillis(100));
            await("retries while the brokers are down").atMost(Duration.ofSeconds(30)).until(() -> subscription.failures() >= 20);
            assertThat(subscription.failureWarnings()).isEqualTo(1);

            brokerDown.set(false);
            await("reading again").atMost(Duration.ofSeconds(30)).until(() -> subscription.problem() == null);
            long before = subscription.failures();
            consumer.setPollException(new org.apache.kafka.common.KafkaException("a blip"));
            await("the next failure").atMost(Duration.ofSeconds(30)).until(() -> subscription.failures() > before);
            assertThat(subscription.failureWarnings()).as("said at once after reading again").isEqualTo(2);
        } finally {
            subscription.close();
        }
    }

    /**
     * Flink closes a cancelled task on its interrupted thread: close() still waits for the consumer's thread (which
     * stops within a poll), and hands the interrupt back, instead of returning at once and warning it did not stop.
     */
    @Test
    void closingOnAnInterruptedThreadWaitsForTheConsumerAndKeepsTheInterrupt() throws Exception {
        CountDownLatch mayClose = new CountDownLatch(1);
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("latest") {
            @Override
            public synchronized List<PartitionInfo> partitionsFor(String topic, Duration timeout) {
                return List.of(new PartitionInfo(topic, 0, null, null, null));
            }

            @Override
            public synchronized void close(Duration timeout) {
                try {
                    mayClose.await(60, TimeUnit.SECONDS); // held until close() is seen waiting for this thread
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.close(timeout);
            }
        };
        consumer.updateBeginningOffsets(Map.of(P0, 0L));
        consumer.updateEndOffsets(Map.of(P0, 0L));
        String threadName = "interrupted-close-model-updates";
        KafkaModelUpdateSubscription subscription = new KafkaModelUpdateSubscription(TOPIC, consumer, false,
                new ModelUpdateDecoder(new UnregisteredMetricsGroup(), 0), threadName);
        subscription.start(Duration.ofSeconds(30));
        Thread consumerThread = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(threadName)).findFirst().orElseThrow();
        Thread closing = Thread.currentThread();
        Thread releaser = new Thread(() -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (closing.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) Thread.onSpinWait();
            mayClose.countDown();
        });
        releaser.start();
        boolean stillInterrupted;
        boolean aliveAfterClose;
        try {
            closing.interrupt();
            subscription.close();
            aliveAfterClose = consumerThread.isAlive(); // before the finally below lets it close
        } finally {
            stillInterrupted = Thread.interrupted(); // cleared, so that the test's thread is left as it was
            mayClose.countDown();
            releaser.join(30_000);
        }
        assertThat(stillInterrupted).as("the interrupt is handed back").isTrue();
        assertThat(aliveAfterClose).as("close() waited for the consumer's thread").isFalse();
    }
}

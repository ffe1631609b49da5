package dev.marquee.model.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.marquee.data.event.ModelStatus;
import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.json.EventCodec;
import dev.marquee.infra.testing.KafkaBrokerExtension;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.ServingState;
import dev.marquee.model.stats.PairedUserComparison;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promoter's thread on a real broker, with faults it meets in operation: a PINNED file edited by hand into
 * something that is no version, then a serving.json that does not parse. Each error is logged and the thread
 * carries on: once the file is fixed, the pointer's target is announced. And the request loop's announcement,
 * however slow its write, never lands after a later move of the pointer that the promoter announced.
 */
class ShadowLoopITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final String NAME = "marquee";
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final EventCodec<ModelUpdate> UPDATES = EventCodec.of(ModelUpdate.class);

    @TempDir
    Path tmp;

    @Test
    void aBadPinOrPointerFileIsLoggedAndThePromoterCarriesOnOnceItIsFixed() throws Exception {
        String labeled = KAFKA.createTopic("labeled-predictions", 1);
        String updates = KAFKA.createTopic("model-updates", 1);
        ModelRegistry registry = new ModelRegistry(tmp.resolve("registry"));
        for (int i = 0; i < 2; i++) {
            registry.publish(NAME, dir -> Files.writeString(dir.resolve(ModelRegistry.SAVED_MODEL_FILE), "pb"));
        }
        registry.writeState(NAME, ServingState.serving(1, "the test", 0));
        Path pin = registry.modelDir(NAME).resolve(ModelRegistry.PIN_FILE);
        Files.writeString(pin, "version two\n");

        List<String> log = new CopyOnWriteArrayList<>();
        KafkaClients kafka = new KafkaClients(KAFKA.bootstrapServers(), new Properties());
        GatePolicy gate = GatePolicy.defaults();
        try (KafkaProducer<String, byte[]> producer = kafka.producer();
                ShadowLoop loop = new ShadowLoop(kafka, new EventWriter(producer), labeled, "model-status-unused", updates,
                        new ShadowPromoter(registry, NAME, PromotionSettings.defaults(), PairedUserComparison::compare,
                                gate.margin(), log::add), log::add)) {
            Thread thread = new Thread(loop, "test-promoter");
            thread.start();
            try {
                await("the bad pin logged").atMost(DEADLINE)
                        .until(() -> log.stream().anyMatch(l -> l.contains("bad pin file") && l.contains("trying again")));
                assertThat(TopicContents.readAll(KAFKA, updates, UPDATES)).as("nothing announced yet").isEmpty();

                Files.writeString(pin, "2\n"); // fixed by hand
                await("the pin announced").atMost(DEADLINE).until(() -> TopicContents.readAll(KAFKA, updates, UPDATES)
                        .stream().anyMatch(u -> u.version == 2 && u.shadowVersion == 0));
                assertThat(thread.isAlive()).as(String.join("\n", log)).isTrue();

                Files.delete(pin);
                Path pointer = registry.modelDir(NAME).resolve(ModelRegistry.SERVING_FILE);
                Files.writeString(pointer, "{\"serving\": 1, ");
                await("the bad pointer logged").atMost(DEADLINE)
                        .until(() -> log.stream().anyMatch(l -> l.contains("bad serving pointer")));
                registry.writeState(NAME, ServingState.serving(1, "fixed by the test", 0));
                await("the pointer announced").atMost(DEADLINE).until(() -> {
                    List<ModelUpdate> all = TopicContents.readAll(KAFKA, updates, UPDATES);
                    return all.size() == 2 && all.get(1).version == 1;
                });
                assertThat(thread.isAlive()).isTrue();
            } finally {
                loop.stop();
                thread.join(DEADLINE.toMillis());
            }
            assertThat(thread.isAlive()).as("the thread ends on stop()").isFalse();
            assertThat(log).noneMatch(l -> l.contains("stopped on an error"));
        }
    }

    /**
     * An Error on the promoter's thread (out of memory, a linkage error) is not retried: the loop ends and says so,
     * and failure() hands it to the trainer's request loop, which stops the process (TrainerWorker).
     */
    @Test
    void anErrorEndsTheLoopAndIsHandedToTheTrainer() throws Exception {
        String labeled = KAFKA.createTopic("labeled-predictions", 1);
        String updates = KAFKA.createTopic("model-updates", 1);
        ModelRegistry registry = new ModelRegistry(tmp.resolve("registry"));
        registry.publish(NAME, dir -> Files.writeString(dir.resolve(ModelRegistry.SAVED_MODEL_FILE), "pb"));
        registry.writeState(NAME, ServingState.serving(1, "the test", 0));
        registry.pin(NAME, 1);
        List<String> log = new CopyOnWriteArrayList<>();
        AssertionError boom = new AssertionError("boom");
        KafkaClients kafka = new KafkaClients(KAFKA.bootstrapServers(), new Properties());
        try (KafkaProducer<String, byte[]> producer = kafka.producer();
                ShadowLoop loop = new ShadowLoop(kafka, new EventWriter(producer), labeled, "model-status-unused", updates,
                        new ShadowPromoter(registry, NAME, PromotionSettings.defaults(), PairedUserComparison::compare,
                                GatePolicy.defaults().margin(), line -> {
                                    if (line.contains("is pinned")) throw boom; // the promoter's first round
                                    log.add(line);
                                }), log::add)) {
            Thread thread = new Thread(loop, "test-promoter");
            thread.start();
            thread.join(DEADLINE.toMillis());
            try {
                assertThat(thread.isAlive()).as("the loop ends on an Error").isFalse();
                assertThat(loop.failure()).isSameAs(boom);
                assertThat(log).anyMatch(l -> l.startsWith("promoter: stopped by java.lang.AssertionError: boom"));
            } finally {
                loop.stop();
            }
        }
    }

    /**
     * A scoring slot dropped the candidate (it answered NaN there): the other slots go on pairing it, so the promoter
     * must end it on the slot's report, not judge it on the rows it did not fail on.
     */
    @Test
    void aCandidateASlotDroppedIsRetiredAndHeld() throws Exception {
        String labeled = KAFKA.createTopic("labeled-predictions", 1);
        String status = KAFKA.createTopic("model-status", 1);
        String updates = KAFKA.createTopic("model-updates", 1);
        ModelRegistry registry = new ModelRegistry(tmp.resolve("registry"));
        for (int i = 0; i < 2; i++) {
            registry.publish(NAME, dir -> Files.writeString(dir.resolve(ModelRegistry.SAVED_MODEL_FILE), "pb"));
        }
        registry.writeState(NAME, ServingState.serving(1, "the test", 0).with(1, 2, ServingState.CANDIDATE,
                "published: a candidate in shadow beside version 1", System.currentTimeMillis()));
        List<String> log = new CopyOnWriteArrayList<>();
        KafkaClients kafka = new KafkaClients(KAFKA.bootstrapServers(), new Properties());
        try (KafkaProducer<String, byte[]> producer = kafka.producer();
                ShadowLoop loop = new ShadowLoop(kafka, new EventWriter(producer), labeled, status, updates,
                        new ShadowPromoter(registry, NAME, PromotionSettings.defaults(), PairedUserComparison::compare,
                                GatePolicy.defaults().margin(), log::add), log::add)) {
            Thread thread = new Thread(loop, "test-promoter");
            thread.start();
            try {
                await("the candidate announced").atMost(DEADLINE).until(() -> TopicContents.readAll(KAFKA, updates, UPDATES)
                        .stream().anyMatch(u -> u.version == 1 && u.shadowVersion == 2));
                ModelStatus dropped = new ModelStatus(NAME, 2, ModelStatus.SHADOW_DROPPED,
                        "failed on a batch and was dropped: it answered NaN where the serving version answered", 1, 3, 1);
                // sent again each second until it takes: the status topic may be assigned a round after the announcement
                await("the candidate ended").atMost(DEADLINE).pollInterval(Duration.ofSeconds(1)).until(() -> {
                    producer.send(new ProducerRecord<>(status, NAME, EventCodec.of(ModelStatus.class).encode(dropped))).get();
                    return TopicContents.readAll(KAFKA, updates, UPDATES).stream()
                            .anyMatch(u -> u.version == 1 && u.shadowVersion == 0);
                });
                ServingState state = registry.state(NAME);
                assertThat(state.isHeld(2)).as("%s", state).isTrue();
                assertThat(state.reason).contains("retired: version 2 failed in shadow").contains("scoring slot 3")
                        .contains("answered NaN");
            } finally {
                loop.stop();
                thread.join(DEADLINE.toMillis());
            }
        }
    }

    /**
     * The request loop announces the target the retrainer wrote (serve 1, shadow 2), and its write is slow; meanwhile
     * a person rolls back by hand (serve 1, no shadow), announcing it under the registry's lock as `marquee rollback`
     * does. The person's move waits for the request loop's write, so the topic ends on the pointer's target.
     */
    @Test
    void aSlowAnnouncementOfTheRequestLoopNeverLandsAfterALaterMoveOfThePointer() throws Exception {
        slowTrainerAnnouncementThenAPersonsMove(true);
    }

    /** The same with the promoter's own announcement of a promotion it just wrote (session 33). */
    @Test
    void aSlowAnnouncementOfThePromoterNeverLandsAfterALaterMoveOfThePointer() throws Exception {
        slowTrainerAnnouncementThenAPersonsMove(false);
    }

    private void slowTrainerAnnouncementThenAPersonsMove(boolean requestLoop) throws Exception {
        String labeled = KAFKA.createTopic("labeled-predictions", 1);
        String updates = KAFKA.createTopic("model-updates", 1);
        ModelRegistry registry = new ModelRegistry(tmp.resolve("registry-" + requestLoop));
        for (int i = 0; i < 2; i++) {
            registry.publish(NAME, dir -> Files.writeString(dir.resolve(ModelRegistry.SAVED_MODEL_FILE), "pb"));
        }
        registry.writeState(NAME, ServingState.serving(1, "the test", 0).with(1, 2, ServingState.CANDIDATE,
                "published: a candidate in shadow beside version 1", 0));
        List<String> log = new CopyOnWriteArrayList<>();
        KafkaClients kafka = new KafkaClients(KAFKA.bootstrapServers(), new Properties());
        CountDownLatch sending = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread trainersThread = null;
        Thread personsThread = null;
        try (StalledFirstSend producer = new StalledFirstSend(KAFKA.bootstrapServers(), sending, release);
                KafkaProducer<String, byte[]> persons = new KafkaProducer<>(StalledFirstSend.props(KAFKA.bootstrapServers()),
                        new StringSerializer(), new ByteArraySerializer());
                ShadowLoop loop = new ShadowLoop(kafka, new EventWriter(producer), labeled, "model-status-unused", updates,
                        new ShadowPromoter(registry, NAME, PromotionSettings.defaults(), PairedUserComparison::compare,
                                GatePolicy.defaults().margin(), log::add), log::add)) {
            ModelUpdate retrained = new ModelUpdate(NAME, 1, registry.versionDir(NAME, 1).toString(), 1);
            retrained.shadowVersion = 2;
            trainersThread = new Thread(() -> {
                try {
                    if (requestLoop) loop.announce(retrained);
                    else loop.announceTarget(1); // its first round announces the pointer's target, 1/2
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, "test-trainer");
            trainersThread.start();
            assertThat(sending.await(60, TimeUnit.SECONDS)).as("the trainer's write under way").isTrue();

            Thread person = new Thread(() -> {
                try {
                    registry.locked(NAME, () -> { // what `marquee rollback` does, in short
                        registry.writeState(NAME, registry.state(NAME).with(1, 0, null, "rolled back by hand", 2));
                        ModelUpdate rolledBack = new ModelUpdate(NAME, 1, registry.versionDir(NAME, 1).toString(), 2);
                        new EventWriter(persons).write(updates, rolledBack);
                        return null;
                    });
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, "test-person");
            personsThread = person;
            person.start();
            // waiting for the trainer's write (with the fix), or done (without)
            await("the person's move waiting or done").atMost(DEADLINE).until(() -> person.getState() == Thread.State.BLOCKED
                    || person.getState() == Thread.State.WAITING || person.getState() == Thread.State.TERMINATED);
            release.countDown();
            trainersThread.join(DEADLINE.toMillis());
            person.join(DEADLINE.toMillis());

            List<ModelUpdate> all = TopicContents.readAll(KAFKA, updates, UPDATES);
            assertThat(all).as(String.join("\n", log)).extracting(u -> u.version + "/" + u.shadowVersion)
                    .containsExactly("1/2", "1/0");
            loop.announceTarget(3); // it never heard of the person's announcement: says the pointer's target again
            List<ModelUpdate> after = TopicContents.readAll(KAFKA, updates, UPDATES);
            assertThat(after.get(after.size() - 1).shadowVersion).as("still the pointer's target").isZero();
        } finally {
            release.countDown();
            if (trainersThread != null) trainersThread.join(DEADLINE.toMillis());
            if (personsThread != null) personsThread.join(DEADLINE.toMillis());
        }
    }

    /** A producer whose first send waits, once it has begun, until the test lets it go on. */
    private static final class StalledFirstSend extends KafkaProducer<String, byte[]> {
        private final CountDownLatch sending;
        private final CountDownLatch release;
        private final AtomicBoolean first = new AtomicBoolean(true);

        StalledFirstSend(String bootstrap, CountDownLatch sending, CountDownLatch release) {
            super(props(bootstrap), new StringSerializer(), new ByteArraySerializer());
            this.sending = sending;
            this.release = release;
        }

        static Properties props(String bootstrap) {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            return p;
        }

        @Override
        public Future<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
            if (first.getAndSet(false)) {
                sending.countDown();
                try {
                    if (!release.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("never released");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            return super.send(record);
        }
    }
}

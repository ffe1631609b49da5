package dev.marquee.model.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.marquee.data.event.LabeledPrediction;
import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.json.EventCodec;
import dev.marquee.infra.testing.SecuredKafka;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.ServingState;
import dev.marquee.model.stats.PairedUserComparison;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AclOperation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer's promoter on a broker that signs its clients in and holds them to ACLs, as a secured production cluster
 * does, where the trainer's principal lacks a grant on labeled-predictions: no shadow can be judged, but a pin is still
 * announced to the running jobs, and the log says, once, what to grant.
 */
class ShadowLoopAclITCase {
    private static final String NAME = "marquee";
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final EventCodec<ModelUpdate> UPDATES = EventCodec.of(ModelUpdate.class);
    private static SecuredKafka kafka;

    @TempDir
    Path tmp;

    @BeforeAll
    static void broker() {
        kafka = SecuredKafka.start("no-labels", "labels-described", "no-write", "updates-refused", "labels-later");
    }

    @AfterAll
    static void stop() {
        if (kafka != null) kafka.close();
    }

    /** The labels' topic not even visible to the trainer (no DESCRIBE). */
    @Test
    void labelsThePrincipalMayNotSeeStillLetPinsBeAnnounced() throws Exception {
        List<String> log = pinAnnouncedDespiteLabels("no-labels", "a");
        assertThat(log.stream().filter(l -> l.startsWith("promoter: cannot read labeled-predictions-a")))
                .as("said once").singleElement().asString().contains("READ and DESCRIBE");
    }

    /** The labels' partitions are known (DESCRIBE) but their records refused (no READ): the same, said once. */
    @Test
    void labelsRefusedAtTheirFirstPollStillLetPinsBeAnnounced() throws Exception {
        List<String> log = pinAnnouncedDespiteLabels("labels-described", "b", AclOperation.DESCRIBE);
        assertThat(log.stream().filter(l -> l.startsWith("promoter: cannot read labeled-predictions-b")))
                .as("said once").singleElement().asString().contains("READ and DESCRIBE");
        assertThat(log).noneMatch(l -> l.contains("reading labeled-predictions-b now"));
    }

    /**
     * A principal that may write no topic: the brokers refuse its producer's id, and that producer refuses every write
     * after, whatever is granted later. The promoter stops (the trainer with it) and names the grant, instead of
     * trying again for ever.
     */
    @Test
    void aProducerTheBrokersRefusedStopsThePromoterWithTheGrantItNeeds() throws Exception {
        String status = "model-status-c";
        String updates = "model-updates-c";
        for (String topic : List.of("labeled-predictions-c", status, updates)) kafka.createTopic(topic, 1);
        kafka.allow("no-write", updates, AclOperation.DESCRIBE);
        kafka.allow("no-write", status, AclOperation.READ, AclOperation.DESCRIBE);
        ModelRegistry registry = pinnedRegistry();
        List<String> log = new CopyOnWriteArrayList<>();
        KafkaClients clients = new KafkaClients(kafka.bootstrapServers(), kafka.clientProps("no-write"));
        try (KafkaProducer<String, byte[]> producer = clients.producer();
                ShadowLoop loop = new ShadowLoop(clients, clients.writer(producer), "labeled-predictions-c", status,
                        updates, promoter(registry, log), log::add)) {
            Thread thread = new Thread(loop, "test-promoter");
            thread.start();
            try {
                await("the promoter stopped").atMost(DEADLINE).until(() -> loop.failure() != null);
            } finally {
                loop.stop();
                thread.join(DEADLINE.toMillis());
            }
            assertThat(loop.failure()).isInstanceOf(EventWriter.ProducerUnusable.class)
                    .hasMessageContaining("ClusterAuthorizationException");
            assertThat(log).anyMatch(l -> l.startsWith("promoter: stopped: cannot write to " + updates)
                    && l.endsWith("(grant this principal WRITE on " + updates + ": docs/OPERATIONS.md#kafka-acls);"
                            + " restart the trainer"));
        }
    }

    /**
     * WRITE on another topic but not on model-updates: the producer is accepted, the announcement refused. The round is
     * tried again naming the grant, and a grant given later is taken without a restart.
     */
    @Test
    void anAnnouncementRefusedAloneIsTriedAgainNamingTheGrantAndTakesOneGivenLater() throws Exception {
        String status = "model-status-d";
        String updates = "model-updates-d";
        for (String topic : List.of("labeled-predictions-d", status, updates, "retrain-outcomes-d")) {
            kafka.createTopic(topic, 1);
        }
        kafka.allow("updates-refused", updates, AclOperation.DESCRIBE);
        kafka.allow("updates-refused", status, AclOperation.READ, AclOperation.DESCRIBE);
        kafka.allow("updates-refused", "retrain-outcomes-d", AclOperation.WRITE, AclOperation.DESCRIBE);
        ModelRegistry registry = pinnedRegistry();
        List<String> log = new CopyOnWriteArrayList<>();
        KafkaClients clients = new KafkaClients(kafka.bootstrapServers(), kafka.clientProps("updates-refused"));
        try (KafkaProducer<String, byte[]> producer = clients.producer();
                ShadowLoop loop = new ShadowLoop(clients, clients.writer(producer), "labeled-predictions-d", status,
                        updates, promoter(registry, log), log::add)) {
            Thread thread = new Thread(loop, "test-promoter");
            thread.start();
            try {
                await("the refused announcement said").atMost(DEADLINE).until(() -> log.stream().anyMatch(l ->
                        l.startsWith("promoter: cannot write to " + updates + ": ")
                                && l.contains("(grant this principal WRITE on " + updates
                                        + ": docs/OPERATIONS.md#kafka-acls); trying again in ")));
                kafka.allow("updates-refused", updates, AclOperation.WRITE);
                await("the pin announced once granted").atMost(DEADLINE).until(() -> TopicContents.readAll(
                        kafka.clientProps(SecuredKafka.ADMIN), updates, UPDATES)
                        .stream().anyMatch(u -> u.version == 1 && u.shadowVersion == 0));
                assertThat(loop.failure()).isNull();
            } finally {
                loop.stop();
                thread.join(DEADLINE.toMillis());
            }
        }
    }

    /**
     * READ on the labels granted while the promoter runs (or given back after it was taken away): the labels written
     * while it was refused are a shadow's evidence too, read from where the promoter stood, not skipped to the end.
     */
    @Test
    void labelsWrittenWhileRefusedAreReadOnceGranted() throws Exception {
        String labeled = "labeled-predictions-e";
        String status = "model-status-e";
        String updates = "model-updates-e";
        for (String topic : List.of(labeled, status, updates)) kafka.createTopic(topic, 1);
        kafka.allow("labels-later", updates, AclOperation.WRITE, AclOperation.DESCRIBE);
        kafka.allow("labels-later", status, AclOperation.READ, AclOperation.DESCRIBE);
        kafka.allow("labels-later", labeled, AclOperation.DESCRIBE);
        ModelRegistry registry = new ModelRegistry(tmp.resolve("registry"));
        for (int i = 0; i < 2; i++) {
            registry.publish(NAME, dir -> Files.writeString(dir.resolve(ModelRegistry.SAVED_MODEL_FILE), "pb"));
        }
        registry.writeState(NAME, ServingState.serving(1, "the test", 0)
                .with(1, 2, ServingState.CANDIDATE, "a candidate in shadow", System.currentTimeMillis()));
        List<String> log = new CopyOnWriteArrayList<>();
        ShadowPromoter promoter = promoter(registry, log);
        KafkaClients clients = new KafkaClients(kafka.bootstrapServers(), kafka.clientProps("labels-later"));
        int written = 40;
        try (KafkaProducer<String, byte[]> producer = clients.producer();
                ShadowLoop loop = new ShadowLoop(clients, clients.writer(producer), labeled, status, updates, promoter,
                        log::add).retryLabelsEvery(Duration.ofMillis(200))) {
            Thread thread = new Thread(loop, "test-promoter");
            thread.start();
            try {
                await("the labels' refusal said").atMost(DEADLINE)
                        .until(() -> log.stream().anyMatch(l -> l.startsWith("promoter: cannot read " + labeled)));
                Properties admin = kafka.clientProps(SecuredKafka.ADMIN);
                admin.put("key.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName());
                admin.put("value.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class.getName());
                EventCodec<LabeledPrediction> labels = EventCodec.of(LabeledPrediction.class);
                try (KafkaProducer<String, byte[]> scoringJob = new KafkaProducer<>(admin)) {
                    for (int i = 0; i < written; i++) {
                        LabeledPrediction p = new LabeledPrediction();
                        p.modelName = NAME;
                        p.userId = "u" + (i % 10);
                        p.movieTitle = "Title " + i;
                        p.requestId = "r-" + i;
                        p.timestamp = 881_250_949L + i;
                        p.label = 1 + i % 5;
                        p.modelVersion = 1;
                        p.modelRating = 3f;
                        p.servedRating = 3f;
                        p.shadowVersion = 2;
                        p.shadowRating = 3.5f;
                        scoringJob.send(new ProducerRecord<>(labeled, p.userId, labels.encode(p))).get();
                    }
                }
                assertThat(promoter.pairedLabels()).as("nothing read while refused").isZero();
                kafka.allow("labels-later", labeled, AclOperation.READ);
                await("every label written while refused counted").atMost(DEADLINE).untilAsserted(() ->
                        assertThat(promoter.pairedLabels()).as("labels counted; the promoter said %s", log).isEqualTo(written));
                assertThat(log).anyMatch(l -> l.equals("promoter: reading " + labeled + " now"));
                assertThat(loop.failure()).isNull();
            } finally {
                loop.stop();
                thread.join(DEADLINE.toMillis());
            }
        }
    }

    private ModelRegistry pinnedRegistry() throws Exception {
        ModelRegistry registry = new ModelRegistry(tmp.resolve("registry"));
        for (int i = 0; i < 2; i++) {
            registry.publish(NAME, dir -> Files.writeString(dir.resolve(ModelRegistry.SAVED_MODEL_FILE), "pb"));
        }
        registry.writeState(NAME, ServingState.serving(2, "the test", 0));
        registry.pin(NAME, 1);
        return registry;
    }

    private static ShadowPromoter promoter(ModelRegistry registry, List<String> log) {
        return new ShadowPromoter(registry, NAME, PromotionSettings.defaults(), PairedUserComparison::compare,
                GatePolicy.defaults().margin(), log::add);
    }

    /**
     * Runs the promoter as the trainer does (its own Kafka clients, signed in as {@code user}, granted what it needs
     * on model-updates and model-status and {@code onLabels} on the labels' topic) until it announced a pin.
     */
    private List<String> pinAnnouncedDespiteLabels(String user, String suffix, AclOperation... onLabels) throws Exception {
        String labeled = "labeled-predictions-" + suffix;
        String status = "model-status-" + suffix;
        String updates = "model-updates-" + suffix;
        for (String topic : List.of(labeled, status, updates)) kafka.createTopic(topic, 1);
        kafka.allow(user, updates, AclOperation.WRITE, AclOperation.DESCRIBE);
        kafka.allow(user, status, AclOperation.READ, AclOperation.DESCRIBE);
        if (onLabels.length > 0) kafka.allow(user, labeled, onLabels);

        ModelRegistry registry = pinnedRegistry();
        List<String> log = new CopyOnWriteArrayList<>();
        KafkaClients clients = new KafkaClients(kafka.bootstrapServers(), kafka.clientProps(user));
        try (KafkaProducer<String, byte[]> producer = clients.producer();
                ShadowLoop loop = new ShadowLoop(clients, clients.writer(producer), labeled, status, updates,
                        promoter(registry, log), log::add)) {
            Thread thread = new Thread(loop, "test-promoter");
            thread.start();
            try {
                // the refusal may come at the first poll after the pin (a fetch answered with the empty status
                // topic's), so both are awaited before the loop is stopped
                await("the pin announced and the labels' refusal said").atMost(DEADLINE).until(() -> TopicContents.readAll(
                        kafka.clientProps(SecuredKafka.ADMIN), updates, UPDATES)
                        .stream().anyMatch(u -> u.version == 1 && u.shadowVersion == 0)
                        && log.stream().anyMatch(l -> l.startsWith("promoter: cannot read " + labeled)));
            } finally {
                loop.stop();
                thread.join(DEADLINE.toMillis());
            }
        }
        return log;
    }
}

package dev.marquee.model.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.event.Rating;
import dev.marquee.data.event.RetrainOutcome;
import dev.marquee.data.event.RetrainRequest;
import dev.marquee.data.json.EventCodec;
import dev.marquee.data.synth.SyntheticRatings;
import dev.marquee.infra.testing.SecuredKafka;
import dev.marquee.model.cli.Console;
import dev.marquee.model.cli.ModelMain;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.BiFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer worker run as a principal granted exactly what docs/OPERATIONS.md's "Kafka ACLs" lists for the trainer
 * (its worker's and its start's rows), on a broker that signs clients in and enforces ACLs: it reads a retrain request
 * and the labels, trains, answers on retrain-outcomes and announces what it published on model-updates. With --once,
 * so without the promoter: its reads of labeled-predictions and model-status are not exercised here (their refusals
 * are, in ShadowLoopAclITCase).
 */
class TrainerAclITCase {
    private static final String TRAINER = "trainer";
    /** Granted the same, but only Describe on the topics the trainer writes. */
    private static final String NO_WRITE = "no-write";
    /** Its requests: the other test's worker, reading retrain-requests, must not answer them. */
    private static final String NO_WRITE_REQUESTS = "retrain-requests-no-write";
    /** Granted WRITE on model-updates but not on retrain-outcomes: its producer is accepted, one topic refused. */
    private static final String NO_OUTCOMES = "no-outcomes";
    private static final String NO_OUTCOMES_REQUESTS = "retrain-requests-no-outcomes";
    /** Describe on model-updates, nothing on retrain-outcomes; its requests topic stays empty. */
    private static final String NO_OUTPUTS = "no-outputs";
    private static final String NO_OUTPUTS_REQUESTS = "retrain-requests-no-outputs";
    /** WRITE on retrain-outcomes, Describe only on model-updates; its own requests and labels. */
    private static final String NO_UPDATES = "no-updates";
    private static final String NO_UPDATES_REQUESTS = "retrain-requests-no-updates";
    private static final String NO_UPDATES_RATINGS = "ratings-no-updates";
    private static final EventCodec<RetrainRequest> REQUESTS = EventCodec.of(RetrainRequest.class);
    private static final EventCodec<Rating> RATINGS = EventCodec.of(Rating.class);
    private static SecuredKafka kafka;

    @TempDir
    Path tmp;

    @BeforeAll
    static void brokerWithTheDocumentedGrants() throws Exception {
        kafka = SecuredKafka.start(TRAINER, NO_WRITE, NO_OUTCOMES, NO_OUTPUTS, NO_UPDATES);
        for (String topic : List.of("retrain-requests", NO_WRITE_REQUESTS, NO_OUTCOMES_REQUESTS, NO_OUTPUTS_REQUESTS,
                NO_UPDATES_REQUESTS, "ratings", NO_UPDATES_RATINGS, "labeled-predictions", "model-status")) {
            kafka.createTopic(topic, 1);
            for (String user : List.of(TRAINER, NO_WRITE, NO_OUTCOMES, NO_OUTPUTS, NO_UPDATES)) {
                kafka.allow(user, topic, AclOperation.READ, AclOperation.DESCRIBE);
            }
        }
        for (String topic : List.of("retrain-outcomes", "model-updates")) {
            kafka.createTopic(topic, 1);
            kafka.allow(TRAINER, topic, AclOperation.WRITE, AclOperation.DESCRIBE); // Describe: the start's row
        }
        for (String topic : List.of("retrain-outcomes", "model-updates")) kafka.allow(NO_WRITE, topic, AclOperation.DESCRIBE);
        kafka.allow(NO_OUTPUTS, "model-updates", AclOperation.DESCRIBE); // and nothing on retrain-outcomes
        kafka.allow(NO_OUTCOMES, "model-updates", AclOperation.WRITE, AclOperation.DESCRIBE);
        kafka.allow(NO_OUTCOMES, "retrain-outcomes", AclOperation.DESCRIBE);
        kafka.allow(NO_UPDATES, "retrain-outcomes", AclOperation.WRITE, AclOperation.DESCRIBE);
        kafka.allow(NO_UPDATES, "model-updates", AclOperation.DESCRIBE);
        for (String user : List.of(TRAINER, NO_WRITE, NO_OUTCOMES, NO_OUTPUTS, NO_UPDATES)) {
            kafka.allow(user, ResourceType.GROUP, "marquee-trainer", PatternType.PREFIXED, AclOperation.READ);
        }
    }

    @AfterAll
    static void stop() {
        if (kafka != null) kafka.close();
    }

    @Test
    void theWorkerAnswersARequestWithTheGrantsTheDocsList() throws Exception {
        Path registry = aRetrainThatPublishes("ratings", "retrain-requests", "r-acl");
        Properties admin = kafka.clientProps(SecuredKafka.ADMIN);
        CliRuns.Run worker = runOnce(TRAINER, registry, "marquee-trainer");
        assertThat(worker.code()).as(worker.toString()).isZero();
        assertThat(committedOffset("marquee-trainer", "retrain-requests")).as("the answered request committed").isEqualTo(1);
        assertThat(worker.out() + worker.err()).as(worker.toString()).doesNotContainIgnoringCase("not authorized")
                .doesNotContain("may not be described").doesNotContain("may not be written").doesNotContain("does not exist");

        List<RetrainOutcome> outcomes = TopicContents.readAll(admin, "retrain-outcomes", EventCodec.of(RetrainOutcome.class));
        assertThat(outcomes).as(worker.toString()).singleElement().satisfies(o -> {
            assertThat(o.requestId).isEqualTo("r-acl");
            assertThat(o.outcome).isEqualTo(RetrainOutcome.PUBLISHED);
            assertThat(o.version).isEqualTo(2);
        });
        assertThat(TopicContents.readAll(admin, "model-updates", EventCodec.of(ModelUpdate.class)))
                .as("the published version announced, in shadow").singleElement()
                .satisfies(u -> assertThat(u.shadowVersion).isEqualTo(2));
    }

    /**
     * A principal that may write no topic has its producer refused by the brokers for good: the trainer says so at
     * start, and at its first write stops with the grant to give, instead of a bare "error state".
     */
    @Test
    void aTrainerThatMayWriteNoTopicIsToldAtStartAndStopsAtItsFirstWriteNamingTheGrant() throws Exception {
        Path registry = versionOneAndARequestOn(NO_WRITE_REQUESTS);

        CliRuns.Run worker = runOnce(NO_WRITE, registry, "marquee-trainer-no-write", "--topic.retrain-requests",
                NO_WRITE_REQUESTS);

        assertThat(worker.code()).as(worker.toString()).isEqualTo(1);
        assertThat(worker.out()).as(worker.toString())
                .contains("trainer: WARNING: topic retrain-outcomes may not be written by this principal (grant it WRITE")
                .contains("trainer: WARNING: topic model-updates may not be written by this principal (grant it WRITE")
                .contains("restart the trainer once the grants are given");
        assertThat(worker.err()).as(worker.toString()).contains("Kafka failed: cannot write to ")
                .contains("ClusterAuthorizationException").containsPattern("\\(grant this principal WRITE on "
                        + "(retrain-outcomes|model-updates): docs/OPERATIONS.md#kafka-acls\\); restart the trainer");
    }

    /**
     * A sign-in the brokers refuse stops the worker at start, once, with their reason: not a warning per topic ("a
     * typo?") and a "waiting for retrain requests" before it ends.
     */
    @Test
    void aRefusedSignInStopsTheWorkerAtStartWithTheBrokersReason() throws Exception {
        Path registry = versionOneAndARequestOn(NO_WRITE_REQUESTS);
        List<String> args = new ArrayList<>(List.of("--bootstrap", kafka.bootstrapServers(), "--registry",
                registry.toString(), "--group", "marquee-trainer-wrong-password"));
        kafka.clientProps(TRAINER).forEach((k, v) -> {
            if (k.equals("bootstrap.servers")) return;
            String value = k.equals("sasl.jaas.config") ? ((String) v).replace("password=\"" + TRAINER + "\"",
                    "password=\"n0t-the-trainer-pw\"") : (String) v;
            args.addAll(List.of("--kafka-prop", k + "=" + value));
        });
        CliRuns.Run worker = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(90),
                () -> run(TrainerMain::run, args.toArray(String[]::new)));

        assertThat(worker.code()).as(worker.toString()).isEqualTo(1);
        assertThat(worker.out() + worker.err()).as(worker.toString()).contains("refused the trainer")
                .contains("Invalid username or password").doesNotContain("a typo?")
                .doesNotContain("waiting for retrain requests").doesNotContain("n0t-the-trainer-pw");
    }

    /** A trust store that is not there: the one line names the file, not only "Failed to construct kafka consumer". */
    @Test
    void aTrustStoreThatIsNotThereIsNamed() throws Exception {
        Path registry = versionOneAndARequestOn(NO_WRITE_REQUESTS);
        CliRuns.Run worker = run(TrainerMain::run, "--once", "--bootstrap", kafka.bootstrapServers(), "--registry",
                registry.toString(), "--kafka-prop", "security.protocol=SSL", "--kafka-prop",
                "ssl.truststore.location=" + tmp.resolve("absent-trust.p12"), "--kafka-prop", "ssl.truststore.type=PKCS12");
        assertThat(worker.code()).as(worker.toString()).isEqualTo(1);
        assertThat(worker.err()).as(worker.toString()).contains("Kafka failed: ").contains("absent-trust.p12")
                .doesNotContain("\tat ");
    }

    /** WRITE on model-updates only: the outcome's refusal names the grant it needs (the producer itself is accepted). */
    @Test
    void aTrainerRefusedOneTopicNamesTheGrantItNeeds() throws Exception {
        Path registry = versionOneAndARequestOn(NO_OUTCOMES_REQUESTS);

        CliRuns.Run worker = runOnce(NO_OUTCOMES, registry, "marquee-trainer-no-outcomes", "--topic.retrain-requests",
                NO_OUTCOMES_REQUESTS);

        assertThat(worker.code()).as(worker.toString()).isEqualTo(1);
        assertThat(worker.out()).as(worker.toString())
                .contains("trainer: WARNING: topic retrain-outcomes may not be written by this principal")
                .doesNotContain("WARNING: topic model-updates").doesNotContain("restart the trainer");
        assertThat(worker.err()).as(worker.toString()).contains("Kafka failed: cannot write to retrain-outcomes: ")
                .contains("Not authorized", "(grant this principal WRITE on retrain-outcomes: docs/OPERATIONS.md#kafka-acls)")
                .doesNotContain("restart the trainer");
        assertLeftForAfterTheRestart("marquee-trainer-no-outcomes", NO_OUTCOMES_REQUESTS);
    }

    /** A topic it may not even describe counts as one it may not write: neither output writable, the restart is advised. */
    @Test
    void aTrainerThatMayNotDescribeOneOutputAndNotWriteTheOtherIsToldToRestartOnceGranted() throws Exception {
        Path registry = tmp.resolve("registry");
        CliRuns.Run v1 = run(ModelMain::run, "train", "--data", "synthetic:2000", "--registry", registry.toString(),
                "--epochs", "1", "--batch", "64");
        assertThat(v1.code()).as(v1.toString()).isZero();

        CliRuns.Run worker = runOnce(NO_OUTPUTS, registry, "marquee-trainer-no-outputs", "--topic.retrain-requests",
                NO_OUTPUTS_REQUESTS);

        assertThat(worker.code()).as("no request to handle").isZero();
        assertThat(worker.out()).as(worker.toString())
                .contains("trainer: WARNING: topic retrain-outcomes may not be described by this principal")
                .contains("trainer: WARNING: topic model-updates may not be written by this principal")
                .contains("restart the trainer once the grants are given");
    }

    /**
     * WRITE on retrain-outcomes only: a retrain that publishes stops the worker at its announcement, before its outcome,
     * and the request is left for after the restart.
     */
    @Test
    void aTrainerRefusedModelUpdatesStopsAtTheAnnouncementBeforeTheOutcome() throws Exception {
        Path registry = aRetrainThatPublishes(NO_UPDATES_RATINGS, NO_UPDATES_REQUESTS, "r-no-updates");

        CliRuns.Run worker = runOnce(NO_UPDATES, registry, "marquee-trainer-no-updates", "--topic.retrain-requests",
                NO_UPDATES_REQUESTS, "--topic.ratings", NO_UPDATES_RATINGS);

        assertThat(worker.code()).as(worker.toString()).isEqualTo(1);
        assertThat(worker.err()).as(worker.toString()).contains("Kafka failed: cannot write to model-updates: ")
                .contains("(grant this principal WRITE on model-updates: docs/OPERATIONS.md#kafka-acls)")
                .doesNotContain("restart the trainer");
        assertThat(TopicContents.readAll(kafka.clientProps(SecuredKafka.ADMIN), "retrain-outcomes",
                EventCodec.of(RetrainOutcome.class))).as("no outcome before its announcement")
                .noneMatch(o -> o.requestId.equals("r-no-updates"));
        assertLeftForAfterTheRestart("marquee-trainer-no-updates", NO_UPDATES_REQUESTS);
    }

    /** The request not committed: a restarted worker reads it again. */
    private void assertLeftForAfterTheRestart(String group, String requestsTopic) throws Exception {
        assertThat(committedOffset(group, requestsTopic)).as("offset committed for " + group).isZero();
    }

    /** The group's committed offset on the topic's one partition, 0 when it committed none. */
    private long committedOffset(String group, String topic) throws Exception {
        try (Admin admin = Admin.create(kafka.clientProps(SecuredKafka.ADMIN))) {
            OffsetAndMetadata committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .get(new TopicPartition(topic, 0));
            return committed == null ? 0 : committed.offset();
        }
    }

    /**
     * Version 1 of a registry, labels on {@code ratingsTopic} in which half the users rate two stars higher (a retrain on
     * them beats version 1, so it is published) and a retrain request on {@code requestsTopic}.
     */
    private Path aRetrainThatPublishes(String ratingsTopic, String requestsTopic, String id) throws Exception {
        Path registry = tmp.resolve("registry");
        CliRuns.Run v1 = run(ModelMain::run, "train", "--data", "synthetic:2000", "--registry", registry.toString(),
                "--epochs", "10", "--batch", "64", "--patience", "10");
        assertThat(v1.code()).as(v1.toString()).isZero();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(kafka.clientProps(SecuredKafka.ADMIN),
                new StringSerializer(), new StringSerializer())) {
            for (Rating r : new SyntheticRatings(42).users(100).movies(200).ratingsPerUser(30)
                    .timeRange(893_300_000L, 895_000_000L).generate().ratings()) {
                float rating = Integer.parseInt(r.userId) <= 50 ? Math.min(5f, r.rating + 2f) : r.rating;
                producer.send(new ProducerRecord<>(ratingsTopic, r.userId,
                        RATINGS.encodeToString(new Rating(r.userId, r.movieTitle, rating, r.timestamp))));
            }
            producer.send(new ProducerRecord<>(requestsTopic, id,
                    REQUESTS.encodeToString(new RetrainRequest(id, "under ACLs", System.currentTimeMillis())))).get();
        }
        return registry;
    }

    /** A registry whose version 1 a short training made, and a retrain request waiting on {@code requestsTopic}. */
    private Path versionOneAndARequestOn(String requestsTopic) throws Exception {
        Path registry = tmp.resolve("registry");
        CliRuns.Run v1 = run(ModelMain::run, "train", "--data", "synthetic:2000", "--registry", registry.toString(),
                "--epochs", "2", "--batch", "64");
        assertThat(v1.code()).as(v1.toString()).isZero();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(kafka.clientProps(SecuredKafka.ADMIN),
                new StringSerializer(), new StringSerializer())) {
            String id = "r-" + requestsTopic;
            producer.send(new ProducerRecord<>(requestsTopic, id,
                    REQUESTS.encodeToString(new RetrainRequest(id, "under ACLs", System.currentTimeMillis())))).get();
        }
        return registry;
    }

    private CliRuns.Run runOnce(String user, Path registry, String group, String... more) {
        List<String> args = new ArrayList<>(List.of("--once", "--bootstrap", kafka.bootstrapServers(), "--registry",
                registry.toString(), "--group", group));
        args.addAll(List.of(more));
        kafka.clientProps(user).forEach((k, v) -> {
            if (!k.equals("bootstrap.servers")) args.addAll(List.of("--kafka-prop", k + "=" + v));
        });
        return run(TrainerMain::run, args.toArray(String[]::new));
    }

    private CliRuns.Run run(BiFunction<String[], Console, Integer> main, String... args) {
        return CliRuns.run(tmp, main, args);
    }
}

package dev.marquee.model.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.event.Rating;
import dev.marquee.data.event.RetrainOutcome;
import dev.marquee.data.event.RetrainRequest;
import dev.marquee.data.json.EventCodec;
import dev.marquee.data.synth.SyntheticRatings;
import dev.marquee.infra.testing.KafkaBrokerExtension;
import dev.marquee.model.ModelCard;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.ServingState;
import dev.marquee.model.cli.Console;
import dev.marquee.model.cli.ConsoleCommand;
import dev.marquee.model.cli.ModelMain;
import dev.marquee.model.testing.TestModels;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The retraining loop on a real broker: version 1 trained on generated rows; labels in which half the users
 * rate two stars higher; a request gives a better version 2 (published, announced, outcome PUBLISHED); a
 * garbage request gives FAILED and the worker goes on; a request trained deliberately badly (one epoch at a
 * learning rate of 1e-7) is REJECTED and kept aside; rollback pins version 1 and announces it.
 */
class TrainerWorkerITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final EventCodec<Rating> RATINGS = EventCodec.of(Rating.class);
    private static final EventCodec<RetrainRequest> REQUESTS = EventCodec.of(RetrainRequest.class);
    private static final EventCodec<RetrainOutcome> OUTCOMES = EventCodec.of(RetrainOutcome.class);
    private static final EventCodec<ModelUpdate> UPDATES = EventCodec.of(ModelUpdate.class);

    @TempDir
    Path tmp;

    @Test
    void publishesABetterCandidateRejectsAWorseOneAndRollsBack() throws Exception {
        String requests = KAFKA.createTopic("retrain-requests", 1);
        String outcomes = KAFKA.createTopic("retrain-outcomes", 1);
        String updates = KAFKA.createTopic("model-updates", 1);
        String ratings = KAFKA.createTopic("ratings", 2);
        Path base = tmp.resolve("registry");
        ModelRegistry registry = new ModelRegistry(base);

        Run v1 = run(ModelMain::run, "train", "--data", "synthetic:2000", "--registry", base.toString(),
                "--epochs", "10", "--batch", "64", "--patience", "10");
        assertThat(v1.code).as(v1.toString()).isZero();
        assertThat(registry.versions("marquee")).containsExactly(1L);

        List<Rating> labels = shiftedLabels();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.producerProps())) {
            for (Rating r : labels) {
                producer.send(new ProducerRecord<>(ratings, r.userId, RATINGS.encodeToString(r)));
            }
            producer.send(new ProducerRecord<>(ratings, "x", "not a rating"));
            producer.send(new ProducerRecord<>(requests, "r-1",
                    REQUESTS.encodeToString(new RetrainRequest("r-1", "drift: test", System.currentTimeMillis())))).get();
        }
        String[] worker = {"--once", "--bootstrap", KAFKA.bootstrapServers(), "--registry", base.toString(),
                "--topic.retrain-requests", requests, "--topic.retrain-outcomes", outcomes,
                "--topic.model-updates", updates, "--topic.ratings", ratings};

        Run first = run(TrainerMain::run, worker);
        assertThat(first.code).as(first.toString()).isZero();
        assertThat(first.out).contains("trainer: epoch   1").contains("published marquee version 2");

        List<RetrainOutcome> answered = readAll(outcomes, OUTCOMES);
        assertThat(answered).hasSize(1);
        RetrainOutcome published = answered.get(0);
        assertThat(published.requestId).isEqualTo("r-1");
        assertThat(published.outcome).isEqualTo(RetrainOutcome.PUBLISHED);
        assertThat(published.version).isEqualTo(2);
        assertThat(published.baseVersion).isEqualTo(1);
        assertThat(published.metrics.get("mse_diff_high")).isLessThan(published.metrics.get("gate_margin"));
        assertThat(published.metrics.get("holdout_rows")).isEqualTo(Math.round(labels.size() * 0.2));
        assertThat(published.metrics.get("labels_refused")).isEqualTo(1.0);
        assertThat(published.metrics.get("candidate_rmse")).isLessThan(published.metrics.get("current_rmse"));
        assertThat(registry.versions("marquee")).containsExactly(1L, 2L);

        List<ModelUpdate> announced = readAll(updates, UPDATES);
        assertThat(announced).hasSize(1);
        assertThat(announced.get(0).modelName).isEqualTo("marquee");
        // published is not serving: version 1 keeps serving, version 2 is a candidate in shadow
        assertThat(announced.get(0).version).isEqualTo(1);
        assertThat(announced.get(0).shadowVersion).isEqualTo(2);
        assertThat(Path.of(announced.get(0).location)).isEqualTo(registry.versionDir("marquee", 1).toRealPath());
        assertThat(announced.get(0).metrics).containsEntry("candidate_rmse", published.metrics.get("candidate_rmse"));
        assertThat(announced.get(0).registryId).as("through Kafka").isNotNull().isEqualTo(registry.id().orElseThrow());

        JsonNode card = ModelCard.read(registry.versionDir("marquee", 2));
        assertThat(card.at("/retrain/request_id").asText()).isEqualTo("r-1");
        assertThat(card.at("/retrain/base_version").asLong()).isEqualTo(1);
        assertThat(card.at("/retrain/original_data").asText()).isEqualTo("synthetic:2000"); // found via v1's card
        assertThat(card.at("/retrain/gate/metrics/candidate_rmse").asDouble())
                .isEqualTo(published.metrics.get("candidate_rmse"));
        assertThat(card.at("/parameters/batch_size").asInt()).isEqualTo(64); // v1's config, from its card

        // Published is not serving: a person promotes version 2, so the next candidate is gated against it.
        registry.serve("marquee", 2, "promoted by the test");

        // A record that is no request, then a request trained deliberately badly.
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.producerProps())) {
            producer.send(new ProducerRecord<>(requests, "junk", "{not json"));
            producer.send(new ProducerRecord<>(requests, "r-2",
                    REQUESTS.encodeToString(new RetrainRequest("r-2", "worse on purpose", System.currentTimeMillis()))));
            producer.send(new ProducerRecord<>(requests, "r-3",
                    REQUESTS.encodeToString(new RetrainRequest("r-3", "one too many", System.currentTimeMillis())))).get();
        }
        String[] worse = Stream.concat(Stream.of(worker), Stream.of("--trainer.epochs", "1",
                "--trainer.learning-rate", "1e-7", "--trainer.max-requests-per-hour", "1")).toArray(String[]::new);
        Run second = run(TrainerMain::run, worse);
        assertThat(second.code).as(second.toString()).isZero();

        answered = readAll(outcomes, OUTCOMES);
        assertThat(answered).hasSize(4);
        // One request an hour: r-2 trained, r-3 gets its one outcome without training.
        assertThat(answered.get(3).requestId).isEqualTo("r-3");
        assertThat(answered.get(3).outcome).isEqualTo(RetrainOutcome.RATE_LIMITED);
        assertThat(answered.get(3).reason).contains("trainer.max-requests-per-hour");
        assertThat(answered.get(1).outcome).isEqualTo(RetrainOutcome.FAILED);
        assertThat(answered.get(1).requestId).isEqualTo(requests + "-0-1");
        assertThat(answered.get(1).reason).contains("RetrainRequest");
        RetrainOutcome rejected = answered.get(2);
        assertThat(rejected.requestId).isEqualTo("r-2");
        assertThat(rejected.outcome).as(rejected.toString()).isEqualTo(RetrainOutcome.REJECTED);
        assertThat(rejected.baseVersion).isEqualTo(2);
        assertThat(rejected.version).isEqualTo(-1);
        assertThat(rejected.metrics.get("candidate_rmse")).isGreaterThan(rejected.metrics.get("current_rmse"));
        assertThat(rejected.metrics.get("mse_diff_low")).isGreaterThan(rejected.metrics.get("gate_margin"));
        assertThat(rejected.reason).contains("worse");
        assertThat(registry.latest("marquee").getAsLong()).isEqualTo(2);
        assertThat(registry.versions("marquee")).containsExactly(1L, 2L);
        assertThat(readAll(updates, UPDATES)).hasSize(1);

        Path aside = Path.of(rejected.rejectedLocation);
        assertThat(aside).isEqualTo(registry.modelDir("marquee").resolve("rejected/r-2").toRealPath());
        assertThat(aside.resolve(ModelRegistry.SAVED_MODEL_FILE)).isRegularFile();
        JsonNode report = EventJsonTree.read(aside.resolve(GateReport.FILE_NAME));
        assertThat(report.path("request_id").asText()).isEqualTo("r-2");
        assertThat(report.path("passed").asBoolean(true)).isFalse();
        assertThat(report.at("/metrics/candidate_rmse").asDouble()).isEqualTo(rejected.metrics.get("candidate_rmse"));
        try (Stream<Path> left = Files.list(registry.modelDir("marquee"))) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(Retrainer.CANDIDATE_PREFIX));
        }

        // Rollback to version 1: pinned, and announced so a running job swaps back.
        Run rollback = run(RollbackMain::run, "--version", "1", "--bootstrap", KAFKA.bootstrapServers(),
                "--registry", base.toString(), "--topic.model-updates", updates);
        assertThat(rollback.code).as(rollback.toString()).isZero();
        assertThat(registry.serving("marquee").getAsLong()).isEqualTo(1);
        // pinned, so that automation does not promote over it, and the version it replaced held
        assertThat(registry.pinned("marquee")).hasValue(1);
        assertThat(registry.state("marquee").isHeld(2)).as("version 2, which it replaced, is held").isTrue();
        assertThat(rollback.out).contains("rollback: pinned marquee to version 1").contains("version 2 is held");

        // promote under that pin is refused, the pointer unchanged: a pin beats the serving pointer
        Run underPin = run(PromoteMain::run, "--version", "2", "--bootstrap", KAFKA.bootstrapServers(),
                "--registry", base.toString(), "--topic.model-updates", updates);
        assertThat(underPin.code).as(underPin.toString()).isEqualTo(1);
        assertThat(underPin.err).contains("version 1 is pinned, and a pin beats the serving pointer");
        assertThat(registry.state("marquee").serving).isEqualTo(1);
        announced = readAll(updates, UPDATES);
        assertThat(announced).hasSize(2);
        assertThat(announced.get(1).version).isEqualTo(1);
        assertThat(announced.get(1).metrics).containsKey("validation_rmse"); // the card's; test_rmse only after --score-test

        Run missing = run(RollbackMain::run, "--version", "9", "--bootstrap", KAFKA.bootstrapServers(),
                "--registry", base.toString(), "--topic.model-updates", updates);
        assertThat(missing.code).isEqualTo(1);
        assertThat(missing.err).contains("not published").doesNotContain("\tat ");
        assertThat(readAll(updates, UPDATES)).hasSize(2);

        // A request asked 3 h ago (its trigger stopped waiting after 2 h and asked again): answered without training.
        // With trainer.keep-versions 2, the worker then deletes what is older than the two newest versions, except
        // the pinned, serving one.
        for (int i = 0; i < 2; i++) {
            registry.publish("marquee", dir -> Files.writeString(dir.resolve(ModelRegistry.SAVED_MODEL_FILE), "pb"));
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.producerProps())) {
            producer.send(new ProducerRecord<>(requests, "r-old", REQUESTS.encodeToString(
                    new RetrainRequest("r-old", "asked long ago", System.currentTimeMillis() - 3 * 3_600_000L)))).get();
        }
        Run late = run(TrainerMain::run, Stream.concat(Stream.of(worker), Stream.of("--trainer.keep-versions", "2"))
                .toArray(String[]::new));
        assertThat(late.code).as(late.toString()).isZero();
        RetrainOutcome expired = readAll(outcomes, OUTCOMES).get(4);
        assertThat(expired.requestId).isEqualTo("r-old");
        assertThat(expired.outcome).isEqualTo(RetrainOutcome.EXPIRED);
        assertThat(expired.reason).contains("trainer.request-expiry-seconds");
        assertThat(late.out).doesNotContain("trainer: epoch").contains("deleted versions [2]");
        assertThat(registry.versions("marquee")).containsExactly(1L, 3L, 4L);
    }

    /**
     * A request delivered twice (a redelivery) is trained once and answered twice with the same outcome; a request
     * in an aborted transaction (the trigger writes under exactly-once) is never handled.
     */
    @Test
    void aRequestDeliveredTwiceIsTrainedOnceAndAnAbortedOneNotAtAll() throws Exception {
        String requests = KAFKA.createTopic("twice-requests", 1);
        String outcomes = KAFKA.createTopic("twice-outcomes", 1);
        String updates = KAFKA.createTopic("twice-updates", 1);
        String ratings = KAFKA.createTopic("twice-ratings", 1);
        Path base = tmp.resolve("registry");
        Run v1 = run(ModelMain::run, "train", "--data", "synthetic:2000", "--registry", base.toString(),
                "--epochs", "5", "--batch", "64", "--patience", "10");
        assertThat(v1.code).as(v1.toString()).isZero();

        Properties transactional = KAFKA.producerProps();
        transactional.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-" + requests);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(transactional)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(requests, "r-aborted",
                    REQUESTS.encodeToString(new RetrainRequest("r-aborted", "aborted", System.currentTimeMillis()))));
            producer.flush();
            producer.abortTransaction();
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.producerProps())) {
            for (Rating r : shiftedLabels()) {
                producer.send(new ProducerRecord<>(ratings, r.userId, RATINGS.encodeToString(r)));
            }
            for (int i = 0; i < 2; i++) {
                producer.send(new ProducerRecord<>(requests, "r-1",
                        REQUESTS.encodeToString(new RetrainRequest("r-1", "twice", System.currentTimeMillis())))).get();
            }
        }
        Run worker = run(TrainerMain::run, "--once", "--bootstrap", KAFKA.bootstrapServers(), "--registry",
                base.toString(), "--topic.retrain-requests", requests, "--topic.retrain-outcomes", outcomes,
                "--topic.model-updates", updates, "--topic.ratings", ratings, "--trainer.epochs", "3");
        assertThat(worker.code).as(worker.toString()).isZero();

        assertThat(worker.out.split("trainer: request r-1 \\(", -1)).as("trained once").hasSize(2);
        assertThat(worker.out).contains("request r-1 was answered before").doesNotContain("r-aborted");
        List<RetrainOutcome> answered = readAll(outcomes, OUTCOMES);
        assertThat(answered).as(worker.toString()).hasSize(2);
        RetrainOutcome first = answered.get(0);
        RetrainOutcome again = answered.get(1);
        assertThat(again.requestId).isEqualTo("r-1").isEqualTo(first.requestId);
        assertThat(again.outcome).isEqualTo(first.outcome);
        assertThat(again.version).isEqualTo(first.version);
        assertThat(again.baseVersion).isEqualTo(first.baseVersion);
        assertThat(again.metrics).containsEntry(AnsweredRequests.REDELIVERED, 1.0)
                .containsEntry("mse_diff_high", first.metrics.get("mse_diff_high"));
        assertThat(new ModelRegistry(base).versions("marquee")).hasSize(first.version > 0 ? 2 : 1);
    }

    /**
     * A worker stopped between a version's publish and the pointer's move left version 2 on disk, named by nobody: the
     * request, delivered again, finds it and moves the pointer (version 2 in shadow, announced) instead of only saying
     * PUBLISHED again, which left it for ever outside the promoter's reach.
     */
    @Test
    void aVersionPublishedByAWorkerStoppedBeforeThePointerMovedIsPutInShadowWhenItsRequestComesAgain() throws Exception {
        String requests = KAFKA.createTopic("orphan-requests", 1);
        String outcomes = KAFKA.createTopic("orphan-outcomes", 1);
        String updates = KAFKA.createTopic("orphan-updates", 1);
        String ratings = KAFKA.createTopic("orphan-ratings", 1);
        Path base = tmp.resolve("orphan-registry");
        ModelRegistry registry = new ModelRegistry(base);
        long v1 = TestModels.publish(registry, TestModels.data(1), 1);
        registry.adoptLatest("marquee"); // as the worker's publish does first
        long v2 = registry.publish("marquee", dir -> {
            TestModels.copyTree(TestModels.versionDir(registry, v1), dir);
            Files.writeString(dir.resolve(ModelCard.FILE_NAME), "{\"" + Retrainer.PUBLISHED_AT_MS + "\":"
                    + System.currentTimeMillis() + ",\"retrain\":{\"request_id\":\"r-orphan\",\"base_version\":" + v1
                    + ",\"gate\":{\"metrics\":{\"mse_diff\":-0.1}}}}");
        });
        assertThat(registry.state("marquee").serving).isEqualTo(v1);
        assertThat(registry.state("marquee").shadow).isZero();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.producerProps())) {
            producer.send(new ProducerRecord<>(requests, "r-orphan",
                    REQUESTS.encodeToString(new RetrainRequest("r-orphan", "orphan", System.currentTimeMillis())))).get();
        }

        Run worker = run(TrainerMain::run, "--once", "--bootstrap", KAFKA.bootstrapServers(), "--registry",
                base.toString(), "--topic.retrain-requests", requests, "--topic.retrain-outcomes", outcomes,
                "--topic.model-updates", updates, "--topic.ratings", ratings);

        assertThat(worker.code).as(worker.toString()).isZero();
        assertThat(worker.out).contains("the serving pointer never moved to it");
        ServingState state = registry.state("marquee");
        assertThat(state.serving).as("%s", state).isEqualTo(v1);
        assertThat(state.shadow).as("%s", state).isEqualTo(v2);
        List<ModelUpdate> announced = readAll(updates, UPDATES);
        assertThat(announced).hasSize(1);
        assertThat(announced.get(0).shadowVersion).isEqualTo(v2);
        RetrainOutcome outcome = readAll(outcomes, OUTCOMES).get(0);
        assertThat(outcome.outcome).isEqualTo(RetrainOutcome.PUBLISHED);
        assertThat(outcome.version).isEqualTo(v2);

        // the request read again by a worker in another group (it starts at the topic's beginning)
        Run again = run(TrainerMain::run, "--once", "--group", "orphan-again", "--bootstrap", KAFKA.bootstrapServers(),
                "--registry", base.toString(), "--topic.retrain-requests", requests, "--topic.retrain-outcomes", outcomes,
                "--topic.model-updates", updates, "--topic.ratings", ratings);
        assertThat(again.code).as(again.toString()).isZero();
        assertThat(again.out).contains("request r-orphan was answered before").doesNotContain("never moved");
        assertThat(registry.state("marquee").shadow).as("a pointer that moved is not moved again").isEqualTo(v2);
        // its update is sent again, the same target: a worker stopped (or Kafka failing) between the pointer's move and
        // the update would otherwise leave running jobs on the old target, with no promoter under --once to announce it
        List<ModelUpdate> twice = readAll(updates, UPDATES);
        assertThat(twice).hasSize(2);
        assertThat(twice.get(1).version).isEqualTo(v1);
        assertThat(twice.get(1).shadowVersion).isEqualTo(v2);

        // a person ends the candidate by hand, not holding it: version 2 is named nowhere again, yet the pointer moved
        // after it was published, so a third reading leaves the person's choice alone
        registry.updateState("marquee", s -> s.with(v1, 0, null, "by hand", System.currentTimeMillis()));
        Run third = run(TrainerMain::run, "--once", "--group", "orphan-third", "--bootstrap", KAFKA.bootstrapServers(),
                "--registry", base.toString(), "--topic.retrain-requests", requests, "--topic.retrain-outcomes", outcomes,
                "--topic.model-updates", updates, "--topic.ratings", ratings);
        assertThat(third.code).as(third.toString()).isZero();
        assertThat(third.out).doesNotContain("never moved");
        assertThat(registry.state("marquee").shadow).isZero();
        assertThat(readAll(updates, UPDATES)).as("named nowhere: nothing announced").hasSize(2);
        List<RetrainOutcome> all = readAll(outcomes, OUTCOMES);
        assertThat(all.get(all.size() - 1).reason).as("says why version 2 neither serves nor runs in shadow")
                .contains("moved since without it").contains("--version " + v2);
    }

    /**
     * Labels after version 1's data, from the same latent users and movies, with users 1..50 rating two stars
     * higher than before (capped at 5): what version 1 learned about them is now wrong.
     */
    private static List<Rating> shiftedLabels() {
        List<Rating> out = new ArrayList<>();
        for (Rating r : new SyntheticRatings(42).users(100).movies(200).ratingsPerUser(30)
                .timeRange(893_300_000L, 895_000_000L).generate().ratings()) {
            float rating = Integer.parseInt(r.userId) <= 50 ? Math.min(5f, r.rating + 2f) : r.rating;
            out.add(new Rating(r.userId, r.movieTitle, rating, r.timestamp));
        }
        return out;
    }

    private static <T> List<T> readAll(String topic, EventCodec<T> codec) {
        return TopicContents.readAll(KAFKA, topic, codec);
    }

    /**
     * Ending a candidate in shadow by hand (the runbook of MarqueeShadowVersionRefused: promote the serving version)
     * holds it, as the promoter's retirement does, so the trigger knows its drift episode was not answered.
     */
    @Test
    void promotingTheServingVersionEndsTheCandidateInShadowAndHoldsIt() throws Exception {
        String updates = KAFKA.createTopic("shadow-ended-updates", 1);
        Path base = tmp.resolve("shadow-registry");
        ModelRegistry registry = new ModelRegistry(base);
        long v1 = TestModels.publish(registry, TestModels.data(1), 1);
        long v2 = TestModels.publishCopy(registry, TestModels.versionDir(registry, v1), false);
        registry.updateState("marquee", s -> s.with(v1, v2, ServingState.CANDIDATE, "a candidate", 0));

        Run typo = run(PromoteMain::run, "--version", String.valueOf(v1), "--bootstrap", KAFKA.bootstrapServers(),
                "--registry", base.toString(), "--topic.model-updates", "shadow-ended-update");
        assertThat(typo.code).as(typo.toString()).isEqualTo(1);
        assertThat(typo.err).contains("topic shadow-ended-update does not exist").contains("nothing changed");
        assertThat(registry.state("marquee").shadow).as("the registry as it was").isEqualTo(v2);
        Run invalid = run(PromoteMain::run, "--version", String.valueOf(v1), "--bootstrap", KAFKA.bootstrapServers(),
                "--registry", base.toString(), "--topic.model-updates", "bad topic!");
        assertThat(invalid.code).as(invalid.toString()).isEqualTo(1);
        assertThat(invalid.err).contains("nothing changed");
        assertThat(registry.state("marquee").shadow).as("the registry as it was").isEqualTo(v2);
        try (var admin = org.apache.kafka.clients.admin.Admin.create(java.util.Map.of("bootstrap.servers",
                KAFKA.bootstrapServers()))) {
            assertThat(admin.listTopics().names().get()).as("no topic created").doesNotContain("shadow-ended-update");
        }

        Run promote = run(PromoteMain::run, "--version", String.valueOf(v1), "--bootstrap", KAFKA.bootstrapServers(),
                "--registry", base.toString(), "--topic.model-updates", updates);

        assertThat(promote.code).as(promote.toString()).isZero();
        assertThat(promote.out).contains("version 2, the candidate in shadow, is ended and held");
        ServingState state = registry.state("marquee");
        assertThat(state.serving).isEqualTo(v1);
        assertThat(state.hasShadow()).isFalse();
        assertThat(state.isHeld(v2)).as("%s", state).isTrue();
        ModelUpdate announced = readAll(updates, UPDATES).get(0);
        assertThat(announced.version).isEqualTo(v1);
        assertThat(announced.shadowVersion).isZero();
        assertThat(announced.registryId).as("promote's, too").isNotNull().isEqualTo(registry.id().orElseThrow());
    }

    /** How a benchmark runs the worker as deployed (not --once) in a thread of its own, and ends it. */
    @Test
    void aRunningWorkerEndsWhenItsCommandIsStopped() throws Exception {
        String requests = KAFKA.createTopic("stop-requests", 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Console console = new Console(new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8),
                Map.of(), tmp);
        TrainerCommand command = new TrainerCommand(console);
        AtomicInteger code = new AtomicInteger(-1);
        Thread worker = new Thread(() -> code.set(ConsoleCommand.execute(command, new String[] {
                "--bootstrap", KAFKA.bootstrapServers(), "--registry", tmp.resolve("registry").toString(),
                "--group", "stop-test", "--topic.retrain-requests", requests})), "test-trainer");
        worker.start();
        await("the worker waiting for requests").atMost(Duration.ofSeconds(60))
                .until(() -> out.toString(StandardCharsets.UTF_8).contains("trainer: waiting for retrain requests"));
        assertThat(worker.isAlive()).as(out.toString(StandardCharsets.UTF_8)).isTrue(); // not --once: it keeps waiting

        // a second trainer on the same model (a person's --once, a copy of the deployment) is refused in one line
        Run second = run(TrainerMain::run, "--once", "--bootstrap", KAFKA.bootstrapServers(), "--registry",
                tmp.resolve("registry").toString(), "--group", "stop-test-2", "--topic.retrain-requests", requests);
        assertThat(second.code).as(second.toString()).isNotZero();
        assertThat(second.out + second.err).contains("another trainer is running on model marquee");

        command.stop();
        worker.join(Duration.ofSeconds(60).toMillis());
        assertThat(worker.isAlive()).as("still running after stop()").isFalse();
        assertThat(code.get()).as(out.toString(StandardCharsets.UTF_8)).isZero();
        Run after = run(TrainerMain::run, "--once", "--bootstrap", KAFKA.bootstrapServers(), "--registry",
                tmp.resolve("registry").toString(), "--group", "stop-test-2", "--topic.retrain-requests", requests);
        assertThat(after.code).as("the first one stopped: the lock is free again; %s", after).isZero();
    }

    /**
     * --once on a topic not created yet says so and creates nothing: the brokers (this one auto-creates topics, as
     * Kafka's default does) would otherwise create it with their defaults, which create-topics.sh then keeps.
     */
    @Test
    void onceOnAMissingRequestsTopicSaysSoAndCreatesNothing() throws Exception {
        String missing = "never-created-requests-" + System.nanoTime();
        Run worker = run(TrainerMain::run, "--once", "--bootstrap", KAFKA.bootstrapServers(), "--registry",
                tmp.resolve("registry").toString(), "--topic.retrain-requests", missing);
        assertThat(worker.code).as(worker.toString()).isNotZero();
        assertThat(worker.out + worker.err).contains("topic " + missing + " does not exist");
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.<String, Object>of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            assertThat(admin.listTopics().names().get()).doesNotContain(missing);
        }
    }

    /** A mistyped output topic is said at start, not found after a training when the outcome's write fails. */
    @Test
    void aMistypedOutputTopicIsSaidAtStart() throws Exception {
        String requests = KAFKA.createTopic("warned-requests", 1);
        String typo = "retrain-outcome-" + System.nanoTime();
        Run worker = run(TrainerMain::run, "--once", "--bootstrap", KAFKA.bootstrapServers(), "--registry",
                tmp.resolve("registry-warned").toString(), "--topic.retrain-requests", requests,
                "--topic.retrain-outcomes", typo);
        assertThat(worker.out + worker.err).as(worker.toString())
                .contains("WARNING: topic " + typo + " does not exist").contains("the trainer writes to it after each training");
    }

    /**
     * A mistyped labels topic is said at start and not created: else the gate finds no labels in it and defers every
     * candidate as if labels were only sparse.
     */
    @Test
    void aMistypedLabelsTopicIsSaidAtStartAndNotCreated() throws Exception {
        String requests = KAFKA.createTopic("labels-typo-requests", 1);
        String typo = "rating-" + System.nanoTime();
        Run worker = run(TrainerMain::run, "--once", "--bootstrap", KAFKA.bootstrapServers(), "--registry",
                tmp.resolve("registry-labels-typo").toString(), "--topic.retrain-requests", requests,
                "--topic.ratings", typo);
        assertThat(worker.out + worker.err).as(worker.toString())
                .contains("WARNING: topic " + typo + " does not exist").contains("the trainer reads the labels");
        assertThat(worker.out + worker.err).doesNotContain("WARNING: topic " + requests);
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.<String, Object>of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            assertThat(admin.listTopics().names().get()).doesNotContain(typo);
        }
    }

    /**
     * A request id too long to repeat in an outcome (key and value over the brokers' 1 MB) would fail its outcome's
     * write, and the worker on that record, on every restart: answered FAILED under its position instead.
     */
    @Test
    void anOversizedRequestIdIsAnsweredUnderItsPositionAndTheNextRequestIsHandled() throws Exception {
        String requests = KAFKA.createTopic("huge-requests", 1);
        String outcomes = KAFKA.createTopic("huge-outcomes", 1);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.producerProps())) {
            producer.send(new ProducerRecord<>(requests, null,
                    REQUESTS.encodeToString(new RetrainRequest("x".repeat(550_000), "huge", 1)))).get();
            producer.send(new ProducerRecord<>(requests, "r-next",
                    REQUESTS.encodeToString(new RetrainRequest("r-next", "old", 1)))).get(); // long expired: not trained
        }
        Run worker = run(TrainerMain::run, "--once", "--bootstrap", KAFKA.bootstrapServers(), "--registry",
                tmp.resolve("registry").toString(), "--topic.retrain-requests", requests,
                "--topic.retrain-outcomes", outcomes);
        assertThat(worker.code).as(worker.toString()).isZero();
        List<RetrainOutcome> answered = readAll(outcomes, OUTCOMES);
        assertThat(answered).extracting(o -> o.requestId).containsExactly(requests + "-0-0", "r-next");
        assertThat(answered.get(0).outcome).isEqualTo(RetrainOutcome.FAILED);
        assertThat(answered.get(0).reason).contains("a request_id of 550000 characters");
        assertThat(answered.get(1).outcome).isEqualTo(RetrainOutcome.EXPIRED);
    }

    /**
     * Another model's request on shared topics is skipped, committed past and not answered: its own worker answers it,
     * and two outcomes (or an unrequested version of this model) would follow otherwise.
     */
    @Test
    void anotherModelsRequestIsSkippedWithoutAnOutcome() throws Exception {
        String requests = KAFKA.createTopic("shared-requests", 1);
        String outcomes = KAFKA.createTopic("shared-outcomes", 1);
        RetrainRequest others = new RetrainRequest("r-other", "drift", 1);
        others.modelName = "other";
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.producerProps())) {
            producer.send(new ProducerRecord<>(requests, "r-other", REQUESTS.encodeToString(others))).get();
            producer.send(new ProducerRecord<>(requests, "r-next",
                    REQUESTS.encodeToString(new RetrainRequest("r-next", "old", 1)))).get(); // long expired: not trained
        }
        Run worker = run(TrainerMain::run, "--once", "--bootstrap", KAFKA.bootstrapServers(), "--registry",
                tmp.resolve("registry").toString(), "--topic.retrain-requests", requests,
                "--topic.retrain-outcomes", outcomes);
        assertThat(worker.code).as(worker.toString()).isZero();
        assertThat(worker.toString()).contains("request r-other is for model 'other', not 'marquee': skipped, no outcome");
        assertThat(readAll(outcomes, OUTCOMES)).extracting(o -> o.requestId).containsExactly("r-next");
    }

    /** The promoter's thread ended on an Error: the trainer stops too, with exit 1, for its supervisor to restart it. */
    @Test
    void aWorkerWhosePromoterDiedStops() throws Exception {
        String requests = KAFKA.createTopic("dead-promoter-requests", 1);
        ModelRegistry registry = new ModelRegistry(tmp.resolve("registry"));
        registry.publish("marquee", dir -> Files.writeString(dir.resolve(ModelRegistry.SAVED_MODEL_FILE), "pb"));
        registry.writeState("marquee", ServingState.serving(1, "the test", 0));
        registry.pin("marquee", 1); // the promoter's first round logs the pin: there the Error is thrown
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream failing = new PrintStream(out, true, StandardCharsets.UTF_8) {
            @Override
            public void println(String line) {
                if (line.contains("is pinned")) throw new AssertionError("injected on the promoter's thread");
                super.println(line);
            }
        };
        Console console = new Console(new ByteArrayInputStream(new byte[0]), failing, failing, Map.of(), tmp);
        TrainerCommand command = new TrainerCommand(console);
        AtomicInteger code = new AtomicInteger(-1);
        Thread worker = new Thread(() -> code.set(ConsoleCommand.execute(command, new String[] {
                "--bootstrap", KAFKA.bootstrapServers(), "--registry", tmp.resolve("registry").toString(),
                "--group", "dead-promoter-test", "--topic.retrain-requests", requests})), "test-trainer");
        worker.start();
        worker.join(Duration.ofSeconds(60).toMillis());
        try {
            assertThat(worker.isAlive()).as("still running without its promoter: %s", out).isFalse();
            assertThat(code.get()).as(out.toString(StandardCharsets.UTF_8)).isEqualTo(1);
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("the promoter's thread stopped");
        } finally {
            command.stop();
        }
    }

    @FunctionalInterface
    private interface Main {
        int run(String[] args, Console console);
    }

    private record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Run run(Main main, String... args) {
        CliRuns.Run run = CliRuns.run(tmp, main::run, args);
        return new Run(run.code(), run.out(), run.err());
    }

    /** Reads a JSON file as a tree. */
    private static final class EventJsonTree {
        static JsonNode read(Path file) throws java.io.IOException {
            return dev.marquee.data.json.EventJson.mapper().readTree(Files.readAllBytes(file));
        }
    }
}

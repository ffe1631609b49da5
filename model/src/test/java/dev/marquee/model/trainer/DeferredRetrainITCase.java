package dev.marquee.model.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.event.Rating;
import dev.marquee.data.event.Reasons;
import dev.marquee.data.event.RetrainOutcome;
import dev.marquee.data.event.RetrainRequest;
import dev.marquee.data.json.EventCodec;
import dev.marquee.infra.testing.KafkaBrokerExtension;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.cli.Console;
import dev.marquee.model.cli.ModelMain;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deferral through the running worker on a real broker: a request whose held-out labels cannot judge the
 * candidate is answered DEFERRED; labels that arrive afterwards settle it on the worker's own timer (no second
 * request), answered PUBLISHED under the same request id, with its interval, and announced on model-updates.
 */
class DeferredRetrainITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final EventCodec<Rating> RATINGS = EventCodec.of(Rating.class);
    private static final EventCodec<RetrainRequest> REQUESTS = EventCodec.of(RetrainRequest.class);
    private static final EventCodec<RetrainOutcome> OUTCOMES = EventCodec.of(RetrainOutcome.class);
    private static final EventCodec<ModelUpdate> UPDATES = EventCodec.of(ModelUpdate.class);

    @TempDir
    Path tmp;

    @Test
    void aDeferredCandidateIsSettledByTheWorkersTimerWhenLabelsArrive() throws Exception {
        String requests = KAFKA.createTopic("retrain-requests", 1);
        String outcomes = KAFKA.createTopic("retrain-outcomes", 1);
        String updates = KAFKA.createTopic("model-updates", 1);
        String ratings = KAFKA.createTopic("ratings", 2);
        Path base = tmp.resolve("registry");
        ByteArrayOutputStream trainOut = new ByteArrayOutputStream();
        assertThat(ModelMain.run(new String[] {"train", "--data", "synthetic:2000", "--registry", base.toString(),
                "--epochs", "10", "--batch", "64", "--patience", "10"}, console(trainOut))).isZero();

        List<Rating> first = RetrainerGateTest.splitVerdictLabels(false);
        send(ratings, first);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.producerProps())) {
            producer.send(new ProducerRecord<>(requests, "r-1", REQUESTS.encodeToString(
                    new RetrainRequest("r-1", "deferral test", System.currentTimeMillis())))).get();
        }
        TrainerSettings settings = TrainerSettings.parse(new String[] {"--bootstrap", KAFKA.bootstrapServers(),
                "--registry", base.toString(), "--topic.retrain-requests", requests, "--topic.retrain-outcomes",
                outcomes, "--topic.model-updates", updates, "--topic.ratings", ratings,
                "--trainer.gate.recheck-seconds", "1"}, console(new ByteArrayOutputStream()));
        List<String> lines = new CopyOnWriteArrayList<>();
        TrainerWorker worker = new TrainerWorker(settings, new OriginalData(null, Map.of(), tmp), lines::add);
        try (Running running = Running.start(worker, lines)) {
            await().atMost(Duration.ofSeconds(120)).until(() -> readAll(outcomes, OUTCOMES).size() >= 1);
            RetrainOutcome deferred = readAll(outcomes, OUTCOMES).get(0);
            assertThat(deferred.outcome).as(String.join("\n", lines)).isEqualTo(RetrainOutcome.DEFERRED);
            assertThat(deferred.metrics.get("mse_diff_low")).isLessThan(deferred.metrics.get("gate_margin"));
            assertThat(deferred.metrics.get("mse_diff_high")).isGreaterThan(deferred.metrics.get("gate_margin"));
            assertThat(deferred.deferredLocation).endsWith("deferred/r-1");
            assertThat(new ModelRegistry(base).versions("marquee")).containsExactly(1L);

            // The later labels (everything of the first batch is on the topic again: the window keeps the newest).
            List<Rating> later = RetrainerGateTest.splitVerdictLabels(true).subList(first.size(),
                    RetrainerGateTest.splitVerdictLabels(true).size());
            send(ratings, later);
            await().atMost(Duration.ofSeconds(120)).until(() -> readAll(outcomes, OUTCOMES).size() >= 2);
        }
        List<RetrainOutcome> answered = readAll(outcomes, OUTCOMES);
        assertThat(answered).hasSize(2);
        RetrainOutcome settled = answered.get(1);
        assertThat(settled.requestId).isEqualTo("r-1");
        assertThat(settled.outcome).as(String.join("\n", lines)).isEqualTo(RetrainOutcome.PUBLISHED);
        assertThat(settled.version).isEqualTo(2);
        assertThat(settled.metrics.get("mse_diff_high")).isLessThan(settled.metrics.get("gate_margin"));
        // The timer may have judged it (still undecided) before the later labels arrived: at least once again.
        assertThat(settled.metrics.get("deferred_judgements")).isGreaterThanOrEqualTo(2.0);
        assertThat(settled.metrics).containsKey("deferred_seconds");
        // The promoter announces the pointer at start (serve 1); the published version is announced once, as a
        // candidate in shadow beside version 1 (published is not serving).
        List<ModelUpdate> announced = readAll(updates, UPDATES);
        assertThat(announced).isNotEmpty().hasSizeLessThanOrEqualTo(2);
        assertThat(announced.get(announced.size() - 1)).satisfies(u -> {
            assertThat(u.version).isEqualTo(1);
            assertThat(u.shadowVersion).isEqualTo(2);
        });
        assertThat(announced).filteredOn(u -> u.shadowVersion == 2).hasSize(1);
        assertThat(new ModelRegistry(base).versions("marquee")).containsExactly(1L, 2L);
        assertThat(lines).anyMatch(l -> l.contains("deferred candidate of request r-1, judged again ("));
    }

    /**
     * A second request deferred while the first's candidate still waits retires the first as superseded, that outcome
     * written before the second's DEFERRED (the trigger relies on the order): the older candidate, trained on fewer
     * labels, must never be the one a later verdict publishes.
     */
    @Test
    void aSecondDeferralRetiresTheFirstCandidateAsSupersededBeforeItsOwnOutcome() throws Exception {
        String requests = KAFKA.createTopic("twice-requests", 1);
        String outcomes = KAFKA.createTopic("twice-outcomes", 1);
        String updates = KAFKA.createTopic("twice-updates", 1);
        String ratings = KAFKA.createTopic("twice-ratings", 2);
        Path base = tmp.resolve("registry");
        assertThat(ModelMain.run(new String[] {"train", "--data", "synthetic:2000", "--registry", base.toString(),
                "--epochs", "10", "--batch", "64", "--patience", "10"}, console(new ByteArrayOutputStream()))).isZero();
        send(ratings, RetrainerGateTest.splitVerdictLabels(false));
        List<String> lines = new CopyOnWriteArrayList<>();
        TrainerWorker worker = worker(lines, new String[] {"--bootstrap", KAFKA.bootstrapServers(), "--registry",
                base.toString(), "--topic.retrain-requests", requests, "--topic.retrain-outcomes", outcomes,
                "--topic.model-updates", updates, "--topic.ratings", ratings, "--trainer.gate.recheck-seconds", "3600"});
        try (Running running = Running.start(worker, lines);
             KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.producerProps())) {
            for (String id : List.of("r-1", "r-2")) {
                producer.send(new ProducerRecord<>(requests, id, REQUESTS.encodeToString(
                        new RetrainRequest(id, "supersede test", System.currentTimeMillis())))).get();
                int expected = id.equals("r-1") ? 1 : 3;
                await().atMost(Duration.ofSeconds(120)).until(() -> readAll(outcomes, OUTCOMES).size() >= expected);
            }
        }
        List<RetrainOutcome> answered = readAll(outcomes, OUTCOMES);
        String log = String.join("\n", lines);
        assertThat(answered).as(log).extracting(o -> o.requestId + " " + o.outcome).containsExactly(
                "r-1 " + RetrainOutcome.DEFERRED, "r-1 " + RetrainOutcome.REJECTED, "r-2 " + RetrainOutcome.DEFERRED);
        assertThat(answered.get(1).metrics).containsEntry("deferred_superseded", 1.0);
        assertThat(new CandidateFolders(new ModelRegistry(base), "marquee").deferred())
                .extracting(p -> p.getFileName().toString()).containsExactly("r-2");
        assertThat(new ModelRegistry(base).versions("marquee")).containsExactly(1L);
    }

    /**
     * The deferred candidates a request's labels settle are judged, and their outcomes written, before that request
     * trains: with the default recheck (10 minutes) nothing else would settle them before the new request's verdict.
     */
    @Test
    void aDeferredCandidateTheNextRequestsLabelsSettleIsAnsweredBeforeItTrains() throws Exception {
        String requests = KAFKA.createTopic("settle-requests", 1);
        String outcomes = KAFKA.createTopic("settle-outcomes", 1);
        String updates = KAFKA.createTopic("settle-updates", 1);
        String ratings = KAFKA.createTopic("settle-ratings", 2);
        Path base = tmp.resolve("registry");
        assertThat(ModelMain.run(new String[] {"train", "--data", "synthetic:2000", "--registry", base.toString(),
                "--epochs", "10", "--batch", "64", "--patience", "10"}, console(new ByteArrayOutputStream()))).isZero();
        List<Rating> first = RetrainerGateTest.splitVerdictLabels(false);
        send(ratings, first);
        List<String> lines = new CopyOnWriteArrayList<>();
        TrainerWorker worker = worker(lines, new String[] {"--bootstrap", KAFKA.bootstrapServers(), "--registry",
                base.toString(), "--topic.retrain-requests", requests, "--topic.retrain-outcomes", outcomes,
                "--topic.model-updates", updates, "--topic.ratings", ratings});
        try (Running running = Running.start(worker, lines);
             KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.producerProps())) {
            producer.send(new ProducerRecord<>(requests, "r-1", REQUESTS.encodeToString(
                    new RetrainRequest("r-1", "settle test", System.currentTimeMillis())))).get();
            await().atMost(Duration.ofSeconds(120)).until(() -> readAll(outcomes, OUTCOMES).size() >= 1);
            List<Rating> all = RetrainerGateTest.splitVerdictLabels(true);
            send(ratings, all.subList(first.size(), all.size()));
            producer.send(new ProducerRecord<>(requests, "r-2", REQUESTS.encodeToString(
                    new RetrainRequest("r-2", "settle test", System.currentTimeMillis())))).get();
            await().atMost(Duration.ofSeconds(120)).until(() -> readAll(outcomes, OUTCOMES).size() >= 3);
        }
        List<RetrainOutcome> answered = readAll(outcomes, OUTCOMES);
        assertThat(answered).as(String.join("\n", lines)).extracting(o -> o.requestId + " " + o.outcome).startsWith(
                "r-1 " + RetrainOutcome.DEFERRED, "r-1 " + RetrainOutcome.PUBLISHED);
        assertThat(answered.get(2).requestId).isEqualTo("r-2");
    }

    /**
     * A settled candidate's outcome the brokers refuse stops the worker (as any refused write does); the candidate has
     * left deferred/ by then, so only the outcome kept in the registry tells the next worker to send it.
     */
    @Test
    void aSettledOutcomeTheBrokersRefusedIsSentByTheNextWorker() throws Exception {
        String requests = KAFKA.createTopic("retrain-requests", 1);
        String outcomes = KAFKA.createTopic("retrain-outcomes", 1);
        String updates = KAFKA.createTopic("model-updates", 1);
        String ratings = KAFKA.createTopic("ratings", 2);
        // a topic that takes no record as large as an outcome: the brokers refuse it (MESSAGE_TOO_LARGE)
        String refusing = "refused-outcomes-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.<String, Object>of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(refusing, 1, (short) 1)
                    .configs(Map.of("max.message.bytes", "200")))).all().get();
        }
        Path base = tmp.resolve("registry");
        assertThat(ModelMain.run(new String[] {"train", "--data", "synthetic:2000", "--registry", base.toString(),
                "--epochs", "10", "--batch", "64", "--patience", "10"}, console(new ByteArrayOutputStream()))).isZero();
        List<Rating> first = RetrainerGateTest.splitVerdictLabels(false);
        send(ratings, first);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.producerProps())) {
            producer.send(new ProducerRecord<>(requests, "r-1", REQUESTS.encodeToString(
                    new RetrainRequest("r-1", "deferral test", System.currentTimeMillis())))).get();
        }
        String[] common = {"--bootstrap", KAFKA.bootstrapServers(), "--registry", base.toString(),
                "--topic.retrain-requests", requests, "--topic.model-updates", updates, "--topic.ratings", ratings,
                "--trainer.gate.recheck-seconds", "1"};
        List<String> lines = new CopyOnWriteArrayList<>();
        runUntil(worker(lines, common, "--topic.retrain-outcomes", outcomes), lines,
                () -> !readAll(outcomes, OUTCOMES).isEmpty());
        assertThat(readAll(outcomes, OUTCOMES)).singleElement().satisfies(o -> assertThat(o.outcome)
                .as(String.join("\n", lines)).isEqualTo(RetrainOutcome.DEFERRED));

        List<Rating> later = RetrainerGateTest.splitVerdictLabels(true).subList(first.size(),
                RetrainerGateTest.splitVerdictLabels(true).size());
        send(ratings, later);
        Path unsent = base.resolve("marquee").resolve(UnsentOutcomes.DIR);
        runUntil(worker(lines, common, "--topic.retrain-outcomes", refusing), lines, () -> lines.stream().anyMatch(l -> l.startsWith("worker failed")));
        assertThat(lines).as("the refused write stops the worker").anyMatch(l -> l.startsWith("worker failed") && l.contains(refusing));
        assertThat(new ModelRegistry(base).versions("marquee")).as("settled: published").containsExactly(1L, 2L);
        assertThat(readAll(outcomes, OUTCOMES)).hasSize(1);
        assertThat(jsonFiles(unsent)).hasSize(1);

        // a person's promote while the worker is down: the update kept beside the outcome (serve 1, shadow 2) is
        // no longer the target, and must not be announced over the pointer's
        int updatesBefore = readAll(updates, UPDATES).size();
        new ModelRegistry(base).serve("marquee", 1, "promoted by hand while the trainer was down");
        lines.clear();
        runUntil(worker(lines, common, "--topic.retrain-outcomes", outcomes), lines, () -> readAll(outcomes, OUTCOMES).size() >= 2
                && readAll(updates, UPDATES).stream().skip(updatesBefore).anyMatch(u -> u.version == 1 && u.shadowVersion == 0));
        List<RetrainOutcome> answered = readAll(outcomes, OUTCOMES);
        assertThat(answered).hasSize(2);
        assertThat(answered.get(1)).satisfies(o -> {
            assertThat(o.requestId).isEqualTo("r-1");
            assertThat(o.outcome).isEqualTo(RetrainOutcome.PUBLISHED);
            assertThat(o.version).isEqualTo(2);
        });
        assertThat(lines).anyMatch(l -> l.contains("sending 1 outcome(s) of deferred candidates settled before the last stop"));
        assertThat(jsonFiles(unsent)).as("acknowledged: its file is gone").isEmpty();
        List<ModelUpdate> since = readAll(updates, UPDATES).subList(updatesBefore, readAll(updates, UPDATES).size());
        assertThat(since).as("the pointer's target, announced by the promoter").anyMatch(u -> u.version == 1 && u.shadowVersion == 0)
                .as("the kept update, which the pointer moved past").noneMatch(u -> u.shadowVersion == 2);
    }

    /**
     * A request handled for longer than max.poll.interval.ms costs the worker its place in the group: its commit is
     * refused and the request comes again. A --once run polls again for it rather than ending with it uncommitted:
     * it is answered a second time (fast, now) and committed.
     */
    @Test
    void aOnceRunThatLostItsPlaceInTheGroupAnswersItsRequestAgainAndCommitsIt() throws Exception {
        String requests = KAFKA.createTopic("evicted-requests", 1);
        String outcomes = KAFKA.createTopic("evicted-outcomes", 1);
        String updates = KAFKA.createTopic("evicted-updates", 1);
        String ratings = KAFKA.createTopic("evicted-ratings", 1);
        Path base = tmp.resolve("registry");
        assertThat(ModelMain.run(new String[] {"train", "--data", "synthetic:2000", "--registry", base.toString(),
                "--epochs", "2", "--batch", "64"}, console(new ByteArrayOutputStream()))).isZero();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.producerProps())) {
            producer.send(new ProducerRecord<>(requests, "r-slow", REQUESTS.encodeToString(
                    new RetrainRequest("r-slow", "eviction test", System.currentTimeMillis())))).get();
        }
        String group = "evicted-" + requests;
        List<String> lines = new CopyOnWriteArrayList<>();
        TrainerWorker worker = worker(lines, new String[] {"--bootstrap", KAFKA.bootstrapServers(), "--registry",
                base.toString(), "--topic.retrain-requests", requests, "--topic.retrain-outcomes", outcomes,
                "--topic.model-updates", updates, "--topic.ratings", ratings, "--group", group, "--once",
                "--kafka-prop", "max.poll.interval.ms=5000"});
        java.util.concurrent.atomic.AtomicInteger trainings = new java.util.concurrent.atomic.AtomicInteger();
        worker.trainWith((request, labels) -> {
            if (trainings.incrementAndGet() == 1) {
                // the long training under test: past max.poll.interval.ms, so the group drops the worker meanwhile
                long until = System.nanoTime() + Duration.ofSeconds(12).toNanos();
                while (System.nanoTime() < until) java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            }
            throw new IllegalStateException("training " + trainings.get() + " fails on purpose");
        });
        try (Running running = Running.start(worker, lines)) {
            await().atMost(Duration.ofSeconds(120)).until(() -> !running.thread().isAlive());
        }
        String log = String.join("\n", lines);
        assertThat(log).contains("was not committed").doesNotContain("worker failed");
        List<RetrainOutcome> answered = readAll(outcomes, OUTCOMES);
        // twice at least: a second handling that outlasted the interval on a slow host would be refused in turn
        assertThat(answered).as(log).hasSizeGreaterThanOrEqualTo(2).allSatisfy(o -> assertThat(o.requestId).isEqualTo("r-slow"));
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(Map.of(
                "bootstrap.servers", KAFKA.bootstrapServers()))) {
            var committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            assertThat(committed.get(new org.apache.kafka.common.TopicPartition(requests, 0))).as(log)
                    .isNotNull().extracting(org.apache.kafka.clients.consumer.OffsetAndMetadata::offset).isEqualTo(1L);
        }
    }

    /**
     * Out of memory while training is answered FAILED with what to change, and the worker goes on; a native library's
     * failure is answered FAILED and committed, then stops the worker: every later request would fail the same way.
     * The out-of-memory message is longer than a record can carry (as a TensorFlow error quoting a graph is): the
     * reason is clipped, or the send would fail and stop the worker on that request at every restart.
     */
    @Test
    void outOfMemoryIsAnsweredAndTheWorkerGoesOnWhileANativeLibraryFailureIsAnsweredAndStopsIt() throws Exception {
        String requests = KAFKA.createTopic("retrain-requests", 1);
        String outcomes = KAFKA.createTopic("retrain-outcomes", 1);
        String updates = KAFKA.createTopic("model-updates", 1);
        String ratings = KAFKA.createTopic("ratings", 2);
        Path base = tmp.resolve("registry");
        assertThat(ModelMain.run(new String[] {"train", "--data", "synthetic:2000", "--registry", base.toString(),
                "--epochs", "2", "--batch", "64"}, console(new ByteArrayOutputStream()))).isZero();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.producerProps())) {
            for (String id : List.of("r-oom", "r-link")) {
                producer.send(new ProducerRecord<>(requests, id, REQUESTS.encodeToString(
                        new RetrainRequest(id, "failure test", System.currentTimeMillis())))).get();
            }
        }
        String[] common = {"--bootstrap", KAFKA.bootstrapServers(), "--registry", base.toString(),
                "--topic.retrain-requests", requests, "--topic.retrain-outcomes", outcomes, "--topic.model-updates", updates,
                "--topic.ratings", ratings};
        List<String> lines = new CopyOnWriteArrayList<>();
        TrainerWorker worker = worker(lines, common);
        worker.trainWith((request, labels) -> {
            if (request.requestId.equals("r-oom")) throw new OutOfMemoryError("Java heap space; " + "op ".repeat(400_000));
            throw new UnsatisfiedLinkError("no jnitensorflow in java.library.path");
        });
        try (Running running = Running.start(worker, lines)) {
            await().atMost(Duration.ofSeconds(120)).until(() -> !running.thread().isAlive());
        }
        List<RetrainOutcome> answered = readAll(outcomes, OUTCOMES);
        assertThat(answered).as(String.join("\n", lines)).hasSize(2);
        assertThat(answered.get(0)).satisfies(o -> {
            assertThat(o.requestId).isEqualTo("r-oom");
            assertThat(o.outcome).isEqualTo(RetrainOutcome.FAILED);
            assertThat(o.reason).startsWith("out of memory while training (give the trainer more heap")
                    .hasSizeLessThan(Reasons.MAX_CHARS + 80);
        });
        assertThat(answered.get(1)).satisfies(o -> {
            assertThat(o.requestId).isEqualTo("r-link");
            assertThat(o.outcome).isEqualTo(RetrainOutcome.FAILED);
            assertThat(o.reason).startsWith("TensorFlow's native library does not load (java.lang.UnsatisfiedLinkError");
        });
        assertThat(lines).anyMatch(l -> l.startsWith("worker failed: java.lang.IllegalStateException:")
                && l.endsWith("; the trainer stops"));
        TrainerSettings settings = TrainerSettings.parse(common, console(new ByteArrayOutputStream()));
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.<String, Object>of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            var committed = admin.listConsumerGroupOffsets(settings.group()).partitionsToOffsetAndMetadata().get();
            assertThat(committed.get(new org.apache.kafka.common.TopicPartition(requests, 0)).offset())
                    .as("both answered requests committed: a restarted worker does not take them again").isEqualTo(2);
        }
    }

    private TrainerWorker worker(List<String> lines, String[] common, String... more) {
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(common), java.util.Arrays.stream(more))
                .toArray(String[]::new);
        return new TrainerWorker(TrainerSettings.parse(args, console(new ByteArrayOutputStream())),
                new OriginalData(null, Map.of(), tmp), lines::add);
    }

    /** Runs {@code worker} on a thread until {@code done}, then stops and closes it. */
    private void runUntil(TrainerWorker worker, List<String> lines, java.util.concurrent.Callable<Boolean> done) throws Exception {
        try (Running running = Running.start(worker, lines)) {
            await().atMost(Duration.ofSeconds(120)).until(done);
        }
    }

    /** A worker on its own thread, its lines and its failure in {@code lines}; closing stops it, waits, closes it. */
    private record Running(TrainerWorker worker, Thread thread, List<String> lines) implements AutoCloseable {
        static Running start(TrainerWorker worker, List<String> lines) {
            Thread thread = new Thread(() -> {
                try {
                    worker.run();
                } catch (Exception e) {
                    lines.add("worker failed: " + e);
                }
            }, "trainer-worker");
            thread.start();
            return new Running(worker, thread, lines);
        }

        @Override
        public void close() throws Exception {
            worker.stop();
            thread.join(Duration.ofSeconds(60).toMillis());
            worker.close();
            System.out.println(String.join("\n", lines)); // into the failsafe report's -output.txt
        }
    }

    private static List<Path> jsonFiles(Path dir) throws java.io.IOException {
        if (!java.nio.file.Files.isDirectory(dir)) return List.of();
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json")).toList();
        }
    }

    private static void send(String topic, List<Rating> labels) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.producerProps())) {
            for (Rating r : labels) producer.send(new ProducerRecord<>(topic, r.userId, RATINGS.encodeToString(r)));
            producer.flush();
        }
    }

    private static <T> List<T> readAll(String topic, EventCodec<T> codec) {
        return TopicContents.readAll(KAFKA, topic, codec);
    }

    private Console console(ByteArrayOutputStream out) {
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        return new Console(new ByteArrayInputStream(new byte[0]), print, print, Map.of(), tmp);
    }
}

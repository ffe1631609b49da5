package dev.marquee.job.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.Rating;
import dev.marquee.data.json.EventCodec;
import dev.marquee.infra.testing.KafkaBrokerExtension;
import dev.marquee.job.ScoringJob;
import dev.marquee.job.config.JobSettings;
import dev.marquee.job.pipeline.SharedMiniCluster;
import dev.marquee.job.score.KafkaModelUpdates;
import dev.marquee.job.sink.KafkaConnections;
import dev.marquee.job.source.RawRecord;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.testing.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once across a scoring job that is taken down and brought back from its own snapshot, while requests
 * keep arriving before, during and after the outage (drift detection on, so its state is restored too).
 *
 * <p>Expected, in both cases: every request sent has exactly one committed prediction (read_committed): no
 * loss, no duplicate. The new run is restored from the snapshot the old one left (asserted by the checkpoint id
 * its operators are restored from), so what the old run wrote after that snapshot, in Kafka transactions that
 * never committed, is written again by the new run and counted once.
 */
class CheckpointRestoreFaultITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final SharedMiniCluster FLINK = new SharedMiniCluster();

    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final int ROUND = 200;

    @TempDir
    static Path registryDir;
    private static List<Rating> rows;

    @TempDir
    Path snapshots;

    private JobSettings settings;
    /** What {@link #settings} was made from. */
    private Map<String, String> settingsGiven;

    @BeforeAll
    static void trainAModel() throws Exception {
        rows = TestModels.data(21);
        assertThat(TestModels.publish(new ModelRegistry(registryDir), rows, 21)).isEqualTo(1);
    }

    /** The parallelism {@link #start} runs the job at. */
    private int parallelism = 2;

    @BeforeEach
    void freshTopics() {
        topics(2);
    }

    /** Fresh topics for the test, the requests' with {@code requestPartitions} partitions, and settings naming them. */
    private void topics(int requestPartitions) {
        String requests = KAFKA.createTopic("requests", requestPartitions);
        settingsGiven = Map.ofEntries(
                Map.entry(JobSettings.BOOTSTRAP, KAFKA.bootstrapServers()),
                Map.entry(JobSettings.TOPIC_REQUESTS, requests),
                Map.entry(JobSettings.TOPIC_PREDICTIONS, KAFKA.createTopic("predictions", 2)),
                Map.entry(JobSettings.TOPIC_DEAD_LETTERS, KAFKA.createTopic("dlq", 1)),
                Map.entry(JobSettings.TOPIC_MODEL_UPDATES, KAFKA.createTopic("updates", 1)),
                Map.entry(JobSettings.TOPIC_MODEL_STATUS, KAFKA.createTopic("status", 1)),
                Map.entry(JobSettings.TOPIC_DRIFT, KAFKA.createTopic("drift", 1)),
                Map.entry(JobSettings.GROUP_ID, "scoring-" + requests),
                Map.entry(JobSettings.DELIVERY, "exactly-once"),
                Map.entry(JobSettings.TRANSACTIONAL_ID_PREFIX, "fault-" + requests),
                Map.entry(JobSettings.CHECKPOINT_INTERVAL_MS, "500"),
                Map.entry(JobSettings.MODEL_REGISTRY, registryDir.toString()));
        settings = JobSettings.from(settingsGiven);
        SnapshotProbe.reset();
    }

    /**
     * Fault: the job is cancelled (as a crash or an operator's cancel would end it) after a checkpoint completed,
     * with records read after that checkpoint; checkpoints are retained on cancellation. A new job is started
     * from the retained checkpoint ({@code execution.state-recovery.path}).
     */
    @Test
    void aCancelledJobRestoredFromItsRetainedCheckpointLosesAndDuplicatesNothing() throws Exception {
        cancelThenRestoreFromTheRetainedCheckpoint(2, 2);
    }

    /**
     * The same fault, restored at half the parallelism (a TaskManager lost for good, the job scaled down to the slots
     * left): the subtasks that are gone left transactions open with predictions after the checkpoint, which the
     * restored job must abort, or every read_committed reader of the predictions waits for the transaction timeout
     * (15 min) before it sees a newer one. Four request partitions, so that every subtask of the first run read.
     */
    @Test
    void aCancelledJobRestoredAtHalfItsParallelismLosesDuplicatesAndHoldsBackNothing() throws Exception {
        topics(4);
        cancelThenRestoreFromTheRetainedCheckpoint(4, 2);
    }

    private void cancelThenRestoreFromTheRetainedCheckpoint(int before, int after) throws Exception {
        parallelism = before;
        try (FaultRequests requests = new FaultRequests(KAFKA.bootstrapServers(), settings.requestsTopic, rows);
             PredictionCounts predictions = new PredictionCounts(KAFKA.bootstrapServers(), settings.predictionsTopic)) {
            JobClient first = start(null);
            // Keep requests flowing until a checkpoint has completed and more records were read after it.
            sendInRounds(requests, "before", () -> SnapshotProbe.seenSinceLastCompleted() >= ROUND);
            long completed = SnapshotProbe.LAST_COMPLETED.get();
            // A subtask stops on the next record it reads, so no checkpoint completes after that record: the restore
            // reads it again, and the new run must not write its prediction twice. (Without the hold, a checkpoint
            // could complete just before the cancel takes effect, after the last record read.)
            SnapshotProbe.hold();
            try (Trickle trickle = new Trickle(requests)) {
                await("a subtask held on a record").atMost(DEADLINE).until(() -> SnapshotProbe.HELD.get() > 0);
                first.cancel().get();
                awaitTerminal(first);
            }
            SnapshotProbe.release(); // for the run restored below
            long readInFirstRun = SnapshotProbe.SEEN.get();
            List<String> leftOpen = ongoingPredictionTransactions(after);
            System.out.println("CheckpointRestoreFaultITCase: transactions open at the cancel, of subtasks " + after
                    + " and up: " + leftOpen);

            Path checkpoint = latestRetainedCheckpoint(snapshots.resolve(first.getJobID().toHexString()));
            long checkpointId = Long.parseLong(checkpoint.getFileName().toString().substring("chk-".length()));
            assertThat(checkpointId).isGreaterThanOrEqualTo(completed);
            long readAfterCheckpoint = readInFirstRun - SnapshotProbe.seenAtSnapshot(checkpointId);
            assertThat(readAfterCheckpoint).as("records read after checkpoint %d", checkpointId).isBetween(1L, readInFirstRun);
            requests.send("during", 1_000); // the job is down
            // A cancel lets the sinks close, which may abort their transactions; a TaskManager killed does not: the
            // last subtask's writer, as if killed, holds a prediction in the transaction it opened after the checkpoint
            KafkaProducer<byte[], byte[]> killed = after < before ? lingering(before - 1, checkpointId + 1) : null;

            long restart = System.nanoTime();
            parallelism = after;
            JobClient second = start(checkpoint.toUri().toString());
            try (killed) {
                requests.send("after", 1_000);
                Map<String, Integer> counts = predictions.awaitAll(requests.sent(), DEADLINE);
                System.out.printf("CheckpointRestoreFaultITCase: parallelism %d, cancelled after checkpoint %d, %d records"
                                + " read in the first run, %d of them after checkpoint %d it was restored from at parallelism"
                                + " %d, every prediction committed %.1f s after the restart; %d records read in all for %d"
                                + " requests%n",
                        before, completed, readInFirstRun, readAfterCheckpoint, checkpointId, after,
                        (System.nanoTime() - restart) / 1e9,
                        SnapshotProbe.SEEN.get(), requests.sent().size());
                assertThat(SnapshotProbe.RESTORED_FROM.get()).as("restored from the retained checkpoint").isEqualTo(checkpointId);
                assertExactlyOnce(counts, requests.sent());
                List<String> stillOpen = ongoingPredictionTransactions(after);
                assertThat(stillOpen).as("the transactions left open by subtasks gone").noneMatch(leftOpen::contains)
                        .noneMatch(id -> id.equals(transactionalId(before - 1, checkpointId + 1)));
                // every request has its committed prediction: the restored run has read all it will
                assertThat(SnapshotProbe.SEEN.get()).as("records read in all: every request once, plus again those read"
                        + " after the checkpoint").isEqualTo(requests.sent().size() + readAfterCheckpoint);
            } finally {
                Jobs.stopIfRunning(second);
            }
        }
    }

    /**
     * Fault: the job is stopped with a savepoint ({@code JobClient.stopWithSavepoint}, as for an upgrade) and a new
     * job is started from it. The operator uids make the savepoint's state map onto the new job's operators.
     * A stop with a savepoint is clean: nothing is read twice.
     */
    @Test
    void aJobStoppedWithASavepointAndRestoredLosesAndDuplicatesNothing() throws Exception {
        try (FaultRequests requests = new FaultRequests(KAFKA.bootstrapServers(), settings.requestsTopic, rows);
             PredictionCounts predictions = new PredictionCounts(KAFKA.bootstrapServers(), settings.predictionsTopic)) {
            JobClient first = start(null);
            sendInRounds(requests, "before", () -> SnapshotProbe.LAST_COMPLETED.get() >= 1
                    && !predictions.poll(Duration.ofMillis(50)).isEmpty());
            String savepoint = first.stopWithSavepoint(false, snapshots.resolve("savepoints").toUri().toString(),
                    SavepointFormatType.CANONICAL).get();
            awaitTerminal(first);
            long readInFirstRun = SnapshotProbe.SEEN.get();
            requests.send("during", 1_000);

            long restart = System.nanoTime();
            JobClient second = start(savepoint);
            try {
                requests.send("after", 1_000);
                Map<String, Integer> counts = predictions.awaitAll(requests.sent(), DEADLINE);
                System.out.printf("CheckpointRestoreFaultITCase: stopped with savepoint %s after %d records, every"
                                + " prediction committed %.1f s after the restart%n", savepoint, readInFirstRun,
                        (System.nanoTime() - restart) / 1e9);
                assertThat(SnapshotProbe.RESTORED_FROM.get()).as("restored from the savepoint").isPositive();
                assertExactlyOnce(counts, requests.sent());
                assertThat(SnapshotProbe.SEEN.get()).as("nothing read twice").isEqualTo(requests.sent().size());
            } finally {
                Jobs.stopIfRunning(second);
            }
        }
    }

    /**
     * The runbook's "Adding partitions" (docs/OPERATIONS.md): the job is stopped with a savepoint, the requests' topic
     * grows from 2 partitions to 4, requests are written to all four while the job is down, and it restarts from the
     * savepoint at parallelism 4, told to start at the latest offsets: that applies to partitions without a restored
     * offset, and the partitions the savepoint does not know must still be read from their start, or what was written
     * to them before the restart is lost (older connectors started them where the job's starting offsets said).
     */
    @Test
    void partitionsAddedWhileStoppedWithASavepointAreReadFromTheirStart() throws Exception {
        Set<String> sent = new java.util.HashSet<>();
        try (PredictionCounts predictions = new PredictionCounts(KAFKA.bootstrapServers(), settings.predictionsTopic)) {
            String savepoint;
            try (FaultRequests requests = new FaultRequests(KAFKA.bootstrapServers(), settings.requestsTopic, rows)) {
                JobClient first = start(null);
                sendInRounds(requests, "before", () -> SnapshotProbe.LAST_COMPLETED.get() >= 1
                        && !predictions.poll(Duration.ofMillis(50)).isEmpty());
                savepoint = first.stopWithSavepoint(false, snapshots.resolve("savepoints").toUri().toString(),
                        SavepointFormatType.CANONICAL).get();
                awaitTerminal(first);
                sent.addAll(requests.sent());
            }
            try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", KAFKA.bootstrapServers()))) {
                admin.createPartitions(Map.of(settings.requestsTopic, NewPartitions.increaseTo(4))).all().get();
                // the broker serves the new count a moment after the controller took it: a producer asking sooner
                // would write to the first two partitions for minutes
                await("the broker serving 4 partitions").atMost(DEADLINE).pollInterval(Duration.ofMillis(50))
                        .until(() -> admin.describeTopics(List.of(settings.requestsTopic)).allTopicNames().get()
                                .get(settings.requestsTopic).partitions().size() == 4);
            }
            // a new producer: one made before the change would go on writing to the first two partitions for minutes
            try (FaultRequests requests = new FaultRequests(KAFKA.bootstrapServers(), settings.requestsTopic, rows)) {
                requests.send("during", 1_000);
                assertThat(endOffsets(settings.requestsTopic, 2, 3)).as("requests written to the added partitions")
                        .allSatisfy(offset -> assertThat(offset).isPositive());
                parallelism = 4;
                Map<String, String> latest = new java.util.HashMap<>(settingsGiven);
                latest.put(JobSettings.STARTING_OFFSETS, "latest");
                settings = JobSettings.from(latest);
                JobClient second = start(savepoint);
                try {
                    requests.send("after", 1_000);
                    sent.addAll(requests.sent());
                    Map<String, Integer> counts = predictions.awaitAll(sent, DEADLINE);
                    assertThat(SnapshotProbe.RESTORED_FROM.get()).as("restored from the savepoint").isPositive();
                    assertExactlyOnce(counts, sent);
                } finally {
                    Jobs.stopIfRunning(second);
                }
            }
        }
    }

    private static List<Long> endOffsets(String topic, int... partitions) throws Exception {
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> specs = new java.util.HashMap<>();
            for (int p : partitions) {
                specs.put(new org.apache.kafka.common.TopicPartition(topic, p), org.apache.kafka.clients.admin.OffsetSpec.latest());
            }
            var answers = admin.listOffsets(specs).all().get();
            return java.util.Arrays.stream(partitions)
                    .mapToObj(p -> answers.get(new org.apache.kafka.common.TopicPartition(topic, p)).offset()).toList();
        }
    }

    /**
     * Upgrade: a savepoint of the job as it was before the chained scorer (issue 18), whose model updates came
     * from a Kafka source of their own ({@code source-model-updates} → {@code parse-model-updates}), restores into
     * today's job with {@code --allowNonRestoredState} (docs/OPERATIONS.md), which drops just that source's
     * offsets, and without it is refused. The previous job is rebuilt here as today's job plus that branch, which
     * is the only difference in state between the two. Nothing is lost or duplicated across the upgrade.
     */
    @Test
    void aSavepointFromBeforeTheChainedScorerRestoresWithAllowNonRestoredState() throws Exception {
        try (FaultRequests requests = new FaultRequests(KAFKA.bootstrapServers(), settings.requestsTopic, rows);
             PredictionCounts predictions = new PredictionCounts(KAFKA.bootstrapServers(), settings.predictionsTopic)) {
            JobClient previous = start(null, true, false);
            sendInRounds(requests, "before", () -> SnapshotProbe.LAST_COMPLETED.get() >= 1
                    && !predictions.poll(Duration.ofMillis(50)).isEmpty());
            String savepoint = previous.stopWithSavepoint(false, snapshots.resolve("savepoints").toUri().toString(),
                    SavepointFormatType.CANONICAL).get();
            awaitTerminal(previous);
            requests.send("during", 1_000);

            JobClient strict = start(savepoint, false, false);
            await("the restore without --allowNonRestoredState is refused").atMost(DEADLINE).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> strict.getJobStatus().get().isGloballyTerminalState());
            assertThat(strict.getJobStatus().join()).isEqualTo(JobStatus.FAILED);
            assertThat(catchThrowable(() -> strict.getJobExecutionResult().get()))
                    .as("Flink names the state it cannot map").hasStackTraceContaining("allowNonRestoredState");

            JobClient upgraded = start(savepoint, false, true);
            try {
                requests.send("after", 1_000);
                Map<String, Integer> counts = predictions.awaitAll(requests.sent(), DEADLINE);
                assertThat(SnapshotProbe.RESTORED_FROM.get()).as("restored from the savepoint").isPositive();
                assertExactlyOnce(counts, requests.sent());
            } finally {
                Jobs.stopIfRunning(upgraded);
            }
        }
    }

    private JobClient start(String restoreFrom) throws Exception {
        return start(restoreFrom, false, false);
    }

    /**
     * @param previousRelease add the model-updates branch the job had before the chained scorer
     * @param allowNonRestoredState restore even when savepoint state has no operator left to go to
     */
    private JobClient start(String restoreFrom, boolean previousRelease, boolean allowNonRestoredState) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        ScoringJob.configure(env, settings);
        Configuration c = new Configuration();
        c.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, snapshots.toUri().toString());
        c.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        if (restoreFrom != null) c.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom);
        c.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, allowNonRestoredState);
        env.configure(c);
        DataStream<RawRecord> in = env
                .fromSource(KafkaConnections.requestSource(settings), WatermarkStrategy.noWatermarks(), "rating requests")
                .uid("source-rating-requests")
                .map(new SnapshotProbe()).name("snapshot probe").uid("snapshot-probe");
        ScoringJob.buildToKafka(env, settings, in, KafkaModelUpdates.fromLatest(settings));
        if (previousRelease) {
            env.fromSource(KafkaConnections.source(settings, settings.modelUpdatesTopic, settings.groupId + "-model-updates", false),
                            WatermarkStrategy.noWatermarks(), "model updates").uid("source-model-updates")
                    .map(r -> r.offset).name("parse model updates").uid("parse-model-updates")
                    .sinkTo(new DiscardingSink<>()).name("discard model updates").uid("discard-model-updates");
        }
        return env.executeAsync("scoring, restore " + (restoreFrom == null ? "none" : restoreFrom));
    }

    /** The predictions' sink's transactional id for {@code subtask}'s transaction after checkpoint {@code checkpoint - 1}. */
    private String transactionalId(int subtask, long checkpoint) {
        return settings.transactionalIdPrefix + "-predictions-" + subtask + "-" + checkpoint;
    }

    /**
     * A producer with the transactional id {@code subtask}'s predictions writer uses after the checkpoint, holding one
     * prediction in a transaction it neither commits nor aborts (the broker keeps it open for 15 min).
     */
    private KafkaProducer<byte[], byte[]> lingering(int subtask, long checkpoint) throws Exception {
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(subtask, checkpoint),
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 900_000,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
        producer.initTransactions();
        producer.beginTransaction();
        Prediction p = new Prediction();
        p.requestId = "written-by-the-killed-subtask";
        p.userId = "7";
        p.movieTitle = "Heat (1995)";
        p.predictedRating = 3.5f;
        p.modelVersion = 1;
        producer.send(new ProducerRecord<>(settings.predictionsTopic, EventCodec.of(Prediction.class).encode(p))).get();
        producer.flush();
        assertThat(ongoingPredictionTransactions(subtask)).contains(transactionalId(subtask, checkpoint));
        return producer;
    }

    /**
     * The transactional ids of the predictions' sink, of subtask {@code fromSubtask} and up, whose transaction is open on
     * the broker (the connector's ids: {@code <prefix>-predictions-<subtask>-<n>}).
     */
    private List<String> ongoingPredictionTransactions(int fromSubtask) throws Exception {
        String prefix = settings.transactionalIdPrefix + "-predictions-";
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            return admin.listTransactions().all().get().stream()
                    .filter(t -> t.state() == TransactionState.ONGOING && t.transactionalId().startsWith(prefix))
                    .map(TransactionListing::transactionalId)
                    .filter(id -> Integer.parseInt(id.substring(prefix.length()).split("-")[0]) >= fromSubtask)
                    .toList();
        }
    }

    /** Sends rounds of requests, each once the job has read the previous one, until {@code done} holds. */
    private static void sendInRounds(FaultRequests requests, String prefix, BooleanSupplier done) {
        AtomicInteger round = new AtomicInteger();
        await("the condition to take the job down").atMost(DEADLINE).pollInSameThread().pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(1)).until(() -> {
                    if (done.getAsBoolean()) return true;
                    int r = round.getAndIncrement();
                    requests.send(prefix + r, ROUND);
                    long target = requests.sent().size();
                    await("the job read round " + r).atMost(DEADLINE).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                            .until(() -> SnapshotProbe.SEEN.get() >= target);
                    return done.getAsBoolean();
                });
    }

    /** Sends one request after another on a thread of its own until closed. */
    private static final class Trickle implements AutoCloseable {
        private final java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        private final java.util.concurrent.CompletableFuture<Integer> sending;

        Trickle(FaultRequests requests) {
            sending = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                int n = 0;
                while (!stop.get()) requests.send("trickle" + n++, 1); // waits for the broker: paced by it
                return n;
            }, task -> new Thread(task, "trickle").start()); // not the common pool, which may have one worker
        }

        @Override
        public void close() throws Exception {
            stop.set(true);
            sending.get(DEADLINE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private static void awaitTerminal(JobClient job) {
        await("the job ended").atMost(DEADLINE).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                .until(() -> job.getJobStatus().get().isGloballyTerminalState());
        assertThat(job.getJobStatus().join()).isIn(JobStatus.CANCELED, JobStatus.FINISHED);
    }

    private static Path latestRetainedCheckpoint(Path jobDir) throws IOException {
        try (Stream<Path> dirs = Files.list(jobDir)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("chk-") && Files.isRegularFile(d.resolve("_metadata")))
                    .max((a, b) -> Long.compare(number(a), number(b)))
                    .orElseThrow(() -> new AssertionError("no retained checkpoint in " + jobDir));
        }
    }

    private static long number(Path chk) {
        return Long.parseLong(chk.getFileName().toString().substring("chk-".length()));
    }

    static void assertExactlyOnce(Map<String, Integer> counts, Set<String> sent) {
        assertThat(counts.keySet()).as("no loss: a prediction for every request, and none for anything else").isEqualTo(sent);
        assertThat(counts.entrySet()).as("no duplicate").allSatisfy(e -> assertThat(e.getValue()).as(e.getKey()).isEqualTo(1));
    }
}

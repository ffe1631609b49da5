package dev.marquee.job.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.marquee.data.event.DeadLetter;
import dev.marquee.data.event.DriftReport;
import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.Rating;
import dev.marquee.data.json.EventCodec;
import dev.marquee.data.parse.BadInputCatalog;
import dev.marquee.data.parse.DeadLetters;
import dev.marquee.data.replay.RequestEncoder;
import dev.marquee.infra.testing.KafkaBrokerExtension;
import dev.marquee.job.ScoringJob;
import dev.marquee.job.config.DeliveryGuarantee;
import dev.marquee.job.config.JobSettings;
import dev.marquee.job.pipeline.SharedMiniCluster;
import dev.marquee.job.score.KafkaModelUpdates;
import dev.marquee.job.sink.KafkaConnections;
import dev.marquee.job.source.RawRecord;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.testing.TestModels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The scoring job end to end on a real broker with a real SavedModel, for what needs Kafka: every request read
 * from real partitions ends as exactly one prediction or exactly one dead letter at its real position, and the
 * counts add up, in both delivery modes; exactly-once survives a failure. What the outcomes hold (fields, codes,
 * catalog titles, the same answer as {@code marquee predict}) is checked without a broker in
 * {@link dev.marquee.job.pipeline.ScoringPipelineTest}.
 */
class ScoringJobITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final SharedMiniCluster FLINK = new SharedMiniCluster();

    private static final int VALID = 3_000;
    private static final int COPIES_OF_EACH_BAD_KIND = 2;
    private static final int RECOVERY_ROUND = 200;
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    @TempDir
    static Path registryDir;
    private static ModelRegistry registry;
    private static List<Rating> rows;

    @BeforeAll
    static void trainAModel() throws Exception {
        registry = new ModelRegistry(registryDir);
        rows = TestModels.data(11);
        assertThat(TestModels.publish(registry, rows, 11)).isEqualTo(1);
    }

    /** A bad record as sent, and where it landed. */
    private static final class Sent {
        final BadInputCatalog.Case kind;
        Future<RecordMetadata> where;

        Sent(BadInputCatalog.Case kind) {
            this.kind = kind;
        }
    }

    @ParameterizedTest
    @EnumSource(DeliveryGuarantee.class)
    void everyRequestEndsAsExactlyOnePredictionOrOneDeadLetter(DeliveryGuarantee delivery) throws Exception {
        String requests = KAFKA.createTopic("requests", 2);
        String predictions = KAFKA.createTopic("predictions", 2);
        String deadLetters = KAFKA.createTopic("dlq", 2);
        String updates = KAFKA.createTopic("updates", 1);
        String statuses = KAFKA.createTopic("status", 1);

        // Bad kinds Kafka can carry with its default 1 MB record limit.
        List<BadInputCatalog.Case> kinds = new ArrayList<>();
        for (BadInputCatalog.Case c : BadInputCatalog.all()) {
            if (c.payload == null || c.payload.length < 900_000) kinds.add(c);
        }
        List<Sent> bad = new ArrayList<>();
        Map<String, Rating> valid = new HashMap<>();
        RequestEncoder encoder = new RequestEncoder();
        // Producers compress as they please: the requests arrive in batches of each codec Kafka has, which the job's
        // consumer must undo (snappy and zstd through native libraries of their own).
        List<KafkaProducer<byte[], byte[]>> producers = new ArrayList<>();
        try {
            for (String codec : List.of("none", "gzip", "snappy", "lz4", "zstd")) {
                Properties props = producerProps();
                props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec);
                producers.add(new KafkaProducer<>(props));
            }
            int badTotal = kinds.size() * COPIES_OF_EACH_BAD_KIND;
            int every = VALID / badTotal;
            int b = 0;
            for (int i = 0; i < VALID; i++) {
                KafkaProducer<byte[], byte[]> producer = producers.get(i % producers.size());
                Rating r = rows.get(i % rows.size());
                String id = "v-" + i;
                valid.put(id, r);
                producer.send(new ProducerRecord<>(requests, r.userId.getBytes(), encoder.single(id, r)));
                if (i % every == 0 && b < badTotal) {
                    Sent s = new Sent(kinds.get(b++ % kinds.size()));
                    s.where = producer.send(new ProducerRecord<>(requests, null, s.kind.payload));
                    bad.add(s);
                }
            }
            for (KafkaProducer<byte[], byte[]> producer : producers) producer.flush();
        } finally {
            for (KafkaProducer<byte[], byte[]> producer : producers) producer.close();
        }
        assertThat(bad).hasSizeGreaterThanOrEqualTo(40);

        Map<String, String> values = new java.util.HashMap<>(Map.of(
                JobSettings.BOOTSTRAP, KAFKA.bootstrapServers(),
                JobSettings.TOPIC_REQUESTS, requests,
                JobSettings.TOPIC_PREDICTIONS, predictions,
                JobSettings.TOPIC_DEAD_LETTERS, deadLetters,
                JobSettings.TOPIC_MODEL_UPDATES, updates,
                JobSettings.TOPIC_MODEL_STATUS, statuses,
                JobSettings.DELIVERY, delivery == DeliveryGuarantee.EXACTLY_ONCE ? "exactly-once" : "at-least-once",
                JobSettings.TRANSACTIONAL_ID_PREFIX, "it-" + requests,
                JobSettings.CHECKPOINT_INTERVAL_MS, "500",
                JobSettings.MODEL_REGISTRY, registryDir.toString()));
        values.put(JobSettings.TOPIC_DRIFT, KAFKA.createTopic("drift", 1)); // never the real drift-metrics of a shared broker
        JobSettings settings = JobSettings.from(values);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        ScoringJob.configure(env, settings);
        DataStream<RawRecord> in = env.fromSource(KafkaConnections.requestSource(settings, true),
                WatermarkStrategy.noWatermarks(), "requests").uid("source-rating-requests");
        ScoringJob.buildToKafka(env, settings, in, KafkaModelUpdates.fromEarliest(settings));
        env.execute("scoring " + delivery);

        // Predictions: exactly one per valid request.
        EventCodec<Prediction> predictionCodec = EventCodec.of(Prediction.class);
        Map<String, Prediction> byId = new HashMap<>();
        int predictionCount = 0;
        try (TopicReader reader = new TopicReader(KAFKA, predictions)) {
            for (ConsumerRecord<byte[], byte[]> rec : reader.readAtLeast(VALID, DEADLINE)) {
                Prediction p = predictionCodec.decode(rec.value());
                predictionCount++;
                assertThat(byId.put(p.requestId, p)).as("duplicate prediction for %s", p.requestId).isNull();
            }
        }
        assertThat(predictionCount).isEqualTo(VALID);
        assertThat(byId.keySet()).isEqualTo(valid.keySet());

        // Dead letters: exactly one per bad record, at the partition and offset the broker gave it, with its code and
        // its original bytes.
        Map<String, Sent> badByPosition = new HashMap<>();
        for (Sent s : bad) {
            RecordMetadata m = s.where.get();
            badByPosition.put(m.partition() + "@" + m.offset(), s);
        }
        EventCodec<DeadLetter> deadCodec = EventCodec.of(DeadLetter.class);
        Map<String, DeadLetter> deadByPosition = new HashMap<>();
        int deadCount = 0;
        try (TopicReader reader = new TopicReader(KAFKA, deadLetters)) {
            for (ConsumerRecord<byte[], byte[]> rec : reader.readAtLeast(bad.size(), DEADLINE)) {
                DeadLetter d = deadCodec.decode(rec.value());
                deadCount++;
                assertThat(deadByPosition.put(d.source.partition + "@" + d.source.offset, d)).as("duplicate dead letter").isNull();
            }
        }
        assertThat(deadCount).isEqualTo(bad.size());
        assertThat(deadByPosition.keySet()).isEqualTo(badByPosition.keySet());
        for (Map.Entry<String, DeadLetter> e : deadByPosition.entrySet()) {
            BadInputCatalog.Case kind = badByPosition.get(e.getKey()).kind;
            DeadLetter d = e.getValue();
            assertThat(d.errorCode).as(kind.name).isEqualTo(kind.expected);
            assertThat(d.source.topic).isEqualTo(requests);
            if (kind.payload == null) {
                assertThat(d.payload).isNull();
            } else if (!d.payloadTruncated) {
                assertThat(DeadLetters.payloadBytes(d)).as(kind.name).isEqualTo(kind.payload);
            }
        }
        assertThat(predictionCount + deadCount).isEqualTo(VALID + bad.size());
    }

    /**
     * A failure inside the job after a checkpoint completed, with records read since: Flink restarts the job from that
     * checkpoint, the records read after it are read again, and their predictions, whose transactions were not
     * committed, are written once.
     */
    @org.junit.jupiter.api.Test
    void exactlyOnceRecoversFromAnInjectedFailureWithNoDuplicateAndNoGap() throws Exception {
        String requests = KAFKA.createTopic("requests", 2);
        String predictions = KAFKA.createTopic("predictions", 2);
        String drift = KAFKA.createTopic("drift-metrics", 1);
        Map<String, String> values = new HashMap<>(Map.of(
                JobSettings.BOOTSTRAP, KAFKA.bootstrapServers(),
                JobSettings.TOPIC_REQUESTS, requests,
                JobSettings.TOPIC_PREDICTIONS, predictions,
                JobSettings.TOPIC_DEAD_LETTERS, KAFKA.createTopic("dlq", 1),
                JobSettings.TOPIC_MODEL_STATUS, KAFKA.createTopic("status", 1),
                JobSettings.GROUP_ID, "scoring-" + requests,
                JobSettings.DELIVERY, "exactly-once",
                JobSettings.TRANSACTIONAL_ID_PREFIX, "it-" + requests,
                JobSettings.CHECKPOINT_INTERVAL_MS, "300",
                JobSettings.MODEL_REGISTRY, registryDir.toString()));
        // Windows of a round's size that only a record count ends: never an empty (idle) one; the first to end after
        // the restore says it follows a failover.
        values.put(JobSettings.TOPIC_DRIFT, drift);
        values.put("drift.window.records", Integer.toString(RECOVERY_ROUND));
        values.put("drift.window.ms", "600000");
        values.put("drift.partial.records", "50");
        values.put("drift.min-records", Integer.toString(RECOVERY_ROUND));
        JobSettings settings = JobSettings.from(values);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        ScoringJob.configure(env, settings);
        org.apache.flink.configuration.Configuration restart = new org.apache.flink.configuration.Configuration();
        restart.set(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        restart.set(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        restart.set(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        env.configure(restart);
        FailOnce.reset();
        SnapshotProbe.reset();
        DataStream<RawRecord> in = env.fromSource(KafkaConnections.requestSource(settings), WatermarkStrategy.noWatermarks(),
                        "requests").uid("source-rating-requests")
                .map(new SnapshotProbe()).name("snapshot probe").uid("snapshot-probe")
                .map(new FailOnce(RECOVERY_ROUND)).name("inject failure").uid("inject-failure");
        ScoringJob.buildToKafka(env, settings, in, KafkaModelUpdates.fromEarliest(settings));
        JobClient job = env.executeAsync("exactly-once with a failure");
        try (FaultRequests sender = new FaultRequests(KAFKA.bootstrapServers(), requests, rows);
             PredictionCounts counts = new PredictionCounts(KAFKA.bootstrapServers(), predictions)) {
            AtomicInteger round = new AtomicInteger();
            await("the failure, after a checkpoint with records read since").atMost(DEADLINE).pollInSameThread()
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() -> {
                        if (FailOnce.FAILED.get()) return true;
                        sender.send("before-" + round.getAndIncrement(), RECOVERY_ROUND);
                        long target = sender.sent().size();
                        await("the job read the round").atMost(DEADLINE).pollDelay(Duration.ZERO)
                                .pollInterval(Duration.ofMillis(10))
                                .until(() -> FailOnce.FAILED.get() || SnapshotProbe.SEEN.get() >= target);
                        return FailOnce.FAILED.get();
                    });
            sender.send("after", RECOVERY_ROUND);
            Map<String, Integer> seen = counts.awaitAll(sender.sent(), DEADLINE);
            assertThat(SnapshotProbe.RESTORED_FROM.get()).as("restored from the checkpoint before the failure")
                    .isGreaterThanOrEqualTo(FailOnce.FAILED_AFTER_CHECKPOINT.get()).isPositive();
            CheckpointRestoreFaultITCase.assertExactlyOnce(seen, sender.sent());
            // the record the failure came on (at least) was read after that checkpoint: read again, predicted once
            assertThat(SnapshotProbe.SEEN.get()).as("records read in all").isGreaterThan(sender.sent().size());
            sender.send("drift", RECOVERY_ROUND); // a window's worth more: two windows at least end after the restore
            assertOneReportFollowsTheFailover(drift);
        } finally {
            Jobs.stopIfRunning(job);
        }
    }

    /**
     * The drift window restored from the checkpoint flags its first report (the retrain trigger then keeps counting
     * drifted windows across the restart instead of taking the restart for a gap in the traffic); no other report is
     * flagged. The failed attempt's reports after the checkpoint were never committed.
     */
    private static void assertOneReportFollowsTheFailover(String drift) {
        EventCodec<DriftReport> codec = EventCodec.of(DriftReport.class);
        List<DriftReport> reports = new ArrayList<>();
        try (TopicReader reader = new TopicReader(KAFKA, drift)) {
            List<ConsumerRecord<byte[], byte[]>> read;
            try {
                // and a report after the flagged one, which must not be flagged
                read = reader.readUntil(all -> all.stream().dropWhile(r -> !codec.decode(r.value()).afterFailover)
                        .count() >= 2, DEADLINE);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                read = reader.readFor(Duration.ZERO);
            }
            for (ConsumerRecord<byte[], byte[]> r : read) reports.add(codec.decode(r.value()));
        }
        assertThat(reports).as("drift reports").filteredOn(r -> r.afterFailover).hasSize(1);
        assertThat(reports.stream().dropWhile(r -> !r.afterFailover).count())
                .as("a report after the flagged one (the restored window goes on reporting)\n%s", reports).isGreaterThanOrEqualTo(2);
        List<Long> sequences = reports.stream().map(r -> r.sequence).toList();
        assertThat(sequences).as("one run, numbered without a gap or a repeat (the failed attempt's after the"
                + " checkpoint aborted)").isEqualTo(java.util.stream.LongStream.rangeClosed(1, reports.size()).boxed().toList());
    }

    private static Properties producerProps() {
        Properties p = KAFKA.producerProps();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return p;
    }
}

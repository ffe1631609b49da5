package dev.marquee.job.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.marquee.data.event.Rating;
import dev.marquee.infra.testing.SecuredKafka;
import dev.marquee.job.ScoringJob;
import dev.marquee.job.config.JobSettings;
import dev.marquee.job.pipeline.SharedMiniCluster;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.testing.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scoring job, exactly-once with labels on, run as a principal granted exactly what docs/OPERATIONS.md's "Kafka
 * ACLs" lists for it (its example commands), on a broker that signs clients in over TLS (SASL_SSL: the job's Kafka
 * settings carry the trust store as `kafka.property.ssl.*`, as on a managed Kafka service) and enforces ACLs: every request ends
 * in a committed prediction or dead letter, labels join, a version announced on model-updates is loaded and reported,
 * and drift reports are written. A grant the docs forget fails here.
 */
class ScoringJobAclITCase {
    @RegisterExtension
    static final SharedMiniCluster FLINK = new SharedMiniCluster();

    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final String JOB = "scoring";
    private static final List<String> READ = List.of("rating-requests", "ratings", "model-updates");
    private static final List<String> WRITTEN = List.of("predictions", "rating-requests-dlq", "model-status",
            "drift-metrics", "labeled-predictions");
    private static SecuredKafka kafka;

    @TempDir
    static Path registryDir;

    @BeforeAll
    static void brokerWithTheDocumentedGrants() throws Exception {
        kafka = SecuredKafka.startOverTls(JOB);
        for (String topic : READ) {
            kafka.createTopic(topic, 1);
            kafka.allow(JOB, topic, AclOperation.READ, AclOperation.DESCRIBE);
        }
        for (String topic : WRITTEN) {
            kafka.createTopic(topic, 1);
            kafka.allow(JOB, topic, AclOperation.WRITE, AclOperation.DESCRIBE);
        }
        kafka.allow(JOB, ResourceType.GROUP, "marquee-scoring", PatternType.PREFIXED, AclOperation.READ);
        kafka.allow(JOB, ResourceType.TRANSACTIONAL_ID, "marquee-scoring-", PatternType.PREFIXED,
                AclOperation.WRITE, AclOperation.DESCRIBE);
    }

    @AfterAll
    static void stop() {
        if (kafka != null) kafka.close();
    }

    /** The listener is TLS indeed: a client that does not trust the broker's certificate is refused in the handshake. */
    @Test
    void aClientWithoutTheTrustStoreIsRefused() {
        Properties untrusting = kafka.clientProps(JOB);
        untrusting.keySet().removeIf(k -> ((String) k).startsWith("ssl.truststore"));
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(untrusting)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> admin.listTopics().names().get())
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.SslAuthenticationException.class);
        }
    }

    @Test
    void theJobRunsWithTheGrantsTheDocsList() throws Exception {
        List<Rating> rows = TestModels.data(21);
        assertThat(TestModels.publish(new ModelRegistry(registryDir), rows, 21)).isEqualTo(1);
        Map<String, String> settings = new HashMap<>(Map.of(
                JobSettings.BOOTSTRAP, kafka.bootstrapServers(),
                JobSettings.MODEL_REGISTRY, registryDir.toString(),
                JobSettings.DELIVERY, "exactly-once",
                JobSettings.CHECKPOINT_INTERVAL_MS, "500"));
        kafka.clientProps(JOB).forEach((k, v) -> {
            if (!k.equals("bootstrap.servers")) settings.put(JobSettings.KAFKA_PROPERTY_PREFIX + k, (String) v);
        });
        JobSettings s = JobSettings.from(settings);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        ScoringJob.buildWithKafka(env, s);
        JobClient job = env.executeAsync("scoring under ACLs");
        Properties admin = kafka.clientProps(SecuredKafka.ADMIN);
        try (FaultRequests requests = new FaultRequests(admin, "rating-requests", rows);
             PredictionCounts predictions = new PredictionCounts(admin, "predictions");
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(admin, new ByteArraySerializer(),
                     new ByteArraySerializer())) {
            requests.send("acl", 200);
            producer.send(new ProducerRecord<>("rating-requests", "not json".getBytes(StandardCharsets.UTF_8))).get();
            CheckpointRestoreFaultITCase.assertExactlyOnce(predictions.awaitAll(requests.sent(), DEADLINE), requests.sent());

            // labels for the first requests, by their ids: the labels' source reads as the job's group
            for (int i = 0; i < 10; i++) {
                Rating r = rows.get(Math.floorMod(("acl-" + i).hashCode(), rows.size()));
                String label = "{\"user_id\":\"" + r.userId + "\",\"movie_title\":\"" + r.movieTitle.replace("\"", "\\\"")
                        + "\",\"rating\":4,\"timestamp\":" + r.timestamp + ",\"request_id\":\"acl-" + i + "\"}";
                producer.send(new ProducerRecord<>("ratings", label.getBytes(StandardCharsets.UTF_8))).get();
            }
            // a new version announced on model-updates: each slot reads it and reports the load on model-status
            ModelRegistry registry = new ModelRegistry(registryDir);
            long two = TestModels.publishCopy(registry, registry.versionDir(TestModels.NAME, 1), false);
            producer.send(new ProducerRecord<>("model-updates", 0, TestModels.NAME.getBytes(StandardCharsets.UTF_8),
                    dev.marquee.data.json.EventCodec.of(dev.marquee.data.event.ModelUpdate.class).encode(
                            new dev.marquee.data.event.ModelUpdate(TestModels.NAME, two,
                                    registry.versionDir(TestModels.NAME, two).toString(), System.currentTimeMillis())))).get();
            Map<String, Integer> written = new ConcurrentHashMap<>();
            try {
                await("a committed record on each topic the job writes").atMost(DEADLINE).until(() -> {
                    for (String topic : WRITTEN) written.put(topic, committedRecords(admin, topic));
                    return written.values().stream().allMatch(n -> n > 0);
                });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("committed records by topic: " + written, e);
            }
            assertThat(written.get("rating-requests-dlq")).as("the one record that is no request").isEqualTo(1);
        } finally {
            Jobs.stopIfRunning(job);
        }
    }

    /** Committed records on the topic now (read_committed, from the start to its end). */
    private static int committedRecords(Properties admin, String topic) {
        Properties props = new Properties();
        props.putAll(admin);
        props.put("isolation.level", "read_committed");
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            TopicPartition p = new TopicPartition(topic, 0);
            consumer.assign(List.of(p));
            consumer.seekToBeginning(List.of(p));
            long end = consumer.endOffsets(List.of(p), Duration.ofSeconds(10)).get(p);
            int n = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (consumer.position(p) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> ignored : consumer.poll(Duration.ofMillis(200))) n++;
            }
            return n;
        }
    }
}

package dev.marquee.job.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.marquee.data.event.ModelStatus;
import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.Rating;
import dev.marquee.data.json.EventCodec;
import dev.marquee.data.replay.RequestEncoder;
import dev.marquee.data.testing.Prerequisites;
import dev.marquee.infra.testing.KafkaBrokerExtension;
import dev.marquee.job.ScoringJob;
import dev.marquee.job.config.JobSettings;
import dev.marquee.job.pipeline.SharedMiniCluster;
import dev.marquee.job.score.KafkaModelUpdates;
import dev.marquee.job.sink.KafkaConnections;
import dev.marquee.model.ModelImporter;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.testing.TestModels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new model version is swapped into the running job in place; a corrupt one is refused and the old keeps serving;
 * a version imported from Python (the shared Keras model) is swapped in like any other. (An imported version with
 * an integer user id is served without a broker: {@link dev.marquee.job.pipeline.ImportedModelPipelineTest}.)
 */
class ModelSwapITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final SharedMiniCluster FLINK = new SharedMiniCluster();

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path registryDir;

    private final RequestEncoder encoder = new RequestEncoder();
    private final EventCodec<Prediction> predictionCodec = EventCodec.of(Prediction.class);
    private final EventCodec<ModelUpdate> updateCodec = EventCodec.of(ModelUpdate.class);
    private final EventCodec<ModelStatus> statusCodec = EventCodec.of(ModelStatus.class);

    @Test
    void aNewVersionIsServedWithinSecondsAndACorruptOneIsRefused() throws Exception {
        ModelRegistry registry = new ModelRegistry(registryDir);
        List<Rating> rows = TestModels.data(5);
        assertThat(TestModels.publish(registry, rows, 5)).isEqualTo(1);

        String requests = KAFKA.createTopic("requests", 2);
        String predictions = KAFKA.createTopic("predictions", 2);
        String updates = KAFKA.createTopic("updates", 1);
        String statuses = KAFKA.createTopic("status", 1);
        String deadLetters = KAFKA.createTopic("dlq", 1);
        JobSettings s = JobSettings.from(Map.of(
                JobSettings.BOOTSTRAP, KAFKA.bootstrapServers(),
                JobSettings.TOPIC_REQUESTS, requests,
                JobSettings.TOPIC_PREDICTIONS, predictions,
                JobSettings.TOPIC_MODEL_UPDATES, updates,
                JobSettings.TOPIC_MODEL_STATUS, statuses,
                JobSettings.TOPIC_DEAD_LETTERS, deadLetters,
                JobSettings.TOPIC_DRIFT, KAFKA.createTopic("drift", 1),
                JobSettings.CHECKPOINT_INTERVAL_MS, "1000",
                JobSettings.MODEL_REGISTRY, registryDir.toString()));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        ScoringJob.configure(env, s);
        ScoringJob.buildToKafka(env, s,
                env.fromSource(KafkaConnections.requestSource(s), WatermarkStrategy.noWatermarks(), "requests"),
                KafkaModelUpdates.fromEarliest(s));
        JobClient job = env.executeAsync("model swap");

        Map<String, Prediction> seen = new HashMap<>();
        Set<String> sent = new HashSet<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps());
             TopicReader predictionReader = new TopicReader(KAFKA, predictions);
             TopicReader statusReader = new TopicReader(KAFKA, statuses)) {
            // Version 1 serves.
            sendBatch(producer, requests, rows, "a", 1_000, sent);
            awaitAll(predictionReader, sent, seen);
            assertThat(seen.values()).allMatch(p -> p.modelVersion == 1);

            // Version 2 is published and announced: predictions switch to it within seconds.
            long v2 = TestModels.publish(registry, rows, 6);
            long announced = System.nanoTime();
            send(producer, updates, updateCodec.encode(new ModelUpdate(TestModels.NAME, v2, TestModels.versionDir(registry, v2).toString(), System.currentTimeMillis())));
            AtomicInteger round = new AtomicInteger();
            await("a prediction by version " + v2).atMost(DEADLINE).pollInSameThread().pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(1)).until(() -> {
                        sendBatch(producer, requests, rows, "b" + round.getAndIncrement(), 100, sent);
                        predictionReader.readFor(Duration.ofMillis(300)).forEach(rec -> record(rec, seen));
                        return seen.values().stream().anyMatch(p -> p.modelVersion == v2);
                    });
            double switchSeconds = (System.nanoTime() - announced) / 1e9;
            System.out.printf("ModelSwapITCase: predictions switched to version %d %.1f s after the update was sent%n", v2, switchSeconds);
            // each slot first said what it served from its start, then the swap
            assertThat(statuses(statusReader, 4).subList(0, 2)).allSatisfy(st -> {
                assertThat(st.version).isEqualTo(1);
                assertThat(st.status).isEqualTo(ModelStatus.LOADED);
                assertThat(st.reason).startsWith("served from the slot's start");
            });
            assertThat(statuses(statusReader, 4).subList(2, 4)).allSatisfy(st -> {
                assertThat(st.version).isEqualTo(v2);
                assertThat(st.status).isEqualTo(ModelStatus.LOADED);
            });

            // A corrupt version 3 is refused by every slot; version 2 keeps serving.
            long v3 = TestModels.publishCorrupt(registry);
            send(producer, updates, updateCodec.encode(new ModelUpdate(TestModels.NAME, v3, TestModels.versionDir(registry, v3).toString(), System.currentTimeMillis())));
            List<ModelStatus> refused = statuses(statusReader, 6).subList(4, 6);
            assertThat(refused).allSatisfy(st -> {
                assertThat(st.version).isEqualTo(v3);
                assertThat(st.status).isEqualTo(ModelStatus.REFUSED);
                assertThat(st.reason).isNotBlank();
                assertThat(st.servingVersion).isEqualTo(v2);
            });
            Set<String> after = new HashSet<>();
            sendBatch(producer, requests, rows, "c", 1_000, after);
            sent.addAll(after);
            awaitAll(predictionReader, sent, seen);
            assertThat(after).allSatisfy(id -> assertThat(seen.get(id).modelVersion).isEqualTo(v2));

            // A version made elsewhere (the series' Keras model, imported) is swapped in like any other.
            Path keras = Path.of("../../shared/models/series-keras/1");
            if (Prerequisites.presentOrFailInCi(java.nio.file.Files.isRegularFile(keras.resolve("saved_model.pb")),
                    "no ../shared/models/series-keras/1: the imported-version swap cannot run")) {
                long v4 = new ModelImporter(registry, TestModels.NAME, line -> { }).importModel(
                        new ModelImporter.Request(keras, "serving_default", "user_id", "movie_title", "timestamp",
                                "output_3", null),
                        new ModelImporter.Data("generated data (synthetic, seed 5)", "rows", "all", rows, List.of(), List.of()));
                send(producer, updates, updateCodec.encode(new ModelUpdate(TestModels.NAME, v4,
                        TestModels.versionDir(registry, v4).toString(), System.currentTimeMillis())));
                assertThat(statuses(statusReader, 8).subList(6, 8)).allSatisfy(st -> {
                    assertThat(st.version).isEqualTo(v4);
                    assertThat(st.status).isEqualTo(ModelStatus.LOADED);
                });
                Set<String> imported = new HashSet<>();
                sendBatch(producer, requests, rows, "d", 500, imported);
                sent.addAll(imported);
                awaitAll(predictionReader, sent, seen);
                assertThat(imported).allSatisfy(id -> {
                    assertThat(seen.get(id).modelVersion).isEqualTo(v4);
                    assertThat(seen.get(id).output3[0]).isBetween(0f, 6f);
                });
            } else {
                System.out.println("ModelSwapITCase: no ../shared/models/series-keras/1: the imported-version swap is skipped");
            }

            // Nothing was lost on the way: every request sent has its prediction.
            assertThat(seen.keySet()).containsAll(sent);
            // and nothing came twice, or as a dead letter too, across the swaps (the map above keeps one per id)
            Map<String, Long> perRequest = predictionReader.readToEnd(DEADLINE).stream().collect(Collectors.groupingBy(
                    rec -> predictionCodec.decode(rec.value()).requestId, Collectors.counting()));
            assertThat(perRequest).as("predictions per request").hasSize(sent.size())
                    .allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1L));
            try (TopicReader deadLetterReader = new TopicReader(KAFKA, deadLetters)) {
                assertThat(deadLetterReader.readToEnd(DEADLINE)).as("dead letters").isEmpty();
            }
            // and no swap failed a slot: a restart would re-read and hide it (the map above keeps one per id)
            assertThat(SharedMiniCluster.metricSum(job.getJobID(), "numRestarts")).as("never restarted").isZero();
        } finally {
            Jobs.stopIfRunning(job);
        }
    }

    private void sendBatch(KafkaProducer<byte[], byte[]> producer, String topic, List<Rating> rows, String prefix, int n, Set<String> ids) {
        for (int i = 0; i < n; i++) {
            Rating r = rows.get(((prefix.hashCode() & 0xffff) + i) % rows.size());
            String id = prefix + "-" + i;
            ids.add(id);
            producer.send(new ProducerRecord<>(topic, r.userId.getBytes(), encoder.single(id, r)));
        }
        producer.flush();
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topic, value)).get();
    }

    private void record(ConsumerRecord<byte[], byte[]> rec, Map<String, Prediction> seen) {
        Prediction p = predictionCodec.decode(rec.value());
        seen.put(p.requestId, p);
    }

    private void awaitAll(TopicReader reader, Set<String> ids, Map<String, Prediction> seen) {
        reader.readUntil(all -> {
            all.forEach(rec -> record(rec, seen));
            return seen.keySet().containsAll(ids);
        }, DEADLINE);
        assertThat(seen.keySet()).as("predictions before the deadline").containsAll(ids);
    }

    private List<ModelStatus> statuses(TopicReader reader, int atLeast) {
        List<ConsumerRecord<byte[], byte[]>> all = reader.readUntil(recs -> recs.size() >= atLeast, DEADLINE);
        assertThat(all).as("model status records").hasSizeGreaterThanOrEqualTo(atLeast);
        return all.stream().map(rec -> statusCodec.decode(rec.value())).collect(java.util.stream.Collectors.toList());
    }

    private static Properties producerProps() {
        Properties p = KAFKA.producerProps();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }
}

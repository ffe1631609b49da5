package dev.marquee.job.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.DeadLetter;
import dev.marquee.data.event.ErrorCode;
import dev.marquee.data.event.ModelStatus;
import dev.marquee.data.event.ModelUpdate;
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
import dev.marquee.job.score.ParseModelUpdates;
import dev.marquee.job.sink.KafkaConnections;
import dev.marquee.job.source.RawRecord;
import dev.marquee.job.source.RawRecordDeserializer;
import dev.marquee.model.ModelRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
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
 * The scoring job end to end on a real broker and a 2-slot MiniCluster with a real SavedModel: every request
 * ends as exactly one prediction or exactly one dead letter, and the counts add up, in both delivery modes.
 */
class ScoringJobITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final int VALID = 10_000;
    private static final int COPIES_OF_EACH_BAD_KIND = 4;
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
        assertThat(kinds.stream().map(c -> c.expected).distinct().count()).isGreaterThanOrEqualTo(15);
        assertThat(kinds).hasSizeGreaterThanOrEqualTo(20);

        List<Sent> bad = new ArrayList<>();
        Map<String, Rating> valid = new HashMap<>();
        Map<String, String> respelt = new HashMap<>();
        RequestEncoder encoder = new RequestEncoder();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps())) {
            int badTotal = kinds.size() * COPIES_OF_EACH_BAD_KIND;
            int every = VALID / badTotal;
            int b = 0;
            for (int i = 0; i < VALID; i++) {
                Rating r = rows.get(i % rows.size());
                if (i % 97 == 0) r = new Rating("unseen-user-" + i, r.movieTitle, r.rating, r.timestamp);
                String id = "v-" + i;
                if (i % 89 == 1) { // spelt as another catalog might: scored as the catalog title, and says so
                    respelt.put(id, r.movieTitle);
                    r = new Rating(r.userId, r.movieTitle.toLowerCase(java.util.Locale.ROOT), r.rating, r.timestamp);
                }
                valid.put(id, r);
                producer.send(new ProducerRecord<>(requests, r.userId.getBytes(), encoder.single(id, r)));
                if (i % every == 0 && b < badTotal) {
                    Sent s = new Sent(kinds.get(b++ % kinds.size()));
                    s.where = producer.send(new ProducerRecord<>(requests, null, s.kind.payload));
                    bad.add(s);
                }
            }
            producer.flush();
        }
        assertThat(bad).hasSizeGreaterThanOrEqualTo(200);

        JobSettings settings = JobSettings.from(Map.of(
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
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        ScoringJob.configure(env, settings);
        DataStream<RawRecord> in = env.fromSource(KafkaConnections.requestSource(settings, true),
                WatermarkStrategy.noWatermarks(), "requests").uid("source-rating-requests");
        DataStream<ModelUpdate> modelUpdates = env.fromSource(boundedUpdates(updates), WatermarkStrategy.noWatermarks(), "updates")
                .flatMap(new ParseModelUpdates());
        ScoringJob.buildToKafka(env, settings, in, modelUpdates);
        env.execute("scoring " + delivery);

        // Predictions: exactly one per valid request, right id, a rating in [1, 5], from version 1.
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
        int respeltKnown = 0;
        for (Map.Entry<String, Prediction> e : byId.entrySet()) {
            Prediction p = e.getValue();
            Rating r = valid.get(e.getKey());
            assertThat(p.userId).isEqualTo(r.userId);
            assertThat(p.movieTitle).isEqualTo(r.movieTitle);
            assertThat(p.predictedRating).isBetween(1f, 5f);
            assertThat(p.output3).containsExactly(p.predictedRating);
            assertThat(p.modelVersion).isEqualTo(1);
            assertThat(p.oovUserId).isEqualTo(r.userId.startsWith("unseen-user-"));
            if (Boolean.FALSE.equals(p.oovMovieTitle)) {
                assertThat(p.catalogTitle).isEqualTo(respelt.getOrDefault(e.getKey(), r.movieTitle));
                assertThat(p.titleMatch).isEqualTo(respelt.containsKey(e.getKey()) ? "canonical" : "exact");
                if (respelt.containsKey(e.getKey())) respeltKnown++;
            } else {
                assertThat(p.catalogTitle).isNull();
                assertThat(p.titleMatch).isEqualTo("none");
            }
        }
        assertThat(respeltKnown).as("respelt titles the model knows").isGreaterThan(10);

        // Dead letters: exactly one per bad record, with its code and its original bytes.
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
        assertSameAsPredictCommand(byId, valid);
        assertThat(deadByPosition.values().stream().map(d -> d.errorCode).distinct().count())
                .isGreaterThanOrEqualTo(15).isLessThanOrEqualTo(ErrorCode.values().length);
    }

    /** The job's predictions equal, to float tolerance, what {@code marquee predict} answers for the same rows. */
    private static void assertSameAsPredictCommand(Map<String, Prediction> byId, Map<String, Rating> valid) throws Exception {
        List<String> ids = byId.keySet().stream().sorted().limit(300).collect(java.util.stream.Collectors.toList());
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        var instances = json.createArrayNode();
        for (String id : ids) {
            Rating r = valid.get(id);
            instances.addObject().put("user_id", r.userId).put("movie_title", r.movieTitle).put("timestamp", r.timestamp);
        }
        var request = json.createObjectNode().put("signature_name", "serving_default");
        request.set("instances", instances);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int code = dev.marquee.model.cli.ModelMain.run(
                new String[] {"predict", "--registry", registryDir.toString(), "--name", TestModels.NAME, "--version", "1"},
                new dev.marquee.model.cli.Console(new java.io.ByteArrayInputStream(json.writeValueAsBytes(request)),
                        new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
                        new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8), Map.of(), registryDir));
        assertThat(code).as(err.toString(java.nio.charset.StandardCharsets.UTF_8)).isZero();
        var predictions = json.readTree(out.toByteArray()).get("predictions");
        assertThat(predictions).hasSize(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            float cli = (float) predictions.get(i).get("output_3").get(0).asDouble();
            assertThat(byId.get(ids.get(i)).predictedRating).as(ids.get(i)).isCloseTo(cli, org.assertj.core.data.Offset.offset(1e-5f));
        }
    }

    @org.junit.jupiter.api.Test
    void exactlyOnceRecoversFromAnInjectedFailureWithNoDuplicateAndNoGap() throws Exception {
        String requests = KAFKA.createTopic("requests", 2);
        String predictions = KAFKA.createTopic("predictions", 2);
        Map<String, Rating> valid = new HashMap<>();
        Map<String, String> respelt = new HashMap<>();
        RequestEncoder encoder = new RequestEncoder();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps())) {
            for (int i = 0; i < VALID; i++) {
                Rating r = rows.get(i % rows.size());
                valid.put("e-" + i, r);
                producer.send(new ProducerRecord<>(requests, r.userId.getBytes(), encoder.single("e-" + i, r)));
            }
            producer.flush();
        }
        JobSettings settings = JobSettings.from(Map.of(
                JobSettings.BOOTSTRAP, KAFKA.bootstrapServers(),
                JobSettings.TOPIC_REQUESTS, requests,
                JobSettings.TOPIC_PREDICTIONS, predictions,
                JobSettings.TOPIC_DEAD_LETTERS, KAFKA.createTopic("dlq", 1),
                JobSettings.TOPIC_MODEL_STATUS, KAFKA.createTopic("status", 1),
                JobSettings.DELIVERY, "exactly-once",
                JobSettings.TRANSACTIONAL_ID_PREFIX, "it-" + requests,
                JobSettings.CHECKPOINT_INTERVAL_MS, "300",
                JobSettings.MODEL_REGISTRY, registryDir.toString()));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        ScoringJob.configure(env, settings);
        org.apache.flink.configuration.Configuration restart = new org.apache.flink.configuration.Configuration();
        restart.set(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        restart.set(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        restart.set(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        env.configure(restart);
        FailOnce.reset();
        DataStream<RawRecord> in = env.fromSource(KafkaConnections.requestSource(settings, true),
                        WatermarkStrategy.noWatermarks(), "requests").uid("source-rating-requests")
                .map(new FailOnce(VALID / 2)).name("inject failure").uid("inject-failure");
        String updates = KAFKA.createTopic("updates", 1);
        ScoringJob.buildToKafka(env, settings, in,
                env.fromSource(boundedUpdates(updates), WatermarkStrategy.noWatermarks(), "updates").flatMap(new ParseModelUpdates()));
        env.execute("exactly-once with a failure");

        assertThat(FailOnce.FAILED).as("the failure was injected").isTrue();
        assertThat(FailOnce.SEEN.get()).as("records were read again after the restore").isGreaterThan(VALID);
        EventCodec<Prediction> codec = EventCodec.of(Prediction.class);
        Map<String, Integer> counts = new HashMap<>();
        try (TopicReader reader = new TopicReader(KAFKA, predictions)) {
            for (ConsumerRecord<byte[], byte[]> rec : reader.readAtLeast(VALID, DEADLINE)) {
                counts.merge(codec.decode(rec.value()).requestId, 1, Integer::sum);
            }
        }
        assertThat(counts.keySet()).as("no gap").isEqualTo(valid.keySet());
        assertThat(counts.values()).as("no duplicate").allMatch(c -> c == 1);
    }

    private static KafkaSource<RawRecord> boundedUpdates(String topic) {
        return KafkaSource.<RawRecord>builder().setBootstrapServers(KAFKA.bootstrapServers()).setTopics(topic)
                .setGroupId("updates-" + topic).setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.latest()).setDeserializer(new RawRecordDeserializer()).build();
    }

    private static Properties producerProps() {
        Properties p = KAFKA.producerProps();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return p;
    }
}

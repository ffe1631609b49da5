package dev.marquee.job.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.marquee.data.event.DriftReport;
import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.Rating;
import dev.marquee.data.json.EventCodec;
import dev.marquee.data.replay.RequestEncoder;
import dev.marquee.infra.testing.KafkaBrokerExtension;
import dev.marquee.job.ScoringJob;
import dev.marquee.job.config.JobSettings;
import dev.marquee.job.label.ParseRatings;
import dev.marquee.job.pipeline.SharedMiniCluster;
import dev.marquee.job.score.KafkaModelUpdates;
import dev.marquee.job.sink.KafkaConnections;
import dev.marquee.job.source.RawRecord;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.testing.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Online adaptation in the running scoring job (real broker, the shared MiniCluster, a real SavedModel): labels teach
 * new users' factors on the model's title embeddings and a new title's bias, a later request gets them, every
 * request still ends as exactly one prediction whichever way it went (straight from the user operator or through
 * the title operator), and every label is counted for online accuracy.
 */
class OnlineAdaptationITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final SharedMiniCluster FLINK = new SharedMiniCluster();

    private static final Duration DEADLINE = Duration.ofSeconds(120);
    /** A join TTL of an hour of event time, and inputs idle after half a second: event time moves on quiet topics. */
    private static final Map<String, String> LONG_TTL_SHORT_IDLENESS =
            Map.of("labels.join-ttl-ms", "3600000", JobSettings.IDLENESS_MS, "500");
    private static final String NEW_TITLE = "A Film No Model Has Seen (2031)";
    private static final int USERS = 12;
    private static final int LABELS_PER_USER = 6;

    @TempDir
    static Path registryDir;
    private static List<Rating> rows;

    @BeforeAll
    static void trainAModel() throws Exception {
        rows = TestModels.data(21);
        assertThat(TestModels.publish(new ModelRegistry(registryDir), rows, 21)).isEqualTo(1);
    }

    @ParameterizedTest(name = "adaptation.title-bias {0}")
    @ValueSource(strings = {"new", "all"})
    void labelsTeachLaterPredictionsAndNoPredictionIsLost(String scope) throws Exception {
        Topics topics = Topics.create();
        String requests = topics.requests(), ratings = topics.ratings(), predictions = topics.predictions(),
                drift = topics.drift();
        JobClient job = start(scope, requests, ratings, predictions, drift);
        RequestEncoder encoder = new RequestEncoder();
        EventCodec<Prediction> predictionCodec = EventCodec.of(Prediction.class);
        Map<String, Prediction> byId = new HashMap<>();
        int sent = 0;
        int labels = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps());
                TopicReader reader = new TopicReader(KAFKA, predictions)) {
            List<String> titles = rows.stream().map(r -> r.movieTitle).distinct().sorted().toList();
            long timestamp = rows.get(0).timestamp;
            labels = teach(producer, requests, ratings, encoder);
            sent += labels;
            // Later requests (no labels): a user who rated 5s, one who rated 1s, and users who never rated
            // anything asking for the new title, until what the labels taught shows (it shows once they are joined).
            String known = titles.get(titles.size() - 1); // none of them rated it
            AtomicInteger probes = new AtomicInteger();
            AtomicInteger sentSoFar = new AtomicInteger(sent);
            Prediction[] latest = new Prediction[3]; // the latest probe's: high, low, stranger
            await("what the labels taught showing in later predictions").atMost(DEADLINE).pollInSameThread()
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).untilAsserted(() -> {
                        int probe = probes.getAndIncrement();
                        String id = "later-" + probe;
                        send(producer, requests, "new-user-0", encoder.single(id + "-high", new Rating("new-user-0", known, 0, timestamp)));
                        send(producer, requests, "new-user-1", encoder.single(id + "-low", new Rating("new-user-1", known, 0, timestamp)));
                        send(producer, requests, "stranger-" + probe, encoder.single(id + "-stranger",
                                new Rating("stranger-" + probe, NEW_TITLE, 0, timestamp)));
                        producer.flush();
                        int expected = sentSoFar.addAndGet(3);
                        for (ConsumerRecord<byte[], byte[]> rec : reader.readUntil(all -> all.size() >= expected, Duration.ofSeconds(30))) {
                            Prediction p = predictionCodec.decode(rec.value());
                            assertThat(rec.key()).as("keyed by request id (docs/EVENTS.md)")
                                    .isEqualTo(p.requestId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                            byId.putIfAbsent(p.requestId, p);
                        }
                        latest[0] = byId.get(id + "-high");
                        latest[1] = byId.get(id + "-low");
                        latest[2] = byId.get(id + "-stranger");
                        assertThat(latest).as("the probe's three predictions").doesNotContainNull();
                        assertThat(latest[0].adjustment).as("the user who rated 5s").isGreaterThan(0.3f);
                        assertThat(latest[1].adjustment).as("the user who rated 1s").isLessThan(-0.3f);
                        assertThat(latest[2].adjustment).as("a user with no labels asking for the new title").isGreaterThan(0.1f);
                    });
            sent = sentSoFar.get();
            Prediction stranger = latest[2];
            assertThat(stranger.oovMovieTitle).isTrue();
            assertThat(stranger.oovUserId).isTrue();
            assertThat(stranger.adjustment).as("a user with no labels asking for the new title: its own bias").isGreaterThan(0.1f);
            assertThat(stranger.predictedRating).isEqualTo(Math.max(1f, Math.min(5f, stranger.output3[0] + stranger.adjustment)));

            // exactly one prediction per request
            List<ConsumerRecord<byte[], byte[]>> all = reader.readAtLeast(sent, Duration.ofSeconds(30));
            Map<String, Integer> counts = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> rec : all) counts.merge(predictionCodec.decode(rec.value()).requestId, 1, Integer::sum);
            assertThat(counts).hasSize(sent);
            assertThat(counts.values()).containsOnly(1);
        }
        // and every label joined is counted for online accuracy, the title operator's among them
        EventCodec<DriftReport> reports = EventCodec.of(DriftReport.class);
        int labelsSent = labels;
        try (TopicReader reader = new TopicReader(KAFKA, drift)) {
            List<ConsumerRecord<byte[], byte[]>> seen = reader.readUntil(recs -> labelsCounted(recs, reports) >= labelsSent, DEADLINE);
            assertThat(labelsCounted(seen, reports)).isEqualTo(labelsSent);
        } finally {
            Jobs.stopIfRunning(job);
        }
    }

    /**
     * Predictions no label answers and labels no prediction answers expire once event time, carried by later
     * traffic on both topics, is {@code labels.join-ttl-ms} past them, and the drift report counts each of them.
     */
    @Test
    void unmatchedLabelsAndUnlabelledPredictionsExpireByEventTimeAndAreCounted() throws Exception {
        Topics topics = Topics.create();
        String requests = topics.requests(), ratings = topics.ratings(), predictions = topics.predictions(),
                drift = topics.drift();
        JobClient job = start("new", requests, ratings, predictions, drift, LONG_TTL_SHORT_IDLENESS);
        RequestEncoder encoder = new RequestEncoder();
        EventCodec<Rating> labelCodec = EventCodec.of(Rating.class);
        List<String> titles = rows.stream().map(r -> r.movieTitle).distinct().sorted().toList();
        long t = rows.get(0).timestamp;
        int unlabelled = 5;
        int unmatched = 3;
        int sent = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps());
                TopicReader reader = new TopicReader(KAFKA, predictions)) {
            for (int k = 0; k < unlabelled; k++) {
                send(producer, requests, "quiet", encoder.single("quiet-" + k, new Rating("quiet", titles.get(k), 0, t)));
                sent++;
            }
            for (int k = 0; k < unmatched; k++) {
                send(producer, ratings, "lonely", labelCodec.encode(new Rating("lonely", titles.get(k), 4f, t)));
            }
            // two hours later in event time, on both topics and every partition: matched pairs that move event time on
            for (int u = 0; u < 20; u++) {
                Rating later = new Rating("clock-" + u, titles.get(u % titles.size()), 3f, t + 7_200);
                send(producer, requests, later.userId, encoder.single("clock-" + u, later));
                send(producer, ratings, later.userId, labelCodec.encode(later));
                sent++;
            }
            producer.flush();
            assertThat(reader.readAtLeast(sent, DEADLINE)).as("every request served").hasSize(sent);
        }
        EventCodec<DriftReport> reports = EventCodec.of(DriftReport.class);
        try (TopicReader reader = new TopicReader(KAFKA, drift)) {
            List<ConsumerRecord<byte[], byte[]>> seen = reader.readUntil(recs -> metricSum(recs, reports, "labels.unlabelled_count") >= unlabelled
                    && metricSum(recs, reports, "labels.unmatched_count") >= unmatched, DEADLINE);
            assertThat(metricSum(seen, reports, "labels.unlabelled_count")).isEqualTo(unlabelled);
            assertThat(metricSum(seen, reports, "labels.unmatched_count")).isEqualTo(unmatched);
            assertThat(metricSum(seen, reports, "labels.count")).as("the pairs still joined").isEqualTo(20);
        } finally {
            Jobs.stopIfRunning(job);
        }
    }

    /**
     * A label that reaches the join before its prediction waits for it, however far later labels run ahead while no
     * request flows: a waiting label expires on the requests' own event time (LabelJoinOperator). On the combined
     * event time alone, as before, the idle requests dropped out of it, the later labels moved it past the first
     * one, and that label expired before its request came.
     */
    @Test
    void aLabelWaitsForItsPredictionWhileOnlyLabelsFlow() throws Exception {
        Topics topics = Topics.create();
        String requests = topics.requests(), ratings = topics.ratings(), predictions = topics.predictions(),
                drift = topics.drift();
        JobClient job = start("new", requests, ratings, predictions, drift, LONG_TTL_SHORT_IDLENESS);
        String labelsGroup = "adaptation-" + requests + "-labels";
        EventCodec<Rating> labelCodec = EventCodec.of(Rating.class);
        String title = rows.get(0).movieTitle;
        long t = rows.get(0).timestamp;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps());
                TopicReader reader = new TopicReader(KAFKA, predictions);
                Admin admin = admin()) {
            send(producer, ratings, "early", labelCodec.encode(new Rating("early", title, 4f, t)));
            // ten hours later in event time, on every partition of ratings, and nothing on requests
            for (int u = 0; u < 20; u++) {
                send(producer, ratings, "clock-" + u, labelCodec.encode(new Rating("clock-" + u, title, 3f, t + 36_000)));
            }
            producer.flush();
            // the labels are through the join once a checkpoint after them committed their offsets; the one after a
            // second batch also covers the first batch's watermark, which was emitted well before it
            awaitCommitted(admin, ratings, labelsGroup);
            send(producer, ratings, "clock-last", labelCodec.encode(new Rating("clock-last", title, 3f, t + 36_000)));
            producer.flush();
            awaitCommitted(admin, ratings, labelsGroup);

            send(producer, requests, "early", new RequestEncoder().single("early-0", new Rating("early", title, 0, t)));
            producer.flush();
            assertThat(reader.readAtLeast(1, DEADLINE)).as("the request served").hasSize(1);
        }
        EventCodec<DriftReport> reports = EventCodec.of(DriftReport.class);
        try (TopicReader reader = new TopicReader(KAFKA, drift)) {
            List<ConsumerRecord<byte[], byte[]>> seen = reader.readUntil(recs -> labelsCounted(recs, reports) >= 1
                    || metricSum(recs, reports, "labels.unmatched_count") >= 1, DEADLINE);
            assertThat(metricSum(seen, reports, "labels.unmatched_count")).as("labels expired").isZero();
            assertThat(labelsCounted(seen, reports)).as("the early label joined its prediction").isEqualTo(1);
        } finally {
            Jobs.stopIfRunning(job);
        }
    }

    /**
     * Requests from a client whose clock runs a year ahead are served, but do not carry event time there: a
     * prediction made before them still joins its label, which comes after them. With every timestamp moving the
     * watermark, as before, that prediction expired as soon as the far-ahead requests' watermark reached the join.
     */
    @Test
    void requestsStampedFarAheadOfTheClockDoNotExpireWhatWaits() throws Exception {
        Topics topics = Topics.create();
        String requests = topics.requests(), ratings = topics.ratings(), predictions = topics.predictions(),
                drift = topics.drift();
        JobClient job = start("new", requests, ratings, predictions, drift, LONG_TTL_SHORT_IDLENESS);
        String requestsGroup = "adaptation-" + requests;
        RequestEncoder encoder = new RequestEncoder();
        String title = rows.get(0).movieTitle;
        long t = rows.get(0).timestamp;
        long aYearAhead = System.currentTimeMillis() / 1000 + 365L * 86_400;
        int sent = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps());
                TopicReader reader = new TopicReader(KAFKA, predictions);
                Admin admin = admin()) {
            send(producer, requests, "early", encoder.single("early-0", new Rating("early", title, 0, t)));
            sent++;
            // a year ahead of the clock, on every partition of requests
            for (int u = 0; u < 20; u++) {
                send(producer, requests, "skewed-" + u, encoder.single("skewed-" + u, new Rating("skewed-" + u, title, 0, aYearAhead)));
                sent++;
            }
            producer.flush();
            assertThat(reader.readAtLeast(sent, DEADLINE)).as("every request served").hasSize(sent);
            // as in the test above: the second committed checkpoint covers the watermark of the first batch
            awaitCommitted(admin, requests, requestsGroup);
            send(producer, requests, "skewed-last", encoder.single("skewed-last", new Rating("skewed-last", title, 0, aYearAhead)));
            producer.flush();
            awaitCommitted(admin, requests, requestsGroup);

            send(producer, ratings, "early", EventCodec.of(Rating.class).encode(new Rating("early", title, 4f, t)));
            producer.flush();
        }
        EventCodec<DriftReport> reports = EventCodec.of(DriftReport.class);
        try (TopicReader reader = new TopicReader(KAFKA, drift)) {
            List<ConsumerRecord<byte[], byte[]>> seen = reader.readUntil(recs -> labelsCounted(recs, reports) >= 1
                    || metricSum(recs, reports, "labels.unlabelled_count") >= 1, DEADLINE);
            assertThat(metricSum(seen, reports, "labels.unlabelled_count")).as("predictions expired").isZero();
            assertThat(metricSum(seen, reports, "labels.unmatched_count")).as("labels expired").isZero();
            assertThat(labelsCounted(seen, reports)).as("the early prediction joined its label").isEqualTo(1);
        } finally {
            Jobs.stopIfRunning(job);
        }
    }

    /**
     * Scale out (docs/OPERATIONS.md): a savepoint of the job at parallelism 2 restored at 4. The users' factors and the
     * new title's bias are keyed state, split by key group across the new subtasks: a later request of each user, and
     * of a stranger for the new title, is adjusted exactly as it was before the savepoint.
     */
    @Test
    void whatLabelsTaughtSurvivesARestoreAtAnotherParallelism(@TempDir Path savepoints) throws Exception {
        Topics topics = Topics.create();
        String requests = topics.requests(), ratings = topics.ratings(), predictions = topics.predictions(),
                drift = topics.drift();
        RequestEncoder encoder = new RequestEncoder();
        List<String> titles = rows.stream().map(r -> r.movieTitle).distinct().sorted().toList();
        String known = titles.get(titles.size() - 1);
        long t = rows.get(0).timestamp;
        int labels = 0;
        JobClient before = start("new", requests, ratings, predictions, drift, Map.of(), 2, null);
        Map<String, Prediction> taught;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps())) {
            labels = teach(producer, requests, ratings, encoder);
            EventCodec<DriftReport> reports = EventCodec.of(DriftReport.class);
            int labelsSent = labels;
            try (TopicReader reader = new TopicReader(KAFKA, drift)) {
                reader.readUntil(recs -> labelsCounted(recs, reports) >= labelsSent, DEADLINE); // all of them learned
            }
            taught = probe(producer, requests, predictions, encoder, "before", known, t);
            assertThat(taught.get("high").adjustment).as("the user who rated 5s").isGreaterThan(0.3f);
            assertThat(taught.get("low").adjustment).as("the user who rated 1s").isLessThan(-0.3f);
            assertThat(taught.get("stranger").adjustment).as("the new title's own bias").isGreaterThan(0.1f);
        }
        String savepoint = before.stopWithSavepoint(false, savepoints.toUri().toString(),
                org.apache.flink.core.execution.SavepointFormatType.CANONICAL).get();
        await("the job stopped").atMost(DEADLINE).until(() -> before.getJobStatus().get().isGloballyTerminalState());

        // "latest": a run that did not restore the savepoint would start with nothing learned, and learn nothing again
        JobClient after = start("new", requests, ratings, predictions, drift, Map.of(JobSettings.STARTING_OFFSETS, "latest"),
                SharedMiniCluster.SLOTS, savepoint);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps())) {
            Map<String, Prediction> restored = probe(producer, requests, predictions, encoder, "after", known, t);
            for (String who : List.of("high", "low", "stranger")) {
                assertThat(restored.get(who).adjustment).as(who + " after the restore at parallelism " + SharedMiniCluster.SLOTS)
                        .isEqualTo(taught.get(who).adjustment);
            }
        } finally {
            Jobs.stopIfRunning(after);
        }
    }

    /**
     * New users (unknown to the model) rate known titles, each a title once, and every one of them rates the new title
     * too: the even ones all 5s, the odd ones 1s but for the new title. Each label with its request; how many.
     */
    private static int teach(KafkaProducer<byte[], byte[]> producer, String requests, String ratings, RequestEncoder encoder) {
        EventCodec<Rating> labelCodec = EventCodec.of(Rating.class);
        List<String> titles = rows.stream().map(r -> r.movieTitle).distinct().sorted().toList();
        long timestamp = rows.get(0).timestamp;
        int labels = 0;
        for (int u = 0; u < USERS; u++) {
            String user = "new-user-" + u;
            for (int k = 0; k < LABELS_PER_USER; k++) {
                String title = k == 0 ? NEW_TITLE : titles.get((u * 5 + k) % (titles.size() - 1));
                Rating mine = new Rating(user, title, k == 0 || u % 2 == 0 ? 5f : 1f, timestamp);
                send(producer, requests, user, encoder.single("first-" + u + "-" + k, mine));
                send(producer, ratings, user, labelCodec.encode(mine));
                labels++;
            }
        }
        producer.flush();
        return labels;
    }

    /** One request each of the user who rated 5s, the one who rated 1s and a stranger for the new title; their predictions. */
    private static Map<String, Prediction> probe(KafkaProducer<byte[], byte[]> producer, String requests, String predictions,
                                                 RequestEncoder encoder, String id, String known, long t) {
        send(producer, requests, "new-user-0", encoder.single(id + "-high", new Rating("new-user-0", known, 0, t)));
        send(producer, requests, "new-user-1", encoder.single(id + "-low", new Rating("new-user-1", known, 0, t)));
        send(producer, requests, "stranger-" + id, encoder.single(id + "-stranger", new Rating("stranger-" + id, NEW_TITLE, 0, t)));
        producer.flush();
        EventCodec<Prediction> codec = EventCodec.of(Prediction.class);
        Map<String, Prediction> got = new HashMap<>();
        try (TopicReader reader = new TopicReader(KAFKA, predictions)) {
            reader.readUntil(recs -> {
                for (ConsumerRecord<byte[], byte[]> rec : recs) {
                    Prediction p = codec.decode(rec.value());
                    if (p.requestId.startsWith(id + "-")) got.put(p.requestId.substring(id.length() + 1), p);
                }
                return got.size() == 3;
            }, DEADLINE);
        }
        assertThat(got).as("the probe's three predictions").containsOnlyKeys("high", "low", "stranger");
        return got;
    }

    /** Fresh topics for one test's job. */
    private record Topics(String requests, String ratings, String predictions, String drift) {
        static Topics create() {
            return new Topics(KAFKA.createTopic("requests", 2), KAFKA.createTopic("ratings", 2),
                    KAFKA.createTopic("predictions", 2), KAFKA.createTopic("drift", 1));
        }
    }

    private static void awaitCommitted(Admin admin, String topic, String group) {
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).until(() -> {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < 2; p++) latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            return admin.listOffsets(latest).all().get().entrySet().stream().allMatch(e -> {
                OffsetAndMetadata c = committed.get(e.getKey());
                return c != null && c.offset() >= e.getValue().offset();
            });
        });
    }

    private static Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        return Admin.create(p);
    }

    private static double labelsCounted(List<ConsumerRecord<byte[], byte[]>> recs, EventCodec<DriftReport> codec) {
        return metricSum(recs, codec, "labels.count");
    }

    private static double metricSum(List<ConsumerRecord<byte[], byte[]>> recs, EventCodec<DriftReport> codec, String metric) {
        double n = 0;
        for (ConsumerRecord<byte[], byte[]> rec : recs) n += codec.decode(rec.value()).metrics.getOrDefault(metric, 0.0);
        return n;
    }

    private static JobClient start(String scope, String requests, String ratings, String predictions, String drift) throws Exception {
        return start(scope, requests, ratings, predictions, drift, Map.of());
    }

    private static JobClient start(String scope, String requests, String ratings, String predictions, String drift,
                                   Map<String, String> more) throws Exception {
        return start(scope, requests, ratings, predictions, drift, more, 2, null);
    }

    private static JobClient start(String scope, String requests, String ratings, String predictions, String drift,
                                   Map<String, String> more, int parallelism, String savepoint) throws Exception {
        Map<String, String> values = new HashMap<>();
        values.put(JobSettings.BOOTSTRAP, KAFKA.bootstrapServers());
        values.put(JobSettings.GROUP_ID, "adaptation-" + requests);
        values.put(JobSettings.STARTING_OFFSETS, "earliest");
        values.put(JobSettings.TOPIC_REQUESTS, requests);
        values.put(JobSettings.TOPIC_RATINGS, ratings);
        values.put(JobSettings.TOPIC_LABELED_PREDICTIONS, KAFKA.createTopic("labeled", 2)); // not a shared broker's own
        values.put(JobSettings.TOPIC_PREDICTIONS, predictions);
        values.put(JobSettings.TOPIC_DEAD_LETTERS, KAFKA.createTopic("dlq", 1));
        values.put(JobSettings.TOPIC_MODEL_UPDATES, KAFKA.createTopic("updates", 1));
        values.put(JobSettings.TOPIC_MODEL_STATUS, KAFKA.createTopic("status", 1));
        values.put(JobSettings.TOPIC_DRIFT, drift);
        values.put(JobSettings.CHECKPOINT_INTERVAL_MS, "1000");
        values.put(JobSettings.MODEL_REGISTRY, registryDir.toString());
        values.put("drift.window.ms", "1000");
        values.put("drift.partial.interval-ms", "100");
        values.put("adaptation.title-bias", scope);
        values.putAll(more);
        JobSettings s = JobSettings.from(values);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        ScoringJob.configure(env, s);
        if (savepoint != null) {
            org.apache.flink.configuration.Configuration c = new org.apache.flink.configuration.Configuration();
            c.set(org.apache.flink.configuration.StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
            env.configure(c);
        }
        DataStream<RawRecord> in = env.fromSource(KafkaConnections.requestSource(s), WatermarkStrategy.noWatermarks(),
                "rating requests").uid("source-rating-requests");
        KafkaModelUpdates updates = KafkaModelUpdates.fromEarliest(s);
        DataStream<Rating> labels = env.fromSource(KafkaConnections.source(s, ratings, s.groupId + "-labels", false),
                WatermarkStrategy.noWatermarks(), "ratings").uid("source-ratings").flatMap(new ParseRatings());
        ScoringJob.buildToKafka(env, s, in, updates, labels);
        return env.executeAsync("online adaptation " + scope);
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value));
    }

    private static Properties producerProps() {
        Properties p = KAFKA.producerProps();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }
}

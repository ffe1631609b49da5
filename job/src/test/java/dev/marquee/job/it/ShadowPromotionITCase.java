package dev.marquee.job.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.marquee.data.drift.DriftMetricNames;
import dev.marquee.data.event.DriftReport;
import dev.marquee.data.event.LabeledPrediction;
import dev.marquee.data.event.ModelStatus;
import dev.marquee.data.event.ModelUpdate;
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
import dev.marquee.model.Architecture;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.ServingState;
import dev.marquee.model.TrainedModel;
import dev.marquee.model.Trainer;
import dev.marquee.model.TrainingConfig;
import dev.marquee.model.cli.ModelMain;
import dev.marquee.model.testing.TestModels;
import dev.marquee.model.trainer.TrainerMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
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
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shadow, promotion and rollback on live labels (docs/RETRAINING.md, decision 0008), end to end: the scoring
 * job on the real broker and a MiniCluster, {@code marquee trainer} in its own JVM (its promoter thread reads
 * {@code labeled-predictions} and moves the serving pointer), real SavedModels trained by our code: "good" ones
 * (3 epochs) and "bad" ones (1 epoch at a learning rate of 1e-7, about the initial weights). Traffic is requests
 * for the training data's users and titles, each followed by its label on {@code ratings}.
 * <ol>
 * <li>A bad v1 serves; a good v2 is made a candidate (as {@code import} does): it is scored in shadow, promoted
 *     on labels with v1 watched, and the watch ends.</li>
 * <li>A bad candidate v3 is retired and held; v2 keeps serving.</li>
 * <li>A bad v4 switched in at once ({@code trainer.promotion immediate}) is rolled back to v2 and held.</li>
 * <li>A restarted job serves the pointer (v2, with its candidate v5 in shadow), not the latest published.</li>
 * <li>A person's pin (v1, {@code marquee models --pin}) beats them all: the job serves it, refuses an update
 *     naming another version, no shadow runs and the promoter moves nothing; {@code --unpin} gives the pointer
 *     back.</li>
 * </ol>
 */
class ShadowPromotionITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    /** Two slots for the scoring job (parallelism 2), two for its restart while the first one's are released. */
    @RegisterExtension
    static final SharedMiniCluster FLINK = new SharedMiniCluster();

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final String MODEL = TestModels.NAME;
    /** Requests (each with its label) per round; the promoter judges from 150 paired labels on, every 50. */
    private static final int CHUNK = 50;
    private static final int MIN_LABELS = 150;
    /** A decision the promoter has not made after this many labels is not coming: fail instead of waiting. */
    private static final int MAX_LABELS_PER_DECISION = 1_500;

    private static final EventCodec<Prediction> PREDICTIONS = EventCodec.of(Prediction.class);
    private static final EventCodec<ModelUpdate> UPDATES = EventCodec.of(ModelUpdate.class);
    private static final EventCodec<ModelStatus> STATUSES = EventCodec.of(ModelStatus.class);
    private static final EventCodec<Rating> RATINGS = EventCodec.of(Rating.class);
    private static final EventCodec<DriftReport> REPORTS = EventCodec.of(DriftReport.class);
    private static final EventCodec<LabeledPrediction> LABELED = EventCodec.of(LabeledPrediction.class);

    @TempDir
    Path tmp;

    private final RequestEncoder encoder = new RequestEncoder();

    @Test
    void candidatesRunInShadowAndArePromotedRetiredOrRolledBackARestartServesThePointerAndAPinBeatsThemAll()
            throws Exception {
        long started = System.nanoTime();
        Path base = tmp.resolve("registry");
        ModelRegistry registry = new ModelRegistry(base);
        List<Rating> rows = TestModels.data(5);
        // v1: bad, the first version, serves at once.
        assertThat(publish(registry, rows, false, 1)).isEqualTo(1);
        registry.serve(MODEL, 1, "the first version");

        Topics t = new Topics();
        lap(started, "v1 trained");
        JobClient job = startJob(t, base, true);
        TrainerProcess trainer = new TrainerProcess(t, base);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps());
             Outputs out = new Outputs(t)) {
            Traffic traffic = new Traffic(rows, producer, t, out, registry, trainer);
            // The promoter announces the pointer it finds when it starts.
            assertUpdate(out.nextUpdate(), 1, 0);
            traffic.expect("v1 serves", traffic.round("warm-up"), 1, 0);
            lap(started, "the job serves");

            // 1. A good v2 becomes a candidate in shadow (as `marquee import` writes it), is promoted on labels,
            //    v1 is watched, and the watch ends with v2 not worse.
            lap(started, "phase 1");
            assertThat(publish(registry, rows, true, 2)).isEqualTo(2);
            registry.writeState(MODEL, registry.state(MODEL).with(1, 2, ServingState.CANDIDATE,
                    "imported as a candidate", System.currentTimeMillis()));
            assertUpdate(out.nextUpdate(), 1, 2);
            out.awaitLoaded(1, 2);
            List<Prediction> shadowed = traffic.expect("v2 in shadow beside v1", traffic.round("candidate-2"), 1, 2);
            assertThat(shadowed).allSatisfy(p -> assertThat(p.shadowRating).isBetween(-10f, 10f))
                    .anySatisfy(p -> assertThat(p.shadowRating).isNotEqualTo(p.output3[0]));
            int labels = traffic.until("the promoter promotes v2", s -> s.serving == 2);
            assertPointer(registry, 2, 1, ServingState.WATCH, "promoted: version 2 is not worse than version 1");
            assertThat(labels).isGreaterThanOrEqualTo(MIN_LABELS);
            ModelUpdate promoted = out.nextUpdate();
            assertUpdate(promoted, 2, 1);
            assertThat(promoted.reason).startsWith("promoted");
            out.awaitLoaded(2, 1);
            traffic.expect("v2 serves, v1 watched in shadow", traffic.round("watch-1"), 2, 1);
            traffic.until("the watch of v2 ends", s -> !s.hasShadow());
            assertPointer(registry, 2, 0, null, "watch ended: version 2 keeps serving");
            assertUpdate(out.nextUpdate(), 2, 0);
            out.awaitLoaded(2, 0);
            traffic.expect("v2 serves alone", traffic.round("served-2"), 2, 0);

            // 2. A bad candidate v3 in shadow is retired and held; v2 keeps serving.
            lap(started, "phase 2");
            assertThat(publish(registry, rows, false, 3)).isEqualTo(3);
            registry.writeState(MODEL, registry.state(MODEL).with(2, 3, ServingState.CANDIDATE,
                    "imported as a candidate", System.currentTimeMillis()));
            assertUpdate(out.nextUpdate(), 2, 3);
            out.awaitLoaded(2, 3);
            traffic.until("the promoter retires v3", s -> !s.hasShadow());
            ServingState retired = assertPointer(registry, 2, 0, null, "retired: version 3 did worse live than version 2");
            assertThat(retired.held).containsKey(3L);
            ModelUpdate retirement = out.nextUpdate();
            assertUpdate(retirement, 2, 0);
            assertThat(retirement.reason).startsWith("retired");
            out.awaitLoaded(2, 0);
            traffic.expect("v2 serves after the retirement", traffic.round("retired-3"), 2, 0);

            // 3. A bad v4 switched in at once (what `--trainer.promotion immediate` writes: v2 watched in shadow)
            //    is rolled back automatically and held.
            lap(started, "phase 3");
            assertThat(publish(registry, rows, false, 4)).isEqualTo(4);
            registry.writeState(MODEL, registry.state(MODEL).with(4, 2, ServingState.WATCH,
                    "published: serving at once, version 2 watched", System.currentTimeMillis()));
            assertUpdate(out.nextUpdate(), 4, 2);
            out.awaitLoaded(4, 2);
            traffic.expect("v4 serves, v2 watched", traffic.round("switched-4"), 4, 2);
            traffic.until("the promoter rolls v4 back", s -> s.serving != 4);
            ServingState rolledBack = assertPointer(registry, 2, 0, null, "rolled back: version 4 did worse live than version 2");
            assertThat(rolledBack.held).containsKeys(3L, 4L);
            ModelUpdate rollback = out.nextUpdate();
            assertUpdate(rollback, 2, 0);
            assertThat(rollback.reason).startsWith("rolled back");
            out.awaitLoaded(2, 0);
            traffic.expect("v2 serves after the rollback", traffic.round("rolled-back-4"), 2, 0);

            // 4. A restart serves the pointer: a good v5 is published and made a candidate, the job is cancelled
            //    (no savepoint) and started again as in production (model updates from the latest only, so
            //    nothing it reads tells it what to serve): it serves v2 with v5 in shadow, not the latest v5.
            lap(started, "phase 4");
            assertThat(publish(registry, rows, true, 5)).isEqualTo(5);
            registry.writeState(MODEL, registry.state(MODEL).with(2, 5, ServingState.CANDIDATE,
                    "imported as a candidate", System.currentTimeMillis()));
            assertUpdate(out.nextUpdate(), 2, 5);
            out.awaitLoaded(2, 5);
            awaitCommitted(t); // a restart re-reads nothing: no replayed labels count towards v5
            long restartedAtMs = System.currentTimeMillis();
            assertThat(SharedMiniCluster.metricSum(job.getJobID(), "numRestarts")).as("the first job never restarted")
                    .isZero();
            Jobs.stopIfRunning(job); // its tasks ended: the restarted round is the new job's to answer
            job = startJob(t, base, false);
            assertThat(registry.latest(MODEL)).hasValue(5);
            traffic.expect("the restarted job serves the pointer", traffic.round("restarted"), 2, 5);
            lap(started, "the restarted job serves");

            // 5. A pin beats them all: a person pins the bad v1. The job serves it with no shadow, refuses an
            //    update naming another version, and while labels flow the promoter moves nothing.
            lap(started, "phase 5");
            ServingState beforePin = registry.state(MODEL);
            CliRun pin = run(ModelMain::run, "models", "--pin", "1", "--registry", base.toString());
            assertThat(pin.code()).as(pin.toString()).isZero();
            assertUpdate(out.nextUpdate(), 1, 0);
            out.awaitLoaded(1, 0);
            traffic.expect("the pinned v1 serves", traffic.round("pinned"), 1, 0);
            ModelUpdate other = new ModelUpdate(MODEL, 5, registry.versionDir(MODEL, 5).toString(), System.currentTimeMillis());
            other.shadowVersion = 2;
            other.reason = "an update naming another version";
            producer.send(new ProducerRecord<>(t.updates, UPDATES.encode(other))).get();
            assertThat(out.awaitStatuses(s -> s.version == 5, 2)).allSatisfy(s -> {
                assertThat(s.status).isEqualTo(ModelStatus.REFUSED);
                assertThat(s.reason).contains("version 1 is pinned");
                assertThat(s.servingVersion).isEqualTo(1);
                assertThat(s.shadowVersion).isZero();
            });
            for (int i = 0; i < MIN_LABELS / CHUNK + 1; i++) {
                traffic.expect("the pin holds against labels", traffic.round("pinned-labels-" + i), 1, 0);
            }
            assertThat(out.newUpdates()).as("while pinned, only the update sent by hand; the promoter announced nothing")
                    .extracting(u -> u.reason).containsExactly(other.reason);
            ServingState duringPin = registry.state(MODEL);
            assertThat(duringPin.changedAtMs).as("the pointer did not move: %s", duringPin).isEqualTo(beforePin.changedAtMs);
            assertThat(registry.serving(MODEL)).hasValue(1);
            CliRun unpin = run(ModelMain::run, "models", "--unpin", "--registry", base.toString());
            assertThat(unpin.code()).as(unpin.toString()).isZero();
            assertUpdate(out.nextUpdate(), 2, 5);
            out.awaitLoaded(2, 5);
            traffic.expect("unpinned, the pointer serves again", traffic.round("unpinned"), 2, 5);

            lap(started, "phases done");
            assertThat(SharedMiniCluster.metricSum(job.getJobID(), "numRestarts")).as("the second job never restarted")
                    .isZero();

            // What a person sees on the drift reports of the first job: the good v2 beside the bad v1, side by side.
            List<DriftReport> sideBySide = out.driftReports().stream()
                    .filter(r -> r.windowEndMs < restartedAtMs && r.modelVersions.keySet().equals(Set.of("1"))
                            && r.metrics.getOrDefault(DriftMetricNames.LABELS_SHADOW_COUNT, 0.0) >= CHUNK)
                    .toList();
            assertThat(sideBySide).as("drift reports with v1 serving and v2 in shadow").isNotEmpty()
                    .allSatisfy(r -> assertThat(r.metrics.get(DriftMetricNames.LABELS_SHADOW_RMSE))
                            .isLessThan(r.metrics.get(DriftMetricNames.LABELS_SHADOW_SERVING_RMSE)));
            System.out.println("ShadowPromotionITCase: live RMSE per (serving, shadow) pair, serving vs shadow:\n"
                    + out.liveErrors());
        } finally {
            trainer.stop();
            Jobs.stopIfRunning(job);
            System.out.println("ShadowPromotionITCase: the trainer printed:\n  " + String.join("\n  ", trainer.lines()));
            System.out.printf("ShadowPromotionITCase: %.1f s%n", (System.nanoTime() - started) / 1e9);
        }
    }

    private static void lap(long started, String what) {
        System.out.printf("ShadowPromotionITCase: %s at %.1f s%n", what, (System.nanoTime() - started) / 1e9);
    }

    /** Trains a good (3 epochs) or bad (1 epoch at a learning rate of 1e-7) model on {@code rows} and publishes it. */
    private static long publish(ModelRegistry registry, List<Rating> rows, boolean good, long seed) throws IOException {
        int cut = rows.size() * 9 / 10;
        TrainingConfig config = TrainingConfig.defaults(Architecture.DEFAULT).withSeed(seed);
        config = good ? config.withEpochs(3) : config.withEpochs(1).withLearningRate(1e-7f);
        try (TrainedModel model = new Trainer(config, line -> { }).train(rows.subList(0, cut), rows.subList(cut, rows.size()))) {
            return registry.publish(MODEL, model::exportSavedModel);
        }
    }

    private static void assertUpdate(ModelUpdate update, long version, long shadow) {
        assertThat(update.modelName).isEqualTo(MODEL);
        assertThat(update.version).as("served version in %s", update.reason).isEqualTo(version);
        assertThat(update.shadowVersion).as("shadow version in %s", update.reason).isEqualTo(shadow);
    }

    private static ServingState assertPointer(ModelRegistry registry, long serving, long shadow, String role,
                                              String reason) throws IOException {
        ServingState s = registry.state(MODEL);
        assertThat(s.serving).as("%s", s.reason).isEqualTo(serving);
        assertThat(s.shadow).as("%s", s.reason).isEqualTo(shadow);
        assertThat(s.shadowRole).isEqualTo(role);
        assertThat(s.reason).startsWith(reason);
        assertThat(registry.serving(MODEL)).hasValue(serving);
        return s;
    }

    /** Fresh topics for one run. */
    private static final class Topics {
        final String requests = KAFKA.createTopic("requests", 2);
        final String predictions = KAFKA.createTopic("predictions", 2);
        final String deadLetters = KAFKA.createTopic("dlq", 1);
        final String updates = KAFKA.createTopic("model-updates", 1);
        final String statuses = KAFKA.createTopic("model-status", 1);
        final String drift = KAFKA.createTopic("drift-metrics", 1);
        final String ratings = KAFKA.createTopic("ratings", 2);
        final String labeled = KAFKA.createTopic("labeled-predictions", 2);
        final String retrainRequests = KAFKA.createTopic("retrain-requests", 1);
        final String retrainOutcomes = KAFKA.createTopic("retrain-outcomes", 1);
        final String group = "scoring-" + requests;
    }

    /**
     * The scoring job. The first start reads model updates from the topic's beginning (it is fresh, so it misses
     * none); a restart is wired as in production ({@link ScoringJob#buildWithKafka}: updates from the latest,
     * requests and labels from the group's committed offsets).
     */
    private static JobClient startJob(Topics t, Path registry, boolean first) throws Exception {
        Map<String, String> values = new HashMap<>();
        values.put(JobSettings.BOOTSTRAP, KAFKA.bootstrapServers());
        values.put(JobSettings.GROUP_ID, t.group);
        values.put(JobSettings.TOPIC_REQUESTS, t.requests);
        values.put(JobSettings.TOPIC_PREDICTIONS, t.predictions);
        values.put(JobSettings.TOPIC_DEAD_LETTERS, t.deadLetters);
        values.put(JobSettings.TOPIC_MODEL_UPDATES, t.updates);
        values.put(JobSettings.TOPIC_MODEL_STATUS, t.statuses);
        values.put(JobSettings.TOPIC_DRIFT, t.drift);
        values.put(JobSettings.TOPIC_RATINGS, t.ratings);
        values.put(JobSettings.TOPIC_LABELED_PREDICTIONS, t.labeled);
        values.put(JobSettings.CHECKPOINT_INTERVAL_MS, "1000");
        values.put(JobSettings.PARALLELISM, "2");
        values.put(JobSettings.MODEL_REGISTRY, registry.toString());
        values.put("drift.window.records", "200");
        values.put("drift.window.ms", "600000");
        values.put("drift.partial.records", "50");
        values.put("drift.min-records", "50");
        JobSettings s = JobSettings.from(values);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        if (!first) {
            ScoringJob.buildWithKafka(env, s);
            return env.executeAsync("scoring (restarted)");
        }
        ScoringJob.configure(env, s);
        DataStream<RawRecord> requests = env.fromSource(KafkaConnections.requestSource(s),
                WatermarkStrategy.noWatermarks(), "rating requests").uid("source-rating-requests");
        KafkaModelUpdates updates = KafkaModelUpdates.fromEarliest(s);
        DataStream<Rating> labels = env.fromSource(KafkaConnections.source(s, t.ratings, s.groupId + "-labels", false),
                        WatermarkStrategy.noWatermarks(), "ratings").uid("source-ratings")
                .flatMap(new ParseRatings()).name("parse labels").uid("parse-labels");
        ScoringJob.buildToKafka(env, s, requests, updates, labels);
        return env.executeAsync("scoring");
    }

    /** Waits until the job's groups have committed every request and label sent, so a restart re-reads none. */
    private static void awaitCommitted(Topics t) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            await("the scoring job commits the offsets of everything sent").atMost(DEADLINE).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> committedToEnd(admin, t.group, t.requests) && committedToEnd(admin, t.group + "-labels", t.ratings));
        }
    }

    private static boolean committedToEnd(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
        Map<TopicPartition, OffsetSpec> latest = partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
        var ends = admin.listOffsets(latest).all().get();
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata c = committed.get(tp);
            if (ends.get(tp).offset() > 0 && (c == null || c.offset() < ends.get(tp).offset())) return false;
        }
        return true;
    }

    /**
     * {@code marquee trainer} in its own JVM, as deployed (not {@code --once}: its promoter thread runs), stopped
     * at the end as a service manager does (SIGTERM, a graceful stop).
     */
    private static final class TrainerProcess {
        private final Process process;
        private final List<String> lines = new CopyOnWriteArrayList<>();

        TrainerProcess(Topics t, Path registry) throws IOException {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m"));
            cmd.addAll(dev.marquee.infra.testing.ChildEnvironment.javacppCacheOptions());
            cmd.addAll(List.of("-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                    TrainerMain.class.getName(),
                    "--bootstrap", KAFKA.bootstrapServers(), "--registry", registry.toString(), "--model-name", MODEL,
                    "--group", "trainer-" + t.retrainRequests, "--topic.retrain-requests", t.retrainRequests,
                    "--topic.retrain-outcomes", t.retrainOutcomes, "--topic.model-updates", t.updates,
                    "--topic.ratings", t.ratings, "--topic.labeled-predictions", t.labeled,
                    "--trainer.shadow.min-labels", Integer.toString(MIN_LABELS), "--trainer.shadow.min-users", "15",
                    "--trainer.shadow.judge-every-labels", Integer.toString(CHUNK)));
            ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true);
            dev.marquee.infra.testing.ChildEnvironment.scrub(builder.environment()); // the user's MARQUEE_* stay out
            process = builder.start();
            Thread pump = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) lines.add(line);
                } catch (IOException ignored) {
                    // the process ended
                }
            }, "trainer-output");
            pump.setDaemon(true);
            pump.start();
        }

        List<String> lines() {
            return lines.stream().filter(l -> l.startsWith("trainer") || l.startsWith("promoter")).toList();
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }

        void assertAlive() {
            assertThat(process.isAlive()).as("the trainer runs; it printed:%n%s", String.join("\n", lines)).isTrue();
        }
    }

    /**
     * Requests for the training data's users and titles, each followed by its label, in a shuffled order that
     * repeats no (user, title) pair until all were sent.
     */
    private final class Traffic {
        private final List<Rating> rows;
        private final KafkaProducer<byte[], byte[]> producer;
        private final Topics t;
        private final Outputs out;
        private final ModelRegistry registry;
        private final TrainerProcess trainer;
        private final Random random = new Random(11);
        private int next;
        private int sent;

        Traffic(List<Rating> rows, KafkaProducer<byte[], byte[]> producer, Topics t, Outputs out, ModelRegistry registry,
                TrainerProcess trainer) {
            this.rows = new ArrayList<>(rows);
            this.producer = producer;
            this.t = t;
            this.out = out;
            this.registry = registry;
            this.trainer = trainer;
            Collections.shuffle(this.rows, random);
        }

        /** Sends {@value #CHUNK} requests with their labels (ids {@code <prefix>-<i>}); returns their predictions. */
        List<Prediction> round(String prefix) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < CHUNK; i++) {
                if (next == rows.size()) {
                    Collections.shuffle(rows, random);
                    next = 0;
                }
                Rating row = rows.get(next++);
                String id = prefix + "-" + i;
                byte[] key = row.userId.getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(t.requests, key, encoder.single(id, row)));
                producer.send(new ProducerRecord<>(t.ratings, key, RATINGS.encode(row)));
                ids.add(id);
            }
            producer.flush();
            sent += CHUNK;
            return out.awaitPredictions(ids);
        }

        /** Asserts that every prediction was served by {@code version} with {@code shadow} in shadow (0 none). */
        List<Prediction> expect(String what, List<Prediction> predictions, long version, long shadow) {
            assertThat(predictions).as(what).allSatisfy(p -> {
                assertThat(p.modelVersion).as("%s: model_version of %s", what, p.requestId).isEqualTo(version);
                assertThat(p.shadowVersion).as("%s: shadow_version of %s", what, p.requestId).isEqualTo(shadow);
            });
            return predictions;
        }

        /** Sends rounds until the serving pointer satisfies {@code done}; returns how many labels that took. */
        int until(String what, Predicate<ServingState> done) throws IOException {
            int from = sent;
            AtomicInteger round = new AtomicInteger();
            await(what + " within " + DEADLINE.toSeconds() + " s").atMost(DEADLINE).pollInSameThread()
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() -> {
                        if (done.test(registry.state(MODEL))) return true;
                        trainer.assertAlive();
                        assertThat(sent - from).as("%s within %d labels", what, MAX_LABELS_PER_DECISION)
                                .isLessThan(MAX_LABELS_PER_DECISION);
                        round(what.replace(' ', '_') + "-" + round.getAndIncrement());
                        return false;
                    });
            System.out.printf("ShadowPromotionITCase: %s after %d labels%n", what, sent - from);
            return sent - from;
        }
    }

    /** The job's and the promoter's outputs, read as they arrive. */
    private static final class Outputs implements AutoCloseable {
        private final TopicReader predictionReader;
        private final TopicReader updateReader;
        private final TopicReader statusReader;
        private final TopicReader driftReader;
        private final TopicReader labeledReader;
        private final Map<String, Prediction> predictions = new HashMap<>();
        private int readPredictions;
        private int readUpdates;
        private int readStatuses;

        Outputs(Topics t) {
            predictionReader = new TopicReader(KAFKA, t.predictions);
            updateReader = new TopicReader(KAFKA, t.updates);
            statusReader = new TopicReader(KAFKA, t.statuses);
            driftReader = new TopicReader(KAFKA, t.drift);
            labeledReader = new TopicReader(KAFKA, t.labeled);
        }

        List<Prediction> awaitPredictions(List<String> ids) {
            predictionReader.readUntil(all -> {
                for (; readPredictions < all.size(); readPredictions++) {
                    Prediction p = PREDICTIONS.decode(all.get(readPredictions).value());
                    predictions.put(p.requestId, p);
                }
                return predictions.keySet().containsAll(ids);
            }, DEADLINE);
            assertThat(predictions.keySet()).as("predictions before the deadline").containsAll(ids);
            return ids.stream().map(predictions::get).toList();
        }

        /** The next record on {@code model-updates}. */
        ModelUpdate nextUpdate() {
            List<ConsumerRecord<byte[], byte[]>> all = updateReader.readUntil(r -> r.size() > readUpdates, DEADLINE);
            assertThat(all.size()).as("a model update after %d", readUpdates).isGreaterThan(readUpdates);
            return UPDATES.decode(all.get(readUpdates++).value());
        }

        /** The records on {@code model-updates} not returned yet: all up to its end now, then one more short read. */
        List<ModelUpdate> newUpdates() {
            updateReader.readToEnd(DEADLINE); // what is written by now is read however slow the broker answers
            List<ConsumerRecord<byte[], byte[]>> all = updateReader.readFor(Duration.ofMillis(500));
            List<ModelUpdate> fresh = all.subList(readUpdates, all.size()).stream().map(r -> UPDATES.decode(r.value())).toList();
            readUpdates = all.size();
            return fresh;
        }

        /** Waits for both scoring slots to report {@code version} loaded with {@code shadow} in shadow. */
        void awaitLoaded(long version, long shadow) {
            List<ModelStatus> loaded = awaitStatuses(s -> s.version == version && s.shadowVersion == shadow
                    && ModelStatus.LOADED.equals(s.status), 2);
            assertThat(loaded).extracting(s -> s.subtask).containsExactlyInAnyOrder(0, 1);
            assertThat(loaded).allSatisfy(s -> assertThat(s.shadowReason).isNull());
        }

        /** The first {@code count} status records after those already awaited that match. */
        List<ModelStatus> awaitStatuses(Predicate<ModelStatus> match, int count) {
            int from = readStatuses;
            List<ModelStatus> matching = new ArrayList<>();
            statusReader.readUntil(all -> {
                matching.clear();
                for (int i = from; i < all.size(); i++) {
                    ModelStatus s = STATUSES.decode(all.get(i).value());
                    if (match.test(s)) matching.add(s);
                    if (matching.size() == count) {
                        readStatuses = i + 1;
                        return true;
                    }
                }
                return false;
            }, DEADLINE);
            assertThat(matching).as("model statuses").hasSize(count);
            return matching;
        }

        List<DriftReport> driftReports() {
            return driftReader.readToEnd(DEADLINE).stream().map(r -> REPORTS.decode(r.value())).toList();
        }

        /** RMSE of the serving and the shadow version on the labels joined, by pair, for the record. */
        String liveErrors() {
            Map<String, double[]> sums = new java.util.TreeMap<>();
            for (ConsumerRecord<byte[], byte[]> r : labeledReader.readToEnd(DEADLINE)) {
                LabeledPrediction p = LABELED.decode(r.value());
                // keyed by user (docs/EVENTS.md): one user's labeled predictions stay in order in one partition
                assertThat(r.key()).as("the key of %s", p.requestId).isEqualTo(p.userId.getBytes(StandardCharsets.UTF_8));
                if (p.shadowVersion <= 0) continue;
                double[] s = sums.computeIfAbsent("v" + p.modelVersion + " / shadow v" + p.shadowVersion, k -> new double[3]);
                s[0] += Math.pow(p.modelRating - p.label, 2);
                s[1] += Math.pow(p.shadowRating - p.label, 2);
                s[2]++;
            }
            return sums.entrySet().stream().map(e -> String.format("  %s: %.3f vs %.3f on %d labels", e.getKey(),
                    Math.sqrt(e.getValue()[0] / e.getValue()[2]), Math.sqrt(e.getValue()[1] / e.getValue()[2]),
                    (long) e.getValue()[2])).collect(Collectors.joining("\n"));
        }

        @Override
        public void close() {
            predictionReader.close();
            updateReader.close();
            statusReader.close();
            driftReader.close();
            labeledReader.close();
        }
    }

    private static Properties producerProps() {
        return CliRun.byteProducer(KAFKA.producerProps());
    }

    private CliRun run(CliRun.Main main, String... args) {
        return CliRun.run(tmp, main, args);
    }
}

package dev.marquee.job.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.data.event.ModelStatus;
import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.event.Rating;
import dev.marquee.data.json.EventCodec;
import dev.marquee.infra.testing.KafkaBrokerExtension;
import dev.marquee.job.ScoringJob;
import dev.marquee.job.config.JobSettings;
import dev.marquee.job.score.ParseModelUpdates;
import dev.marquee.job.sink.KafkaConnections;
import dev.marquee.job.source.RawRecord;
import dev.marquee.job.source.RawRecordDeserializer;
import dev.marquee.model.ModelRegistry;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults in the model the job serves: an empty or broken registry at start-up, a version whose variables file
 * was truncated at swap time, and garbage on {@code model-updates}. See each test for the behaviour it holds.
 */
class ModelFaultITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(METRICS.addToConfiguration(new Configuration()))
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final EventCodec<ModelUpdate> UPDATES = EventCodec.of(ModelUpdate.class);
    private static final EventCodec<ModelStatus> STATUSES = EventCodec.of(ModelStatus.class);

    @TempDir
    static Path trained;
    private static Path goodVersion;
    private static List<Rating> rows;

    @TempDir
    Path tmp;

    @BeforeAll
    static void trainAModel() throws Exception {
        ModelRegistry registry = new ModelRegistry(trained);
        rows = TestModels.data(41);
        assertThat(TestModels.publish(registry, rows, 41)).isEqualTo(1);
        goodVersion = TestModels.versionDir(registry, 1);
    }

    /**
     * Fault: the registry holds no version of the model (wrong path, empty volume, nothing trained yet).
     * Expected: the job fails at start-up, without entering its restart loop (here: unlimited restarts), with an
     * error that names the model and the registry.
     */
    @Test
    void anEmptyRegistryFailsTheJobAtStartUpWithAClearMessage() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty-registry"));
        Throwable failure = failureAtStartUp(settings(empty, Map.of()));
        assertThat(messages(failure)).anySatisfy(m -> assertThat(m)
                .contains("no version of model 'marquee' in the registry at " + empty.toAbsolutePath()));
    }

    /**
     * Fault: the serving version (the latest) has a truncated {@code variables/} file, while an older version is
     * fine. Decision: no fall-back. The registry says which version serves (latest, or the pin); serving another
     * one silently would hide the fault and mislabel every prediction's model version. The job fails at start-up
     * with an error naming the version, its directory and the way out (roll back, i.e. pin a version that loads).
     */
    @Test
    void aTruncatedServingVersionFailsTheJobAtStartUpNamingIt() throws Exception {
        ModelRegistry registry = new ModelRegistry(tmp.resolve("registry"));
        assertThat(publishCopy(registry, false)).isEqualTo(1);
        assertThat(publishCopy(registry, true)).isEqualTo(2);
        Throwable failure = failureAtStartUp(settings(registry.base(), Map.of()));
        assertThat(messages(failure)).anySatisfy(m -> assertThat(m)
                .contains("cannot serve model 'marquee' version 2 from " + TestModels.versionDir(registry, 2))
                .contains("rollback --version"));
    }

    /**
     * Faults while the job serves version 1: version 2 is published with a truncated {@code variables/} file and
     * announced; then {@code model-updates} carries garbage: not JSON, JSON of the wrong shape or types, a
     * tombstone, version 0 and a negative one, no model name, a version that does not exist, a version whose
     * {@code location} points outside the registry (at a valid model), and another model's update.
     * Expected: the job never fails or restarts and keeps serving version 1; every unreadable record is counted
     * ({@code modelUpdatesUnreadable}); every readable update for this model that cannot be loaded gives one
     * REFUSED model-status record per scoring slot, naming version 1 as still serving; the location in an update
     * is never followed (versions are looked up in the registry only); another model's update is ignored.
     */
    @Test
    void aTruncatedVersionAtSwapTimeAndGarbageOnModelUpdatesNeverStopServing() throws Exception {
        ModelRegistry registry = new ModelRegistry(tmp.resolve("registry"));
        assertThat(publishCopy(registry, false)).isEqualTo(1);
        Path outside = tmp.resolve("outside/marquee/7");
        copyTree(goodVersion, outside);

        String requestsTopic = KAFKA.createTopic("requests", 2);
        String updatesTopic = KAFKA.createTopic("updates", 1);
        String statusTopic = KAFKA.createTopic("status", 1);
        String predictionsTopic = KAFKA.createTopic("predictions", 2);
        JobSettings s = settings(registry.base(), Map.of(JobSettings.TOPIC_REQUESTS, requestsTopic,
                JobSettings.TOPIC_MODEL_UPDATES, updatesTopic, JobSettings.TOPIC_MODEL_STATUS, statusTopic,
                JobSettings.TOPIC_PREDICTIONS, predictionsTopic));
        JobClient job = start(s, unlimitedRestarts());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(byteProducer());
             FaultRequests requests = new FaultRequests(KAFKA.bootstrapServers(), requestsTopic, rows);
             PredictionCounts predictions = new PredictionCounts(KAFKA.bootstrapServers(), predictionsTopic);
             TopicReader statusReader = new TopicReader(KAFKA, statusTopic)) {
            requests.send("v1", 500);
            assertThat(predictions.awaitAll(requests.sent(), DEADLINE).keySet()).containsAll(requests.sent());

            long truncated = publishCopy(registry, true);
            assertThat(truncated).isEqualTo(2);
            List<byte[]> unreadable = List.of(
                    "{not json".getBytes(StandardCharsets.UTF_8),
                    "{\"model_name\":\"marquee\",\"version\":\"two\"}".getBytes(StandardCharsets.UTF_8),
                    "{\"model_name\":\"marquee\",\"version\":{\"n\":3}}".getBytes(StandardCharsets.UTF_8),
                    "[1,2,3]".getBytes(StandardCharsets.UTF_8),
                    "null".getBytes(StandardCharsets.UTF_8),
                    new byte[0],
                    new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, 0x7b},
                    "{\"version\":3}".getBytes(StandardCharsets.UTF_8),
                    "{\"model_name\":\"marquee\",\"version\":0}".getBytes(StandardCharsets.UTF_8),
                    "{\"model_name\":\"marquee\",\"version\":-5}".getBytes(StandardCharsets.UTF_8));
            send(producer, updatesTopic, UPDATES.encode(update(truncated, TestModels.versionDir(registry, truncated))));
            for (byte[] garbage : unreadable) send(producer, updatesTopic, garbage);
            send(producer, updatesTopic, null); // a tombstone
            send(producer, updatesTopic, UPDATES.encode(update(99, TestModels.versionDir(registry, 99))));
            send(producer, updatesTopic, UPDATES.encode(new ModelUpdate("another-model", 5, outside.toString(), 1L)));
            send(producer, updatesTopic, UPDATES.encode(update(7, outside)));

            List<ModelStatus> statuses = statusReader.readUntil(all -> all.size() >= 6, DEADLINE).stream()
                    .map(r -> STATUSES.decode(r.value())).collect(Collectors.toList());
            statusReader.readUntil(all -> false, Duration.ofSeconds(1)); // nothing more may come
            assertThat(statuses).as("one REFUSED per slot for versions 2, 99 and 7").hasSize(6);
            assertThat(statuses).allSatisfy(st -> {
                assertThat(st.status).isEqualTo(ModelStatus.REFUSED);
                assertThat(st.servingVersion).isEqualTo(1);
                assertThat(st.reason).isNotBlank();
            });
            assertThat(statuses.stream().map(st -> st.version).collect(Collectors.toList()))
                    .containsExactlyInAnyOrder(2L, 2L, 99L, 99L, 7L, 7L);
            System.out.printf("ModelFaultITCase: refused at swap time: %s%n", statuses.stream()
                    .map(st -> "v" + st.version + ": " + st.reason).distinct().collect(Collectors.joining(" | ")));

            requests.send("after", 500);
            Map<String, Integer> counts = predictions.awaitAll(requests.sent(), DEADLINE);
            assertThat(counts.keySet()).containsAll(requests.sent());
            assertThat(requests.sent()).filteredOn(id -> id.startsWith("after-"))
                    .allSatisfy(id -> assertThat(predictions.last(id).modelVersion).as(id).isEqualTo(1));

            assertThat(sum(job.getJobID(), "modelUpdatesUnreadable")).as("unreadable updates counted")
                    .isEqualTo(unreadable.size() + 1);
            assertThat(sum(job.getJobID(), "modelVersionsRefused")).isEqualTo(6);
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
            assertThat(sum(job.getJobID(), "numRestarts")).as("never restarted").isZero();
        } finally {
            job.cancel().get();
        }
    }

    private Throwable failureAtStartUp(JobSettings s) throws Exception {
        JobClient job = start(s, unlimitedRestarts());
        long t0 = System.nanoTime();
        try {
            // Without failing fast the job would restart forever and this would time out.
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                    () -> job.getJobExecutionResult().get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
            assertThat(thrown).as("the job failed at start-up").isInstanceOf(ExecutionException.class);
            System.out.printf("ModelFaultITCase: the job failed %.1f s after submission: %s%n",
                    (System.nanoTime() - t0) / 1e9, String.join(" <- ", messages(thrown)));
            return thrown;
        } finally {
            if (!job.getJobStatus().get().isGloballyTerminalState()) job.cancel().get();
        }
    }

    private static List<String> messages(Throwable t) {
        List<String> out = new ArrayList<>();
        for (Throwable c = t; c != null && out.size() < 20; c = c.getCause()) out.add(String.valueOf(c.getMessage()));
        return out;
    }

    private JobSettings settings(Path registry, Map<String, String> topics) {
        Map<String, String> m = new java.util.HashMap<>(Map.of(
                JobSettings.BOOTSTRAP, KAFKA.bootstrapServers(),
                JobSettings.TOPIC_REQUESTS, KAFKA.createTopic("requests", 1),
                JobSettings.TOPIC_PREDICTIONS, KAFKA.createTopic("predictions", 1),
                JobSettings.TOPIC_DEAD_LETTERS, KAFKA.createTopic("dlq", 1),
                JobSettings.TOPIC_MODEL_UPDATES, KAFKA.createTopic("updates", 1),
                JobSettings.TOPIC_MODEL_STATUS, KAFKA.createTopic("status", 1),
                JobSettings.CHECKPOINT_INTERVAL_MS, "1000",
                "drift.enabled", "false",
                JobSettings.MODEL_REGISTRY, registry.toString()));
        m.putAll(topics);
        return JobSettings.from(m);
    }

    private static Configuration unlimitedRestarts() {
        Configuration c = new Configuration();
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, Integer.MAX_VALUE);
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        return c;
    }

    private static JobClient start(JobSettings s, Configuration extra) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        ScoringJob.configure(env, s);
        env.configure(extra);
        KafkaSource<RawRecord> updates = KafkaSource.<RawRecord>builder().setBootstrapServers(s.bootstrapServers)
                .setTopics(s.modelUpdatesTopic).setGroupId("updates-" + s.modelUpdatesTopic)
                .setStartingOffsets(OffsetsInitializer.earliest()).setDeserializer(new RawRecordDeserializer()).build();
        ScoringJob.buildToKafka(env, s,
                env.fromSource(KafkaConnections.requestSource(s), WatermarkStrategy.noWatermarks(), "rating requests")
                        .uid("source-rating-requests"),
                env.fromSource(updates, WatermarkStrategy.noWatermarks(), "model updates").uid("source-model-updates")
                        .flatMap(new ParseModelUpdates()).name("parse model updates").uid("parse-model-updates"));
        return env.executeAsync("scoring with model faults");
    }

    /** Sums a counter (over subtasks) or reads a gauge of the job, by the metric's last name. */
    private static long sum(JobID job, String name) {
        long total = 0;
        for (Map.Entry<String, Metric> e : METRICS.getMetricsByIdentifiers(job).entrySet()) {
            if (!e.getKey().endsWith("." + name)) continue;
            Metric m = e.getValue();
            if (m instanceof Counter c) total += c.getCount();
            else if (m instanceof Gauge<?> g) total += ((Number) g.getValue()).longValue();
        }
        return total;
    }

    private static ModelUpdate update(long version, Path location) {
        return new ModelUpdate(TestModels.NAME, version, location.toString(), System.currentTimeMillis());
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topic, value)).get();
    }

    private static Properties byteProducer() {
        Properties p = KAFKA.producerProps();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    /** Publishes a copy of the trained version; {@code truncate} cuts its variables data file to half its size. */
    private static long publishCopy(ModelRegistry registry, boolean truncate) throws IOException {
        return registry.publish(TestModels.NAME, dir -> {
            copyTree(goodVersion, dir);
            if (truncate) {
                try (Stream<Path> files = Files.list(dir.resolve("variables"))) {
                    for (Path data : files.filter(f -> f.getFileName().toString().startsWith("variables.data")).toList()) {
                        try (FileChannel ch = FileChannel.open(data, StandardOpenOption.WRITE)) {
                            ch.truncate(ch.size() / 2);
                        }
                    }
                }
            }
        });
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }
}

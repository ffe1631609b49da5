package dev.marquee.job.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.marquee.data.event.DeadLetter;
import dev.marquee.data.event.ErrorCode;
import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.Rating;
import dev.marquee.data.json.EventCodec;
import dev.marquee.data.parse.DeadLetters;
import dev.marquee.data.parse.HostileCorpus;
import dev.marquee.data.parse.ParserLimits;
import dev.marquee.data.replay.RequestEncoder;
import dev.marquee.infra.testing.KafkaBrokerExtension;
import dev.marquee.job.ScoringJob;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile corpus's records over Kafka's default 1 MB limit (up to 10 MiB each) between valid requests, through
 * the real scoring job on a real broker that allows them: the job's Kafka source reads them, every record and
 * every envelope instance ends as exactly one prediction or one dead letter with its expected code at its real
 * position, every dead-letter record is bounded in size, and valid requests sent after them are still scored.
 * A record beyond Kafka's limits never reaches the job: the producer or the broker refuses it. The whole corpus
 * goes through the pipeline without a broker in {@link dev.marquee.job.pipeline.HostileInputPipelineTest}.
 */
class HostileInputITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final SharedMiniCluster FLINK = new SharedMiniCluster();

    /** Topic and producer limit for this test: room for the 10 MiB entries. */
    private static final int RECORD_LIMIT = 16 << 20;
    /** Kafka's default max.message.bytes: entries up to it need no raised limits (the pipeline test has them all). */
    private static final int KAFKA_DEFAULT_LIMIT = 1_048_588;
    private static final int VALID_BEFORE = 50;
    private static final int VALID_AFTER = 50;
    private static final Duration DEADLINE = Duration.ofSeconds(180);
    private static final String VALID = "valid";

    @TempDir
    static Path registryDir;
    private static List<Rating> rows;

    @BeforeAll
    static void trainAModel() throws Exception {
        rows = TestModels.data(21);
        assertThat(TestModels.publish(new ModelRegistry(registryDir), rows, 21)).isEqualTo(1);
    }

    /** One record sent, and the outcome each of its instances is owed. */
    private static final class Sent {
        final String name;
        final HostileCorpus.Expected expected;
        final int length;
        final Future<RecordMetadata> where;

        Sent(String name, HostileCorpus.Expected expected, int length, Future<RecordMetadata> where) {
            this.name = name;
            this.expected = expected;
            this.length = length;
            this.where = where;
        }
    }

    @Test
    void recordsOverKafkasDefaultLimitEndAsExactlyOneOutcomeEachAtTheirPositions() throws Exception {
        String requests = KAFKA.createTopic("requests", 2);
        allowLargeRecords(requests);
        String predictions = KAFKA.createTopic("predictions", 2);
        String deadLetters = KAFKA.createTopic("dlq", 2);
        String updates = KAFKA.createTopic("updates", 1);
        String statuses = KAFKA.createTopic("status", 1);

        List<Sent> sent = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        RequestEncoder encoder = new RequestEncoder();
        int valid = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(RECORD_LIMIT))) {
            for (int i = 0; i < VALID_BEFORE; i++) sent.add(sendValid(producer, requests, encoder, valid++));
            for (HostileCorpus.Entry e : HostileCorpus.all()) {
                byte[] bytes = e.bytes();
                if (bytes.length > RECORD_LIMIT - 1024) {
                    skipped.add(e.name); // beyond any Kafka record we allow: see aRecordBeyondKafkasLimitsNeverReachesTheJob
                    continue;
                }
                if (bytes.length <= KAFKA_DEFAULT_LIMIT) continue;
                sent.add(new Sent(e.name, e.expected, bytes.length, producer.send(new ProducerRecord<>(requests, null, bytes))));
                sent.add(sendValid(producer, requests, encoder, valid++));
            }
            for (int i = 0; i < VALID_AFTER; i++) sent.add(sendValid(producer, requests, encoder, valid++));
            producer.flush();
        }
        assertThat(skipped).containsExactly("envelope-1m-instances");

        // What each instance is owed, by source position: "partition@offset#instance" (-1: the whole record).
        Map<String, String> owed = new HashMap<>();
        Map<String, Sent> byRecord = new HashMap<>();
        for (Sent s : sent) {
            RecordMetadata m = s.where.get(30, TimeUnit.SECONDS);
            byRecord.put(m.partition() + "@" + m.offset(), s);
            List<ErrorCode> codes = s.expected.outcomes();
            for (int i = 0; i < codes.size(); i++) {
                owed.put(m.partition() + "@" + m.offset() + "#" + (s.expected.envelope() ? i : -1),
                        codes.get(i) == null ? VALID : codes.get(i).name());
            }
        }
        long owedPredictions = owed.values().stream().filter(VALID::equals).count();
        long owedDeadLetters = owed.size() - owedPredictions;
        assertThat(sent.size()).as("records over 1 MB sent, each with a valid one after it")
                .isGreaterThanOrEqualTo(VALID_BEFORE + VALID_AFTER + 2 * 2);
        assertThat(owedDeadLetters).isPositive();

        JobSettings settings = JobSettings.from(Map.of(
                JobSettings.BOOTSTRAP, KAFKA.bootstrapServers(),
                JobSettings.TOPIC_REQUESTS, requests,
                JobSettings.TOPIC_PREDICTIONS, predictions,
                JobSettings.TOPIC_DEAD_LETTERS, deadLetters,
                JobSettings.TOPIC_MODEL_UPDATES, updates,
                JobSettings.TOPIC_MODEL_STATUS, statuses,
                JobSettings.TOPIC_DRIFT, KAFKA.createTopic("drift", 1),
                JobSettings.DELIVERY, "at-least-once",
                JobSettings.CHECKPOINT_INTERVAL_MS, "500",
                JobSettings.MODEL_REGISTRY, registryDir.toString()));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        ScoringJob.configure(env, settings);
        // No restart: a failure must fail the test, not hide behind a restart (which would also duplicate outputs).
        Configuration noRestart = new Configuration();
        noRestart.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        env.configure(noRestart);
        DataStream<RawRecord> in = env.fromSource(KafkaConnections.requestSource(settings, true),
                WatermarkStrategy.noWatermarks(), "requests").uid("source-rating-requests");
        ScoringJob.buildToKafka(env, settings, in, KafkaModelUpdates.fromEarliest(settings));
        env.execute("hostile input"); // throws if the job failed

        Map<String, String> got = new HashMap<>();
        EventCodec<Prediction> predictionCodec = EventCodec.of(Prediction.class);
        try (TopicReader reader = new TopicReader(KAFKA, predictions)) {
            for (ConsumerRecord<byte[], byte[]> rec : reader.readAtLeast((int) owedPredictions, DEADLINE)) {
                Prediction p = predictionCodec.decode(rec.value());
                String key = positionOf(p);
                assertThat(got.put(key, VALID)).as("two outcomes for %s", key).isNull();
                // EVENTS.md: keyed by request id
                assertThat(new String(rec.key(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(p.requestId);
                assertThat(p.predictedRating).isBetween(1f, 5f);
            }
        }
        int maxDeadLetterBytes = HostileCorpus.maxDeadLetterJsonBytes(ParserLimits.defaults());
        int largestDeadLetter = 0;
        EventCodec<DeadLetter> deadCodec = EventCodec.of(DeadLetter.class);
        try (TopicReader reader = new TopicReader(KAFKA, deadLetters)) {
            for (ConsumerRecord<byte[], byte[]> rec : reader.readAtLeast((int) owedDeadLetters, DEADLINE)) {
                largestDeadLetter = Math.max(largestDeadLetter, rec.value().length);
                assertThat(rec.value().length).as("dead letter record size").isLessThanOrEqualTo(maxDeadLetterBytes);
                DeadLetter d = deadCodec.decode(rec.value());
                // EVENTS.md: keyed by the source position, one key per envelope (its dead letters on one partition)
                assertThat(new String(rec.key(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(d.source.defaultRequestId());
                String record = d.source.partition + "@" + d.source.offset;
                String key = record + "#" + d.instanceIndex;
                assertThat(got.put(key, d.errorCode.name())).as("two outcomes for %s", key).isNull();
                assertThat(d.source.topic).isEqualTo(requests);
                assertThat(DeadLetters.payloadBytes(d).length).isLessThanOrEqualTo(ParserLimits.defaults().maxDeadLetterPayloadBytes);
                if (d.instanceIndex < 0) {
                    Sent s = byRecord.get(record);
                    assertThat(d.payloadLength).as(s.name).isEqualTo(s.length);
                    assertThat(d.payloadTruncated).as(s.name).isEqualTo(s.length > ParserLimits.defaults().maxDeadLetterPayloadBytes);
                }
            }
        }
        assertThat(largestDeadLetter).isPositive();
        System.out.printf("hostile input: %d records, %d predictions and %d dead letters owed; largest dead letter %d bytes"
                + " (bound %d)%n", sent.size(), owedPredictions, owedDeadLetters, largestDeadLetter, maxDeadLetterBytes);

        // exactly one outcome per record and instance, each the one it is owed
        assertThat(got.keySet()).isEqualTo(owed.keySet());
        for (Map.Entry<String, String> e : owed.entrySet()) {
            String record = e.getKey().substring(0, e.getKey().indexOf('#'));
            assertThat(got.get(e.getKey())).as("%s (%s)", e.getKey(), byRecord.get(record).name).isEqualTo(e.getValue());
        }
        // valid requests sent after the whole corpus were still scored
        for (Sent s : sent.subList(sent.size() - VALID_AFTER, sent.size())) {
            RecordMetadata m = s.where.get();
            assertThat(got.get(m.partition() + "@" + m.offset() + "#-1")).as(s.name).isEqualTo(VALID);
        }
    }

    @Test
    void aRecordBeyondKafkasLimitsNeverReachesTheJob() throws Exception {
        String requests = KAFKA.createTopic("requests", 1);
        allowLargeRecords(requests);
        byte[] millionInstances = HostileCorpus.generated().stream().filter(e -> e.name.equals("envelope-1m-instances"))
                .findFirst().orElseThrow().bytes();
        assertThat(millionInstances.length).isGreaterThan(RECORD_LIMIT);

        // The producer refuses a record over its max.request.size before sending it ...
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(RECORD_LIMIT))) {
            Throwable refused = catchThrowable(() -> producer.send(new ProducerRecord<>(requests, millionInstances)).get());
            assertThat(refused).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(RecordTooLargeException.class);
        }
        // ... and, when the producer allows it, the broker refuses it against the topic's max.message.bytes.
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(128 << 20))) {
            Throwable refused = catchThrowable(() -> producer.send(new ProducerRecord<>(requests, millionInstances)).get());
            assertThat(refused).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(RecordTooLargeException.class);
        }
        // Nothing was written, so nothing reaches the job. (Were it written, the parser would refuse it as
        // TOO_LARGE against parser.max-payload-bytes: HostileCorpusTest.)
        try (Admin admin = admin()) {
            var offsets = admin.listOffsets(Map.of(new org.apache.kafka.common.TopicPartition(requests, 0),
                    org.apache.kafka.clients.admin.OffsetSpec.latest())).all().get(30, TimeUnit.SECONDS);
            assertThat(offsets.values().iterator().next().offset()).isZero();
        }
    }

    private static Sent sendValid(KafkaProducer<byte[], byte[]> producer, String topic, RequestEncoder encoder, int i) {
        Rating r = rows.get(i % rows.size());
        byte[] value = encoder.single("v-" + i, r);
        Future<RecordMetadata> where = producer.send(new ProducerRecord<>(topic, r.userId.getBytes(), value));
        return new Sent("valid v-" + i, HostileCorpus.valid(), value.length, where);
    }

    /** "partition@offset#instance" of a prediction; the instance is read from the default id "topic-p-o#i". */
    private static String positionOf(Prediction p) {
        String base = p.source.defaultRequestId() + "#";
        int index = p.requestId.startsWith(base) ? Integer.parseInt(p.requestId.substring(base.length())) : -1;
        return p.source.partition + "@" + p.source.offset + "#" + index;
    }

    private static void allowLargeRecords(String topic) throws Exception {
        try (Admin admin = admin()) {
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(new AlterConfigOp(
                    new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(RECORD_LIMIT)), AlterConfigOp.OpType.SET))))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    private static Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        return Admin.create(p);
    }

    private static Properties producerProps(int maxRequestSize) {
        Properties p = KAFKA.producerProps();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(maxRequestSize));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(Math.max(64L << 20, 2L * maxRequestSize)));
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return p;
    }
}

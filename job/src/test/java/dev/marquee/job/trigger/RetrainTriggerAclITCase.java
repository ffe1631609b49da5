package dev.marquee.job.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.Alert;
import dev.marquee.data.event.DriftReport;
import dev.marquee.data.event.RetrainRequest;
import dev.marquee.data.json.EventCodec;
import dev.marquee.infra.testing.SecuredKafka;
import dev.marquee.job.config.JobSettings;
import dev.marquee.job.config.TriggerSettings;
import dev.marquee.job.pipeline.SharedMiniCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The retraining trigger, exactly-once, run as a principal granted exactly what docs/OPERATIONS.md's "Kafka ACLs"
 * lists for it, on a broker that signs clients in and enforces ACLs: sustained drift gives its retrain request. At the
 * default starting offsets (the group's committed ones), so the group's grant is used from the start. Without the
 * optional DescribeConfigs grants; the start-up checks (ScoringJob.run's) are not run here.
 */
class RetrainTriggerAclITCase {
    @RegisterExtension
    static final SharedMiniCluster FLINK = new SharedMiniCluster();

    private static final String TRIGGER = "trigger";
    private static final EventCodec<DriftReport> REPORTS = EventCodec.of(DriftReport.class);
    private static final EventCodec<RetrainRequest> REQUESTS = EventCodec.of(RetrainRequest.class);
    private static final long MINUTE = 60_000;
    private static SecuredKafka kafka;

    @BeforeAll
    static void brokerWithTheDocumentedGrants() throws Exception {
        kafka = SecuredKafka.start(TRIGGER);
        for (String topic : List.of("drift-metrics", "retrain-outcomes", "model-updates")) {
            kafka.createTopic(topic, 1);
            kafka.allow(TRIGGER, topic, AclOperation.READ, AclOperation.DESCRIBE);
        }
        kafka.createTopic("retrain-requests", 1);
        kafka.allow(TRIGGER, "retrain-requests", AclOperation.WRITE, AclOperation.DESCRIBE);
        kafka.allow(TRIGGER, ResourceType.GROUP, "marquee-trigger", PatternType.PREFIXED, AclOperation.READ);
        kafka.allow(TRIGGER, ResourceType.TRANSACTIONAL_ID, "marquee-trigger-", PatternType.PREFIXED,
                AclOperation.WRITE, AclOperation.DESCRIBE);
    }

    @AfterAll
    static void stop() {
        if (kafka != null) kafka.close();
    }

    /**
     * Run in its own JVM (marquee trigger), a sign-in the brokers refuse is refused once, with their reason: not also
     * said first as a harmless "could not read ... not checked".
     */
    @Test
    void aRefusedSignInIsSaidOnceWithTheBrokersReason() {
        Map<String, String> settings = new HashMap<>(Map.of(JobSettings.BOOTSTRAP, kafka.bootstrapServers()));
        kafka.clientProps(TRIGGER).forEach((k, v) -> {
            if (k.equals("bootstrap.servers")) return;
            String value = k.equals("sasl.jaas.config") ? ((String) v).replace("password=\"" + TRIGGER + "\"",
                    "password=\"n0t-the-trigger-pw\"") : (String) v;
            settings.put(JobSettings.KAFKA_PROPERTY_PREFIX + k, value);
        });
        List<String> lines = new ArrayList<>();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> RetrainTriggerJob.checkBrokers(TriggerSettings.from(settings), true, lines::add))
                .hasMessageContaining("refused this job's sign-in (SaslAuthenticationException: ")
                .hasMessageContaining("Invalid username or password").hasMessageNotContaining("n0t-the-trigger-pw");
        assertThat(lines).noneSatisfy(l -> assertThat(l).contains("could not read from the brokers"));
        assertThat(String.join("\n", lines)).doesNotContain("n0t-the-trigger-pw");
    }

    @Test
    void sustainedDriftGivesItsRequestWithTheGrantsTheDocsList() throws Exception {
        Properties admin = kafka.clientProps(SecuredKafka.ADMIN);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(admin, new StringSerializer(), new StringSerializer())) {
            for (long s = 1; s <= 4; s++) producer.send(new ProducerRecord<>("drift-metrics", REPORTS.encodeToString(drifted(s))));
            producer.flush();
        }
        Map<String, String> settings = new HashMap<>(Map.of(
                JobSettings.BOOTSTRAP, kafka.bootstrapServers(),
                JobSettings.DELIVERY, "exactly-once",
                JobSettings.CHECKPOINT_INTERVAL_MS, "500"));
        kafka.clientProps(TRIGGER).forEach((k, v) -> {
            if (!k.equals("bootstrap.servers")) settings.put(JobSettings.KAFKA_PROPERTY_PREFIX + k, (String) v);
        });
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        RetrainTriggerJob.buildWithKafka(env, TriggerSettings.from(settings), true);
        env.execute("retraining trigger under ACLs");

        // the commit's markers are written after the commit returns: read once they are there
        List<RetrainRequest> requests = new ArrayList<>();
        org.awaitility.Awaitility.await("the request committed").atMost(Duration.ofSeconds(30)).until(() -> {
            requests.clear();
            requests.addAll(committed(admin, "retrain-requests"));
            return !requests.isEmpty();
        });
        assertThat(requests).singleElement().satisfies(r -> {
            assertThat(r.triggers).containsExactly(RetrainRequest.TRIGGER_DRIFT);
            assertThat(r.requestId).isEqualTo("retrain-1-3-" + drifted(3).windowEndMs);
        });
    }

    private static DriftReport drifted(long sequence) {
        DriftReport r = new DriftReport();
        r.sequence = sequence;
        r.windowStartMs = 1_700_000_000_000L + sequence * MINUTE;
        r.windowEndMs = r.windowStartMs + MINUTE;
        r.modelVersion = 1;
        r.drifted = true;
        r.alerts.add(new Alert("movie_title.js", 0.3, 0.1, (int) sequence));
        return r;
    }

    /** Everything committed on the one-partition topic, up to its end offset. */
    private static List<RetrainRequest> committed(Properties admin, String topic) {
        Properties props = new Properties();
        props.putAll(admin);
        props.put("isolation.level", "read_committed");
        List<RetrainRequest> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition p = new TopicPartition(topic, 0);
            consumer.assign(List.of(p));
            consumer.seekToBeginning(List.of(p));
            long end = consumer.endOffsets(List.of(p), Duration.ofSeconds(10)).get(p);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(p) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> rec : consumer.poll(Duration.ofMillis(200))) out.add(REQUESTS.decode(rec.value()));
            }
        }
        return out;
    }
}

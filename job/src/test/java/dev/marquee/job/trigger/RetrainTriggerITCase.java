package dev.marquee.job.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.marquee.data.event.Alert;
import dev.marquee.data.event.DriftReport;
import dev.marquee.data.event.RetrainRequest;
import dev.marquee.data.json.EventCodec;
import dev.marquee.infra.testing.KafkaBrokerExtension;
import dev.marquee.job.config.JobSettings;
import dev.marquee.job.config.TriggerSettings;
import dev.marquee.job.pipeline.SharedMiniCluster;
import dev.marquee.model.ModelCard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trigger job end to end on a real broker and a MiniCluster: drift reports (with garbage between them) on
 * a topic, the job run bounded to the latest offsets, and exactly the expected retrain requests on the output.
 */
class RetrainTriggerITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final SharedMiniCluster FLINK = new SharedMiniCluster();

    private static final EventCodec<DriftReport> REPORTS = EventCodec.of(DriftReport.class);
    private static final EventCodec<RetrainRequest> REQUESTS = EventCodec.of(RetrainRequest.class);
    private static final long MINUTE = 60_000;

    @TempDir
    Path registry;

    private static DriftReport report(long sequence, boolean drifted) {
        DriftReport r = new DriftReport();
        r.sequence = sequence;
        r.windowStartMs = 1_700_000_000_000L + sequence * MINUTE;
        r.windowEndMs = r.windowStartMs + MINUTE;
        r.modelVersion = 1;
        r.drifted = drifted;
        if (drifted) r.alerts.add(new Alert("movie_title.js", 0.3, 0.1, (int) sequence));
        return r;
    }

    private static DriftReport labelled(long sequence, double rmse, double labels) {
        DriftReport r = report(sequence, false);
        r.metrics.put("labels.rmse", rmse);
        r.metrics.put("labels.count", labels);
        return r;
    }

    @Test
    void sustainedDriftGivesOneRequestAndTheOneInFlightHoldsTheRest() throws Exception {
        List<String> records = new ArrayList<>();
        records.add("not a drift report");
        records.add(REPORTS.encodeToString(report(1, true)));
        records.add(REPORTS.encodeToString(report(2, false)));
        records.add(REPORTS.encodeToString(report(3, true)));
        records.add("{\"sequence\": \"four\"}");
        records.add(REPORTS.encodeToString(report(4, true)));
        records.add(REPORTS.encodeToString(report(5, true))); // the third drifted window in a row
        for (long s = 6; s <= 12; s++) records.add(REPORTS.encodeToString(report(s, true)));

        List<RetrainRequest> requests = run(records, Map.of());

        assertThat(requests).singleElement().satisfies(r -> {
            assertThat(r.requestId).isEqualTo("retrain-1-5-" + report(5, true).windowEndMs);
            assertThat(r.triggers).containsExactly(RetrainRequest.TRIGGER_DRIFT);
            assertThat(r.modelVersion).isEqualTo(1);
            assertThat(r.alerts).extracting(a -> a.metric).containsExactly("movie_title.js");
        });
    }

    @Test
    void onlineRmseOverTheModelCardPlusTheMarginGivesOneRequest() throws Exception {
        Path version1 = Files.createDirectories(registry.resolve("marquee").resolve("1"));
        new ModelCard().put("architecture", "default")
                .put("metrics", Map.of("default", Map.of("test", Map.of("rmse", 0.90)), "global mean", Map.of("test", Map.of("rmse", 1.2))))
                .write(version1);
        List<String> records = new ArrayList<>();
        records.add(REPORTS.encodeToString(labelled(1, 0.96, 500)));
        records.add(REPORTS.encodeToString(labelled(2, 0.99, 100))); // too few labels to judge alone: pooled, let go by the next
        records.add(REPORTS.encodeToString(labelled(3, 0.97, 500)));
        records.add("[]");
        records.add(REPORTS.encodeToString(labelled(4, 0.98, 500))); // the third window over 0.90 + 0.05
        for (long s = 5; s <= 9; s++) records.add(REPORTS.encodeToString(labelled(s, 1.5, 900)));

        List<RetrainRequest> requests = run(records, Map.of(TriggerSettings.DRIFTED_WINDOWS, "0",
                JobSettings.MODEL_REGISTRY, registry.toString()));

        assertThat(requests).singleElement().satisfies(r -> {
            assertThat(r.requestId).isEqualTo("retrain-1-4-" + report(4, false).windowEndMs);
            assertThat(r.triggers).containsExactly(RetrainRequest.TRIGGER_RMSE);
            assertThat(r.alerts).singleElement().satisfies(a -> {
                assertThat(a.value).isEqualTo(0.98);
                assertThat(a.threshold).isCloseTo(0.95, org.assertj.core.data.Offset.offset(1e-9));
            });
            assertThat(r.metrics).containsEntry("labels.count", 500.0);
        });
    }

    /**
     * A requests topic not created yet is said at start, as the scoring job says it of its outputs: else the trigger
     * fails on its first request, when a retrain is needed, unless its principal may create topics. Nothing is created.
     */
    @Test
    void aMissingRequestsTopicIsSaidAtStart() throws Exception {
        String missing = "never-created-requests-" + System.nanoTime();
        Map<String, String> settings = new HashMap<>(Map.of(
                JobSettings.BOOTSTRAP, KAFKA.bootstrapServers(),
                JobSettings.TOPIC_DRIFT, KAFKA.createTopic("drift", 1),
                JobSettings.TOPIC_MODEL_UPDATES, KAFKA.createTopic("updates", 1),
                TriggerSettings.TOPIC_RETRAIN_OUTCOMES, KAFKA.createTopic("outcomes", 1),
                TriggerSettings.TOPIC_RETRAIN_REQUESTS, missing));
        List<String> lines = new ArrayList<>();
        RetrainTriggerJob.checkBrokers(TriggerSettings.from(settings), lines::add);
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("marquee retraining trigger: WARNING: topic " + missing
                + " does not exist yet"));
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.<String, Object>of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            assertThat(admin.listTopics().names().get()).doesNotContain(missing);
        }

        // a refusal (a source topic missing too) comes after what was found before it, not instead of it
        settings.put(JobSettings.TOPIC_DRIFT, "never-created-drift-" + System.nanoTime());
        List<String> before = new ArrayList<>();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> RetrainTriggerJob.checkBrokers(TriggerSettings.from(settings), before::add))
                .hasMessageContaining("never-created-drift-").hasMessageContaining("does not exist");
        assertThat(before).anySatisfy(l -> assertThat(l).contains("topic " + missing + " does not exist yet"));
    }

    /** Writes the records to a fresh drift topic, runs the job bounded, and returns every request it wrote. */
    private static List<RetrainRequest> run(List<String> driftRecords, Map<String, String> extra) throws Exception {
        String drift = KAFKA.createTopic("drift", 1);
        String outcomes = KAFKA.createTopic("outcomes", 1);
        String updates = KAFKA.createTopic("updates", 1);
        String requests = KAFKA.createTopic("requests", 1);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.producerProps())) {
            for (String r : driftRecords) producer.send(new ProducerRecord<>(drift, r));
            producer.flush();
        }
        Map<String, String> settings = new HashMap<>(Map.of(
                JobSettings.BOOTSTRAP, KAFKA.bootstrapServers(),
                JobSettings.GROUP_ID, "trigger-" + drift,
                JobSettings.STARTING_OFFSETS, "earliest",
                JobSettings.TOPIC_DRIFT, drift,
                JobSettings.TOPIC_MODEL_UPDATES, updates,
                TriggerSettings.TOPIC_RETRAIN_OUTCOMES, outcomes,
                TriggerSettings.TOPIC_RETRAIN_REQUESTS, requests,
                JobSettings.CHECKPOINT_INTERVAL_MS, "500"));
        settings.putAll(extra);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        RetrainTriggerJob.buildWithKafka(env, TriggerSettings.from(settings), true);
        env.execute("retraining trigger");
        return readAll(requests);
    }

    /** Everything on a one-partition topic, up to its end offset. */
    private static List<RetrainRequest> readAll(String topic) {
        List<RetrainRequest> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(KAFKA.consumerProps("read-" + topic))) {
            TopicPartition p = new TopicPartition(topic, 0);
            consumer.assign(List.of(p));
            consumer.seekToBeginning(List.of(p));
            long end = consumer.endOffsets(List.of(p)).get(p);
            await("reading to the end of " + topic).atMost(Duration.ofSeconds(30)).pollInSameThread()
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() -> {
                        for (ConsumerRecord<String, String> rec : consumer.poll(Duration.ofMillis(200))) {
                            out.add(REQUESTS.decode(rec.value()));
                        }
                        return consumer.position(p) >= end;
                    });
        }
        return out;
    }
}

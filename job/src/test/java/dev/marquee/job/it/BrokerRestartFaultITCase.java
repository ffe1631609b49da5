package dev.marquee.job.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.Rating;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker crashes (SIGKILL) while the scoring job runs at-least-once, and comes back on the same port and
 * data. Expected: the job recovers by itself (Kafka clients reconnect; when a sink write times out, Flink's
 * fixed-delay restart strategy restarts it from its last checkpoint), no request is lost, and duplicates, which
 * at-least-once allows, are counted and printed.
 */
class BrokerRestartFaultITCase {
    @RegisterExtension
    static final SharedMiniCluster FLINK = new SharedMiniCluster();

    private static final Duration DEADLINE = Duration.ofSeconds(180);

    @TempDir
    Path tmp;

    @Test
    void noRequestIsLostWhenTheBrokerRestartsMidStream() throws Exception {
        Path registryDir = tmp.resolve("registry");
        List<Rating> rows = TestModels.data(31);
        assertThat(TestModels.publish(new ModelRegistry(registryDir), rows, 31)).isEqualTo(1);

        try (KafkaBrokerProcess broker = new KafkaBrokerProcess(tmp.resolve("kafka"))) {
            Duration firstStart = broker.start();
            String bootstrap = broker.bootstrapServers();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(new NewTopic("requests", Optional.of(2), Optional.empty()),
                        new NewTopic("predictions", Optional.of(2), Optional.empty()),
                        new NewTopic("dlq", Optional.of(1), Optional.empty()),
                        new NewTopic("updates", Optional.of(1), Optional.empty()),
                        new NewTopic("status", Optional.of(1), Optional.empty()))).all().get(60, TimeUnit.SECONDS);
            }
            JobSettings settings = JobSettings.from(Map.of(
                    JobSettings.BOOTSTRAP, bootstrap,
                    JobSettings.TOPIC_REQUESTS, "requests",
                    JobSettings.TOPIC_PREDICTIONS, "predictions",
                    JobSettings.TOPIC_DEAD_LETTERS, "dlq",
                    JobSettings.TOPIC_MODEL_UPDATES, "updates",
                    JobSettings.TOPIC_MODEL_STATUS, "status",
                    JobSettings.DELIVERY, "at-least-once",
                    JobSettings.CHECKPOINT_INTERVAL_MS, "500",
                    "drift.enabled", "false",
                    JobSettings.MODEL_REGISTRY, registryDir.toString()));
            SnapshotProbe.reset();
            JobClient job = start(settings);
            try (FaultRequests requests = new FaultRequests(bootstrap, "requests", rows);
                 PredictionCounts predictions = new PredictionCounts(bootstrap, "predictions")) {
                requests.send("before", 1_000);
                assertThat(predictions.awaitAll(requests.sent(), DEADLINE).keySet()).as("served before the crash")
                        .containsAll(requests.sent());

                requests.send("crash", 1_000);
                broker.kill(); // the job may still be reading and writing the batch just sent (not checked: it may be done)
                Duration restart = broker.start();
                long restarted = System.nanoTime();
                requests.send("after", 1_000);
                Map<String, Integer> counts = predictions.awaitAll(requests.sent(), DEADLINE);
                double recoverySeconds = (System.nanoTime() - restarted) / 1e9;
                Map<String, Integer> duplicates = predictions.duplicates();
                int extra = duplicates.values().stream().mapToInt(c -> c - 1).sum();
                System.out.printf("BrokerRestartFaultITCase: broker up in %d ms, back after the kill in %d ms; every"
                                + " request predicted %.1f s after the restart; %d of %d requests predicted more than"
                                + " once (%d extra predictions); %d task (re)starts of the probe's 2 subtasks%n",
                        firstStart.toMillis(), restart.toMillis(), recoverySeconds, duplicates.size(),
                        requests.sent().size(), extra, SnapshotProbe.OPENED.get());
                assertThat(counts.keySet()).as("no request lost").containsAll(requests.sent());
                assertThat(counts.keySet()).as("nothing but the requests sent").isEqualTo(requests.sent());
                assertThat(job.getJobStatus().get()).isEqualTo(org.apache.flink.api.common.JobStatus.RUNNING);
            } finally {
                Jobs.stopIfRunning(job);
            }
        }
    }

    private static JobClient start(JobSettings settings) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        ScoringJob.configure(env, settings);
        Configuration restart = new Configuration();
        restart.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        restart.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 100);
        restart.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
        env.configure(restart);
        DataStream<RawRecord> in = env
                .fromSource(KafkaConnections.requestSource(settings), WatermarkStrategy.noWatermarks(), "rating requests")
                .uid("source-rating-requests")
                .map(new SnapshotProbe()).name("probe").uid("probe");
        ScoringJob.buildToKafka(env, settings, in, KafkaModelUpdates.fromLatest(settings));
        return env.executeAsync("scoring across a broker restart");
    }
}

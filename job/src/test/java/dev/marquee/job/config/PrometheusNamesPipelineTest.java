package dev.marquee.job.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.Rating;
import dev.marquee.data.replay.RequestEncoder;
import dev.marquee.job.pipeline.CollectingSink;
import dev.marquee.job.pipeline.InMemoryElements;
import dev.marquee.job.pipeline.PipelineRun;
import dev.marquee.job.pipeline.RawRecords;
import dev.marquee.job.pipeline.SharedMiniCluster;
import dev.marquee.job.source.RawRecord;
import dev.marquee.job.trigger.RetrainTriggerJob;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.testing.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.CharacterFilter;
import org.apache.flink.metrics.LogicalScopeProvider;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.groups.AbstractMetricGroup;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metric names the alert rules and the dashboard query (InfraConfigTest's list) are the names Flink's Prometheus
 * reporter gives the metrics the scoring job registers: a metric renamed or moved to another group in the code fails
 * here, not silently in production where its alert would never fire.
 */
class PrometheusNamesPipelineTest {
    @RegisterExtension
    static final SharedMiniCluster FLINK = new SharedMiniCluster();

    /** Flink 2.2's reporter (AbstractPrometheusReporter): characters outside [a-zA-Z0-9:_] become '_'. */
    private static final Pattern UNALLOWED = Pattern.compile("[^a-zA-Z0-9:_]");
    private static final CharacterFilter FILTER = s -> UNALLOWED.matcher(s).replaceAll("_");

    /**
     * Known names the job run here does not register: the JobManager's own metrics and those of Flink's Kafka source
     * (checked against Flink's and the connector's jars, InfraConfigTest), which an in-memory source does not have.
     */
    private static final Set<String> NOT_FROM_THIS_RUN = Set.of(
            "flink_jobmanager_job_numRestarts",
            "flink_jobmanager_job_numberOfFailedCheckpoints",
            "flink_jobmanager_job_lastCheckpointCompletedTimestamp",
            "flink_jobmanager_job_uptime",
            "flink_taskmanager_job_task_operator_pendingRecords",
            "flink_taskmanager_job_task_operator_KafkaSourceReader_KafkaConsumer_records_lag_max");

    @TempDir
    static Path registryDir;

    @Test
    void everyMetricTheAlertsAndTheDashboardQueryIsOneTheScoringJobRegisters() throws Exception {
        List<Rating> rows = TestModels.data(5);
        assertThat(TestModels.publish(new ModelRegistry(registryDir), rows, 5)).isEqualTo(1);
        RawRecords requests = new RawRecords("rating-requests", 1);
        RequestEncoder encoder = new RequestEncoder();
        for (int i = 0; i < 20; i++) requests.add(encoder.single("r-" + i, rows.get(i)));
        List<RawRecord> labels = new ArrayList<>();
        labels.add(new RawRecord("not a rating".getBytes(StandardCharsets.UTF_8), "ratings", 0, 0, 0));

        PipelineRun.Outputs out = new PipelineRun(Map.of(JobSettings.MODEL_REGISTRY, registryDir.toString()))
                .requests(requests.all()).rawLabels(labels).run();

        Set<String> registered = new TreeSet<>();
        for (Tuple3<MetricGroup, String, Metric> m : SharedMiniCluster.metrics().findJobMetricGroups(out.jobId(), ".*")) {
            registered.add(prometheusName(m.f0, m.f1));
        }
        Set<String> expected = InfraConfigTest.knownMetrics().stream()
                .filter(n -> !NOT_FROM_THIS_RUN.contains(n) && !InfraConfigTest.TRIGGER_METRICS.contains(n))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(expected).as("names the alerts and dashboard may query").hasSizeGreaterThan(50);
        assertThat(registered).as("Prometheus names of the job's metrics").containsAll(expected);
        assertThat(SharedMiniCluster.metricSum(out.jobId(), "labelsRefused")).isEqualTo(1);
    }

    @Test
    void everyTriggerMetricTheAlertsQueryIsOneTheTriggerJobRegisters() throws Exception {
        String id = "trigger-names-" + java.util.UUID.randomUUID();
        TriggerSettings s = TriggerSettings.from(Map.of(JobSettings.MODEL_REGISTRY, registryDir.toString()));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        TypeInformation<RawRecord> raw = TypeInformation.of(RawRecord.class);
        RetrainTriggerJob.build(env, s, InMemoryElements.stream(env, id + "/drift", List.of(), raw),
                InMemoryElements.stream(env, id + "/outcomes", List.of(), raw),
                InMemoryElements.stream(env, id + "/updates", List.of(), raw), new CollectingSink<>(id + "/requests"));
        JobClient job = env.executeAsync("trigger " + id);
        try {
            job.getJobExecutionResult().get(3, TimeUnit.MINUTES);
        } finally {
            InMemoryElements.forget(id);
            CollectingSink.take(id + "/requests");
        }
        Set<String> registered = new TreeSet<>();
        for (Tuple3<MetricGroup, String, Metric> m : SharedMiniCluster.metrics().findJobMetricGroups(job.getJobID(), ".*")) {
            registered.add(prometheusName(m.f0, m.f1));
        }
        assertThat(registered).as("Prometheus names of the trigger's metrics").containsAll(InfraConfigTest.TRIGGER_METRICS);
    }

    /** As AbstractPrometheusReporter#getScopedName: "flink_", the group's logical scope, "_", the metric's name. */
    private static String prometheusName(MetricGroup group, String name) {
        // the in-memory reporter keeps the group behind the reporter's view of it: the same logical scope
        String scope = group instanceof AbstractMetricGroup<?> plain ? plain.getLogicalScope(FILTER, '_')
                : LogicalScopeProvider.castFrom(group).getLogicalScope(FILTER, '_');
        return "flink_" + scope + "_" + FILTER.filterCharacters(name);
    }
}

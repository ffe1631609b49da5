package dev.marquee.job.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.marquee.infra.Topics;
import dev.marquee.data.drift.DriftMetricNames;
import dev.marquee.data.testing.Prerequisites;
import dev.marquee.job.drift.DriftWindowOperator;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.flink.api.common.resources.ExternalResource;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.ExternalResourceOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.externalresource.ExternalResourceUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Offline checks of infra/: the Flink configurations parse with Flink's own loader to the intended typed values,
 * the Prometheus, Kubernetes and Grafana files parse, and every metric they query is one the system reports.
 * Tests run with the module directory as working directory, hence {@code ../infra}.
 */
class InfraConfigTest {
    private static final Path INFRA = Path.of("..", "infra");
    private static final String REPORTER_FACTORY = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";
    /** Measured in FINDINGS.md: resident memory of one loaded model, outside the JVM heap. */
    private static final MemorySize MODEL_NATIVE_MEMORY = MemorySize.parse("300m");

    // ---- the metric contract --------------------------------------------------------------------------------

    /** The scoring job's drift metrics (dotted names); each is a gauge in the operator group marquee_drift. */
    static final List<String> DRIFT_METRICS = List.of("user_id.oov_rate", "user_id.top5_share",
            "movie_title.oov_rate", "movie_title.linf", "movie_title.js", "timestamp.hour_js", "timestamp.day_js",
            "timestamp.slice_gap_rate", "timestamp.future_rate", "timestamp.lag_p50_s",
            "timestamp.lag_p95_s", "timestamp.lag_p99_s", "prediction.psi", "prediction.js", "prediction.mean",
            "prediction.mean_shift", "schema.invalid_rate", "schema.unexpected_field_rate", "schema.type_change_rate",
            "schema.missing_optional_rate", "latency.p50_ms", "latency.p95_ms", "latency.p99_ms",
            "throughput.per_second", "labels.rmse", "labels.mae", "labels.model_rmse", "labels.model_count", "labels.count",
            "labels.estimated_rmse", "labels.shadow_rmse", "labels.shadow_serving_rmse", "labels.shadow_count",
            "labels.unmatched_count", "labels.unlabelled_count");
    /** Further gauges of the marquee_drift group. */
    static final List<String> DRIFT_SUMMARY_GAUGES = List.of("alerts", "drifted", "model_version", "window_records",
            "episode_open", "calibrated");
    /** How Flink 2.2's Prometheus reporter names a gauge of the operator group marquee_drift. */
    static final String DRIFT_PREFIX = "flink_taskmanager_job_task_operator_marquee_drift_";
    /** Flink's own metrics and the scoring operator's marquee group (docs/CONFIGURATION.md, "Metrics"). */
    static final Set<String> OTHER_METRICS = Set.of(
            "flink_jobmanager_job_numRestarts",
            "flink_jobmanager_job_numberOfFailedCheckpoints",
            "flink_jobmanager_job_lastCheckpointCompletedTimestamp",
            "flink_jobmanager_job_lastCheckpointDuration",
            "flink_jobmanager_job_uptime",
            "flink_taskmanager_job_task_operator_pendingRecords",
            "flink_taskmanager_job_task_operator_numRecordsInPerSecond",
            "flink_taskmanager_job_task_operator_numRecordsOutPerSecond",
            "flink_taskmanager_job_task_operator_KafkaSourceReader_KafkaConsumer_records_lag_max",
            "flink_taskmanager_job_task_operator_marquee_endToEndLatencyMs",
            "flink_taskmanager_job_task_operator_marquee_modelVersion",
            "flink_taskmanager_job_task_operator_marquee_modelVersionsRefused",
            "flink_taskmanager_job_task_operator_marquee_shadowVersionsRefused",
            "flink_taskmanager_job_task_operator_marquee_futureTimestampsIgnored",
            "flink_taskmanager_job_task_operator_labelsRefused");

    /** The retraining trigger's metrics the alerts query (the trigger job registers them, not the scoring job). */
    static final Set<String> TRIGGER_METRICS = Set.of(
            "flink_taskmanager_job_task_operator_marquee_" + dev.marquee.job.trigger.RetrainTriggerFunction.OTHER_RUN_REPORTS_METRIC);

    static Set<String> knownMetrics() {
        Set<String> names = new TreeSet<>(OTHER_METRICS);
        names.addAll(TRIGGER_METRICS);
        for (String dotted : DRIFT_METRICS) {
            String gauge = DRIFT_PREFIX + dotted.replace('.', '_');
            names.add(gauge);
            names.add(gauge + "_threshold");
            names.add(gauge + "_alerting");
        }
        for (dev.marquee.data.event.ErrorCode code : dev.marquee.data.event.ErrorCode.values()) { // per error code
            String gauge = DRIFT_PREFIX + DriftMetricNames.gaugeName(DriftMetricNames.INVALID_RATE_CODE_PREFIX + code.name());
            names.add(gauge);
            names.add(gauge + "_threshold");
            names.add(gauge + "_alerting");
        }
        DRIFT_SUMMARY_GAUGES.forEach(g -> names.add(DRIFT_PREFIX + g));
        return names;
    }

    @Test
    void theContractCoversEveryDriftGaugeTheJobRegisters() {
        assertThat(DriftWindowOperator.METRIC_GROUP).isEqualTo("marquee_drift");
        Set<String> known = knownMetrics();
        for (String metric : DriftMetricNames.ALL) {
            assertThat(DRIFT_METRICS).contains(metric);
            assertThat(known).contains(DRIFT_PREFIX + DriftMetricNames.gaugeName(metric));
        }
    }

    // ---- Flink configurations -------------------------------------------------------------------------------

    private static Configuration flinkConfig(String name) {
        Path dir = INFRA.resolve("flink").resolve(name);
        assertThat(dir.resolve("config.yaml")).exists();
        return GlobalConfiguration.loadConfiguration(dir.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "standalone", "gpu"})
    void everyFlinkConfigEnablesTheReporterRestartsAndCheckpoints(String name) {
        Configuration c = flinkConfig(name);
        assertThat(c.getString("metrics.reporter.prom.factory.class", null)).isEqualTo(REPORTER_FACTORY);
        assertThat(c.getString("metrics.reporter.prom.port", null)).isEqualTo("9249-9260");
        assertThat(c.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("exponential-delay");
        assertThat(c.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF)).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF)).isGreaterThanOrEqualTo(Duration.ofMinutes(1));
        assertThat(c.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("hashmap");
        assertThat(c.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION).name()).isEqualTo("RETAIN_ON_CANCELLATION");
        if (name.equals("local")) {
            // a fixed folder would be shared by every user of the machine: the user gives theirs with -D (the file says so)
            assertThat(c.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isNull();
            assertThat(c.get(CheckpointingOptions.SAVEPOINT_DIRECTORY)).isNull();
            return;
        }
        assertThat(c.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).startsWith("file:///");
        assertThat(c.get(CheckpointingOptions.SAVEPOINT_DIRECTORY)).startsWith("file:///");
        // a cluster's checkpoints outlive a reboot: /tmp is emptied at boot or after 10 days
        assertThat(c.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).doesNotStartWith("file:///tmp");
        assertThat(c.get(CheckpointingOptions.SAVEPOINT_DIRECTORY)).doesNotStartWith("file:///tmp");
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "standalone", "gpu"})
    void everyKeyIsACurrentFlinkOption(String name) throws IOException {
        Set<String> known = currentFlinkKeys();
        List<String> unknown = new ArrayList<>();
        for (String key : flatKeys(loadYaml(INFRA.resolve("flink").resolve(name).resolve("config.yaml")))) {
            boolean templated = key.matches("metrics\\.reporter\\.[a-z]+\\.(factory\\.class|port|interval)")
                    || key.matches("external-resource\\.gpu\\.(amount|driver-factory\\.class|param\\.[a-z.-]+|kubernetes\\.config-key)");
            if (!templated && !known.contains(key)) unknown.add(key);
        }
        assertThat(unknown).as("keys Flink 2.2.1 does not know (or only as deprecated) in %s/config.yaml", name).isEmpty();
    }

    @Test
    void localIsAMiniClusterWithASlotPerCore() {
        Configuration c = flinkConfig("local");
        assertThat(c.get(DeploymentOptions.TARGET)).isEqualTo("local");
        assertThat(c.get(TaskManagerOptions.NUM_TASK_SLOTS)).isEqualTo(2);
        assertThat(c.get(CoreOptions.DEFAULT_PARALLELISM)).isEqualTo(2);
        assertThat(c.get(RestOptions.BIND_ADDRESS)).isEqualTo("localhost");
    }

    @Test
    void standaloneTaskManagersReserveNativeMemoryForTwoModelsAndFitTheMachine() {
        Configuration c = flinkConfig("standalone");
        assertThat(c.get(TaskManagerOptions.NUM_TASK_SLOTS)).isEqualTo(1);
        assertThat(c.get(CoreOptions.DEFAULT_PARALLELISM)).as("2 TaskManagers x 1 slot").isEqualTo(2);
        assertThat(c.get(TaskManagerOptions.CPU_CORES)).isEqualTo(1.0);
        assertThat(c.get(JobManagerOptions.BIND_HOST)).isEqualTo("localhost");
        assertThat(c.get(TaskManagerOptions.BIND_HOST)).isEqualTo("localhost");
        assertThat(c.get(TaskManagerOptions.HOST)).isEqualTo("localhost");
        assertThat(c.get(JobManagerOptions.TOTAL_PROCESS_MEMORY)).isEqualTo(MemorySize.parse("1024m"));
        assertThat(c.get(CoreOptions.FLINK_JVM_OPTIONS)).contains("--add-opens=java.base/java.util=ALL-UNNAMED");

        TaskExecutorProcessSpec tm = TaskExecutorProcessUtils.processSpecFromConfig(c);
        // TensorFlow's memory is native: task off-heap holds the serving model and the one loaded beside it in a swap.
        assertThat(tm.getTaskOffHeapSize().getBytes()).isGreaterThanOrEqualTo(MODEL_NATIVE_MEMORY.multiply(2).getBytes());
        assertThat(tm.getTaskOffHeapSize()).isEqualTo(MemorySize.parse("640m"));
        assertThat(tm.getTaskHeapSize()).isEqualTo(MemorySize.parse("512m"));
        assertThat(tm.getManagedMemorySize()).as("hashmap state backend needs no managed memory").isEqualTo(MemorySize.ZERO);
        assertThat(tm.getNetworkMemSize()).isEqualTo(MemorySize.parse("64m"));
        // The comment in the file says ~1.9 GB: JobManager + 2 TaskManagers stay under 5 GB.
        assertThat(tm.getTotalProcessMemorySize().getBytes())
                .isBetween(MemorySize.parse("1800m").getBytes(), MemorySize.parse("2g").getBytes());
    }

    @Test
    void gpuTaskManagersDeclareOneCardThroughFlinksGpuPlugin() {
        Configuration c = flinkConfig("gpu");
        assertThat(c.get(ExternalResourceOptions.EXTERNAL_RESOURCE_LIST)).containsExactly("gpu");
        List<ExternalResource> resources = List.copyOf(ExternalResourceUtils.getExternalResourcesCollection(c));
        assertThat(resources).hasSize(1);
        assertThat(resources.get(0).getName()).isEqualTo("gpu");
        assertThat(resources.get(0).getValue().longValue()).isEqualTo(1L);
        assertThat(c.getString("external-resource.gpu.driver-factory.class", null))
                .isEqualTo("org.apache.flink.externalresource.gpu.GPUDriverFactory");
        assertThat(c.getString("external-resource.gpu.param.discovery-script.path", null)).endsWith("nvidia-gpu-discovery.sh");
        assertThat(ExternalResourceUtils.getExternalResourceConfigurationKeys(c, "kubernetes.config-key"))
                .containsEntry("gpu", "nvidia.com/gpu");
        assertThat(c.get(TaskManagerOptions.NUM_TASK_SLOTS)).isEqualTo(2);
        TaskExecutorProcessSpec tm = TaskExecutorProcessUtils.processSpecFromConfig(c);
        assertThat(tm.getTaskOffHeapSize().getBytes())
                .as("up to four versions at once, shared by the slots (OPERATIONS.md, Sizing)")
                .isGreaterThanOrEqualTo(MODEL_NATIVE_MEMORY.multiply(4).getBytes());
        assertThat(tm.getExtendedResources()).containsKey("gpu");
    }

    // ---- Prometheus ------------------------------------------------------------------------------------------

    @Test
    void scrapeConfigCoversTheReporterPortRangeAndLoadsTheRules() throws IOException {
        Map<String, Object> prom = asMap(loadYaml(INFRA.resolve("prometheus/prometheus.yml")));
        assertThat(list(prom.get("rule_files"))).containsExactly("alerts.yml");
        Map<String, Object> flink = asMap(list(prom.get("scrape_configs")).get(0));
        List<Object> targets = list(asMap(list(flink.get("static_configs")).get(0)).get("targets"));
        List<String> expected = Stream.iterate(9249, p -> p <= 9260, p -> p + 1).map(p -> "localhost:" + p).collect(Collectors.toList());
        assertThat(targets).containsExactlyElementsOf(expected);

        Map<String, Object> k8s = asMap(loadYaml(INFRA.resolve("prometheus/prometheus-kubernetes.yml")));
        Map<String, Object> pods = asMap(list(k8s.get("scrape_configs")).get(0));
        assertThat(asMap(list(pods.get("kubernetes_sd_configs")).get(0))).containsEntry("role", "pod");
        assertThat(pods.get("relabel_configs").toString()).contains("__meta_kubernetes_pod_annotation_prometheus_io_scrape");
    }

    @Test
    void everyAlertRuleHasAnExpressionSeverityAndRunbookEntry() throws IOException {
        String operations = Files.readString(Path.of("..", "docs", "OPERATIONS.md"), StandardCharsets.UTF_8);
        List<Map<String, Object>> rules = alertRules();
        assertThat(rules).extracting(r -> r.get("alert")).contains("MarqueeDriftMetricAlerting", "MarqueeModelDrifted",
                "MarqueeLatencyP99High", "MarqueeConsumerLagGrowing", "MarqueeJobRestarted", "MarqueeCheckpointsFailing");
        for (Map<String, Object> rule : rules) {
            String alert = (String) rule.get("alert");
            assertThat(rule.get("expr")).as(alert).isInstanceOf(String.class);
            assertThat(asMap(rule.get("labels")).get("severity")).as(alert).isIn("warning", "critical");
            assertThat(asMap(rule.get("annotations")).get("runbook")).as(alert).isEqualTo("docs/OPERATIONS.md#alerts");
            assertThat(operations).as("docs/OPERATIONS.md tells what to do on " + alert).contains("`" + alert + "`");
        }
        Map<String, Object> drift = rules.stream().filter(r -> "MarqueeDriftMetricAlerting".equals(r.get("alert"))).findFirst().orElseThrow();
        assertThat(drift.get("for")).isEqualTo("2m");
        Map<String, Object> latency = rules.stream().filter(r -> "MarqueeLatencyP99High".equals(r.get("alert"))).findFirst().orElseThrow();
        assertThat((String) latency.get("expr")).contains(DRIFT_PREFIX + "latency_p99_ms").contains("> 50");
        // the newest window that held requests: an empty window's NaN would restart the `for:` at trickle traffic
        assertThat((String) latency.get("expr"))
                .contains("last_over_time((" + DRIFT_PREFIX + "latency_p99_ms >= 0)[3m:15s])");
        assertThat(latency.get("for")).isEqualTo("5m");
        Map<String, Object> stale = rules.stream().filter(r -> "MarqueeCheckpointStale".equals(r.get("alert"))).findFirst().orElseThrow();
        assertThat((String) stale.get("expr")).as("the age JobSettings warns of for a long checkpoint.interval-ms")
                .contains("> " + JobSettings.CHECKPOINT_STALE_ALERT_MS / 1000 + "\n");
    }

    @Test
    void alertsQueryOnlyMetricsTheSystemReports() throws IOException {
        List<String> exprs = alertRules().stream().map(r -> (String) r.get("expr")).collect(Collectors.toList());
        assertQueriesUseKnownMetrics(exprs, "alerts.yml");
    }

    @Test
    void theDriftAlertSelectsExactlyTheAlertingGauges() throws IOException {
        String expr = alertRules().stream().filter(r -> "MarqueeDriftMetricAlerting".equals(r.get("alert")))
                .map(r -> (String) r.get("expr")).findFirst().orElseThrow();
        Matcher m = Pattern.compile("__name__=~\"([^\"]+)\"").matcher(expr);
        assertThat(m.find()).isTrue();
        Pattern selector = Pattern.compile(m.group(1)); // PromQL regexes are anchored, as matches() is
        Set<String> selected = knownMetrics().stream().filter(n -> selector.matcher(n).matches()).collect(Collectors.toSet());
        Set<String> alerting = knownMetrics().stream().filter(n -> n.endsWith("_alerting")).collect(Collectors.toSet());
        assertThat(selected).isEqualTo(alerting)
                .hasSize(DRIFT_METRICS.size() + dev.marquee.data.event.ErrorCode.values().length);
    }

    @Test
    void everyAlertHasARuleTestWhereItFiresAndOneWhereItDoesNot() throws IOException {
        Map<String, Object> file = asMap(loadYaml(INFRA.resolve("prometheus/alerts-test.yml")));
        assertThat(list(file.get("rule_files"))).containsExactly("alerts.yml");
        Set<String> fires = new TreeSet<>();
        Set<String> quiet = new TreeSet<>();
        for (Object test : list(file.get("tests"))) {
            for (Object c : list(asMap(test).get("alert_rule_test"))) {
                String alert = (String) asMap(c).get("alertname");
                (list(asMap(c).get("exp_alerts")).isEmpty() ? quiet : fires).add(alert);
            }
        }
        Set<String> alerts = alertRules().stream().map(r -> (String) r.get("alert")).collect(Collectors.toCollection(TreeSet::new));
        assertThat(fires).as("alerts with a case where they fire").isEqualTo(alerts);
        assertThat(quiet).as("alerts with a case where they stay quiet").isEqualTo(alerts);
    }

    /**
     * Prometheus' own rule tester (Debian's prometheus package, which scripts/install-test-tools installs for CI): a
     * rule test that no longer passes fails here, and under CI=true a missing promtool does too.
     */
    @Test
    void promtoolPassesTheRuleTests() throws IOException, InterruptedException {
        Path promtool = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(d -> !d.isEmpty()).map(d -> Path.of(d, "promtool")).filter(Files::isExecutable).findFirst().orElse(null);
        Prerequisites.assumeOrFailInCi(promtool != null,
                "promtool is not on the PATH: infra/prometheus/alerts-test.yml not run (install Debian's prometheus package to run it)");
        Process p = new ProcessBuilder(promtool.toString(), "test", "rules", "alerts-test.yml")
                .directory(INFRA.resolve("prometheus").toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("promtool ended").isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    /**
     * The alerts that watch a job by name (is it running?) select it by its name as Flink's Prometheus reporter
     * writes it in {@code job_name} (characters outside [a-zA-Z0-9:_] become '_'): a job renamed in the code must fail
     * here, not leave its "not running" alert firing for ever (or a regex matching neither job).
     */
    @Test
    void theJobNamesTheAlertsSelectAreTheJobsNames() throws IOException {
        String alerts = Files.readString(INFRA.resolve("prometheus/alerts.yml"), StandardCharsets.UTF_8);
        Set<String> jobs = Set.of(reporterLabel(dev.marquee.job.ScoringJob.JOB_NAME),
                reporterLabel(dev.marquee.job.trigger.RetrainTriggerJob.JOB_NAME));
        Set<String> exact = new TreeSet<>();
        Matcher m = Pattern.compile("job_name=\"([^\"]*)\"").matcher(alerts);
        while (m.find()) exact.add(m.group(1));
        assertThat(exact).as("job_name=\"...\" in alerts.yml").isEqualTo(new TreeSet<>(jobs));
        Matcher regex = Pattern.compile("job_name=~\"([^\"]*)\"").matcher(alerts);
        int regexes = 0;
        while (regex.find()) {
            regexes++;
            Pattern selects = Pattern.compile(regex.group(1)); // PromQL's =~ is anchored at both ends
            assertThat(jobs).as("job_name=~\"" + regex.group(1) + "\"").allMatch(j -> selects.matcher(j).matches());
        }
        assertThat(regexes).isPositive();
    }

    /** As Flink's Prometheus reporter filters label values (metrics.reporter.prom.filterLabelValueCharacters, on). */
    private static String reporterLabel(String value) {
        return value.replaceAll("[^a-zA-Z0-9:_]", "_");
    }

    private static List<Map<String, Object>> alertRules() throws IOException {
        Map<String, Object> file = asMap(loadYaml(INFRA.resolve("prometheus/alerts.yml")));
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Object group : list(file.get("groups"))) {
            assertThat(asMap(group).get("name")).isInstanceOf(String.class);
            for (Object rule : list(asMap(group).get("rules"))) rules.add(asMap(rule));
        }
        return rules;
    }

    // ---- Grafana ----------------------------------------------------------------------------------------------

    @Test
    void dashboardParsesAndUsesAPrometheusDatasourceVariable() throws IOException {
        JsonNode dash = new ObjectMapper().readTree(INFRA.resolve("grafana/marquee-dashboard.json").toFile());
        assertThat(dash.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(36);
        JsonNode variables = dash.path("templating").path("list");
        List<JsonNode> datasource = StreamSupport.stream(variables.spliterator(), false)
                .filter(v -> "datasource".equals(v.path("type").asText())).collect(Collectors.toList());
        assertThat(datasource).hasSize(1);
        assertThat(datasource.get(0).path("query").asText()).isEqualTo("prometheus");
        String variable = "${" + datasource.get(0).path("name").asText() + "}";

        List<String> rows = new ArrayList<>();
        List<String> exprs = new ArrayList<>();
        for (JsonNode panel : dash.path("panels")) {
            if ("row".equals(panel.path("type").asText())) {
                rows.add(panel.path("title").asText());
                continue;
            }
            assertThat(panel.path("datasource").path("uid").asText()).as(panel.path("title").asText()).isEqualTo(variable);
            assertThat(panel.path("targets").size()).as(panel.path("title").asText()).isPositive();
            panel.path("targets").forEach(t -> exprs.add(t.path("expr").asText()));
            // under "All" two jobs' lines would look alike: a legend of a per-job query names the job
            List<String> shown = new ArrayList<>();
            for (JsonNode t : panel.path("targets")) {
                String legend = t.path("legendFormat").asText();
                if (t.path("expr").asText().contains("by (job_name") && !legend.isEmpty()) {
                    assertThat(legend).as(panel.path("title").asText() + ": " + t.path("expr").asText())
                            .contains("{{job_name}}");
                }
                shown.add(legend.replace("{{job_name}}", "marquee_scoring"));
            }
            // an override (a unit, an axis) must still match a series after its legend changed; the dashed red style
            // of threshold lines is on every time series panel, whether it draws a threshold or not
            for (JsonNode override : panel.path("fieldConfig").path("overrides")) {
                JsonNode matcher = override.path("matcher");
                String options = matcher.path("options").asText();
                if (options.equals(".*threshold.*")) continue;
                Predicate<String> matches = switch (matcher.path("id").asText()) {
                    case "byName" -> options::equals;
                    case "byRegexp" -> Pattern.compile(options).asMatchPredicate();
                    default -> name -> true;
                };
                assertThat(shown).as(panel.path("title").asText() + ": override " + matcher).anyMatch(matches);
            }
        }
        assertThat(String.join("|", rows)).contains("Drift").contains("Latency").contains("Throughput")
                .contains("Consumer lag").contains("Model version");
        String all = String.join("\n", exprs);
        for (String feature : List.of("user_id_oov_rate", "movie_title_oov_rate", "user_id_top5_share", "movie_title_js",
                "prediction_psi", "schema_invalid_rate", "latency_p99_ms")) {
            assertThat(all).contains(DRIFT_PREFIX + feature + "{").contains(DRIFT_PREFIX + feature + "_threshold{");
        }
        assertQueriesUseKnownMetrics(exprs, "marquee-dashboard.json");
        Set<String> withThresholds = dev.marquee.data.drift.DriftSettings.defaultThresholds().keySet().stream()
                .map(metric -> metric.replace('.', '_')).collect(Collectors.toSet());
        Matcher threshold = Pattern.compile(DRIFT_PREFIX + "([a-z0-9_]+)_threshold\\b").matcher(all);
        while (threshold.find()) {
            assertThat(threshold.group(1)).as("a threshold line for a metric that has none (its gauge is always NaN)")
                    .isIn(withThresholds);
        }
    }

    /** Every metric name in the queries (outside string literals, which hold label values and regexes) is known. */
    private static void assertQueriesUseKnownMetrics(List<String> exprs, String where) {
        Set<String> known = knownMetrics();
        Set<String> used = new TreeSet<>();
        Pattern name = Pattern.compile("\\bflink_[A-Za-z0-9_:]+");
        for (String expr : exprs) {
            Matcher m = name.matcher(expr.replaceAll("\"[^\"]*\"", "\"\""));
            while (m.find()) used.add(m.group());
        }
        assertThat(used).as("metrics queried in " + where).isNotEmpty();
        assertThat(used).as("metrics in " + where + " that nothing reports").isSubsetOf(known);
    }

    // ---- Kubernetes -----------------------------------------------------------------------------------------

    @Test
    void everyManifestHasApiVersionKindAndName() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(INFRA.resolve("k8s"))) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().collect(Collectors.toList());
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(5);
        for (Path file : files) {
            List<Map<String, Object>> docs = loadAll(file);
            assertThat(docs).as(file.toString()).isNotEmpty();
            for (Map<String, Object> doc : docs) {
                assertThat(doc.get("apiVersion")).as(file + " apiVersion").isInstanceOf(String.class);
                assertThat(doc.get("kind")).as(file + " kind").isInstanceOf(String.class);
                assertThat(asMap(doc.get("metadata")).get("name")).as(file + " metadata.name").isInstanceOf(String.class);
            }
        }
    }

    /** infra/README.md is the index someone deploys from: every manifest is in it. */
    @Test
    void everyManifestIsInTheInfraIndex() throws IOException {
        String index = Files.readString(INFRA.resolve("README.md"), StandardCharsets.UTF_8);
        try (Stream<Path> s = Files.list(INFRA.resolve("k8s"))) {
            for (Path file : s.filter(p -> p.toString().endsWith(".yaml")).sorted().collect(Collectors.toList())) {
                assertThat(index).as("infra/README.md lists %s", file.getFileName()).contains("`k8s/" + file.getFileName() + "`");
            }
        }
    }

    /**
     * The operator's Helm chart makes the job service account only in the namespaces it watches: infra/k8s declares
     * each FlinkDeployment's own, bound to a Role that lets the JobManager manage its pods and HA ConfigMaps.
     */
    @Test
    void everyFlinkDeploymentsServiceAccountIsDeclaredAndMayManagePodsAndConfigMaps() throws IOException {
        List<Map<String, Object>> all = new java.util.ArrayList<>();
        try (Stream<Path> s = Files.list(INFRA.resolve("k8s"))) {
            for (Path file : s.filter(p -> p.toString().endsWith(".yaml")).sorted().collect(Collectors.toList())) {
                all.addAll(loadAll(file));
            }
        }
        List<Map<String, Object>> deployments = all.stream().filter(d -> "FlinkDeployment".equals(d.get("kind"))).toList();
        assertThat(deployments).hasSize(2);
        for (Map<String, Object> deployment : deployments) {
            String namespace = (String) asMap(deployment.get("metadata")).get("namespace");
            String account = (String) asMap(deployment.get("spec")).get("serviceAccount");
            assertThat(all).as("ServiceAccount %s in %s", account, namespace).anySatisfy(d -> {
                assertThat(d.get("kind")).isEqualTo("ServiceAccount");
                assertThat(asMap(d.get("metadata"))).containsEntry("name", account).containsEntry("namespace", namespace);
            });
            Set<String> roles = all.stream().filter(d -> "RoleBinding".equals(d.get("kind")))
                    .filter(d -> namespace.equals(asMap(d.get("metadata")).get("namespace")))
                    .filter(d -> list(d.get("subjects")).stream().map(InfraConfigTest::asMap)
                            .anyMatch(sub -> "ServiceAccount".equals(sub.get("kind")) && account.equals(sub.get("name"))))
                    .map(d -> (String) asMap(d.get("roleRef")).get("name")).collect(Collectors.toSet());
            Set<String> granted = new HashSet<>();
            all.stream().filter(d -> "Role".equals(d.get("kind")))
                    .filter(d -> namespace.equals(asMap(d.get("metadata")).get("namespace")))
                    .filter(d -> roles.contains((String) asMap(d.get("metadata")).get("name")))
                    .flatMap(d -> list(d.get("rules")).stream().map(InfraConfigTest::asMap))
                    .filter(rule -> list(rule.get("verbs")).contains("*"))
                    .forEach(rule -> list(rule.get("resources")).forEach(r -> granted.add((String) r)));
            assertThat(granted).as("what %s may manage in %s", account, namespace).contains("pods", "configmaps", "deployments");
        }
    }

    @Test
    void scoringDeploymentRequestsAGpuPerTaskManagerAndUpgradesWithSavepoints() throws IOException {
        Map<String, Object> scoring = single(INFRA.resolve("k8s/scoring-flinkdeployment.yaml"), "FlinkDeployment");
        Map<String, Object> spec = asMap(scoring.get("spec"));
        Map<String, Object> job = asMap(spec.get("job"));
        assertThat(job).containsEntry("jarURI", "local:///opt/flink/usrlib/marquee-job.jar")
                .containsEntry("entryClass", "dev.marquee.job.ScoringJob").containsEntry("upgradeMode", "savepoint");
        assertThat(list(job.get("args"))).contains("--kafka.bootstrap-servers")
                .as("the job's own --parallelism would win over spec.job.parallelism, so changing that would not rescale")
                .doesNotContain("--parallelism");
        assertThat(job.get("parallelism")).isEqualTo(12);
        Map<String, Object> flinkConf = asMap(spec.get("flinkConfiguration"));
        assertThat(flinkConf).containsEntry("external-resources", "gpu")
                .containsEntry("external-resource.gpu.kubernetes.config-key", "nvidia.com/gpu")
                .containsEntry("metrics.reporter.prom.factory.class", REPORTER_FACTORY);

        Map<String, Object> tmPod = asMap(asMap(spec.get("taskManager")).get("podTemplate"));
        assertThat(asMap(asMap(tmPod.get("metadata")).get("annotations"))).containsEntry("prometheus.io/scrape", "true");
        Map<String, Object> container = asMap(list(asMap(tmPod.get("spec")).get("containers")).get(0));
        assertThat(container).containsEntry("name", "flink-main-container");
        Map<String, Object> limits = asMap(asMap(container.get("resources")).get("limits"));
        assertThat(limits.get("nvidia.com/gpu")).isEqualTo(1);
        assertThat(String.valueOf(asMap(tmPod.get("spec")).get("volumes"))).contains("marquee-model-registry");
    }

    /**
     * Both jobs on Kubernetes: a restarted JobManager resumes from its checkpoint (HA on the shared volume), a slow
     * checkpoint does not restart the job, no memory is reserved for a backend that uses none, and the pods may write
     * the volume as the image's user.
     */
    @ParameterizedTest
    @ValueSource(strings = {"k8s/scoring-flinkdeployment.yaml", "k8s/retrain-trigger-flinkdeployment.yaml"})
    void everyFlinkDeploymentRecoversItsJobManagerAndToleratesASlowCheckpoint(String file) throws IOException {
        Map<String, Object> spec = asMap(single(INFRA.resolve(file), "FlinkDeployment").get("spec"));
        Map<String, Object> conf = asMap(spec.get("flinkConfiguration"));
        assertThat(conf).containsEntry("high-availability.type", "kubernetes")
                .containsEntry("execution.checkpointing.tolerable-failed-checkpoints", "3")
                .containsEntry("taskmanager.memory.managed.size", "0m");
        assertThat(String.valueOf(conf.get("high-availability.storageDir"))).startsWith("file:///flink-data/ha/");
        // upgradeMode savepoint: the operator's savepoints are counted, and the files of the ones it drops deleted
        // (its default deletes only its FlinkStateSnapshot resources: the volume would fill with whole states)
        assertThat(conf).containsEntry("kubernetes.operator.savepoint.dispose-on-delete", "true")
                .containsEntry("kubernetes.operator.savepoint.history.max.count", "5")
                .containsKey("kubernetes.operator.savepoint.history.max.age");
        Map<String, Object> podSpec = asMap(asMap(spec.get("podTemplate")).get("spec"));
        assertThat(asMap(podSpec.get("securityContext"))).containsEntry("fsGroup", 9999);
        // the restart back-off of the cluster configs (Flink's own defaults differ: multiplier 1.5, reset after 1 h)
        Configuration gpu = flinkConfig("gpu");
        for (String key : List.of("type", "exponential-delay.initial-backoff", "exponential-delay.backoff-multiplier",
                "exponential-delay.reset-backoff-threshold", "exponential-delay.jitter-factor")) {
            assertThat(String.valueOf(conf.get("restart-strategy." + key))).as(key)
                    .isEqualTo(gpu.getString("restart-strategy." + key, null));
        }
    }

    @Test
    void retrainTriggerRunsOnCpuOnly() throws IOException {
        Path file = INFRA.resolve("k8s/retrain-trigger-flinkdeployment.yaml");
        Map<String, Object> trigger = single(file, "FlinkDeployment");
        assertThat(asMap(asMap(trigger.get("spec")).get("job")))
                .containsEntry("entryClass", "dev.marquee.job.trigger.RetrainTriggerJob")
                .containsEntry("jarURI", "local:///opt/flink/usrlib/marquee-job.jar");
        assertThat(loadAll(file).toString()).doesNotContain("nvidia.com/gpu").doesNotContain("external-resources");
        Map<String, Object> pod = asMap(asMap(trigger.get("spec")).get("podTemplate"));
        assertThat(String.valueOf(asMap(pod.get("spec")).get("volumes"))).as("the RMSE rule reads model cards")
                .contains("marquee-model-registry");
        assertThat(registryArgument(trigger)).as("the trigger is pointed at the mounted registry (a relative one is refused)")
                .isEqualTo("/models");
        assertThat(registryArgument(single(INFRA.resolve("k8s/scoring-flinkdeployment.yaml"), "FlinkDeployment")))
                .isEqualTo("/models");
        assertThat(String.valueOf(asMap(pod.get("spec")).get("containers"))).contains("mountPath=/models");
        Map<String, Object> trainer = single(INFRA.resolve("k8s/trainer-deployment.yaml"), "Deployment");
        assertThat(trainer.toString()).contains("dev.marquee.model.trainer.TrainerMain")
                .as("the shaded jar leaves logging to Flink's lib/").contains("/opt/flink/lib/*");
    }

    /** The job's {@code model.registry} as its FlinkDeployment's arguments give it. */
    private static String registryArgument(Map<String, Object> deployment) {
        List<Object> args = list(asMap(asMap(deployment.get("spec")).get("job")).get("args"));
        return JobArguments.parse(args.stream().map(String::valueOf).toArray(String[]::new)).get("model.registry");
    }

    /**
     * JavaCPP fails native allocations (every scored batch's tensors) once resident memory passes 4 x -Xmx, below the
     * process Flink budgets where task off-heap is large: every TaskManager configuration turns that check off.
     */
    @Test
    void everyTaskManagerLeavesNativeMemoryToFlinksBudgetNotJavaCppsLimit() throws IOException {
        String key = "env.java.opts.taskmanager";
        String off = "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0";
        Map<String, Object> scoring = single(INFRA.resolve("k8s/scoring-flinkdeployment.yaml"), "FlinkDeployment");
        assertThat(String.valueOf(asMap(asMap(scoring.get("spec")).get("flinkConfiguration")).get(key))).contains(off);
        for (String name : List.of("standalone", "gpu")) {
            assertThat(flinkConfig(name).getString(key, "")).as(name).contains(off);
        }
        assertThat(Files.readString(INFRA.getParent().resolve("scripts/lib/cluster.sh"), StandardCharsets.UTF_8))
                .as("scripts/cluster's TaskManagers").contains("TASKMANAGER_JVM_OPTS=(" + off + ")");
        assertThat(Files.readString(INFRA.getParent().resolve("scripts/cluster"), StandardCharsets.UTF_8))
                .contains("org.apache.flink.runtime.taskexecutor.TaskManagerRunner").contains("\"${TASKMANAGER_JVM_OPTS[@]}\"");
    }

    @Test
    void tensorflowIsLoadedParentFirstOnKubernetesAsOnTheStandaloneCluster() throws IOException {
        String key = "classloader.parent-first-patterns.additional";
        Map<String, Object> scoring = single(INFRA.resolve("k8s/scoring-flinkdeployment.yaml"), "FlinkDeployment");
        Object patterns = asMap(asMap(scoring.get("spec")).get("flinkConfiguration")).get(key);
        assertThat(patterns).isEqualTo(GlobalConfiguration.loadConfiguration(INFRA.resolve("flink/standalone").toString())
                .getString(key, null));
        assertThat(GlobalConfiguration.loadConfiguration(INFRA.resolve("flink/gpu").toString()).getString(key, null))
                .as("the GPU TaskManagers' too").isEqualTo(patterns);
        assertThat(Files.readString(INFRA.resolve("docker/Dockerfile"), StandardCharsets.UTF_8))
                .contains("/opt/flink/lib/").contains("-Ptensorflow").contains("-Pshaded");
    }

    @Test
    void theTrainerPodOutwaitsTheWorkersShutdown() throws IOException {
        Map<String, Object> trainer = single(INFRA.resolve("k8s/trainer-deployment.yaml"), "Deployment");
        Map<String, Object> pod = asMap(asMap(asMap(trainer.get("spec")).get("template")).get("spec"));
        // TrainerCommand waits up to 60 s on SIGTERM for the request in hand to write its outcome
        assertThat(pod.get("terminationGracePeriodSeconds")).as("the pod's grace period").isInstanceOf(Number.class);
        assertThat(((Number) pod.get("terminationGracePeriodSeconds")).intValue()).isGreaterThan(60);
    }

    /** Log4j's default would show the trainer's errors only: a broker it cannot reach would go unsaid. */
    @Test
    void theTrainerLogsWithTheCommandsConfigurationFromTheJar() throws IOException {
        Map<String, Object> trainer = single(INFRA.resolve("k8s/trainer-deployment.yaml"), "Deployment");
        Map<String, Object> container = asMap(list(asMap(asMap(asMap(trainer.get("spec")).get("template")).get("spec"))
                .get("containers")).get(0));
        List<Object> args = list(container.get("args"));
        assertThat(args).contains("-Dlog4j2.configurationFile=log4j2-cli.properties");
        assertThat(args.indexOf("-Dlog4j2.configurationFile=log4j2-cli.properties")).as("a JVM option, before the class")
                .isLessThan(args.indexOf("dev.marquee.model.trainer.TrainerMain"));
        assertThat(Files.readString(INFRA.resolveSibling("model").resolve("pom.xml"))).as("the file the jar carries")
                .contains("<include>log4j2-cli.properties</include>");
    }

    @Test
    void modelRegistryIsASharedReadWriteManyVolume() throws IOException {
        Map<String, Object> pvc = loadAll(INFRA.resolve("k8s/storage.yaml")).stream()
                .filter(d -> "marquee-model-registry".equals(asMap(d.get("metadata")).get("name"))).findFirst().orElseThrow();
        assertThat(pvc.get("kind")).isEqualTo("PersistentVolumeClaim");
        assertThat(list(asMap(pvc.get("spec")).get("accessModes"))).containsExactly("ReadWriteMany");
    }

    /** The image carries TensorFlow for linux-x86_64 only: every pod that loads it is kept to amd64 nodes. */
    @Test
    void everyPodThatRunsTensorFlowIsKeptToAmd64Nodes() throws IOException {
        for (String file : List.of("scoring-flinkdeployment.yaml", "retrain-trigger-flinkdeployment.yaml")) {
            Map<String, Object> spec = asMap(loadAll(INFRA.resolve("k8s/" + file)).get(0).get("spec"));
            assertThat(asMap(asMap(asMap(spec.get("podTemplate")).get("spec")).get("nodeSelector")))
                    .as(file).containsEntry("kubernetes.io/arch", "amd64");
        }
        Map<String, Object> trainer = loadAll(INFRA.resolve("k8s/trainer-deployment.yaml")).stream()
                .filter(d -> "Deployment".equals(d.get("kind"))).findFirst().orElseThrow();
        Map<String, Object> podSpec = asMap(asMap(asMap(trainer.get("spec")).get("template")).get("spec"));
        assertThat(asMap(podSpec.get("nodeSelector"))).containsEntry("kubernetes.io/arch", "amd64");
        assertThat(Files.readString(INFRA.resolve("docker/Dockerfile"))).contains("docker build --platform linux/amd64");
    }

    @Test
    void topicDefinitionsMatchTheTopicsTheCodeUses() throws IOException {
        Set<String> expected = new HashSet<>(Topics.defaults().names());
        Map<String, Map<String, Object>> strimzi = new LinkedHashMap<>();
        for (Map<String, Object> doc : loadAll(INFRA.resolve("k8s/kafka-topics.yaml"))) {
            assertThat(doc.get("kind")).isEqualTo("KafkaTopic");
            assertThat(doc.get("apiVersion")).as("Strimzi 1.0 serves only v1").isEqualTo("kafka.strimzi.io/v1");
            Map<String, Object> spec = asMap(doc.get("spec"));
            strimzi.put((String) spec.get("topicName"), spec);
        }
        assertThat(strimzi.keySet()).containsExactlyInAnyOrderElementsOf(expected);
        strimzi.forEach((topic, spec) -> {
            assertThat(spec.get("replicas")).as(topic).isEqualTo(3);
            assertThat(asMap(spec.get("config")).get("min.insync.replicas")).as(topic).isEqualTo(2);
        });
        long day = 86_400_000L;
        assertThat(retention(strimzi, Topics.RATING_REQUESTS)).isEqualTo(7 * day);
        assertThat(retention(strimzi, Topics.PREDICTIONS)).isEqualTo(7 * day);
        assertThat(retention(strimzi, Topics.MODEL_STATUS)).isEqualTo(7 * day);
        for (String topic : List.of(Topics.RATING_REQUESTS_DLQ, Topics.DRIFT_METRICS, Topics.RATINGS, Topics.RETRAIN_REQUESTS)) {
            assertThat(retention(strimzi, topic)).as(topic).isEqualTo(30 * day);
        }
        assertThat(asMap(strimzi.get(Topics.MODEL_UPDATES).get("config"))).containsEntry("cleanup.policy", "compact");

        String script = Files.readString(INFRA.resolve("kafka/create-topics.sh"), StandardCharsets.UTF_8);
        Set<String> created = Pattern.compile("(?m)^create (\\S+) (\\d+) (.*)$").matcher(script).results()
                .peek(m -> assertThat(Integer.parseInt(m.group(2))).isEqualTo(strimzi.get(m.group(1)).get("partitions")))
                .peek(m -> asMap(strimzi.get(m.group(1)).get("config")).forEach((k, v) -> {
                    if (!k.equals("min.insync.replicas")) assertThat(m.group(3)).as(m.group(1)).contains(k + "=" + v);
                }))
                .map(m -> m.group(1)).collect(Collectors.toSet());
        assertThat(created).isEqualTo(expected);
    }

    /**
     * create-topics.sh gives a second deployment its own topic names and a larger cluster more partitions, as
     * docs/OPERATIONS.md tells operators to: the data topics take DATA_PARTITIONS, the others keep theirs.
     */
    @Test
    void createTopicsTakesOtherNamesAndPartitionCounts(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path calls = dir.resolve("calls.txt");
        Files.writeString(bin.resolve("kafka-topics.sh"), "#!/bin/sh\necho \"$*\" >> '" + calls + "'\n");
        bin.resolve("kafka-topics.sh").toFile().setExecutable(true);
        ProcessBuilder pb = new ProcessBuilder("bash", INFRA.resolve("kafka/create-topics.sh").toString());
        dev.marquee.infra.testing.ChildEnvironment.scrub(pb.environment()); // an operator's own TOPIC_* (OPERATIONS.md)
        pb.environment().putAll(Map.of("BOOTSTRAP", "broker:9092", "KAFKA_HOME", dir.toString(), "DATA_PARTITIONS", "24",
                "TOPIC_PREDICTIONS", "predictions-b", "TOPIC_RATING_REQUESTS_DLQ", "dlq-b"));
        Process p = pb.redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        Map<String, String> partitions = new HashMap<>();
        Matcher m = Pattern.compile("--topic (\\S+) --partitions (\\d+)").matcher(Files.readString(calls));
        while (m.find()) partitions.put(m.group(1), m.group(2));
        Topics topics = Topics.defaults();
        assertThat(partitions).hasSize(topics.names().size()).containsEntry("predictions-b", "24")
                .containsEntry("dlq-b", "3").containsEntry(Topics.Role.RATINGS.defaultName(), "24")
                .containsEntry(Topics.Role.MODEL_UPDATES.defaultName(), "1")
                .doesNotContainKeys("predictions", "rating-requests-dlq");
        for (Topics.Role role : List.of(Topics.Role.RATING_REQUESTS, Topics.Role.RATINGS, Topics.Role.LABELED_PREDICTIONS)) {
            assertThat(partitions).containsEntry(role.defaultName(), "24");
        }
    }

    /**
     * Confluent's packages and Homebrew install the tool as kafka-topics, without .sh: the script finds either, and says
     * what to set when it finds neither.
     */
    @Test
    void createTopicsFindsTheToolUnderEitherNameOrSaysWhatToSet(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        ProcessBuilder pb = new ProcessBuilder("bash", INFRA.resolve("kafka/create-topics.sh").toString());
        dev.marquee.infra.testing.ChildEnvironment.scrub(pb.environment());
        pb.environment().putAll(Map.of("BOOTSTRAP", "broker:9092", "KAFKA_HOME", dir.toString()));
        pb.redirectErrorStream(true);

        Process missing = pb.start();
        assertThat(missing.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(missing.exitValue()).isEqualTo(2);
        assertThat(new String(missing.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("no kafka-topics.sh or kafka-topics in " + bin).contains("KAFKA_TOPICS");

        Path calls = dir.resolve("calls.txt");
        Files.writeString(bin.resolve("kafka-topics"), "#!/bin/sh\necho \"$*\" >> '" + calls + "'\n");
        bin.resolve("kafka-topics").toFile().setExecutable(true);
        Process found = pb.start();
        assertThat(found.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(found.exitValue()).as(new String(found.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        assertThat(Files.readAllLines(calls)).hasSize(Topics.defaults().names().size());
    }

    /** scripts/cluster creates its topics itself: all of them, the data topics with the cluster's partition count. */
    @Test
    void theStandaloneClusterScriptCreatesEveryTopicTheCodeUses() throws IOException {
        String script = Files.readString(Path.of("..", "scripts", "cluster"), StandardCharsets.UTF_8);
        java.util.regex.Matcher loop = Pattern.compile("for spec in ([^;]+); do").matcher(script);
        assertThat(loop.find()).as("scripts/cluster's create_topics loop").isTrue();
        Map<String, String> created = new HashMap<>();
        for (String spec : loop.group(1).replace("\\", " ").trim().split("\\s+")) {
            String[] nameAndParts = spec.split(":");
            created.put(nameAndParts[0], nameAndParts[1]);
        }
        Topics topics = Topics.defaults();
        assertThat(created.keySet()).containsExactlyInAnyOrderElementsOf(topics.names());
        for (Topics.Role role : Topics.Role.values()) {
            assertThat(created.get(role.defaultName())).as(role.defaultName()).isEqualTo(role.isDataTopic() ? "D" : "1");
        }
    }

    private static long retention(Map<String, Map<String, Object>> topics, String topic) {
        return ((Number) asMap(topics.get(topic).get("config")).get("retention.ms")).longValue();
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static Object loadYaml(Path file) throws IOException {
        return new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file, StandardCharsets.UTF_8));
    }

    private static List<Map<String, Object>> loadAll(Path file) throws IOException {
        Iterable<Object> docs = new Load(LoadSettings.builder().build()).loadAllFromString(Files.readString(file, StandardCharsets.UTF_8));
        return StreamSupport.stream(docs.spliterator(), false).filter(Objects::nonNull)
                .map(InfraConfigTest::asMap).collect(Collectors.toList());
    }

    private static Map<String, Object> single(Path file, String kind) throws IOException {
        List<Map<String, Object>> docs = loadAll(file).stream().filter(d -> kind.equals(d.get("kind"))).collect(Collectors.toList());
        assertThat(docs).as(kind + " in " + file).hasSize(1);
        return docs.get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        assertThat(o).isInstanceOf(List.class);
        return (List<Object>) o;
    }

    /** The keys of a (possibly nested) YAML mapping, flattened with dots as Flink does. */
    private static List<String> flatKeys(Object yaml) {
        List<String> keys = new ArrayList<>();
        flatten("", asMap(yaml), keys);
        return keys;
    }

    private static void flatten(String prefix, Map<String, Object> map, List<String> keys) {
        map.forEach((k, v) -> {
            if (v instanceof Map) flatten(prefix + k + ".", asMap(v), keys);
            else keys.add(prefix + k);
        });
    }

    /** Every non-deprecated option key of the option classes these files draw from. */
    private static Set<String> currentFlinkKeys() {
        Set<String> keys = new HashSet<>();
        for (Class<?> options : List.of(CoreOptions.class, TaskManagerOptions.class, JobManagerOptions.class, RestOptions.class,
                CheckpointingOptions.class, StateBackendOptions.class, RestartStrategyOptions.class, DeploymentOptions.class,
                ExternalResourceOptions.class)) {
            for (Field f : options.getFields()) {
                if (Modifier.isStatic(f.getModifiers()) && ConfigOption.class.isAssignableFrom(f.getType())
                        && !f.isAnnotationPresent(Deprecated.class)) {
                    try {
                        keys.add(((ConfigOption<?>) f.get(null)).key());
                    } catch (IllegalAccessException e) {
                        throw new AssertionError(e);
                    }
                }
            }
        }
        return keys;
    }
}

package dev.marquee.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.job.config.JobSettings;
import dev.marquee.job.label.LabelSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The scoring job's shape as Flink will run it: built, not executed (no broker needed). */
class ScoringJobGraphTest {

    /**
     * The scorer has one input, so Flink chains it: the request source, parsing, event time and scoring run in one
     * task, with no serialization or network hop between them (issue 18), and so does the predictions' writer when
     * no label join follows (with labels, predictions are keyed by user for online adaptation). Dead letters, a
     * union of two stages' refusals, have a task of their own.
     */
    @ParameterizedTest
    @CsvSource({"true,false", "false,false", "true,true"})
    void requestsAreReadParsedAndScoredInOneChainedTask(String drift, String labels) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ScoringJob.buildWithKafka(env, JobSettings.from(Map.of(JobSettings.BOOTSTRAP, "127.0.0.1:9",
                "drift.enabled", drift, LabelSettings.LABELS_ENABLED, labels, JobSettings.PARALLELISM, "2")));

        List<String> vertices = new ArrayList<>();
        for (JobVertex v : env.getStreamGraph().getJobGraph().getVertices()) vertices.add(v.getName());
        String chain = assertThat(vertices).as("the job's tasks").filteredOn(n -> n.contains("score")).singleElement()
                .actual();
        assertThat(chain).as("one chain").contains("rating requests", "parse and validate", "event time", "score");
        if (labels.equals("false")) assertThat(chain).as("one chain").contains("predictions: Writer");
        assertThat(vertices).as("no task of its own for model updates").noneMatch(n -> n.contains("model updates"));
    }

    /**
     * With labels on, predictions cross one keyed hop, to the labels' join, and are written from there: the sink is
     * chained to the join (the title bias's predictions have a sink of their own), not a task behind a union.
     */
    @ParameterizedTest
    @CsvSource({"new", "all", "off"})
    void withLabelsThePredictionsAreWrittenByTheJoinsTask(String titleBias) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ScoringJob.buildWithKafka(env, JobSettings.from(Map.of(JobSettings.BOOTSTRAP, "127.0.0.1:9",
                LabelSettings.LABELS_ENABLED, "true", "adaptation.title-bias", titleBias, JobSettings.PARALLELISM, "2")));
        List<String> vertices = new ArrayList<>();
        for (JobVertex v : env.getStreamGraph().getJobGraph().getVertices()) vertices.add(v.getName());
        assertThat(vertices).filteredOn(n -> n.contains("labels and online adaptation")).singleElement()
                .satisfies(n -> assertThat(n).contains("predictions: Writer"));
        assertThat(vertices).as("no task of its own for the predictions' sink")
                .noneMatch(n -> n.startsWith("predictions: Writer"));
        if (!titleBias.equals("off")) {
            assertThat(vertices).filteredOn(n -> n.contains("title bias")).singleElement()
                    .satisfies(n -> assertThat(n).contains("predictions (title bias): Writer"));
        }
    }

    /**
     * Network outputs that carry drift summaries and dead letters flush every 100 ms, not at the job's 5 ms (each is
     * a thread waking on that period); every edge a request or a prediction crosses keeps the job's timeout.
     */
    @ParameterizedTest
    @CsvSource({"false", "true"})
    void onlyTheDriftSummariesWaitLongerInNetworkBuffers(String labels) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ScoringJob.buildWithKafka(env, JobSettings.from(Map.of(JobSettings.BOOTSTRAP, "127.0.0.1:9",
                "drift.enabled", "true", LabelSettings.LABELS_ENABLED, labels, JobSettings.PARALLELISM, "2")));
        Map<String, Long> timeouts = bufferTimeouts(env);
        assertThat(timeouts).containsEntry("drift: count requests", 100L)
                .containsEntry("drift: count dead letters", 100L)
                .containsEntry("drift: count model refusals", 100L)
                .containsEntry("score", labels.equals("true") ? 5L : 100L);
        if (labels.equals("true")) {
            assertThat(timeouts).containsEntry("drift: count labels", 100L)
                    .containsEntry("labels and online adaptation", 5L);
        }
    }

    /**
     * With windows that end on a record count, summaries flush like everything else: held back unevenly per channel,
     * they would move records between windows (DriftITCase).
     */
    @Test
    void withCountedWindowsTheSummariesKeepTheJobsTimeout() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ScoringJob.buildWithKafka(env, JobSettings.from(Map.of(JobSettings.BOOTSTRAP, "127.0.0.1:9",
                "drift.enabled", "true", "drift.window.records", "2000", LabelSettings.LABELS_ENABLED, "false",
                JobSettings.PARALLELISM, "2")));
        assertThat(bufferTimeouts(env)).containsEntry("drift: count requests", 5L)
                .containsEntry("drift: count dead letters", 5L).containsEntry("score", 5L);
    }

    private static Map<String, Long> bufferTimeouts(StreamExecutionEnvironment env) {
        Map<String, Long> timeouts = new java.util.HashMap<>();
        for (org.apache.flink.streaming.api.graph.StreamNode n : env.getStreamGraph().getStreamNodes()) {
            timeouts.put(n.getOperatorName(), n.getBufferTimeout());
        }
        return timeouts;
    }

    /**
     * The operator names the alerts and the dashboard select (operator_name, as Flink's Prometheus reporter writes
     * an operator's name) are names of the job's operators: renaming the source would otherwise silence the lag
     * alert with every other test green.
     */
    @Test
    void theOperatorNamesTheAlertsAndTheDashboardSelectAreTheJobsOperators() throws IOException {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ScoringJob.buildWithKafka(env, JobSettings.from(Map.of(JobSettings.BOOTSTRAP, "127.0.0.1:9",
                "drift.enabled", "true", LabelSettings.LABELS_ENABLED, "true", JobSettings.PARALLELISM, "2")));
        Set<String> operators = new TreeSet<>();
        for (var n : env.getStreamGraph().getStreamNodes()) {
            operators.add(n.getOperatorName().replaceAll("[^a-zA-Z0-9:_]", "_"));
        }
        Path infra = Path.of("..", "infra");
        // quotes inside the YAML's and the JSON's strings unescaped
        String selectors = (Files.readString(infra.resolve("prometheus/alerts.yml"))
                + Files.readString(infra.resolve("grafana/marquee-dashboard.json"))).replace("\\\"", "\"");
        List<String> exact = new ArrayList<>();
        Matcher m = Pattern.compile("operator_name(?:=| )\"([^\"]*)\"").matcher(selectors);
        while (m.find()) exact.add(m.group(1));
        assertThat(exact).as("operator_name=\"...\" and eq $labels.operator_name \"...\"")
                .contains("Source:_rating_requests", "label_event_time").allMatch(operators::contains);
        Matcher regex = Pattern.compile("operator_name=~\"([^\"]*)\"").matcher(selectors);
        int regexes = 0;
        while (regex.find()) {
            regexes++;
            Pattern selects = Pattern.compile(regex.group(1)); // PromQL's =~ is anchored at both ends
            assertThat(operators).as("operator_name=~\"" + regex.group(1) + "\"")
                    .anyMatch(o -> selects.matcher(o).matches());
        }
        assertThat(regexes).isPositive();
    }
}

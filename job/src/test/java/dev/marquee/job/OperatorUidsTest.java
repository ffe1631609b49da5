package dev.marquee.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.job.config.JobSettings;
import dev.marquee.job.config.TriggerSettings;
import dev.marquee.job.label.LabelSettings;
import dev.marquee.job.trigger.RetrainTriggerJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.transformations.PartitionTransformation;
import org.apache.flink.streaming.api.transformations.SideOutputTransformation;
import org.apache.flink.streaming.api.transformations.UnionTransformation;
import org.junit.jupiter.api.Test;

/**
 * The operator uids of both jobs, as built (not run), are exactly those docs/OPERATIONS.md lists under "Upgrading the
 * job with a savepoint", and every operator has one: a savepoint's state maps onto operators by uid, so a renamed,
 * dropped or added operator must show in the table an operator reads before an upgrade.
 */
class OperatorUidsTest {
    /** Transformations that are no operator and hold no state: edges of the graph, which take no uid. */
    private static final Set<Class<?>> VIRTUAL = Set.of(PartitionTransformation.class, SideOutputTransformation.class,
            UnionTransformation.class);
    private static final Path OPERATIONS = Path.of("..", "docs", "OPERATIONS.md");

    @Test
    void theScoringJobsUidsAreTheDocumentedOnes() throws IOException {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        // every optional branch on: drift, labels, online adaptation with the title bias
        ScoringJob.buildWithKafka(env, JobSettings.from(Map.of(JobSettings.BOOTSTRAP, "127.0.0.1:9",
                "drift.enabled", "true", LabelSettings.LABELS_ENABLED, "true", "adaptation.title-bias", "new",
                JobSettings.PARALLELISM, "2")));
        assertThat(uids(env)).as("uids of the scoring job's operators vs OPERATIONS.md")
                .isEqualTo(documented("scoring (`dev.marquee.job.ScoringJob`)"));
    }

    @Test
    void theTriggerJobsUidsAreTheDocumentedOnes() throws IOException {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        RetrainTriggerJob.buildWithKafka(env, TriggerSettings.from(Map.of(JobSettings.BOOTSTRAP, "127.0.0.1:9")), false);
        assertThat(uids(env)).as("uids of the trigger job's operators vs OPERATIONS.md")
                .isEqualTo(documented("retraining trigger (`dev.marquee.job.trigger.RetrainTriggerJob`)"));
    }

    /** Every uid set on a transformation of the job, reached from its sinks through their inputs. */
    private static Set<String> uids(StreamExecutionEnvironment env) {
        Set<String> uids = new TreeSet<>();
        List<String> withoutUid = new ArrayList<>();
        Set<Integer> visited = new HashSet<>();
        Deque<Transformation<?>> todo = new ArrayDeque<>(env.getTransformations());
        while (!todo.isEmpty()) {
            Transformation<?> t = todo.pop();
            if (!visited.add(t.getId())) continue;
            if (t.getUid() != null) uids.add(t.getUid());
            else if (!VIRTUAL.contains(t.getClass())) withoutUid.add(t.getName());
            todo.addAll(t.getInputs());
        }
        assertThat(withoutUid).as("operators without a uid (Flink would derive one from the graph's shape)").isEmpty();
        return uids;
    }

    /** The uids in the table row whose first cell is {@code job}. */
    private static Set<String> documented(String job) throws IOException {
        List<String> rows = Files.readAllLines(OPERATIONS).stream().filter(l -> l.startsWith("| " + job + " |")).toList();
        assertThat(rows).as("the row for %s in %s", job, OPERATIONS).hasSize(1);
        String[] cells = rows.get(0).split("\\|");
        Set<String> uids = new TreeSet<>();
        Matcher m = Pattern.compile("`([^`]+)`").matcher(cells[cells.length - 1]);
        while (m.find()) uids.add(m.group(1));
        assertThat(uids).as("uids listed for %s", job).isNotEmpty();
        return uids;
    }
}

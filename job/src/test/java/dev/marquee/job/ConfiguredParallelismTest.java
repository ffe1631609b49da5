package dev.marquee.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.job.config.JobSettings;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The parallelism the start-up checks judge partitions against: the job's own setting, else the one it was submitted
 * with (flink run -p and the client's parallelism.default both arrive as parallelism.default), else Flink's default;
 * in each case the one the request source really gets.
 */
class ConfiguredParallelismTest {
    @Test
    void theJobsOwnSettingComesFirst() {
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(submittedWith(12));
        assertThat(ScoringJob.configuredParallelism(JobSettings.from(Map.of(JobSettings.PARALLELISM, "3")), env)).isEqualTo(3);
    }

    @Test
    void withoutItTheSubmissionsParallelismCounts() {
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(submittedWith(12));
        assertThat(ScoringJob.configuredParallelism(JobSettings.defaults(), env)).isEqualTo(12);
    }

    /** 0: nothing set anywhere (Flink's default); else the submission's parallelism, with and without the job's own. */
    @ParameterizedTest
    @ValueSource(ints = {0, 5})
    void itIsTheParallelismTheRequestSourceRunsAt(int submitted) {
        for (String own : new String[] {null, "3"}) {
            StreamExecutionEnvironment env = new StreamExecutionEnvironment(
                    submitted > 0 ? submittedWith(submitted) : new Configuration());
            JobSettings settings = JobSettings.from(own == null
                    ? Map.of(JobSettings.BOOTSTRAP, "127.0.0.1:9")
                    : Map.of(JobSettings.BOOTSTRAP, "127.0.0.1:9", JobSettings.PARALLELISM, own));
            ScoringJob.buildWithKafka(env, settings);
            int judged = ScoringJob.configuredParallelism(settings, env);
            StreamNode source = env.getStreamGraph().getStreamNodes().stream()
                    .filter(n -> n.getOperatorName().contains("rating requests")).findFirst().orElseThrow();
            assertThat(judged).as("submitted %s, own %s", submitted, own).isPositive().isEqualTo(source.getParallelism());
        }
    }

    private static Configuration submittedWith(int parallelism) {
        Configuration conf = new Configuration();
        conf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        return conf;
    }
}

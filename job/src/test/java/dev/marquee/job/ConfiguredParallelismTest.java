package dev.marquee.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.job.config.JobSettings;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * The parallelism the start-up checks judge partitions against: the job's own setting, else the one it was submitted
 * with (flink run -p and the client's parallelism.default both arrive as parallelism.default), else none known.
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

    @Test
    void noParallelismAnywhereIsNotKnown() {
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(new Configuration());
        assertThat(env.getParallelism()).as("Flink's default, not what the cluster would choose").isEqualTo(1);
        assertThat(ScoringJob.configuredParallelism(JobSettings.defaults(), env)).isZero();
    }

    private static Configuration submittedWith(int parallelism) {
        Configuration conf = new Configuration();
        conf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        return conf;
    }
}

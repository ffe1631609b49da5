package dev.marquee.job.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.job.config.TriggerSettings;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** The trigger's exactly-once sink is held to the scoring job's rule: no checkpoint outlives its transactions. */
class RetrainTriggerJobConfigureTest {
    @Test
    void anExactlyOnceTriggerCapsItsCheckpointTimeoutAsTheScoringJobDoes() {
        TriggerSettings s = TriggerSettings.from(Map.of("delivery.guarantee", "exactly-once",
                "delivery.transaction-timeout-ms", "120000", "checkpoint.interval-ms", "2000"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        RetrainTriggerJob.configure(env, s.common);
        // two checkpoints in a row within one transaction: 120 s / 2, not 120 s less the interval
        assertThat(env.getCheckpointConfig().getCheckpointTimeout()).isEqualTo(60_000);

        StreamExecutionEnvironment atLeastOnce = StreamExecutionEnvironment.getExecutionEnvironment();
        RetrainTriggerJob.configure(atLeastOnce, TriggerSettings.from(Map.of("checkpoint.interval-ms", "60000")).common);
        assertThat(atLeastOnce.getCheckpointConfig().getCheckpointTimeout()).as("Flink's default").isEqualTo(600_000);
    }

    /** The trigger checkpoints too, and MarqueeCheckpointStale covers it: it says so; the drift warnings are not its. */
    @Test
    void theTriggerPrintsTheCheckpointAndKafkaWarningsButNotTheDriftOnes() {
        TriggerSettings s = TriggerSettings.from(Map.of("checkpoint.interval-ms", "600000", "kafka.property.acks", "1"));
        assertThat(RetrainTriggerJob.warnings(s.common)).hasSize(2)
                .anySatisfy(w -> assertThat(w).contains("MarqueeCheckpointStale"))
                .anySatisfy(w -> assertThat(w).startsWith("kafka.property.acks=1"));
        dev.marquee.job.config.JobSettings drift = dev.marquee.job.config.JobSettings.from(Map.of("drift.window.records", "200"));
        assertThat(drift.warnings()).hasSize(1);
        assertThat(RetrainTriggerJob.warnings(drift)).as("the scoring job's").isEmpty();
    }
}

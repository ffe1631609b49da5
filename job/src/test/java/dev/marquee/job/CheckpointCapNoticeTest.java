package dev.marquee.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.job.config.JobSettings;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** The operator is told when exactly-once lowered the checkpoint timeout, and only then. */
class CheckpointCapNoticeTest {
    private static final JobSettings EXACTLY_ONCE = JobSettings.from(Map.of(JobSettings.DELIVERY, "exactly-once",
            JobSettings.TRANSACTION_TIMEOUT_MS, "60000", JobSettings.CHECKPOINT_INTERVAL_MS, "2000"));

    @Test
    void aCappedTimeoutIsNamedWithTheSettingsThatCapIt() {
        var env = StreamExecutionEnvironment.getExecutionEnvironment();
        ScoringJob.configure(env, EXACTLY_ONCE);
        long timeout = env.getCheckpointConfig().getCheckpointTimeout();

        assertThat(ScoringJob.capNotice(EXACTLY_ONCE, timeout, env.getCheckpointConfig().getMinPauseBetweenCheckpoints()))
                .hasValueSatisfying(n -> assertThat(n).contains("capped at 30000 ms")
                        .contains(JobSettings.TRANSACTION_TIMEOUT_MS).contains(JobSettings.CHECKPOINT_INTERVAL_MS));
    }

    /** A min-pause the transactions cannot outlive is refused at exactly-once: every one would be aborted. */
    @Test
    void aMinPauseLongerThanTheTransactionTimeoutIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ScoringJob.checkMinPause(EXACTLY_ONCE, 90_000))
                .isInstanceOf(dev.marquee.data.config.SettingException.class).hasMessageContaining("min-pause (90000 ms)");
        ScoringJob.checkMinPause(EXACTLY_ONCE, 58_000); // (60 s - 58 s) / 2: a second left
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ScoringJob.checkMinPause(EXACTLY_ONCE, 58_001))
                .isInstanceOf(dev.marquee.data.config.SettingException.class);
        ScoringJob.checkMinPause(JobSettings.defaults(), 900_000); // at-least-once: nothing to outlive
    }

    @Test
    void anUncappedTimeoutOrAtLeastOnceSaysNothing() {
        var env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.getCheckpointConfig().setCheckpointTimeout(10_000); // the client's own, already below the cap
        ScoringJob.configure(env, EXACTLY_ONCE);
        assertThat(ScoringJob.capNotice(EXACTLY_ONCE, env.getCheckpointConfig().getCheckpointTimeout(), 0)).isEmpty();

        assertThat(ScoringJob.capNotice(JobSettings.defaults(), 30_000, 0)).as("at-least-once: nothing capped").isEmpty();
    }
}

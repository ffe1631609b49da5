package dev.marquee.job.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.job.ScoringJob;
import dev.marquee.job.config.JobSettings;
import dev.marquee.job.config.TriggerSettings;
import dev.marquee.job.trigger.RetrainTriggerJob;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * After a topic grows, the keys producers move to its new partitions wait until a source finds them: the
 * connector's own default is 5 minutes, every source of ours looks each minute, and a {@code kafka.property} wins.
 */
class PartitionDiscoveryTest {
    private static final String KEY = "partition.discovery.interval.ms";

    private static Map<String, String> settings() {
        Map<String, String> m = new HashMap<>();
        m.put(JobSettings.BOOTSTRAP, "broker-1.example:9093");
        return m;
    }

    @Test
    void everySourceOfTheScoringJobLooksForNewPartitionsEachMinute() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ScoringJob.buildWithKafka(env, JobSettings.from(settings()));
        var built = KafkaSecurityPassThroughTest.BuiltClients.of(env);
        assertThat(built.sources).as("requests and labels").hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(source -> assertThat(KafkaSecurityPassThroughTest.BuiltClients.sourceProperties(source)).containsEntry(KEY, "60000"));
    }

    @Test
    void everySourceOfTheRetrainingTriggerLooksForNewPartitionsEachMinute() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        RetrainTriggerJob.buildWithKafka(env, TriggerSettings.from(settings()), false);
        var built = KafkaSecurityPassThroughTest.BuiltClients.of(env);
        assertThat(built.sources).as("drift reports, retrain outcomes, model updates").hasSizeGreaterThanOrEqualTo(3)
                .allSatisfy(source -> assertThat(KafkaSecurityPassThroughTest.BuiltClients.sourceProperties(source)).containsEntry(KEY, "60000"));
    }

    @Test
    void aKafkaPropertySetsTheInterval() throws Exception {
        Map<String, String> m = settings();
        m.put(JobSettings.KAFKA_PROPERTY_PREFIX + KEY, "15000");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ScoringJob.buildWithKafka(env, JobSettings.from(m));
        assertThat(KafkaSecurityPassThroughTest.BuiltClients.of(env).sources).isNotEmpty()
                .allSatisfy(source -> assertThat(KafkaSecurityPassThroughTest.BuiltClients.sourceProperties(source)).containsEntry(KEY, "15000"));
    }
}

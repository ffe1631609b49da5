package dev.marquee.job.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.parse.ParserLimits;
import dev.marquee.job.ScoringJob;
import dev.marquee.job.config.JobSettings;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.transformations.SinkTransformation;
import org.junit.jupiter.api.Test;

/** In the job the scoring job builds, the dead-letter sink, and only it, takes the largest dead letter. */
class DeadLetterSinkSizeTest {
    @Test
    void theBuiltDeadLetterSinkFollowsTheDeadLetterLimit() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ScoringJob.buildWithKafka(env, JobSettings.from(Map.of(ParserLimits.MAX_DEAD_LETTER_PAYLOAD_BYTES,
                String.valueOf(64 << 20))));

        List<Properties> sinks = sinkProperties(env);
        assertThat(sinks).hasSizeGreaterThanOrEqualTo(3);
        String expected = String.valueOf((64 << 20) + 4096 + 512);
        assertThat(sinks.stream().filter(p -> expected.equals(p.getProperty("max.request.size")))).hasSize(1);
        assertThat(sinks.stream().filter(p -> p.getProperty("max.request.size") == null)).hasSize(sinks.size() - 1);
    }

    private static List<Properties> sinkProperties(StreamExecutionEnvironment env) throws ReflectiveOperationException {
        Set<Transformation<?>> all = new LinkedHashSet<>();
        for (Transformation<?> t : env.getTransformations()) {
            all.add(t);
            all.addAll(t.getTransitivePredecessors());
        }
        List<Properties> found = new ArrayList<>();
        Field config = KafkaSink.class.getDeclaredField("kafkaProducerConfig");
        config.setAccessible(true);
        for (Transformation<?> t : all) {
            if (t instanceof SinkTransformation && ((SinkTransformation<?, ?>) t).getSink() instanceof KafkaSink) {
                found.add((Properties) config.get(((SinkTransformation<?, ?>) t).getSink()));
            }
        }
        return found;
    }
}

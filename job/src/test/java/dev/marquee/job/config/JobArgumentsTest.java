package dev.marquee.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.data.config.SettingException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobArgumentsTest {
    @Test
    void keysAndValuesAreReadAsFlinkReadsThem() {
        assertThat(JobArguments.parse(new String[] {"--model.name", "m", "--labels.enabled", "true"}))
                .containsEntry("model.name", "m").containsEntry("labels.enabled", "true");
    }

    /** {@code flink run job.jar --model.registry $REG --model.name m} with REG empty. */
    /** As marquee score and trigger take them, and as docs/CONFIGURATION.md shows them. */
    @Test
    void keyEqualsValueIsReadAsAKeyAndItsValue() {
        assertThat(JobArguments.parse(new String[] {"--model.registry=/m", "--kafka.property.sasl.jaas.config=a=b c=d",
                "--model.name", "x"}))
                .isEqualTo(Map.of("model.registry", "/m", "kafka.property.sasl.jaas.config", "a=b c=d", "model.name", "x"));
    }

    @Test
    void aKeyWithoutAValueIsRefusedNotReadAsTheMarker() {
        assertThatThrownBy(() -> JobArguments.parse(new String[] {"--model.registry", "--model.name", "m"}))
                .isInstanceOf(SettingException.class).hasMessage("--model.registry needs a value (--model.registry VALUE)");
    }

    @Test
    void aStrayValueIsAOneLineRefusal() {
        assertThatThrownBy(() -> JobArguments.parse(new String[] {"stray"})).isInstanceOf(SettingException.class);
    }
}

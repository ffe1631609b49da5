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

    /** About one generated password in 64 starts with '-'; it is a value, in either form. */
    @Test
    void aValueStartingWithADashIsAValue() {
        assertThat(JobArguments.parse(new String[] {"--kafka.property.ssl.truststore.password=-Secr3t", "--parallelism", "2",
                "--kafka.property.ssl.keystore.password", "-Other", "--watermark.future-tolerance-ms", "-1"}))
                .containsEntry("kafka.property.ssl.truststore.password", "-Secr3t")
                .containsEntry("kafka.property.ssl.keystore.password", "-Other")
                .containsEntry("watermark.future-tolerance-ms", "-1")
                .containsEntry("parallelism", "2");
    }

    /** An unquoted JAAS line splits into stray arguments: refused without quoting any of them. */
    @Test
    void aStrayArgumentIsRefusedWithoutItsValue() {
        assertThatThrownBy(() -> JobArguments.parse(new String[] {"--kafka.property.sasl.jaas.config", "X", "required",
                "password=\"p\";"}))
                .isInstanceOf(SettingException.class)
                .hasMessageStartingWith("argument 3 is not a --key")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("p\"").doesNotContain("required"));
        assertThat(JobArguments.parse(new String[] {"--model.name", "a", "--model.name=b"}))
                .as("the last one wins, as for marquee score").containsEntry("model.name", "b");
    }

    @Test
    void aStrayValueIsAOneLineRefusal() {
        assertThatThrownBy(() -> JobArguments.parse(new String[] {"stray"})).isInstanceOf(SettingException.class);
    }
}

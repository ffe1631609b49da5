package dev.marquee.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.data.config.SettingException;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class OptionReaderTest {
    @Test
    void absentOptionsTakeTheirDefaults() {
        OptionReader r = OptionReader.of(Map.of());
        assertThat(r.intIn(ScoringJobOptions.BATCH_SIZE, 1, 10_000)).isEqualTo(256);
        assertThat(r.string(ScoringJobOptions.GROUP_ID)).isEqualTo("marquee-scoring");
        assertThat(r.doubleOrOff(TriggerJobOptions.MAX_RMSE, 0.0001, 100)).isNaN();
    }

    @Test
    void valuesAreReadAsTheSettingsAlwaysWere() {
        OptionReader r = OptionReader.of(Map.of("batch.size", " 1_024 ", "labels.enabled", "yes",
                "trigger.rmse-margin", "OFF", "kafka.property.acks", "all"));
        assertThat(r.intIn(ScoringJobOptions.BATCH_SIZE, 1, 10_000)).isEqualTo(1_024);
        assertThat(r.bool(ScoringJobOptions.LABELS_ENABLED)).isTrue();
        assertThat(r.doubleOrOff(TriggerJobOptions.RMSE_MARGIN, 0, 100)).isNaN();
        assertThat(r.withPrefix(ScoringJobOptions.KAFKA_PROPERTY_PREFIX)).containsExactly(Map.entry("acks", "all"));
        assertThatThrownBy(() -> r.intIn(ScoringJobOptions.BATCH_SIZE, 1, 100)).isInstanceOf(SettingException.class)
                .hasMessage("batch.size must be between 1 and 100, got 1024");
    }

    @Test
    void aFlinkConfigurationSetThroughTheOptionsConfiguresTheJob() {
        Configuration conf = new Configuration();
        conf.set(ScoringJobOptions.BATCH_SIZE, 64);
        conf.set(ScoringJobOptions.DRIFT_ENABLED, false);
        conf.set(ScoringJobOptions.DECAY, 0.9);
        conf.set(ScoringJobOptions.PARSER_MAX_DEPTH, 8);
        JobSettings s = JobSettings.from(conf);
        assertThat(s.batchSize).isEqualTo(64);
        assertThat(s.drift.enabled).isFalse();
        assertThat(s.labels.decay).isEqualTo(0.9);
        assertThat(s.parserLimits.maxDepth).isEqualTo(8);
    }
}

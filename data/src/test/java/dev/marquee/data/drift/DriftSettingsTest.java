package dev.marquee.data.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.data.config.SettingException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DriftSettingsTest {
    @Test
    void defaults() {
        DriftSettings s = DriftSettings.defaults(Map.of());
        assertThat(s.enabled).isTrue();
        assertThat(s.windowMs).isEqualTo(10_000);
        assertThat(s.windowRecords).isZero();
        assertThat(s.alertWindows).isEqualTo(2);
        assertThat(s.thresholdOf("user_id.oov_rate")).isEqualTo(0.1);
        assertThat(s.thresholdOf("schema.invalid_rate.WRONG_TYPE")).isEqualTo(0.02);
        assertThat(s.thresholdOf("prediction.mean")).isNaN();
    }

    @Test
    void thresholdsCanBeChangedOrSwitchedOff() {
        DriftSettings s = DriftSettings.defaults(Map.of("drift.threshold.movie_title.js", "0.3",
                "drift.threshold.latency.p99_ms", "off", "drift.threshold.schema.invalid_rate.by_code", "OFF"));
        assertThat(s.thresholdOf("movie_title.js")).isEqualTo(0.3);
        assertThat(s.explicitThresholds).containsEntry("movie_title.js", 0.3).containsKey("latency.p99_ms")
                .doesNotContainKey("user_id.oov_rate");
        assertThat(s.thresholdOf("latency.p99_ms")).isNaN();
        assertThat(s.thresholds).doesNotContainKey("latency.p99_ms");
        assertThat(s.thresholdOf("schema.invalid_rate.TOO_LARGE")).isNaN();
    }

    /**
     * The tracked field names go into every report whole: at the most a setting allows, with the longest names the parser
     * keeps (64 characters) made of characters JSON escapes, a report still fits a producer's 1 MiB request.
     */
    @Test
    void theMostTrackedFieldsAllowedKeepAReportUnderAMegabyte() {
        assertThat(DriftSettings.defaults(Map.of(DriftSettings.MAX_TRACKED_FIELDS, "1000")).maxTrackedFields).isEqualTo(1_000);
        assertThatThrownBy(() -> DriftSettings.defaults(Map.of(DriftSettings.MAX_TRACKED_FIELDS, "1001")))
                .isInstanceOf(SettingException.class).hasMessageContaining(DriftSettings.MAX_TRACKED_FIELDS);
        dev.marquee.data.event.DriftReport report = new dev.marquee.data.event.DriftReport();
        for (int i = 0; i < 1_000; i++) {
            String name = String.format("%04d", i) + "\u0001".repeat(60);
            report.unexpectedFields.put(name, Long.MAX_VALUE);
        }
        byte[] json = dev.marquee.data.json.EventCodec.of(dev.marquee.data.event.DriftReport.class).encode(report);
        assertThat(json.length).isGreaterThan(300_000).isLessThan(1_048_576);
    }

    @Test
    void refusesUnknownKeysAndBadThresholds() {
        assertThatThrownBy(() -> DriftSettings.defaults(Map.of("drift.window.size", "5")))
                .isInstanceOf(SettingException.class).hasMessageContaining("drift.window.size")
                .hasMessageContaining("drift.window.ms");
        assertThatThrownBy(() -> DriftSettings.defaults(Map.of("drift.threshold.user_id.bogus", "1")))
                .isInstanceOf(SettingException.class).hasMessageContaining("drift.threshold.user_id.bogus");
        assertThatThrownBy(() -> DriftSettings.defaults(Map.of("drift.threshold.user_id.js", "0.1")))
                .as("top-K distances of user ids are gone (decision 0007)")
                .isInstanceOf(SettingException.class).hasMessageContaining("drift.threshold.user_id.js");
        assertThatThrownBy(() -> DriftSettings.defaults(Map.of("drift.threshold.movie_title.js", "-1")))
                .isInstanceOf(SettingException.class).hasMessageContaining("a number >= 0 or 'off'");
        assertThatThrownBy(() -> DriftSettings.defaults(Map.of("drift.window.ms", "5")))
                .isInstanceOf(SettingException.class).hasMessageContaining("drift.window.ms");
        // windows shorter than twice the subtasks' count interval come out empty every other time, ending every streak
        assertThatThrownBy(() -> DriftSettings.defaults(Map.of("drift.window.ms", "500")))
                .isInstanceOf(SettingException.class).hasMessageContaining("must be at least twice drift.partial.interval-ms (1000)");
        assertThat(DriftSettings.defaults(Map.of("drift.window.ms", "500", "drift.partial.interval-ms", "100")).windowMs)
                .isEqualTo(500);
    }
}

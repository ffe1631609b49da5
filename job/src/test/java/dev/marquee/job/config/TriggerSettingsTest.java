package dev.marquee.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.data.config.SettingException;
import dev.marquee.job.trigger.TriggerRules;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TriggerSettingsTest {
    @Test
    void defaultsAreTheDocumentedPolicy() {
        TriggerSettings s = TriggerSettings.defaults();
        TriggerRules r = s.rules();
        assertThat(r.driftedWindows).isEqualTo(3);
        assertThat(r.maxRmse).isNaN();
        assertThat(r.rmseMargin).isEqualTo(0.05);
        assertThat(r.rmseWindows).isEqualTo(3);
        assertThat(r.minLabels).isEqualTo(200);
        assertThat(r.scheduleMs).isZero();
        assertThat(r.cooldownMs).isEqualTo(30 * 60_000L);
        assertThat(r.inFlightTimeoutMs).isEqualTo(2 * 3_600_000L);
        assertThat(r.modelName).isEqualTo("marquee");
        assertThat(s.retrainRequestsTopic).isEqualTo("retrain-requests");
        assertThat(s.retrainOutcomesTopic).isEqualTo("retrain-outcomes");
        assertThat(s.common.driftTopic).isEqualTo("drift-metrics");
        assertThat(s.common.groupId).isEqualTo("marquee-trigger");
        assertThat(s.common.transactionalIdPrefix).isEqualTo("marquee-trigger");
    }

    @Test
    void sharedKeysAndKafkaPropertiesReachTheCommonSettings() {
        TriggerSettings s = TriggerSettings.from(Map.of(JobSettings.BOOTSTRAP, "broker:9093", JobSettings.GROUP_ID, "g",
                JobSettings.TOPIC_DRIFT, "drift-2", "kafka.property.security.protocol", "SSL",
                TriggerSettings.MAX_RMSE, "1.1", TriggerSettings.RMSE_MARGIN, "off"));
        assertThat(s.common.bootstrapServers).isEqualTo("broker:9093");
        assertThat(s.common.groupId).isEqualTo("g");
        assertThat(s.common.driftTopic).isEqualTo("drift-2");
        assertThat(s.common.kafkaProperties()).containsEntry("security.protocol", "SSL");
        assertThat(s.maxRmse).isEqualTo(1.1);
        assertThat(s.rmseMargin).isNaN();
    }

    /**
     * The trigger writes small retrain requests, no dead letters or predictions: a producer limit too small for the
     * scoring job's largest records is not its to refuse (the advice would name settings it does not take).
     */
    @Test
    void aSmallProducerLimitIsTheScoringJobsConcernNotTheTriggers() {
        Map<String, String> small = Map.of("kafka.property.max.request.size", "65536");
        assertThatThrownBy(() -> JobSettings.from(small)).isInstanceOf(SettingException.class);
        assertThat(TriggerSettings.from(small).common.kafkaProperties()).containsEntry("max.request.size", "65536");
    }

    @Test
    void anotherModelsTriggerGetsItsOwnConsumerGroupAndTransactionalIds() {
        assertThat(TriggerSettings.from(Map.of()).common.groupId).isEqualTo("marquee-trigger");
        TriggerSettings other = TriggerSettings.from(Map.of(JobSettings.MODEL_NAME, "b"));
        assertThat(other.common.groupId).isEqualTo("marquee-trigger-b");
        assertThat(other.common.transactionalIdPrefix).isEqualTo("marquee-trigger-b");
    }

    @Test
    void scoringOnlyKeysAndTyposAreRefusedByName() {
        assertThatThrownBy(() -> TriggerSettings.from(Map.of(JobSettings.BATCH_SIZE, "5")))
                .isInstanceOf(SettingException.class).hasMessageStartingWith("unknown setting batch.size; known: ");
        assertThatThrownBy(() -> TriggerSettings.from(Map.of("trigger.drifted-window", "5")))
                .hasMessageStartingWith("unknown setting trigger.drifted-window; known: ");
    }

    @Test
    void badValuesNameTheKey() {
        assertThatThrownBy(() -> TriggerSettings.from(Map.of(TriggerSettings.MAX_RMSE, "high")))
                .hasMessage("trigger.max-rmse must be a number between 1.0E-4 and 100.0, got 'high' (or 'off')");
        assertThatThrownBy(() -> TriggerSettings.from(Map.of(TriggerSettings.RMSE_WINDOWS, "0")))
                .hasMessage("trigger.rmse-windows must be between 1 and 100000, got 0");
        assertThatThrownBy(() -> TriggerSettings.from(Map.of(TriggerSettings.COOLDOWN_MS, "-1")))
                .hasMessageStartingWith("trigger.cooldown-ms must be between 0 and ");
        assertThatThrownBy(() -> TriggerSettings.from(Map.of(TriggerSettings.DRIFTED_WINDOWS, "0",
                TriggerSettings.RMSE_MARGIN, "off"))).hasMessageStartingWith("every retraining rule is off");
    }
}

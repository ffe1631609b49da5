package dev.marquee.model.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GatePolicyTest {
    private static final GatePolicy DEFAULT = new GatePolicy(0.0, Double.NaN);

    @Test
    void aLowerRmseThanTheServingVersionPasses() {
        GatePolicy.Decision d = DEFAULT.decide(new GatePolicy.Measurement(null, 0.90, 0.95, 500));
        assertThat(d.passed()).isTrue();
        assertThat(d.reason()).isNull();
        assertThat(d.metrics()).containsEntry("candidate_rmse", 0.90).containsEntry("current_rmse", 0.95)
                .containsEntry("holdout_rows", 500.0).containsEntry("runtime_check_passed", 1.0);
        assertThat(d.metrics().get("improvement")).isCloseTo(0.05, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void anEqualOrHigherRmseIsRejectedEvenWithAZeroMargin() {
        assertThat(DEFAULT.decide(new GatePolicy.Measurement(null, 0.95, 0.95, 500)).passed()).isFalse();
        GatePolicy.Decision worse = DEFAULT.decide(new GatePolicy.Measurement(null, 1.10, 0.95, 500));
        assertThat(worse.passed()).isFalse();
        assertThat(worse.reason()).contains("1.1000").contains("0.9500");
    }

    @Test
    void theMarginMustBeMet() {
        GatePolicy margin = new GatePolicy(0.02, Double.NaN);
        assertThat(margin.decide(new GatePolicy.Measurement(null, 0.94, 0.95, 500)).passed()).isFalse();
        assertThat(margin.decide(new GatePolicy.Measurement(null, 0.92, 0.95, 500)).passed()).isTrue();
    }

    @Test
    void theAbsoluteBoundAppliesWithOrWithoutAServingVersion() {
        GatePolicy bounded = new GatePolicy(0.0, 1.0);
        assertThat(bounded.decide(new GatePolicy.Measurement(null, 1.05, 1.20, 500)).reason())
                .contains("above the maximum");
        assertThat(bounded.decide(new GatePolicy.Measurement(null, 1.05, Double.NaN, 500)).passed()).isFalse();
        assertThat(bounded.decide(new GatePolicy.Measurement(null, 0.99, Double.NaN, 500)).passed()).isTrue();
    }

    @Test
    void withoutAServingVersionAWorkingCandidatePasses() {
        GatePolicy.Decision d = DEFAULT.decide(new GatePolicy.Measurement(null, 1.3, Double.NaN, 10));
        assertThat(d.passed()).isTrue();
        assertThat(d.metrics()).doesNotContainKeys("current_rmse", "improvement");
    }

    @Test
    void aCandidateThatFailsTheRuntimeCheckIsRejectedWhateverItsRmse() {
        GatePolicy.Decision d = DEFAULT.decide(new GatePolicy.Measurement("it does not load: boom", Double.NaN, 1.0, 10));
        assertThat(d.passed()).isFalse();
        assertThat(d.reason()).contains("runtime check").contains("boom");
        assertThat(d.metrics()).containsEntry("runtime_check_passed", 0.0).doesNotContainKey("candidate_rmse");
        assertThat(DEFAULT.decide(new GatePolicy.Measurement(null, Double.NaN, 1.0, 10)).passed()).isFalse();
    }

    @Test
    void probeAnswersMustBeFiniteRatingsInRange() {
        assertThat(GatePolicy.checkProbe(new float[] {0.5f, 3f, 5.5f}, 3)).isNull();
        assertThat(GatePolicy.checkProbe(new float[] {3f, Float.NaN}, 2)).contains("row 1");
        assertThat(GatePolicy.checkProbe(new float[] {3f, Float.POSITIVE_INFINITY}, 2)).isNotNull();
        assertThat(GatePolicy.checkProbe(new float[] {0.4f}, 1)).isNotNull();
        assertThat(GatePolicy.checkProbe(new float[] {5.6f}, 1)).isNotNull();
        assertThat(GatePolicy.checkProbe(new float[] {3f}, 2)).contains("1 answers for 2");
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> new GatePolicy(-0.1, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GatePolicy(0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}

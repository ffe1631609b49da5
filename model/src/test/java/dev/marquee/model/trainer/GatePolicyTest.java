package dev.marquee.model.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.model.stats.PairedUserComparison;
import dev.marquee.model.stats.PairedUserComparison.Decision;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The gate's decision from measured squared errors (the statistics themselves: PairedUserComparisonTest). */
class GatePolicyTest {
    private static final GatePolicy DEFAULT = GatePolicy.defaults();

    /**
     * {@code users} users with {@code perUser} labels each; the candidate's squared error is the serving one's plus
     * {@code shift}, plus a per-user effect of sd {@code userSd}.
     */
    private static GatePolicy.Measurement measured(int users, int perUser, double shift, double userSd) {
        Random r = new Random(users * 31L + perUser);
        PairedUserComparison.Sums sums = new PairedUserComparison.Sums();
        double a = 0;
        double b = 0;
        for (int u = 0; u < users; u++) {
            double effect = userSd * r.nextGaussian();
            for (int i = 0; i < perUser; i++) {
                double ea = Math.abs(0.9 + 0.3 * r.nextGaussian());
                double eb = Math.max(0, ea + shift + effect + 0.1 * r.nextGaussian());
                sums.add("u" + u, ea, eb);
                a += ea;
                b += eb;
            }
        }
        int n = users * perUser;
        return new GatePolicy.Measurement(null, sums, Math.sqrt(b / n), Math.sqrt(a / n), n, users);
    }

    @Test
    void aClearlyBetterCandidateIsPublishedWithItsInterval() {
        GatePolicy.Verdict v = DEFAULT.decide(measured(100, 10, -0.1, 0.05));
        assertThat(v.decision()).isEqualTo(Decision.PUBLISH);
        assertThat(v.passed()).isTrue();
        assertThat(v.reason()).isNull();
        assertThat(v.metrics().get("mse_diff_high")).isLessThan(GatePolicy.DEFAULT_MARGIN);
        assertThat(v.metrics()).containsEntry("holdout_rows", 1000.0).containsEntry("holdout_users", 100.0)
                .containsEntry("gate_margin", 0.01).containsEntry("gate_confidence", 0.95)
                .containsEntry("gate_resamples", 2000.0).containsEntry("gate_decision", 1.0)
                .containsKeys("mse_diff", "mse_diff_low", "candidate_rmse", "current_rmse", "improvement");
        assertThat(v.interval().users()).isEqualTo(100);
    }

    @Test
    void aClearlyWorseCandidateIsRejected() {
        GatePolicy.Verdict v = DEFAULT.decide(measured(100, 10, 0.1, 0.05));
        assertThat(v.decision()).isEqualTo(Decision.REJECT);
        assertThat(v.metrics().get("mse_diff_low")).isGreaterThan(GatePolicy.DEFAULT_MARGIN);
        assertThat(v.metrics()).containsEntry("gate_decision", -1.0);
        assertThat(v.reason()).contains("worse").contains("interval");
    }

    @Test
    void aDifferenceTheLabelsCannotResolveIsDeferred() {
        GatePolicy.Verdict v = DEFAULT.decide(measured(12, 30, 0.01, 0.4));
        assertThat(v.decision()).isEqualTo(Decision.DEFER);
        assertThat(v.metrics().get("mse_diff_low")).isLessThan(0.01);
        assertThat(v.metrics().get("mse_diff_high")).isGreaterThan(0.01);
        assertThat(v.metrics()).containsEntry("gate_decision", 0.0);
        assertThat(v.reason()).contains("cannot tell");
    }

    /** min-labels and min-users are the least that is judged: exactly 200 labels from exactly 10 users are. */
    @Test
    void theMinimumsAreInclusive() {
        assertThat(DEFAULT.decide(measured(10, 20, -0.5, 0.01)).decision()).as("200 labels, 10 users")
                .isEqualTo(Decision.PUBLISH);
        assertThat(DEFAULT.decide(measured(10, 20, 0.5, 0.01)).decision()).isEqualTo(Decision.REJECT);
        GatePolicy.Measurement oneLabelShort = measured(10, 20, -0.5, 0.01);
        assertThat(DEFAULT.decide(new GatePolicy.Measurement(null, oneLabelShort.paired(), oneLabelShort.candidateRmse(),
                oneLabelShort.currentRmse(), 199, 10)).decision()).as("199 labels").isEqualTo(Decision.DEFER);
        assertThat(DEFAULT.decide(new GatePolicy.Measurement(null, oneLabelShort.paired(), oneLabelShort.candidateRmse(),
                oneLabelShort.currentRmse(), 200, 9)).decision()).as("9 users").isEqualTo(Decision.DEFER);
    }

    /** An interval that touches the margin has not shown the candidate on either side of it. */
    @Test
    void anIntervalTouchingTheMarginDefers() {
        double margin = 0.01;
        assertThat(new PairedUserComparison.Result(0, -0.01, margin, 10, 200, 0.95, 2000).decide(margin))
                .isEqualTo(Decision.DEFER);
        assertThat(new PairedUserComparison.Result(0.02, margin, 0.03, 10, 200, 0.95, 2000).decide(margin))
                .isEqualTo(Decision.DEFER);
        assertThat(new PairedUserComparison.Result(0, -0.01, Math.nextDown(margin), 10, 200, 0.95, 2000).decide(margin))
                .isEqualTo(Decision.PUBLISH);
        assertThat(new PairedUserComparison.Result(0.02, Math.nextUp(margin), 0.03, 10, 200, 0.95, 2000).decide(margin))
                .isEqualTo(Decision.REJECT);
    }

    /** The interval the gate decides on is drawn at its configured level and resamples, as its report says. */
    @Test
    void theConfiguredConfidenceAndResamplesAreTheIntervals() {
        GatePolicy policy = new GatePolicy(0.01, 0.99, 5000, 200, 10, Double.NaN);
        GatePolicy.Verdict v = policy.decide(measured(30, 10, 0.02, 0.2));
        assertThat(v.interval().confidence()).isEqualTo(0.99);
        assertThat(v.interval().resamples()).isEqualTo(5000);
        assertThat(v.metrics()).containsEntry("gate_confidence", 0.99).containsEntry("gate_resamples", 5000.0);
        GatePolicy.Verdict at95 = DEFAULT.decide(measured(30, 10, 0.02, 0.2));
        assertThat(v.interval().high() - v.interval().low()).as("a 99% interval is wider than a 95% one")
                .isGreaterThan(at95.interval().high() - at95.interval().low());
    }

    @Test
    void tooFewLabelsOrUsersDeferWhateverTheInterval() {
        GatePolicy.Verdict fewLabels = DEFAULT.decide(measured(50, 3, -0.5, 0.01)); // 150 labels < 200
        assertThat(fewLabels.decision()).isEqualTo(Decision.DEFER);
        assertThat(fewLabels.reason()).contains("too few").contains("150 from 50 users");
        assertThat(fewLabels.metrics()).containsKeys("mse_diff_low", "mse_diff_high"); // reported all the same
        GatePolicy.Verdict fewUsers = DEFAULT.decide(measured(5, 100, -0.5, 0.01));
        assertThat(fewUsers.decision()).isEqualTo(Decision.DEFER);
        GatePolicy.Verdict none = DEFAULT.decide(new GatePolicy.Measurement(null, new PairedUserComparison.Sums(),
                Double.NaN, Double.NaN, 0, 0));
        assertThat(none.decision()).isEqualTo(Decision.DEFER);
        assertThat(none.interval()).isNull();
    }

    @Test
    void theMarginIsNonInferiority() {
        GatePolicy.Measurement slightlyWorse = measured(1000, 10, 0.004, 0.01);
        assertThat(DEFAULT.decide(slightlyWorse).decision()).isEqualTo(Decision.PUBLISH); // within δ = 0.01
        GatePolicy strict = new GatePolicy(-0.01, 0.95, 2000, 200, 10, Double.NaN); // must gain 0.01
        assertThat(strict.decide(slightlyWorse).decision()).isEqualTo(Decision.REJECT);
        assertThat(strict.decide(slightlyWorse).reason()).startsWith("the candidate is worse");
    }

    /** Against a negative margin, a candidate better by less than |δ| is rejected, and not called worse. */
    @Test
    void aCandidateBetterByLessThanANegativeMarginIsRejectedAsNotImprovingEnough() {
        GatePolicy strict = new GatePolicy(-0.01, 0.95, 2000, 200, 10, Double.NaN);
        GatePolicy.Verdict v = strict.decide(measured(1000, 10, -0.006, 0.01));
        assertThat(v.decision()).isEqualTo(Decision.REJECT);
        assertThat(v.interval().high()).isNegative();
        assertThat(v.interval().low()).isGreaterThan(-0.01);
        assertThat(v.reason()).startsWith("the candidate does not improve by 0.0100").doesNotContain("worse")
                .contains("margin -0.0100");
    }

    @Test
    void theAbsoluteBoundRejectsWithOrWithoutAServingVersion() {
        GatePolicy bounded = new GatePolicy(0.01, 0.95, 2000, 200, 10, 0.5);
        GatePolicy.Verdict v = bounded.decide(measured(100, 10, -0.1, 0.05));
        assertThat(v.decision()).isEqualTo(Decision.REJECT);
        assertThat(v.reason()).contains("above the maximum");
        assertThat(bounded.decide(new GatePolicy.Measurement(null, null, 1.05, Double.NaN, 500, 50)).decision())
                .isEqualTo(Decision.REJECT);
        assertThat(bounded.decide(new GatePolicy.Measurement(null, null, 0.45, Double.NaN, 500, 50)).decision())
                .isEqualTo(Decision.PUBLISH);
    }

    @Test
    void withoutAServingVersionAWorkingCandidateIsPublished() {
        GatePolicy.Verdict v = DEFAULT.decide(new GatePolicy.Measurement(null, null, 1.3, Double.NaN, 10, 3));
        assertThat(v.decision()).isEqualTo(Decision.PUBLISH);
        assertThat(v.interval()).isNull();
        assertThat(v.metrics()).doesNotContainKeys("current_rmse", "improvement", "mse_diff");
    }

    @Test
    void aServingVersionThatCannotBeMeasuredDefersTheCandidateWithTheReason() {
        GatePolicy.Verdict v = DEFAULT.decide(new GatePolicy.Measurement(null, null, 0.8, Double.NaN, 500, 50,
                "the version at /r/m/1 does not load (boom)"));
        assertThat(v.decision()).isEqualTo(Decision.DEFER);
        assertThat(v.reason()).contains("serving version could not be measured").contains("boom");
        assertThat(v.metrics()).containsEntry("gate_decision", 0.0);
    }

    @Test
    void aCandidateThatFailsTheRuntimeCheckIsRejectedWhateverItsErrors() {
        GatePolicy.Measurement m = measured(100, 10, -0.3, 0.01);
        GatePolicy.Verdict v = DEFAULT.decide(new GatePolicy.Measurement("it does not load: boom", m.paired(),
                Double.NaN, m.currentRmse(), m.holdoutRows(), m.holdoutUsers()));
        assertThat(v.decision()).isEqualTo(Decision.REJECT);
        assertThat(v.reason()).contains("runtime check").contains("boom");
        assertThat(v.metrics()).containsEntry("runtime_check_passed", 0.0).doesNotContainKey("candidate_rmse");
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
        assertThatThrownBy(() -> new GatePolicy(Double.NaN, 0.95, 2000, 200, 10, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GatePolicy(0.01, 1.0, 2000, 200, 10, Double.NaN)).hasMessageContaining("confidence");
        assertThatThrownBy(() -> new GatePolicy(0.01, 0.95, 10, 200, 10, Double.NaN)).hasMessageContaining("resamples");
        assertThatThrownBy(() -> new GatePolicy(0.01, 0.95, 2000, 200, 1, Double.NaN)).hasMessageContaining("2 users");
        assertThatThrownBy(() -> new GatePolicy(0.01, 0.95, 2000, 200, 10, 0)).hasMessageContaining("maximum RMSE");
    }
}

package dev.marquee.model.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.marquee.model.stats.PairedUserComparison.Decision;
import dev.marquee.model.stats.PairedUserComparison.Result;
import dev.marquee.model.stats.PairedUserComparison.Sums;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PairedUserComparisonTest {
    private static final double MARGIN = 0.01;

    /** One label: its user and the squared errors of A and B. */
    private record Label(String user, double errA, double errB) {}

    /**
     * Labels from {@code users} users with {@code perUser} labels each: A's squared error around 0.9, B's
     * around A's + {@code shift} + the user's own effect (sd {@code userSd}) + label noise (sd 0.3).
     */
    private static List<Label> labels(long seed, int users, int perUser, double shift, double userSd) {
        Random r = new Random(seed);
        List<Label> out = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            double userEffect = userSd * r.nextGaussian();
            for (int i = 0; i < perUser; i++) {
                double a = Math.abs(0.9 + 0.4 * r.nextGaussian());
                out.add(new Label("u" + u, a, a + shift + userEffect + 0.3 * r.nextGaussian()));
            }
        }
        return out;
    }

    private static Sums sums(List<Label> labels) {
        Sums s = new Sums();
        labels.forEach(l -> s.add(l.user(), l.errA(), l.errB()));
        return s;
    }

    /** The same labels with every label its own user: what an unclustered bootstrap would resample. */
    private static Sums unclustered(List<Label> labels) {
        Sums s = new Sums();
        for (int i = 0; i < labels.size(); i++) s.add("label-" + i, labels.get(i).errA(), labels.get(i).errB());
        return s;
    }

    @Test
    void aClearlyBetterCandidateIsPublished() {
        Result r = PairedUserComparison.compare(sums(labels(1, 200, 20, -0.2, 0.1)));
        assertThat(r.difference()).isCloseTo(-0.2, offset(0.03));
        assertThat(r.low()).isLessThan(r.difference());
        assertThat(r.high()).isGreaterThan(r.difference()).isLessThan(MARGIN);
        assertThat(r.decide(MARGIN)).isEqualTo(Decision.PUBLISH);
        assertThat(r.users()).isEqualTo(200);
        assertThat(r.labels()).isEqualTo(4_000);
        assertThat(r.confidence()).isEqualTo(0.95);
        assertThat(r.resamples()).isEqualTo(2_000);
    }

    /** The confidence is printed as set (the gate's reason, gate_report.json): 0.999 is not "100%". */
    @Test
    void theIntervalsConfidenceIsPrintedUnrounded() {
        Sums sums = sums(labels(1, 200, 20, -0.2, 0.1));
        assertThat(PairedUserComparison.compare(sums, 0.999, 200, 1).toString()).contains(" 99.9% interval [");
        assertThat(PairedUserComparison.compare(sums, 0.95, 200, 1).toString()).contains(" 95% interval [");
    }

    @Test
    void aClearlyWorseCandidateIsRejected() {
        Result r = PairedUserComparison.compare(sums(labels(2, 200, 20, 0.2, 0.1)));
        assertThat(r.low()).isGreaterThan(MARGIN);
        assertThat(r.decide(MARGIN)).isEqualTo(Decision.REJECT);
    }

    @Test
    void aDifferenceTheLabelsCannotResolveIsDeferred() {
        // Ten users, each strongly for one version or the other: the mean is near the margin, the spread large.
        Result r = PairedUserComparison.compare(sums(labels(3, 10, 30, MARGIN, 0.5)));
        assertThat(r.low()).isLessThan(MARGIN);
        assertThat(r.high()).isGreaterThan(MARGIN);
        assertThat(r.decide(MARGIN)).isEqualTo(Decision.DEFER);
    }

    @Test
    void theMarginMovesTheDecision() {
        Result r = new Result(0.02, 0.005, 0.03, 50, 1000, 0.95, 2000);
        assertThat(r.decide(0.04)).isEqualTo(Decision.PUBLISH); // non-inferior within a generous margin
        assertThat(r.decide(0.01)).isEqualTo(Decision.DEFER);
        assertThat(r.decide(0.0)).isEqualTo(Decision.REJECT);
    }

    @Test
    void theSameSumsAndSeedGiveTheSameIntervalWhateverTheOrder() {
        List<Label> labels = labels(4, 60, 12, 0.0, 0.2);
        Result first = PairedUserComparison.compare(sums(labels), 0.95, 2_000, 7);
        assertThat(PairedUserComparison.compare(sums(labels), 0.95, 2_000, 7)).isEqualTo(first);
        List<Label> shuffled = new ArrayList<>(labels);
        Collections.shuffle(shuffled, new Random(99));
        Result reordered = PairedUserComparison.compare(sums(shuffled), 0.95, 2_000, 7);
        assertThat(reordered.low()).isCloseTo(first.low(), offset(1e-12)); // a user's sums differ only by rounding
        assertThat(reordered.high()).isCloseTo(first.high(), offset(1e-12));
        assertThat(PairedUserComparison.compare(sums(labels), 0.95, 2_000, 8)).isNotEqualTo(first);
    }

    @Test
    void manyLabelsFromFewUsersGiveAWideInterval() {
        // 2,000 labels from 5 users whose differences vary from user to user.
        List<Label> fewUsers = labels(5, 5, 400, 0.0, 0.3);
        Result clustered = PairedUserComparison.compare(sums(fewUsers));
        Result asIfIndependent = PairedUserComparison.compare(unclustered(fewUsers));
        double clusteredWidth = clustered.high() - clustered.low();
        assertThat(clusteredWidth).isGreaterThan(5 * (asIfIndependent.high() - asIfIndependent.low()));
        // The same number of labels spread over 400 users pins the difference down far better.
        Result manyUsers = PairedUserComparison.compare(sums(labels(5, 400, 5, 0.0, 0.3)));
        assertThat(clusteredWidth).isGreaterThan(3 * (manyUsers.high() - manyUsers.low()));
        assertThat(asIfIndependent.decide(MARGIN)).isNotEqualTo(Decision.DEFER); // the naive test would decide
        assertThat(clustered.decide(MARGIN)).isEqualTo(Decision.DEFER);
    }

    @Test
    void theIntervalCoversTheTrueDifferenceAboutAsOftenAsItsLevelSays() {
        int covered = 0;
        int runs = 200;
        for (int run = 0; run < runs; run++) {
            Result r = PairedUserComparison.compare(sums(labels(1000 + run, 100, 10, 0.05, 0.2)), 0.9, 1_000, run);
            if (r.low() <= 0.05 && 0.05 <= r.high()) covered++;
        }
        assertThat((double) covered / runs).isBetween(0.82, 0.97);
    }

    @Test
    void refusesNoUsersABadLevelAndNonFiniteErrors() {
        assertThatThrownBy(() -> PairedUserComparison.compare(new Sums())).hasMessageContaining("no users");
        Sums one = new Sums().add("u", 1, 2);
        assertThatThrownBy(() -> PairedUserComparison.compare(one, 1.0, 100, 1)).hasMessageContaining("confidence");
        assertThatThrownBy(() -> PairedUserComparison.compare(one, 0.95, 0, 1)).hasMessageContaining("resamples");
        assertThatThrownBy(() -> new Sums().add("u", Double.NaN, 1)).hasMessageContaining("finite");
    }

    @Test
    void sumsKnowTheirCountsAndErrors() {
        Sums s = new Sums().add("a", 1, 0).add("a", 3, 2).addUser("b", 2, 2, 2);
        assertThat(s.users()).isEqualTo(2);
        assertThat(s.labels()).isEqualTo(4);
        assertThat(s.mseA()).isEqualTo(1.5);
        assertThat(s.mseB()).isEqualTo(1.0);
        Result r = PairedUserComparison.compare(s);
        assertThat(r.difference()).isEqualTo(-0.5);
    }

    @Test
    void quantilesInterpolate() {
        double[] v = {0, 1, 2, 3, 4};
        assertThat(PairedUserComparison.quantile(v, 0)).isEqualTo(0);
        assertThat(PairedUserComparison.quantile(v, 0.5)).isEqualTo(2);
        assertThat(PairedUserComparison.quantile(v, 0.125)).isEqualTo(0.5);
        assertThat(PairedUserComparison.quantile(v, 1)).isEqualTo(4);
    }
}

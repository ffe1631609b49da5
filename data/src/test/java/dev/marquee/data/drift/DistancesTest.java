package dev.marquee.data.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DistancesTest {
    private static final double[] UNIFORM = {0.25, 0.25, 0.25, 0.25};
    private static final double[] SKEWED = {0.7, 0.1, 0.1, 0.1};

    @Test
    void identicalDistributionsAreZeroApart() {
        assertThat(Distances.linf(UNIFORM, UNIFORM)).isZero();
        assertThat(Distances.jensenShannon(UNIFORM, UNIFORM)).isCloseTo(0, within(1e-12));
        assertThat(Distances.psi(UNIFORM, UNIFORM)).isCloseTo(0, within(1e-12));
    }

    @Test
    void disjointDistributionsAreOneBitApart() {
        assertThat(Distances.jensenShannon(new double[] {1, 0}, new double[] {0, 1})).isCloseTo(1, within(1e-12));
        assertThat(Distances.linf(new double[] {1, 0}, new double[] {0, 1})).isEqualTo(1);
    }

    @Test
    void linfIsTheLargestBucketDifference() {
        assertThat(Distances.linf(SKEWED, UNIFORM)).isCloseTo(0.45, within(1e-12));
    }

    @Test
    void jensenShannonIsSymmetricAndMatchesTheDefinition() {
        double js = Distances.jensenShannon(SKEWED, UNIFORM);
        assertThat(js).isCloseTo(Distances.jensenShannon(UNIFORM, SKEWED), within(1e-12));
        double expected = 0;
        for (int i = 0; i < 4; i++) {
            double m = (SKEWED[i] + UNIFORM[i]) / 2;
            expected += 0.5 * SKEWED[i] * log2(SKEWED[i] / m) + 0.5 * UNIFORM[i] * log2(UNIFORM[i] / m);
        }
        assertThat(js).isCloseTo(expected, within(1e-12)).isBetween(0.0, 1.0);
    }

    @Test
    void psiMatchesTheDefinitionAndFloorsEmptyBuckets() {
        double expected = 0;
        for (int i = 0; i < 4; i++) expected += (SKEWED[i] - UNIFORM[i]) * Math.log(SKEWED[i] / UNIFORM[i]);
        assertThat(Distances.psi(SKEWED, UNIFORM)).isCloseTo(expected, within(1e-12));
        assertThat(Distances.psi(new double[] {1, 0}, new double[] {0.5, 0.5})).isFinite().isGreaterThan(0.25);
    }

    @Test
    void sharesOfCounts() {
        assertThat(Distances.shares(new long[] {1, 3})).containsExactly(0.25, 0.75);
        assertThat(Distances.shares(new long[] {0, 0})).containsExactly(0, 0);
    }

    @Test
    void refusesDistributionsOverDifferentBuckets() {
        assertThatThrownBy(() -> Distances.linf(new double[2], new double[3])).hasMessageContaining("different buckets");
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}

package dev.marquee.job.label;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UserFactorsTest {
    @Test
    void withoutDriftTheWeightsAreTheRidgeRegressionOfTheResidualsSeenSoFar() {
        int d = 3;
        double biasPrior = 2;
        double factorPrior = 5;
        SplittableRandom random = new SplittableRandom(7);
        float[][] e = new float[12][d];
        double[] y = new double[e.length];
        UserFactors f = UserFactors.prior(1, d, biasPrior, factorPrior);
        for (int n = 0; n < e.length; n++) {
            for (int j = 0; j < d; j++) {
                e[n][j] = (float) (random.nextDouble() * 2 - 1);
            }
            y[n] = 0.7 + 1.5 * e[n][0] - 0.5 * e[n][2] + (random.nextDouble() - 0.5) * 0.2;
            f.learn(e[n], y[n], 0);
            double[] ridge = ridge(e, y, n + 1, biasPrior, factorPrior);
            assertThat(f.weights).as("after %d labels", n + 1).containsExactly(ridge, within(1e-9));
            assertThat(f.labels).isEqualTo(n + 1);
        }
    }

    @Test
    void withWeakPriorsAndManyLabelsItRecoversTheUsersTaste() {
        SplittableRandom random = new SplittableRandom(11);
        UserFactors f = UserFactors.prior(1, 2, 0.01, 0.01);
        for (int n = 0; n < 500; n++) {
            float[] e = {(float) (random.nextDouble() * 2 - 1), (float) (random.nextDouble() * 2 - 1)};
            f.learn(e, 0.5 + 1.2 * e[0] - 0.8 * e[1] + (random.nextDouble() - 0.5) * 0.5, 0);
        }
        assertThat(f.weights).containsExactly(new double[] {0.5, 1.2, -0.8}, within(0.05));
        assertThat(f.adjustment(new float[] {1, 1})).isCloseTo(0.5 + 1.2 - 0.8, within(0.1));
    }

    @Test
    void theBiasAloneIsTheShrunkMeanAndWithDriftAKalmanFilterOnARandomWalk() {
        UserFactors f = UserFactors.prior(1, 0, 3, 1);
        float[] none = new float[0];
        f.learn(none, 2, 0);
        f.learn(none, 1, 0);
        assertThat(f.bias()).isCloseTo(3.0 / (2 + 3), within(1e-12));
        assertThat(f.adjustment(none)).isEqualTo(f.bias());

        UserFactors k = UserFactors.prior(1, 0, 4, 1);
        double m = 0;
        double v = 0.25;
        for (double r : new double[] {1, -1, 2, 0.5}) {
            k.learn(none, r, 0.1);
            v += 0.1;
            double gain = v / (1 + v);
            m += gain * (r - m);
            v -= gain * v;
        }
        assertThat(k.bias()).isCloseTo(m, within(1e-12));
        assertThat(k.covariance[0]).isCloseTo(v, within(1e-12));
    }

    @Test
    void driftMakesRecentLabelsCountMoreForTheBias() {
        float[] none = new float[0];
        UserFactors still = UserFactors.prior(1, 0, 3, 1);
        UserFactors drifting = UserFactors.prior(1, 0, 3, 1);
        for (int i = 0; i < 20; i++) {
            still.learn(none, -1, 0);
            drifting.learn(none, -1, 0.05);
        }
        for (int i = 0; i < 3; i++) {
            still.learn(none, 1, 0);
            drifting.learn(none, 1, 0.05);
        }
        assertThat(drifting.bias()).isGreaterThan(still.bias() + 0.1);
    }

    @Test
    void aNewVersionResetsTheTasteAndKeepsTheCarriedShareOfTheBias() {
        UserFactors f = UserFactors.prior(1, 2, 3, 5);
        for (int i = 0; i < 6; i++) {
            f.learn(new float[] {0, 0}, 2, 0);
        }
        f.learn(new float[] {1, 0}, 2 + f.bias(), 0); // some taste, independent of the bias estimate's own labels
        assertThat(f.weights[1]).isNotZero();
        double precision = 1 / f.covariance[0];
        double learned = precision - 3;
        double fromLabels = f.bias() * precision / learned;
        f.carryTo(2, 4, 0.5, 3, 5);
        assertThat(f.modelVersion).isEqualTo(2);
        assertThat(f.dimensions()).isEqualTo(4);
        assertThat(f.labels).isZero();
        assertThat(new double[] {f.weights[1], f.weights[2], f.weights[3], f.weights[4]}).containsOnly(0.0);
        assertThat(f.covariance[2]).as("a taste weight's variance is the prior's again").isCloseTo(1 / 5.0, within(1e-12));
        assertThat(f.covariance[1]).as("no covariance with the bias").isZero();
        // the bias keeps half of the precision its labels gave it, and the estimate they gave
        assertThat(1 / f.covariance[0]).isCloseTo(3 + learned / 2, within(1e-9));
        assertThat(f.bias()).isCloseTo(fromLabels * (learned / 2) / (3 + learned / 2), within(1e-9));
    }

    @Test
    void carriedBiasOfPlainLabelsIsTheirShrunkMeanAtHalfTheWeight() {
        UserFactors f = UserFactors.prior(1, 0, 3, 5);
        for (int i = 0; i < 6; i++) {
            f.learn(new float[0], 2, 0);
        }
        assertThat(f.bias()).isCloseTo(12.0 / 9, within(1e-12));
        f.carryTo(2, 0, 0.5, 3, 5);
        // as if 3 labels of residual 2 had been seen: 6 / (3 + 3)
        assertThat(f.bias()).isCloseTo(1.0, within(1e-12));
        assertThat(f.covariance[0]).isCloseTo(1 / 6.0, within(1e-12));
    }

    @Test
    void carryingNothingStartsFromThePrior() {
        UserFactors f = UserFactors.prior(1, 1, 3, 5);
        f.learn(new float[] {0.5f}, 1, 0);
        f.carryTo(2, 1, 0, 3, 5);
        assertThat(f.weights).containsOnly(0.0);
        assertThat(f.covariance[0]).isCloseTo(1 / 3.0, within(1e-12));
    }

    /** (XᵀX + Λ)⁻¹ Xᵀy over the first n rows, x = [1, e], solved by Gaussian elimination. */
    private static double[] ridge(float[][] e, double[] y, int n, double biasPrior, double factorPrior) {
        int p = e[0].length + 1;
        double[][] a = new double[p][p + 1];
        for (int r = 0; r < n; r++) {
            double[] x = new double[p];
            x[0] = 1;
            for (int j = 1; j < p; j++) x[j] = e[r][j - 1];
            for (int i = 0; i < p; i++) {
                for (int j = 0; j < p; j++) a[i][j] += x[i] * x[j];
                a[i][p] += x[i] * y[r];
            }
        }
        a[0][0] += biasPrior;
        for (int j = 1; j < p; j++) a[j][j] += factorPrior;
        for (int c = 0; c < p; c++) {
            for (int r = c + 1; r < p; r++) {
                double m = a[r][c] / a[c][c];
                for (int k = c; k <= p; k++) a[r][k] -= m * a[c][k];
            }
        }
        double[] w = new double[p];
        for (int r = p - 1; r >= 0; r--) {
            double s = a[r][p];
            for (int k = r + 1; k < p; k++) s -= a[r][k] * w[k];
            w[r] = s / a[r][r];
        }
        return w;
    }
}

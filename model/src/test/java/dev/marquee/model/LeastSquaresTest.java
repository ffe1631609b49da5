package dev.marquee.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LeastSquaresTest {

    @Test
    void recoversAnExactLinearRelation() {
        Random r = new Random(3);
        float[] x1 = new float[50];
        float[] x2 = new float[50];
        float[] y = new float[50];
        for (int i = 0; i < y.length; i++) {
            x1[i] = 1 + 4 * r.nextFloat();
            x2[i] = 1 + 4 * r.nextFloat();
            y[i] = 0.5f + 2 * x1[i] - x2[i];
        }
        double[] w = LeastSquares.fit(new float[][] {x1, x2}, y);
        assertThat(w[0]).isCloseTo(0.5, within(1e-4));
        assertThat(w[1]).isCloseTo(2, within(1e-5));
        assertThat(w[2]).isCloseTo(-1, within(1e-5));
    }

    @Test
    void residualsAreOrthogonalToTheColumnsOnNoisyData() {
        Random r = new Random(4);
        float[] x = new float[200];
        float[] y = new float[200];
        for (int i = 0; i < y.length; i++) {
            x[i] = (float) r.nextGaussian();
            y[i] = (float) (1 + 0.3 * x[i] + r.nextGaussian());
        }
        double[] w = LeastSquares.fit(new float[][] {x}, y);
        double sum = 0;
        double dot = 0;
        for (int i = 0; i < y.length; i++) {
            double res = y[i] - w[0] - w[1] * x[i];
            sum += res;
            dot += res * x[i];
        }
        assertThat(sum).isCloseTo(0, within(1e-6));
        assertThat(dot).isCloseTo(0, within(1e-6));
    }

    @Test
    void aRepeatedColumnIsSingular() {
        float[] x = {1, 2, 3, 4};
        assertThatThrownBy(() -> LeastSquares.fit(new float[][] {x, x.clone()}, new float[] {1, 2, 3, 5}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("singular");
    }
}

package dev.marquee.job.label;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TitleBiasTest {
    @Test
    void theBiasIsTheResidualsSumOverTheirCountPlusThePrior() {
        TitleBias b = TitleBias.prior(1, 3);
        assertThat(b.mean).isZero();
        b.learn(1);
        b.learn(2);
        b.learn(-0.5);
        assertThat(b.mean).isCloseTo(2.5 / (3 + 3), within(1e-12));
        assertThat(b.variance).isCloseTo(1 / 6.0, within(1e-12));
        assertThat(b.labels).isEqualTo(3);
    }

    @Test
    void aNewVersionKeepsTheCarriedShareOfTheLabelsWeight() {
        TitleBias b = TitleBias.prior(1, 2);
        for (int i = 0; i < 4; i++) b.learn(1.5);
        b.carryTo(2, 0.5, 2);
        // as if 2 labels of 1.5 had been seen: 3 / (2 + 2)
        assertThat(b.mean).isCloseTo(0.75, within(1e-12));
        assertThat(b.variance).isCloseTo(0.25, within(1e-12));
        assertThat(b.modelVersion).isEqualTo(2);
    }
}

package dev.marquee.data.movielens;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** On the real MovieLens 100K; skipped when it is not on this machine. */
class SplitsRealDataTest {

    @Test
    void referenceTimeSplitReproducesTheReferenceSeries() {
        MovieLens100K ml = RealMovieLens.assumePresent();
        Split split = Splits.referenceTime(ml.ratings());
        assertThat(split.train()).hasSize(65_336);
        assertThat(split.validation()).hasSize(15_778);
        assertThat(split.test()).hasSize(18_886);
    }

    @Test
    void u1SplitHasMovieLensSizes() {
        MovieLens100K ml = RealMovieLens.assumePresent();
        Split split = Splits.movieLensU1(ml);
        assertThat(split.train()).hasSize(80_000);
        assertThat(split.test()).hasSize(20_000);
    }
}

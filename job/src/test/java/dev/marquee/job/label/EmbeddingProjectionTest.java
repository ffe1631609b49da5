package dev.marquee.job.label;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EmbeddingProjectionTest {
    @Test
    void jacobiFindsTheEigenvaluesAndVectorsOfASymmetricMatrix() {
        double[][] a = {{4, 1, 0}, {1, 3, 1}, {0, 1, 2}};
        double[][] original = {{4, 1, 0}, {1, 3, 1}, {0, 1, 2}};
        double[][] v = new double[3][3];
        double[] values = EmbeddingProjection.symmetricEigen(a, v);
        // the characteristic polynomial's roots: 3 and 3 ± √3
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        assertThat(sorted).containsExactly(new double[] {3 - Math.sqrt(3), 3, 3 + Math.sqrt(3)}, within(1e-9));
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < 3; i++) {
                double av = 0;
                for (int j = 0; j < 3; j++) av += original[i][j] * v[j][k];
                assertThat(av).isCloseTo(values[k] * v[i][k], within(1e-9));
            }
        }
    }

    @Test
    void paddingIsDroppedAndTheProjectedVocabularyHasUnitMeanSquaredNorm() {
        // 32 wide like output_2, only the first 5 columns used (as our own model's bias + factors, zero padding)
        SplittableRandom random = new SplittableRandom(3);
        float[][] rows = new float[200][32];
        for (float[] r : rows) {
            for (int j = 0; j < 5; j++) r[j] = (float) ((random.nextDouble() - 0.5) * (j + 1));
        }
        EmbeddingProjection p = EmbeddingProjection.fit(rows, 16);
        assertThat(p.dimensions()).isEqualTo(5);
        double sum = 0;
        for (float[] r : rows) {
            for (float x : p.apply(r)) sum += x * x;
        }
        assertThat(sum / rows.length).isCloseTo(1.0, within(1e-4));
        // a rotation and one scale: inner products are kept up to that scale
        double scale = dot(p.apply(rows[0]), p.apply(rows[0])) / dot(rows[0], rows[0]);
        assertThat(dot(p.apply(rows[1]), p.apply(rows[2])) / dot(rows[1], rows[2])).isCloseTo(scale, within(1e-3));
    }

    @Test
    void atMostTheRequestedDirectionsAreKeptTheStrongestFirst() {
        float[][] rows = {{3, 0, 0.1f}, {-3, 0, -0.1f}, {0, 1, 0}, {0, -1, 0}};
        EmbeddingProjection p = EmbeddingProjection.fit(rows, 1);
        assertThat(p.dimensions()).isEqualTo(1);
        assertThat(Math.abs(p.apply(new float[] {1, 0, 0})[0])).isGreaterThan(Math.abs(p.apply(new float[] {0, 1, 0})[0]) * 10);
    }

    @Test
    void titleEmbeddingsResolveTitlesAsTheScorerDoesAndGiveUnknownOnesTheModelsOovVector() {
        TitleEmbeddings e = TitleEmbeddings.project(3, List.of("Toy Story (1995)", "Heat (1995)"),
                new float[][] {{1, 0}, {0, 1}}, new float[] {0, 0}, 8);
        assertThat(e.version()).isEqualTo(3);
        assertThat(e.dimensions()).isEqualTo(2);
        assertThat(e.of("Toy Story (1995)")).isEqualTo(e.of("toy story (1995)")); // the same canonical key
        assertThat(e.of("Toy Story (1995)")).isNotEqualTo(e.of("Heat (1995)"));
        assertThat(e.of("Never Heard Of It (2031)")).containsOnly(0f);
        assertThat(e.of(null)).containsOnly(0f);
    }

    /** One NaN row (an imported model's never-trained title) costs that title its vector, not the version its factors. */
    @Test
    void aTitleWhoseEmbeddingIsNotFiniteTakesTheUnknownVectorAndTheOthersKeepTheirs() {
        TitleEmbeddings e = TitleEmbeddings.project(3, List.of("Toy Story (1995)", "Heat (1995)", "Padding"),
                new float[][] {{1, 0}, {0, 1}, {Float.NaN, 0}}, new float[] {0, 0}, 8);
        assertThat(e.dimensions()).isEqualTo(2);
        assertThat(e.size()).isEqualTo(2);
        assertThat(e.of("Padding")).isEqualTo(e.of("Never Heard Of It (2031)"));
        assertThat(e.of("Toy Story (1995)")).doesNotContain(Float.NaN).isNotEqualTo(e.of("Heat (1995)"));
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}

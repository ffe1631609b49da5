package dev.marquee.data.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ErrorModelTest {
    private static final double[] EDGES = {1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5};

    @Test
    void oovUsersWithLargerErrorsGetALargerExpectedError() {
        // 20,000 rows, a fifth from OOV users; errors with sd 1.5 for them, 0.8 for known users.
        Random random = new Random(11);
        int n = 20_000;
        float[] predictions = new float[n];
        float[] labels = new float[n];
        boolean[] oovUser = new boolean[n];
        boolean[] oovTitle = new boolean[n];
        for (int i = 0; i < n; i++) {
            oovUser[i] = random.nextDouble() < 0.2;
            oovTitle[i] = random.nextDouble() < 0.1;
            predictions[i] = (float) (1 + 4 * random.nextDouble());
            labels[i] = (float) (predictions[i] + random.nextGaussian() * (oovUser[i] ? 1.5 : 0.8));
        }
        ErrorModel model = ErrorModel.fit(predictions, labels, oovUser, oovTitle, "validation");
        assertThat(model.rows()).isEqualTo(n);
        assertThat(model.source()).isEqualTo("validation");
        for (double rating = 1.0; rating <= 5.0; rating += 0.25) {
            for (boolean title : new boolean[] {false, true}) {
                double known = model.expectedSquaredError(false, title, rating);
                double oov = model.expectedSquaredError(true, title, rating);
                assertThat(oov).as("rating %s, oov title %s", rating, title).isGreaterThan(known * 2);
            }
            // cells with hundreds of rows sit near their variance: 0.64 and 2.25
            assertThat(model.expectedSquaredError(false, false, rating)).isCloseTo(0.64, within(0.12));
            assertThat(model.expectedSquaredError(true, false, rating)).isCloseTo(2.25, within(0.45));
        }
    }

    /**
     * 80 known rows predicted 3.25 with error 1, 20 OOV-user rows predicted 3.25 with error 2; nothing else.
     * Overall mean squared error (80 + 80) / 100 = 1.6. Known group: (80 + 20 * 1.6) / (80 + 20) = 1.12, its cell
     * (80 + 20 * 1.12) / 100 = 1.024. OOV-user group: (80 + 32) / 40 = 2.8, its cell (80 + 56) / 40 = 3.4.
     * Empty cells take their group's value, and empty groups the overall mean.
     */
    @Test
    void emptyCellsShrinkTowardTheirGroupAndEmptyGroupsTowardTheOverallMean() {
        int n = 100;
        float[] predictions = new float[n];
        float[] labels = new float[n];
        boolean[] oovUser = new boolean[n];
        for (int i = 0; i < n; i++) {
            predictions[i] = 3.25f;
            oovUser[i] = i >= 80;
            labels[i] = oovUser[i] ? 1.25f : 2.25f;
        }
        ErrorModel model = ErrorModel.fit(predictions, labels, oovUser, new boolean[n], "training hold-out");
        assertThat(model.rowsPerCell()[0][4]).isEqualTo(80);
        assertThat(model.rowsPerCell()[2][4]).isEqualTo(20);
        assertThat(model.expectedSquaredError(false, false, 3.25)).isCloseTo(1.024, within(1e-9));
        assertThat(model.expectedSquaredError(false, false, 1.0)).isCloseTo(1.12, within(1e-9));
        assertThat(model.expectedSquaredError(false, false, 4.9)).isCloseTo(1.12, within(1e-9));
        assertThat(model.expectedSquaredError(true, false, 3.25)).isCloseTo(3.4, within(1e-9));
        assertThat(model.expectedSquaredError(true, false, 2.0)).isCloseTo(2.8, within(1e-9));
        assertThat(model.expectedSquaredError(false, true, 3.25)).isCloseTo(1.6, within(1e-9));
        assertThat(model.expectedSquaredError(true, true, 1.2)).isCloseTo(1.6, within(1e-9));
    }

    @Test
    void predictionsFallIntoHalfStarSlots() {
        assertThat(ErrorModel.slot(EDGES, 0.2)).isZero();
        assertThat(ErrorModel.slot(EDGES, 1.49)).isZero();
        assertThat(ErrorModel.slot(EDGES, 1.5)).isEqualTo(1);
        assertThat(ErrorModel.slot(EDGES, 3.25)).isEqualTo(4);
        assertThat(ErrorModel.slot(EDGES, 4.5)).isEqualTo(7);
        assertThat(ErrorModel.slot(EDGES, 6.0)).isEqualTo(7);
    }

    @Test
    void roundTripsThroughJson(@TempDir Path dir) throws IOException {
        Random random = new Random(3);
        int n = 500;
        float[] predictions = new float[n];
        float[] labels = new float[n];
        boolean[] oovUser = new boolean[n];
        boolean[] oovTitle = new boolean[n];
        for (int i = 0; i < n; i++) {
            predictions[i] = (float) (1 + 4 * random.nextDouble());
            labels[i] = 1 + random.nextInt(5);
            oovUser[i] = random.nextBoolean();
            oovTitle[i] = random.nextBoolean();
        }
        ErrorModel model = ErrorModel.fit(predictions, labels, oovUser, oovTitle, "validation");
        Path file = dir.resolve(ErrorModel.FILE_NAME);
        model.write(file);
        assertThat(Files.readString(file)).contains("\"mean_squared_error\"", "\"rows_per_cell\"");
        ErrorModel read = ErrorModel.read(file);
        assertThat(read.formatVersion()).isEqualTo(ErrorModel.FORMAT_VERSION);
        assertThat(read.rows()).isEqualTo(n);
        assertThat(read.source()).isEqualTo("validation");
        assertThat(read.edges()).containsExactly(EDGES);
        for (int g = 0; g < 4; g++) {
            assertThat(read.meanSquaredError()[g]).containsExactly(model.meanSquaredError()[g]);
            assertThat(read.rowsPerCell()[g]).containsExactly(model.rowsPerCell()[g]);
        }
    }

    @Test
    void fittingNeedsRowsWithOneLabelAndFlagPairEach() {
        assertThatThrownBy(() -> ErrorModel.fit(new float[0], new float[0], new boolean[0], new boolean[0], "v"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ErrorModel.fit(new float[2], new float[1], new boolean[2], new boolean[2], "v"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ErrorModel.fit(new float[2], new float[2], new boolean[2], new boolean[3], "v"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void validatesItsCells() {
        double[][] good = cells(1.0);
        long[][] rows = new long[4][8];
        assertThatThrownBy(() -> new ErrorModel(2, 1, "v", EDGES, good, rows))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("format_version 2");
        assertThatThrownBy(() -> new ErrorModel(1, 1, "v", null, good, rows))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ErrorModel(1, 1, "v", EDGES, new double[3][8], rows))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4 rows");
        assertThatThrownBy(() -> new ErrorModel(1, 1, "v", EDGES, new double[4][7], rows))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("8 cells");
        for (double bad : new double[] {-0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
            double[][] cells = cells(1.0);
            cells[2][5] = bad;
            assertThatThrownBy(() -> new ErrorModel(1, 1, "v", EDGES, cells, rows))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad error model cell");
        }
        assertThat(new ErrorModel(1, 1, "v", EDGES, good, rows).expectedSquaredError(true, true, 3)).isEqualTo(1.0);
    }

    @Test
    void aMalformedFileIsAnIOExceptionNamingIt(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("errors.json");
        Files.writeString(file, "{\"format_version\": 1, \"edges\": [1.5], \"mean_squared_error\": [[1, 1]]}");
        assertThatThrownBy(() -> ErrorModel.read(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("errors.json").hasMessageContaining("4 rows");
    }

    private static double[][] cells(double v) {
        double[][] cells = new double[4][8];
        for (double[] row : cells) java.util.Arrays.fill(row, v);
        return cells;
    }
}

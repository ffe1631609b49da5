package dev.marquee.data.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriftCalibrationTest {
    private static final String M = DriftMetricNames.TITLE_JS;
    private static final RatingBaseline BASELINE = new RatingBaseline(3.5, Map.of("7", 0.25), Map.of("Heat (1995)", -0.5), 0.02, null);

    /** Sizes 100 and 10,000; per alert windows h, thresholds 0.h at 100 and 0.h / 10 at 10,000 (so h=2: 0.2, 0.02). */
    private static DriftCalibration calibration() {
        return new DriftCalibration(DriftCalibration.FORMAT_VERSION, 0.01, 7_000, 3_000, BASELINE,
                new int[] {100, 10_000},
                Map.of("1", Map.of(M, new double[] {0.1, 0.01}),
                        "2", Map.of(M, new double[] {0.2, 0.02}),
                        "3", Map.of(M, new double[] {0.3, 0.03})),
                List.of(new DriftCalibration.Check(100, 2, 70, 0, 30, 1, Map.of(M, 1))));
    }

    @Test
    void interpolatesOnTheLogOfTheWindowSize() {
        DriftCalibration c = calibration();
        // 1,000 is halfway between 100 and 10,000 on a log scale; 316 (about 10^2.5) a quarter of the way.
        assertThat(c.threshold(M, 1_000, 2)).isCloseTo((0.2 + 0.02) / 2, within(1e-12));
        assertThat(c.threshold(M, 316, 2)).isCloseTo(0.2 - 0.18 * Math.log10(3.16) / 2, within(1e-12));
        assertThat(c.threshold(M, 100, 2)).isEqualTo(0.2);
        assertThat(c.threshold(M, 10_000, 2)).isEqualTo(0.02);
    }

    @Test
    void interpolatesBetweenTheTwoNearestOfSeveralSizes() {
        DriftCalibration c = new DriftCalibration(DriftCalibration.FORMAT_VERSION, 0.01, 1, 1, BASELINE,
                new int[] {100, 1_000, 10_000}, Map.of("2", Map.of(M, new double[] {0.5, 0.1, 0.05})), List.of());
        // a calibrated size gives its own threshold (to a rounding error: 0.09999999999999998)
        assertThat(c.threshold(M, 1_000, 2)).isCloseTo(0.1, within(1e-12));
        assertThat(c.threshold(M, 3_162, 2)).isCloseTo(0.075, within(1e-4));
        assertThat(c.threshold(M, 316, 2)).isCloseTo(0.3, within(1e-3));
    }

    @Test
    void clampsWindowSizesOutsideTheCalibratedRange() {
        DriftCalibration c = calibration();
        assertThat(c.threshold(M, 10, 2)).isEqualTo(0.2);
        assertThat(c.threshold(M, 0, 2)).isEqualTo(0.2);
        assertThat(c.threshold(M, 1_000_000, 2)).isEqualTo(0.02);
    }

    @Test
    void clampsAlertWindowsToOneToThree() {
        DriftCalibration c = calibration();
        assertThat(c.threshold(M, 100, 1)).isEqualTo(0.1);
        assertThat(c.threshold(M, 100, 3)).isEqualTo(0.3);
        assertThat(c.threshold(M, 100, 0)).isEqualTo(0.1);
        assertThat(c.threshold(M, 100, -4)).isEqualTo(0.1);
        assertThat(c.threshold(M, 100, 4)).isEqualTo(0.3);
        assertThat(c.threshold(M, 100, 1_000)).isEqualTo(0.3);
    }

    @Test
    void anUncalibratedMetricHasNoThreshold() {
        DriftCalibration c = calibration();
        assertThat(c.threshold(DriftMetricNames.USER_OOV, 1_000, 2)).isNaN();
        assertThat(c.threshold("no.such_metric", 100, 1)).isNaN();
        DriftCalibration onlyTwo = new DriftCalibration(DriftCalibration.FORMAT_VERSION, 0.01, 1, 1, BASELINE,
                new int[] {100}, Map.of("2", Map.of(M, new double[] {0.2})), List.of());
        assertThat(onlyTwo.threshold(M, 100, 2)).isEqualTo(0.2);
        assertThat(onlyTwo.threshold(M, 5_000, 2)).as("a single size for every window").isEqualTo(0.2);
        assertThat(onlyTwo.threshold(M, 100, 1)).as("no thresholds for 1 window").isNaN();
    }

    @Test
    void roundTripsThroughJson(@TempDir Path dir) throws IOException {
        DriftCalibration c = calibration();
        Path file = dir.resolve(DriftCalibration.FILE_NAME);
        c.write(file);
        assertThat(Files.readString(file)).contains("\"format_version\"", "\"window_sizes\"", "\"held_out_rows\"",
                "\"residual_mean\"");
        DriftCalibration read = DriftCalibration.read(file);
        assertThat(read.formatVersion()).isEqualTo(DriftCalibration.FORMAT_VERSION);
        assertThat(read.budget()).isEqualTo(0.01);
        assertThat(read.calibrationRows()).isEqualTo(7_000);
        assertThat(read.heldOutRows()).isEqualTo(3_000);
        assertThat(read.baseline()).isEqualTo(BASELINE);
        assertThat(read.windowSizes()).containsExactly(100, 10_000);
        assertThat(read.thresholds().keySet()).containsExactlyInAnyOrder("1", "2", "3");
        assertThat(read.thresholds().get("2").get(M)).containsExactly(0.2, 0.02);
        assertThat(read.checks()).isEqualTo(c.checks());
        for (int h = 1; h <= 3; h++) {
            for (long n : new long[] {50, 100, 500, 1_000, 9_999, 20_000}) {
                assertThat(read.threshold(M, n, h)).isEqualTo(c.threshold(M, n, h));
            }
        }
    }

    @Test
    void aMalformedFileIsAnIOExceptionNamingIt(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"format_version\": 1, \"window_sizes\": [300, 200], \"thresholds\": {}}");
        assertThatThrownBy(() -> DriftCalibration.read(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("bad.json").hasMessageContaining("window sizes must increase");
        Files.writeString(file, "not json");
        assertThatThrownBy(() -> DriftCalibration.read(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("bad.json");
        Files.writeString(file, "{\"format_version\": 2, \"window_sizes\": [200], \"thresholds\": {}}");
        assertThatThrownBy(() -> DriftCalibration.read(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("format_version 2");
    }

    @Test
    void validatesWhatItIsGiven() {
        Map<String, Map<String, double[]>> one = Map.of("2", Map.of(M, new double[] {0.2}));
        assertThatThrownBy(() -> new DriftCalibration(2, 0.01, 1, 1, BASELINE, new int[] {100}, one, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("format_version 2");
        assertThatThrownBy(() -> new DriftCalibration(1, 0.01, 1, 1, BASELINE, new int[0], one, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("window sizes");
        assertThatThrownBy(() -> new DriftCalibration(1, 0.01, 1, 1, BASELINE, null, one, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("window sizes");
        assertThatThrownBy(() -> new DriftCalibration(1, 0.01, 1, 1, BASELINE, new int[] {100}, null, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("thresholds");
        assertThatThrownBy(() -> new DriftCalibration(1, 0.01, 1, 1, BASELINE, new int[] {200, 200},
                Map.of("2", Map.of(M, new double[] {0.2, 0.1})), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must increase");
        assertThatThrownBy(() -> new DriftCalibration(1, 0.01, 1, 1, BASELINE, new int[] {100, 200}, one, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(M + " needs one threshold per window size");
    }
}

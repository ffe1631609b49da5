package dev.marquee.data.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A version's drift files as a job reads them: a calibration or error model it cannot use (a newer trainer's format,
 * a hand edit) leaves the version uncalibrated, or without an estimate, and still compared with its profile.
 */
class ReferenceBucketsLoadTest {
    @TempDir
    Path registry;

    private Path version(long v) throws IOException {
        Path dir = registry.resolve("marquee").resolve(Long.toString(v));
        Files.createDirectories(dir.resolve("assets"));
        DriftFixtures.profile(v).write(dir.resolve(ReferenceBuckets.PROFILE_PATH));
        return dir;
    }

    @Test
    void aCalibrationOfAnotherFormatLeavesTheProfileInUse() throws IOException {
        Path dir = version(1);
        Files.writeString(dir.resolve(ReferenceBuckets.CALIBRATION_PATH), "{\"format_version\": 2, \"window_sizes\": [200]}");
        Files.writeString(dir.resolve(ReferenceBuckets.ERROR_MODEL_PATH), "{\"half written");
        ReferenceBuckets b = ReferenceBuckets.load(registry.toString(), "marquee", 1);
        assertThat(b.hasProfile).isTrue();
        assertThat(b.calibration).isNull();
        assertThat(b.uncalibratedReason).contains(DriftCalibration.FILE_NAME).contains("format_version 2")
                .contains("default thresholds");
        assertThat(b.errorModel).isNull();
        assertThat(b.noErrorModelReason).contains(ErrorModel.FILE_NAME).contains("cannot be used");
    }

    @Test
    void withoutThemTheVersionIsUncalibratedAsBefore() throws IOException {
        version(2);
        ReferenceBuckets b = ReferenceBuckets.load(registry.toString(), "marquee", 2);
        assertThat(b.hasProfile).isTrue();
        assertThat(b.uncalibratedReason).isEqualTo("version 2 has no " + DriftCalibration.FILE_NAME);
        assertThat(b.noErrorModelReason).isEqualTo("version 2 has no " + ErrorModel.FILE_NAME);
    }

    @Test
    void aCalibrationThatCannotBeReadAtAllIsAnErrorToTryAgain() throws IOException {
        Path dir = version(3);
        Files.createDirectories(dir.resolve(ReferenceBuckets.CALIBRATION_PATH)); // a folder: reading it fails with I/O
        assertThatThrownBy(() -> ReferenceBuckets.load(registry.toString(), "marquee", 3)).isInstanceOf(IOException.class);
    }
}

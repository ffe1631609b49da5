package dev.marquee.data.drift;

import dev.marquee.data.json.JsonFiles;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A model version's calibrated drift thresholds ({@value #FILE_NAME} in its assets): for each number of
 * consecutive windows an alert needs (1 to {@value #MAX_ALERT_WINDOWS}), each calibrated metric and each window
 * size (scored requests), the value that windows of reference data, drawn the way live windows are (contiguous
 * in time), exceed in at most the metric's share of the false-alarm budget. Window sizes between two
 * calibrated ones are interpolated on the log of the size; outside the range the nearest is used.
 * {@link DriftCalibrator} makes it; docs/DRIFT.md explains it.
 *
 * @param formatVersion {@value #FORMAT_VERSION}
 * @param budget the share of windows allowed to be a false drifted report, split evenly over the metrics
 * @param calibrationRows the earlier reference rows the thresholds were drawn from
 * @param heldOutRows the later reference rows the false-alarm rate was checked on
 * @param baseline the user + title bias model of the reference ratings, for {@code prediction.mean_shift}
 * @param windowSizes calibrated window sizes, increasing
 * @param thresholds alert windows ("1", "2", "3") to metric to one threshold per window size
 * @param checks the false-alarm rates measured, per window size
 */
public record DriftCalibration(int formatVersion, double budget, long calibrationRows, long heldOutRows,
                               RatingBaseline baseline, int[] windowSizes, Map<String, Map<String, double[]>> thresholds,
                               List<Check> checks) implements Serializable {
    public static final String FILE_NAME = "drift_calibration.json";
    public static final int FORMAT_VERSION = 1;
    public static final int MAX_ALERT_WINDOWS = 3;

    /**
     * The false alarms at one window size with the default alert windows (2): drifted reports among
     * consecutive windows of the calibration part and of the held-out part, and which metrics alerted.
     */
    public record Check(int windowSize, int alertWindows, int calibrationWindows, int calibrationDrifted,
                        int heldOutWindows, int heldOutDrifted, Map<String, Integer> heldOutAlertsByMetric)
            implements Serializable {}

    public DriftCalibration {
        if (formatVersion != FORMAT_VERSION) {
            throw new IllegalArgumentException("unsupported calibration format_version " + formatVersion);
        }
        if (windowSizes == null || windowSizes.length == 0 || thresholds == null) {
            throw new IllegalArgumentException("a calibration needs window sizes and thresholds");
        }
        for (int i = 1; i < windowSizes.length; i++) {
            if (windowSizes[i] <= windowSizes[i - 1]) throw new IllegalArgumentException("window sizes must increase");
        }
        for (Map<String, double[]> byMetric : thresholds.values()) {
            for (Map.Entry<String, double[]> e : byMetric.entrySet()) {
                if (e.getValue().length != windowSizes.length) {
                    throw new IllegalArgumentException(e.getKey() + " needs one threshold per window size");
                }
            }
        }
    }

    /**
     * The threshold of {@code metric} for a window of {@code n} scored requests when alerts need
     * {@code alertWindows} consecutive windows; NaN when the metric is not calibrated.
     */
    public double threshold(String metric, long n, int alertWindows) {
        Map<String, double[]> byMetric = thresholds.get(Integer.toString(Math.max(1, Math.min(MAX_ALERT_WINDOWS, alertWindows))));
        double[] t = byMetric == null ? null : byMetric.get(metric);
        if (t == null) return Double.NaN;
        if (n <= windowSizes[0]) return t[0];
        int last = windowSizes.length - 1;
        if (n >= windowSizes[last]) return t[last];
        int i = 1;
        while (windowSizes[i] < n) i++;
        if (windowSizes[i] == n) return t[i];
        double x = (Math.log(n) - Math.log(windowSizes[i - 1])) / (Math.log(windowSizes[i]) - Math.log(windowSizes[i - 1]));
        return t[i - 1] + x * (t[i] - t[i - 1]);
    }

    public void write(Path file) throws IOException {
        JsonFiles.write(file, this);
    }

    public static DriftCalibration read(Path file) throws IOException {
        return JsonFiles.read(file, DriftCalibration.class, "drift calibration");
    }
}

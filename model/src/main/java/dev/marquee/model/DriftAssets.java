package dev.marquee.model;

import dev.marquee.data.drift.DriftCalibration;
import dev.marquee.data.drift.DriftCalibrator;
import dev.marquee.data.drift.ErrorModel;
import dev.marquee.data.drift.OutOfSampleThresholds;
import dev.marquee.data.event.Rating;
import dev.marquee.data.profile.Histogram;
import dev.marquee.data.profile.ReferenceProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * What drift detection needs of a model version, computed the same way for every version however it was made
 * (trained here, retrained, imported): the reference profile of its training rows with its predictions on them,
 * the thresholds calibrated from those rows in time order (the distances to the reference at least what windows of
 * same-period rows it did not train on need: {@link OutOfSampleThresholds}), and the error model fitted on rows it did
 * not train on. Written into the version's {@code assets/} (docs/DRIFT.md).
 *
 * @param calibration null when the rows were too few to calibrate
 * @param errorModel null when there were no held-out rows
 */
public record DriftAssets(ReferenceProfile profile, DriftCalibration calibration, ErrorModel errorModel) {

    /** The rows a model is judged on, as it scored them. */
    public record Scored(List<Rating> rows, float[] predictions, boolean[] userOov, boolean[] titleOov) {}

    /**
     * @param reference the rows the model trained on, with its predictions
     * @param heldOut rows it did not train on (like serving traffic), or rows of none
     * @param heldOutSource what {@code heldOut} is, e.g. "validation"
     */
    public static DriftAssets compute(Scored reference, Scored heldOut, String heldOutSource, Consumer<String> progress) {
        return compute(reference, heldOut, heldOutSource, true, progress);
    }

    /**
     * @param heldOutUnseen false when the version trained on {@code heldOut} after all (a refit): it then stands for no
     *     out-of-sample traffic, and the distance thresholds stay as calibrated
     */
    public static DriftAssets compute(Scored reference, Scored heldOut, String heldOutSource, boolean heldOutUnseen,
                                      Consumer<String> progress) {
        Histogram.Counter histogram = Histogram.counter(Histogram.predictionEdges());
        for (float p : reference.predictions()) histogram.add(p);
        ReferenceProfile profile = ReferenceProfile.builder().addAll(reference.rows()).build()
                .withPrediction(histogram.build(), "train");
        DriftCalibration calibration = new DriftCalibrator(DriftCalibrator.DEFAULT_BUDGET, progress)
                .calibrate(profile, inTimeOrder(reference));
        // the calibration saw in-sample predictions only; live traffic is out of sample
        if (!heldOutUnseen) {
            if (calibration != null) {
                progress.accept("drift calibration: distance thresholds as calibrated on the training rows: this version"
                        + " trained on every row it was given (a refit), so none stands for traffic it did not train on");
            }
        } else {
            calibration = OutOfSampleThresholds.allowFor(calibration, profile, heldOut.predictions(),
                    heldOut.rows().stream().map(r -> r.movieTitle).toArray(String[]::new),
                    OutOfSampleThresholds.samePeriod(timestamps(reference.rows()), timestamps(heldOut.rows())), heldOutSource, progress);
        }
        ErrorModel errors = heldOut.rows().isEmpty() ? null : ErrorModel.fit(heldOut.predictions(), labels(heldOut.rows()),
                heldOut.userOov(), heldOut.titleOov(), heldOutSource);
        return new DriftAssets(profile, calibration, errors);
    }

    /** Writes the three assets into {@code assets} (those that exist). */
    public void write(Path assets) throws IOException {
        Files.createDirectories(assets);
        profile.write(assets.resolve(ReferenceProfile.FILE_NAME));
        if (calibration != null) calibration.write(assets.resolve(DriftCalibration.FILE_NAME));
        if (errorModel != null) errorModel.write(assets.resolve(ErrorModel.FILE_NAME));
    }

    private static long[] timestamps(List<Rating> rows) {
        return rows.stream().mapToLong(r -> r.timestamp).toArray();
    }

    /** The reference rows as the model scored them, in time order (ties keep their order): what calibration replays. */
    static List<DriftCalibrator.Row> inTimeOrder(Scored s) {
        List<Rating> rows = s.rows();
        Integer[] order = new Integer[rows.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingLong(i -> rows.get(i).timestamp));
        List<DriftCalibrator.Row> out = new ArrayList<>(rows.size());
        for (int i : order) {
            Rating r = rows.get(i);
            out.add(new DriftCalibrator.Row(r.userId, r.movieTitle, r.timestamp, r.rating, s.predictions()[i],
                    s.userOov()[i], s.titleOov()[i]));
        }
        return out;
    }

    private static float[] labels(List<Rating> rows) {
        float[] out = new float[rows.size()];
        for (int i = 0; i < out.length; i++) out[i] = rows.get(i).rating;
        return out;
    }
}

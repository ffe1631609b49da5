package dev.marquee.data.drift;

import dev.marquee.data.profile.EventHours;
import dev.marquee.data.profile.Histogram;
import dev.marquee.data.profile.ReferenceProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A model version's drift assets compiled for counting: value-to-bucket maps for the categoricals, the expected
 * shares each window is compared with, the calibrated thresholds and the error model for the label-free
 * estimate. Built once per version, never per record.
 */
public final class ReferenceBuckets {
    /** Where a model version keeps its profile, inside its registry directory. */
    public static final String PROFILE_PATH = "assets/" + ReferenceProfile.FILE_NAME;
    public static final String CALIBRATION_PATH = "assets/" + DriftCalibration.FILE_NAME;
    public static final String ERROR_MODEL_PATH = "assets/" + ErrorModel.FILE_NAME;

    public final long version;
    final Map<String, Integer> userIndex;
    final Map<String, Integer> titleIndex;
    /**
     * Each user id with a bucket or a baseline bias, to both at once: counting a scored request looks a user and a
     * title up once each, not once per use (a CPU profile of the scoring job put hash lookups at ~14% of its task
     * thread, about half of them here; a later profile did not show the share fall measurably, as a lookup of a
     * fresh string costs mostly its first touch).
     */
    final Map<String, Known> users;
    /** The same for titles. */
    final Map<String, Known> titles;
    final double[] userExpected;
    final double[] titleExpected;
    final double[] hourExpected;
    final double[] dayExpected;
    final double[] predictionEdges;
    /** Shares over [underflow, buckets..., overflow], or null when the profile has no prediction histogram. */
    final double[] predictionExpected;
    /** Reference rows per event hour, or null. */
    final EventHours eventHours;
    /** The reference ratings' bias model (from the calibration), or null. */
    final RatingBaseline baseline;
    /** Calibrated thresholds, or null: the version is uncalibrated. */
    public final DriftCalibration calibration;
    /** Why {@link #calibration} is null, or null. */
    public final String uncalibratedReason;
    /** The label-free error model, or null. */
    public final ErrorModel errorModel;
    /** Why {@link #errorModel} is null, or null. */
    public final String noErrorModelReason;

    /** False for a {@link #placeholder}: the version had no readable profile. */
    public final boolean hasProfile;
    /** Why a {@link #placeholder} has no profile; null when it has one. */
    public final String noProfileReason;

    private ReferenceBuckets(long version, ReferenceProfile p, DriftCalibration calibration, String uncalibratedReason,
                             ErrorModel errorModel, String noErrorModelReason) {
        this.version = version;
        this.hasProfile = true;
        this.noProfileReason = null;
        this.userIndex = p.userId().bucketIndex();
        this.titleIndex = p.movieTitle().bucketIndex();
        this.userExpected = p.userId().bucketFrequencies();
        this.titleExpected = p.movieTitle().bucketFrequencies();
        this.hourExpected = toArray(p.timestamp().hourOfDay());
        this.dayExpected = toArray(p.timestamp().dayOfWeek());
        Histogram prediction = p.prediction();
        this.predictionEdges = toArray(prediction != null ? prediction.edges() : Histogram.predictionEdges());
        this.predictionExpected = prediction != null ? prediction.withUnderAndOverflow() : null;
        this.eventHours = p.eventHours();
        this.calibration = calibration;
        this.uncalibratedReason = calibration == null ? uncalibratedReason : null;
        this.baseline = calibration == null ? null : calibration.baseline();
        this.users = known(userIndex, baseline == null ? Map.of() : baseline.userBias());
        this.titles = known(titleIndex, baseline == null ? Map.of() : baseline.titleBias());
        this.errorModel = errorModel;
        this.noErrorModelReason = errorModel == null ? noErrorModelReason : null;
    }

    private ReferenceBuckets(long version, String reason) {
        this.version = version;
        this.hasProfile = false;
        this.noProfileReason = reason;
        this.userIndex = Map.of();
        this.titleIndex = Map.of();
        this.users = Map.of();
        this.titles = Map.of();
        this.userExpected = new double[] {1};
        this.titleExpected = new double[] {1};
        this.hourExpected = new double[24];
        this.dayExpected = new double[7];
        this.predictionEdges = toArray(Histogram.predictionEdges());
        this.predictionExpected = null;
        this.eventHours = null;
        this.baseline = null;
        this.calibration = null;
        this.uncalibratedReason = reason;
        this.errorModel = null;
        this.noErrorModelReason = reason;
    }

    /** Buckets for a version without a profile: every value is "other", and nothing is compared. */
    public static ReferenceBuckets placeholder(long version) {
        return placeholder(version, "version " + version + " has no reference profile");
    }

    /** As above, with why the version has no profile (reported with every metric it leaves unavailable). */
    public static ReferenceBuckets placeholder(long version, String reason) {
        return new ReferenceBuckets(version, reason);
    }

    /** A profile alone: uncalibrated, without an error model. */
    public static ReferenceBuckets of(long version, ReferenceProfile profile) {
        return new ReferenceBuckets(version, profile, null, "no calibration given", null, "no error model given");
    }

    public static ReferenceBuckets of(long version, ReferenceProfile profile, DriftCalibration calibration,
                                      ErrorModel errorModel) {
        return new ReferenceBuckets(version, profile, calibration, "no calibration given", errorModel,
                "no error model given");
    }

    /**
     * Reads {@code <registry>/<name>/<version>/assets/}: the reference profile (required), and the calibration
     * and the error model when present (a version without them is uncalibrated, or has no estimate).
     */
    public static ReferenceBuckets load(String registry, String name, long version) throws IOException {
        Path dir = Path.of(registry, name, Long.toString(version));
        ReferenceProfile profile = ReferenceProfile.read(dir.resolve(PROFILE_PATH));
        Path cal = dir.resolve(CALIBRATION_PATH);
        String uncalibrated = "version " + version + " has no " + DriftCalibration.FILE_NAME;
        DriftCalibration calibration = null;
        try {
            if (Files.exists(cal)) calibration = DriftCalibration.read(cal);
        } catch (IOException e) {
            if (!unparsable(e)) throw e; // an I/O error may pass: read again later, not taken as uncalibrated for good
            uncalibrated = "version " + version + "'s " + DriftCalibration.FILE_NAME + " cannot be used (" + e.getMessage()
                    + "): uncalibrated, compared with the default thresholds";
        }
        Path err = dir.resolve(ERROR_MODEL_PATH);
        String noErrorModel = "version " + version + " has no " + ErrorModel.FILE_NAME;
        ErrorModel errorModel = null;
        try {
            if (Files.exists(err)) errorModel = ErrorModel.read(err);
        } catch (IOException e) {
            if (!unparsable(e)) throw e;
            noErrorModel = "version " + version + "'s " + ErrorModel.FILE_NAME + " cannot be used (" + e.getMessage() + ")";
        }
        return new ReferenceBuckets(version, profile, calibration, uncalibrated, errorModel, noErrorModel);
    }

    /**
     * A file that was read but does not parse or is of another format (a newer trainer's, a hand edit): the profile
     * beside it still serves, without what that file adds.
     */
    private static boolean unparsable(IOException e) {
        return e.getCause() instanceof com.fasterxml.jackson.core.JsonProcessingException
                || e.getCause() instanceof IllegalArgumentException;
    }

    int userBuckets() {
        return userExpected.length;
    }

    int titleBuckets() {
        return titleExpected.length;
    }

    /** Prediction slots: underflow, each bucket, overflow. */
    int predictionSlots() {
        return predictionEdges.length + 1;
    }

    /**
     * The reference share of a title: its top-K share, else its share in the calibration's baseline (0 for a title the
     * reference rows lack). Without a baseline that has shares (an uncalibrated version, or one calibrated before
     * session 38), 0 for every title outside the top K.
     */
    double titleShare(String title) {
        Integer i = titleIndex.get(title);
        if (i != null) return titleExpected[i];
        if (baseline == null || baseline.titleShare() == null) return 0;
        return baseline.titleShare().getOrDefault(title, 0.0);
    }

    /** A value's bucket ({@link #OTHER} when it has none) and its bias in the baseline (0 when none). */
    record Known(int bucket, double bias) {
        static final int OTHER = -1;
    }

    private static Map<String, Known> known(Map<String, Integer> buckets, Map<String, Double> biases) {
        Map<String, Known> out = new HashMap<>((int) ((buckets.size() + biases.size()) / 0.75f) + 1);
        buckets.forEach((value, bucket) -> out.put(value, new Known(bucket, biases.getOrDefault(value, 0.0))));
        biases.forEach((value, bias) -> out.putIfAbsent(value, new Known(Known.OTHER, bias)));
        return out;
    }

    private static double[] toArray(List<Double> values) {
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) out[i] = values.get(i);
        return out;
    }
}

package dev.marquee.job.drift;

import dev.marquee.data.profile.Histogram;
import dev.marquee.data.profile.ReferenceProfile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A model version's reference profile compiled for counting: value-to-bucket maps for the categoricals and
 * the expected shares each window is compared with. Built once per version, never per record.
 */
public final class ReferenceBuckets {
    /** Where a model version keeps its profile, inside its registry directory. */
    public static final String PROFILE_PATH = "assets/" + ReferenceProfile.FILE_NAME;

    final long version;
    final Map<String, Integer> userIndex;
    final Map<String, Integer> titleIndex;
    final double[] userExpected;
    final double[] titleExpected;
    final double[] hourExpected;
    final double[] dayExpected;
    final double[] predictionEdges;
    /** Shares over [underflow, buckets..., overflow], or null when the profile has no prediction histogram. */
    final double[] predictionExpected;

    /** False for a {@link #placeholder}: the version had no readable profile. */
    final boolean hasProfile;

    ReferenceBuckets(long version, ReferenceProfile p) {
        this.version = version;
        this.hasProfile = true;
        this.userIndex = p.userId().bucketIndex();
        this.titleIndex = p.movieTitle().bucketIndex();
        this.userExpected = p.userId().bucketFrequencies();
        this.titleExpected = p.movieTitle().bucketFrequencies();
        this.hourExpected = toArray(p.timestamp().hourOfDay());
        this.dayExpected = toArray(p.timestamp().dayOfWeek());
        Histogram prediction = p.prediction();
        this.predictionEdges = toArray(prediction != null ? prediction.edges() : Histogram.predictionEdges());
        this.predictionExpected = prediction != null ? prediction.withUnderAndOverflow() : null;
    }

    private ReferenceBuckets(long version) {
        this.version = version;
        this.hasProfile = false;
        this.userIndex = Map.of();
        this.titleIndex = Map.of();
        this.userExpected = new double[] {1};
        this.titleExpected = new double[] {1};
        this.hourExpected = new double[24];
        this.dayExpected = new double[7];
        this.predictionEdges = toArray(Histogram.predictionEdges());
        this.predictionExpected = null;
    }

    /** Buckets for a version without a profile: every value is "other", and nothing is compared. */
    static ReferenceBuckets placeholder(long version) {
        return new ReferenceBuckets(version);
    }

    public static ReferenceBuckets of(long version, ReferenceProfile profile) {
        return new ReferenceBuckets(version, profile);
    }

    /** Reads {@code <registry>/<name>/<version>/assets/reference_profile.json}. */
    public static ReferenceBuckets load(String registry, String name, long version) throws IOException {
        Path file = Path.of(registry, name, Long.toString(version)).resolve(PROFILE_PATH);
        return new ReferenceBuckets(version, ReferenceProfile.read(file));
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

    private static double[] toArray(List<Double> values) {
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) out[i] = values.get(i);
        return out;
    }
}

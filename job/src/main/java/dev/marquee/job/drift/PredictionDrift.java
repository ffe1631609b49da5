package dev.marquee.job.drift;

import dev.marquee.data.event.Prediction;

/**
 * Drift counts of scored predictions against the reference profile of the version that scored them:
 * categorical buckets and OOV of user and title, timestamp hour and day, event-time lag, the prediction
 * histogram and the end-to-end latency (scoring time minus the Kafka record's timestamp).
 */
public final class PredictionDrift extends PartialDriftOperator<Prediction> {
    private static final long serialVersionUID = 1L;

    private final String registry;
    private final String modelName;
    private transient ReferenceCache references;
    private transient LogBuckets latencyBuckets;
    private transient LogBuckets lagBuckets;
    private transient ReferenceBuckets noReference;

    public PredictionDrift(DriftSettings settings, String registry, String modelName) {
        super(settings);
        this.registry = registry;
        this.modelName = modelName;
    }

    @Override
    public void open() throws Exception {
        super.open();
        references = new ReferenceCache(registry, modelName);
        latencyBuckets = LogBuckets.latencyMs();
        lagBuckets = LogBuckets.lagSeconds();
    }

    @Override
    protected void count(Prediction p) throws Exception {
        ReferenceBuckets ref = reference(p.modelVersion);
        countsFor(p, p.modelVersion).countPrediction(p, ref, latencyBuckets, lagBuckets, now(), settings.futureToleranceMs);
    }

    @Override
    protected DriftCounts newCounts(Prediction p) {
        return DriftCounts.forVersion(reference(p.modelVersion), latencyBuckets, lagBuckets);
    }

    private ReferenceBuckets reference(long version) {
        ReferenceBuckets ref = references.get(version);
        return ref != null ? ref : placeholder(version);
    }

    /** Buckets for a version without a profile: everything lands in "other"; the window skips its distributions. */
    private ReferenceBuckets placeholder(long version) {
        if (noReference == null || noReference.version != version) noReference = ReferenceBuckets.placeholder(version);
        return noReference;
    }
}

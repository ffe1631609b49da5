package dev.marquee.job.label;

/** A served prediction waiting for its label. */
public class PendingPrediction {
    public float model;
    public float served;
    public long modelVersion;

    public PendingPrediction() {}

    public PendingPrediction(float model, float served, long modelVersion) {
        this.model = model;
        this.served = served;
        this.modelVersion = modelVersion;
    }
}

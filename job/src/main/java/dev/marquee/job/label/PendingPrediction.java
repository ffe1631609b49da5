package dev.marquee.job.label;

/** A served prediction waiting for its label. */
public class PendingPrediction {
    public float model;
    /**
     * The rating served; for one that went on to its title's bias, the model's plus the user's adjustment,
     * unclamped, which {@link TitleAdaptation} completes as it served it.
     */
    public float served;
    public long modelVersion;
    /** It went on to {@link TitleAdaptation} for its title's bias. */
    public boolean titleBias;
    /** Its title was not in the version's vocabulary. */
    public boolean newTitle;
    /** The version scored in shadow for the same request (0 none), and its output_3. */
    public long shadowVersion;
    public float shadowModel;
    /** The request's id, title as sent and timestamp (seconds), for matching its label. */
    public String requestId;
    public String movieTitle;
    public long timestamp;
    /** Event time (ms) at which it expires unlabelled. */
    public long expiresAtMs;

    public PendingPrediction() {}

    public PendingPrediction(float model, float served, long modelVersion) {
        this.model = model;
        this.served = served;
        this.modelVersion = modelVersion;
    }
}

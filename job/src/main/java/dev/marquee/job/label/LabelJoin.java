package dev.marquee.job.label;

/** A label matched with the prediction served for the same user and title: one point of online accuracy. */
public class LabelJoin {
    public long modelVersion;
    /**
     * The rating served (the model's, adjusted by online adaptation); on its way to {@link TitleAdaptation}, the
     * model's plus the user's adjustment, unclamped, until the title's bias completes it.
     */
    public float served;
    /** The model's own output_3. */
    public float model;
    public float label;
    public String userId;
    public String movieTitle;
    /** The joined prediction's request id and timestamp (seconds). */
    public String requestId;
    public long timestamp;
    /** The version scored in shadow for the same request (0 when none), and its output_3. */
    public long shadowVersion;
    public float shadowModel;

    public LabelJoin() {}

    public LabelJoin(long modelVersion, float served, float model, float label) {
        this.modelVersion = modelVersion;
        this.served = served;
        this.model = model;
        this.label = label;
    }
}

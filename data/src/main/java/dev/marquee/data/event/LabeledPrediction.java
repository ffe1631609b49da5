package dev.marquee.data.event;

/**
 * A label matched with the prediction served for it, with the shadow version's rating for the same request
 * when one was scored. Topic {@code labeled-predictions}: the trainer's promoter compares a shadow with the
 * serving version on these, user by user (docs/RETRAINING.md, "Shadow, promotion and rollback").
 */
public class LabeledPrediction {
    public String modelName;
    public String userId;
    public String movieTitle;
    /** The request the prediction answered: its id and timestamp (seconds), as the prediction carries them. */
    public String requestId;
    public long timestamp;
    public float label;
    /** The version that served the prediction. */
    public long modelVersion;
    /** Its output_3. */
    public float modelRating;
    /** The rating served (output_3 with online adaptation). */
    public float servedRating;
    /** The version scored in shadow for the same request, or 0 when none. */
    public long shadowVersion;
    /** The shadow's output_3; meaningful only when {@link #shadowVersion} is set. */
    public float shadowRating;
    public long joinedAtMs;

    public LabeledPrediction() {}
}

package dev.marquee.job.label;

/**
 * A label matched with a prediction that got a title bias, on its way (keyed by title) to {@link TitleAdaptation}:
 * what the title's bias learns from, and the join for online accuracy, whose served rating the title's bias
 * completes there.
 */
public class TitleLabel {
    public String title;
    public long modelVersion;
    /** The title was not in the version's vocabulary when the prediction was made. */
    public boolean newTitle;
    /** The label minus the model's output minus the user's own correction for this title. */
    public float residual;
    /** The match, its served rating without the title's bias. */
    public LabelJoin join;

    public TitleLabel() {}

    public TitleLabel(String title, long modelVersion, boolean newTitle, float residual, LabelJoin join) {
        this.title = title;
        this.modelVersion = modelVersion;
        this.newTitle = newTitle;
        this.residual = residual;
        this.join = join;
    }
}

package dev.marquee.job.label;

import dev.marquee.data.event.Prediction;

/**
 * A prediction that gets a title bias, or a label of one, on one stream to {@link TitleAdaptation}: one stream, so
 * that a prediction and its label emitted in that order (a label that arrived first waits for its prediction, and
 * both leave {@link OnlineAdaptation} in one call) reach the title's bias in that order too. On two inputs the
 * operator read whichever had data first, and a prediction could be served with its own label already learned.
 */
public class TitleEvent {
    /** Set for a prediction; null for a label. */
    public Prediction prediction;
    /** Set for a label; null for a prediction. */
    public TitleLabel label;

    public TitleEvent() {}

    public static TitleEvent of(Prediction p) {
        TitleEvent e = new TitleEvent();
        e.prediction = p;
        return e;
    }

    public static TitleEvent of(TitleLabel l) {
        TitleEvent e = new TitleEvent();
        e.label = l;
        return e;
    }

    /** The title key both are partitioned by ({@link TitleAdaptation#key}). */
    public String key() {
        return prediction != null ? TitleAdaptation.keyOf(prediction) : TitleAdaptation.key(label.title);
    }
}

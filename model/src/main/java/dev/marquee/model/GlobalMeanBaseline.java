package dev.marquee.model;

import dev.marquee.data.event.Rating;
import java.util.Arrays;
import java.util.List;

/** Predicts the training set's mean rating for every row. */
public final class GlobalMeanBaseline implements RatingPredictor {
    /** Its row name in evaluation reports and model cards. */
    public static final String NAME = "global mean";
    private final float mean;

    private GlobalMeanBaseline(float mean) {
        this.mean = mean;
    }

    public static GlobalMeanBaseline fit(List<Rating> train) {
        return new GlobalMeanBaseline((float) mean(train));
    }

    static double mean(List<Rating> ratings) {
        double sum = 0;
        for (Rating r : ratings) {
            sum += r.rating;
        }
        return ratings.isEmpty() ? 0 : sum / ratings.size();
    }

    public float mean() {
        return mean;
    }

    @Override
    public float[] predict(List<Rating> rows) {
        float[] out = new float[rows.size()];
        Arrays.fill(out, mean);
        return out;
    }

    @Override
    public String name() {
        return NAME;
    }
}

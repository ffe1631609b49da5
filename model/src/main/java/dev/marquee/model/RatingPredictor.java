package dev.marquee.model;

import dev.marquee.data.event.Rating;
import java.util.List;

/** Anything that predicts ratings for (user, title, timestamp) rows; the label of each row is ignored. */
public interface RatingPredictor {
    /** One prediction per row, in order. */
    float[] predict(List<Rating> rows);

    /** A short name for reports, e.g. "global mean". */
    String name();
}

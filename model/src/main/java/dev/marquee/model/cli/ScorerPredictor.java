package dev.marquee.model.cli;

import dev.marquee.data.event.Rating;
import dev.marquee.model.BatchScorer;
import dev.marquee.model.RatingPredictor;
import java.util.List;

/** A loaded model version as a {@link RatingPredictor}. */
final class ScorerPredictor implements RatingPredictor {
    private final BatchScorer scorer;
    private final String name;

    ScorerPredictor(BatchScorer scorer, String name) {
        this.scorer = scorer;
        this.name = name;
    }

    @Override
    public float[] predict(List<Rating> rows) {
        return scorer.predict(rows);
    }

    @Override
    public String name() {
        return name;
    }
}

package dev.marquee.model.cli;

import dev.marquee.data.event.Rating;
import dev.marquee.model.BatchScorer;
import dev.marquee.model.RatingPredictor;
import java.util.List;

/** A loaded model version as a {@link RatingPredictor}, scoring in chunks so tensors stay small. */
final class ScorerPredictor implements RatingPredictor {
    private static final int CHUNK = 8192;

    private final BatchScorer scorer;
    private final String name;

    ScorerPredictor(BatchScorer scorer, String name) {
        this.scorer = scorer;
        this.name = name;
    }

    @Override
    public float[] predict(List<Rating> rows) {
        float[] out = new float[rows.size()];
        for (int from = 0; from < rows.size(); from += CHUNK) {
            List<Rating> chunk = rows.subList(from, Math.min(rows.size(), from + CHUNK));
            String[] users = new String[chunk.size()];
            String[] titles = new String[chunk.size()];
            long[] timestamps = new long[chunk.size()];
            for (int i = 0; i < users.length; i++) {
                users[i] = chunk.get(i).userId;
                titles[i] = chunk.get(i).movieTitle;
                timestamps[i] = chunk.get(i).timestamp;
            }
            System.arraycopy(scorer.score(users, titles, timestamps).ratings(), 0, out, from, users.length);
        }
        return out;
    }

    @Override
    public String name() {
        return name;
    }
}

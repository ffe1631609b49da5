package dev.marquee.model;

import dev.marquee.data.event.Rating;
import dev.marquee.data.movielens.Split;
import dev.marquee.data.movielens.Splits;
import dev.marquee.data.synth.SyntheticRatings;
import java.util.ArrayList;
import java.util.List;

/** Small generated data for model tests: a seeded random 80/10/10 split of synthetic ratings. */
final class SmallData {
    /** A title with a trailing article, given to synthetic movie 1 so canonical spellings can be tested. */
    static final String ARTICLE_TITLE = "Devil's Advocate, The (1997)";
    static final String ARTICLE_TITLE_VARIANT = "The Devil’s Advocate  (1997)";

    private SmallData() {}

    static Split split(long seed) {
        List<Rating> ratings = new ArrayList<>();
        for (Rating r : new SyntheticRatings(seed).users(60).movies(40).ratingsPerUser(20).generate().ratings()) {
            String title = r.movieTitle.startsWith("Synthetic Movie 1 (") ? ARTICLE_TITLE : r.movieTitle;
            ratings.add(new Rating(r.userId, title, r.rating, r.timestamp));
        }
        return Splits.random(ratings, 0.8, 0.1, seed);
    }

    static TrainingConfig config(Architecture arch) {
        return TrainingConfig.defaults(arch).withEpochs(15).withBatchSize(64).withPatience(15);
    }

    static TrainedModel train(Architecture arch, Split split) {
        return new Trainer(config(arch), line -> {}).train(split.train(), split.validation());
    }

    static String[] users(List<Rating> rows) {
        return rows.stream().map(r -> r.userId).toArray(String[]::new);
    }

    static String[] titles(List<Rating> rows) {
        return rows.stream().map(r -> r.movieTitle).toArray(String[]::new);
    }

    static long[] timestamps(List<Rating> rows) {
        return rows.stream().mapToLong(r -> r.timestamp).toArray();
    }
}

package dev.marquee.data.synth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.Rating;
import dev.marquee.data.movielens.MovieLens100K;
import dev.marquee.data.movielens.MovieLensRating;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticRatingsTest {

    private static SyntheticRatings.Dataset generate(long seed) {
        return new SyntheticRatings(seed).users(30).movies(40).ratingsPerUser(15).timeRange(1_000, 2_000).generate();
    }

    /** Zip codes in Latin digits whatever the JVM's locale: u.user is ISO-8859-1, which has no Arabic digits. */
    @Test
    void theFilesAreWrittenTheSameUnderEveryLocale(@TempDir Path dir) throws Exception {
        java.util.Locale before = java.util.Locale.getDefault();
        java.util.Locale.setDefault(java.util.Locale.forLanguageTag("ar-EG"));
        try {
            SyntheticRatings.Dataset data = generate(3);
            assertThat(data.users()).allSatisfy(u -> assertThat(u.zip()).matches("[0-9]{5}"));
            data.writeMovieLensFiles(dir);
        } finally {
            java.util.Locale.setDefault(before);
        }
    }

    @Test
    void sameSeedSameData() {
        assertThat(generate(7).ratings()).isEqualTo(generate(7).ratings());
        assertThat(generate(7).movies()).isEqualTo(generate(7).movies());
        assertThat(generate(7).ratings()).isNotEqualTo(generate(8).ratings());
    }

    @Test
    void shapeAndRanges() {
        SyntheticRatings.Dataset data = generate(1);
        assertThat(data.users()).hasSize(30);
        assertThat(data.movies()).hasSize(40);
        assertThat(data.movies().get(16).title()).matches("Synthetic Movie 17 \\(\\d{4}\\)");
        List<MovieLensRating> ratings = data.movieLensRatings();
        assertThat(ratings).hasSize(30 * 15);
        assertThat(ratings).allMatch(r -> r.rating() >= 1 && r.rating() <= 5);
        assertThat(ratings).isSortedAccordingTo((a, b) -> Long.compare(a.timestamp(), b.timestamp()));
        assertThat(ratings.get(0).timestamp()).isEqualTo(1_000);
        assertThat(ratings.get(ratings.size() - 1).timestamp()).isEqualTo(2_000);
        Set<List<Integer>> pairs = new HashSet<>();
        ratings.forEach(r -> pairs.add(List.of(r.userId(), r.itemId())));
        assertThat(pairs).hasSize(ratings.size());
    }

    @Test
    void ratingsFollowTheLatentBiases() {
        SyntheticRatings.Dataset data = new SyntheticRatings(5).users(200).movies(100).ratingsPerUser(50)
                .latent(3.0, 0.8, 0.8, 0.3).generate();
        double biasError = 0;
        double meanError = 0;
        double mean = data.movieLensRatings().stream().mapToInt(MovieLensRating::rating).average().orElseThrow();
        for (MovieLensRating r : data.movieLensRatings()) {
            double expected = Math.max(1, Math.min(5, data.expectedRating(r.userId(), r.itemId())));
            biasError += Math.pow(r.rating() - expected, 2);
            meanError += Math.pow(r.rating() - mean, 2);
        }
        assertThat(biasError).isLessThan(meanError / 3); // biases explain most of the variance
    }

    @Test
    void writtenFilesReadBackThroughTheMovieLensReader(@TempDir Path dir) {
        SyntheticRatings.Dataset data = generate(2);
        MovieLens100K ml = new MovieLens100K(data.writeMovieLensFiles(dir));
        assertThat(List.copyOf(ml.movies().values())).isEqualTo(data.movies());
        assertThat(List.copyOf(ml.users().values())).isEqualTo(data.users());
        List<Rating> ratings = ml.ratings();
        assertThat(ratings).isEqualTo(data.ratings());
        assertThat(ratings.get(0).userId).matches("\\d+");
        assertThat(ml.u1Base().size() + ml.u1Test().size()).isEqualTo(ratings.size());
        assertThat(dir.resolve("u.genre")).exists();
    }
}

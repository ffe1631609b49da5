package dev.marquee.data.movielens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.Rating;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** On the real MovieLens 100K; skipped when it is not on this machine. */
class MovieLens100KRealDataTest {

    @Test
    void hasTheDocumentedSizes() {
        MovieLens100K ml = RealMovieLens.assumePresent();
        assertThat(ml.movies()).hasSize(1682);
        assertThat(ml.users()).hasSize(943);
        assertThat(ml.ratings()).hasSize(100_000);
        assertThat(ml.u1Base()).hasSize(80_000);
        assertThat(ml.u1Test()).hasSize(20_000);
    }

    @Test
    void accentedTitlesAreDecoded() {
        MovieLens100K ml = RealMovieLens.assumePresent();
        assertThat(ml.movies().get(543).title()).isEqualTo("Misérables, Les (1995)");
        assertThat(ml.movies().get(1633).title()).isEqualTo("Á köldum klaka (Cold Fever) (1994)");
        assertThat(ml.titles()).noneMatch(t -> t.contains("\uFFFD"));
    }

    @Test
    void moviesHaveYearsAndGenres() {
        MovieLens100K ml = RealMovieLens.assumePresent();
        Movie toyStory = ml.movies().get(1);
        assertThat(toyStory.title()).isEqualTo("Toy Story (1995)");
        assertThat(toyStory.releaseYear()).isEqualTo(OptionalInt.of(1995));
        assertThat(toyStory.genres()).containsExactly("Animation", "Children's", "Comedy");
        assertThat(ml.movies().get(267).releaseYear()).isEmpty(); // "unknown"
        assertThat(ml.movies().values()).filteredOn(m -> m.releaseYear().isEmpty()).hasSize(1);
    }

    @Test
    void duplicateTitlesAreKeptAsOneTitleForTwoIds() {
        MovieLens100K ml = RealMovieLens.assumePresent();
        Map<String, List<Integer>> idsByTitle = ml.movies().values().stream()
                .collect(Collectors.groupingBy(Movie::title, Collectors.mapping(Movie::id, Collectors.toList())));
        assertThat(idsByTitle.get("Chasing Amy (1997)")).hasSize(2);
        assertThat(ml.titles()).hasSize(idsByTitle.size());
        assertThat(ml.titles()).hasSizeLessThan(1682);
    }

    @Test
    void ratingsMatchTheFile() {
        MovieLens100K ml = RealMovieLens.assumePresent();
        Rating first = ml.ratings().get(0); // "196\t242\t3\t881250949"
        assertThat(first).isEqualTo(new Rating("196", ml.movies().get(242).title(), 3f, 881250949L));
        assertThat(ml.ratings()).allMatch(r -> r.rating >= 1 && r.rating <= 5);
    }
}

package dev.marquee.data.replay.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.Rating;
import dev.marquee.data.movielens.MovieLens100K;
import dev.marquee.data.movielens.MovieLensDir;
import dev.marquee.data.movielens.Movie;
import dev.marquee.data.testing.Prerequisites;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NewestTitlesTest {
    private static Movie movie(int id, String title, LocalDate date) {
        return new Movie(id, title, Optional.ofNullable(date), date == null ? OptionalInt.empty() : OptionalInt.of(date.getYear()),
                List.of(), "");
    }

    /** Twenty movies released one per year 1980..1999, listed in a shuffled id order. */
    private static List<Movie> catalog() {
        List<Movie> movies = new ArrayList<>();
        for (int k = 0; k < 20; k++) {
            int year = 1980 + (k * 7) % 20;
            movies.add(movie(k + 1, "Film " + year, LocalDate.of(year, 6, 1)));
        }
        return movies;
    }

    @Test
    void thePoolIsTheNewestFractionOfTheCatalogByReleaseDate() {
        List<String> pool = new NewestTitles(0.2).pool(new DriftContext(Requests.rows(10), catalog()));
        assertThat(pool).containsExactly("Film 1996", "Film 1997", "Film 1998", "Film 1999");
        assertThat(new NewestTitles(0.1).pool(new DriftContext(List.of(), catalog()))).containsExactly("Film 1998", "Film 1999");
        assertThat(new NewestTitles(1.0).pool(new DriftContext(List.of(), catalog()))).hasSize(20);
    }

    @Test
    void moviesWithoutADateAreLeftOutAndATitleListedTwiceCountsOnceAtItsLaterDate() {
        List<Movie> movies = new ArrayList<>(catalog());
        movies.add(movie(21, "unknown", null));
        movies.add(movie(22, "Film 1985", LocalDate.of(2001, 1, 1))); // re-released under a second id
        List<String> pool = new NewestTitles(0.1).pool(new DriftContext(List.of(), movies));
        assertThat(pool).containsExactly("Film 1999", "Film 1985");
    }

    @Test
    void withoutACatalogTheNewestTitlesAreTheLastToBeRatedFirst() {
        List<Rating> rows = List.of(
                new Rating("1", "Old", 3, 100), new Rating("1", "Newer", 3, 300), new Rating("2", "Old", 3, 400),
                new Rating("2", "Newest", 3, 500), new Rating("3", "Early", 3, 50), new Rating("3", "Newer", 3, 600));
        // first ratings: Early 50, Old 100, Newer 300, Newest 500
        assertThat(new NewestTitles(0.5).pool(new DriftContext(rows, List.of()))).containsExactly("Newer", "Newest");
        assertThat(new NewestTitles(0.01).pool(new DriftContext(rows, List.of()))).containsExactly("Newest");
    }

    @Test
    void affectedRequestsGetTitlesDrawnFromAcrossThePool() {
        List<Rating> rows = Requests.rows(2_000);
        DriftInjector injector = DriftInjection.builder().newestTitles(0.2).build().injector(rows, catalog());
        Set<String> drawn = new HashSet<>();
        for (Rating r : rows) drawn.add(injector.next("r", r).movieTitle());
        assertThat(drawn).containsExactlyInAnyOrder("Film 1996", "Film 1997", "Film 1998", "Film 1999");
    }

    @Test
    void onMovieLensTheNewestTenthIsFromItsLastReleaseYears() {
        Optional<MovieLensDir> dir = MovieLensDir.findForTests();
        Prerequisites.assumeOrFailInCi(dir.isPresent(), MovieLensDir.testSkipMessage());
        MovieLens100K ml = new MovieLens100K(dir.get());
        List<String> pool = new NewestTitles(0.1).pool(new DriftContext(List.of(), List.copyOf(ml.movies().values())));
        assertThat(pool).hasSizeBetween(160, 170);
        for (Movie m : ml.movies().values()) {
            if (pool.contains(m.title()) && m.releaseDate().isPresent()) {
                assertThat(m.releaseDate().get().getYear()).as(m.title()).isGreaterThanOrEqualTo(1996);
            }
        }
    }
}

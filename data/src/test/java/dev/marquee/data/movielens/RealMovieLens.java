package dev.marquee.data.movielens;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Optional;

/** For tests that need the real MovieLens 100K: skips them cleanly when it is not on this machine. */
final class RealMovieLens {
    private static MovieLens100K cached;

    private RealMovieLens() {}

    static synchronized MovieLens100K assumePresent() {
        Optional<MovieLensDir> dir = MovieLensDir.findForTests();
        assumeTrue(dir.isPresent(), MovieLensDir.testSkipMessage());
        if (cached == null || !cached.dir().equals(dir.get())) {
            cached = new MovieLens100K(dir.get());
        }
        return cached;
    }
}

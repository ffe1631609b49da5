package dev.marquee.data.movielens;

import dev.marquee.data.testing.Prerequisites;
import java.util.Optional;

/** For tests that need the real MovieLens 100K: skips them when it is not on this machine, fails them in CI. */
final class RealMovieLens {
    private static MovieLens100K cached;

    private RealMovieLens() {}

    static synchronized MovieLens100K assumePresent() {
        Optional<MovieLensDir> dir = MovieLensDir.findForTests();
        Prerequisites.assumeOrFailInCi(dir.isPresent(), MovieLensDir.testSkipMessage());
        if (cached == null || !cached.dir().equals(dir.get())) {
            cached = new MovieLens100K(dir.get());
        }
        return cached;
    }
}

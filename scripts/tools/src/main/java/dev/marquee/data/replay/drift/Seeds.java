package dev.marquee.data.replay.drift;

import java.util.Random;
import java.util.SplittableRandom;

/** Independent, reproducible random sources derived from one seed. */
final class Seeds {
    private Seeds() {}

    /** A source for one purpose ({@code salt}), unrelated to the sources of other salts of the same seed. */
    static Random derive(long seed, long salt) {
        return new Random(new SplittableRandom(seed ^ (salt * 0x9E3779B97F4A7C15L)).nextLong());
    }
}

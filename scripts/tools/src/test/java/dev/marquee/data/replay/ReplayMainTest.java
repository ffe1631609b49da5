package dev.marquee.data.replay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReplayMainTest {
    @Test
    void unknownOptionsAndBadValuesExitWithUsageNotAStackTrace() {
        assertThat(ReplayMain.run(new String[] {"--nope"})).isEqualTo(2);
        assertThat(ReplayMain.run(new String[] {"--rate", "fast"})).isEqualTo(2);
        assertThat(ReplayMain.run(new String[] {"--data", "synthetic:x"})).isEqualTo(2);
        assertThat(ReplayMain.run(new String[] {"--data", "/nonexistent/ml-100k"})).isEqualTo(2);
        assertThat(ReplayMain.run(new String[] {"--split", "sideways", "--data", "synthetic:10"})).isEqualTo(2);
    }

    @Test
    void helpExitsCleanly() {
        assertThat(ReplayMain.run(new String[] {"--help"})).isZero();
        assertThat(TopicTailMain.run(new String[] {"--help"})).isZero();
        assertThat(TopicTailMain.run(new String[] {})).isEqualTo(2);
    }
}

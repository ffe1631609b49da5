package dev.marquee.data.event;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one rule for labels the scoring job and the trainer learn from. */
class RatingLabelTest {
    @Test
    void aLabelNeedsAUserATitleAndARatingInRange() {
        assertThat(Rating.isValidLabel(new Rating("1", "Heat (1995)", 0.5f, 0))).isTrue();
        assertThat(Rating.isValidLabel(new Rating("1", "Heat (1995)", 5.5f, 0))).isTrue();
        assertThat(Rating.isValidLabel(new Rating("1", "Heat (1995)", 0.49f, 0))).isFalse();
        assertThat(Rating.isValidLabel(new Rating("1", "Heat (1995)", 5.51f, 0))).isFalse();
        assertThat(Rating.isValidLabel(new Rating("1", "Heat (1995)", 1e30f, 0))).isFalse();
        assertThat(Rating.isValidLabel(new Rating("1", "Heat (1995)", Float.NaN, 0))).isFalse();
        assertThat(Rating.isValidLabel(new Rating("1", "Heat (1995)", Float.NEGATIVE_INFINITY, 0))).isFalse();
        assertThat(Rating.isValidLabel(new Rating(null, "Heat (1995)", 3f, 0))).isFalse();
        assertThat(Rating.isValidLabel(new Rating(" ", "Heat (1995)", 3f, 0))).isFalse();
        assertThat(Rating.isValidLabel(new Rating("1", "", 3f, 0))).isFalse();
        assertThat(Rating.isValidLabel(null)).isFalse();
    }

    @Test
    void aLabelsTimestampIsInSecondsUpTo2100OrAbsent() {
        assertThat(Rating.isValidLabel(new Rating("1", "Heat (1995)", 3f, 892_870_992L))).isTrue();
        assertThat(Rating.isValidLabel(new Rating("1", "Heat (1995)", 3f, Rating.LATEST_TIMESTAMP))).isTrue();
        assertThat(Rating.isValidLabel(new Rating("1", "Heat (1995)", 3f, -1))).as("none").isTrue();
        assertThat(Rating.isValidLabel(new Rating("1", "Heat (1995)", 3f, 892_870_992_000L))).as("milliseconds").isFalse();
        assertThat(Rating.isValidLabel(new Rating("1", "Heat (1995)", 3f, Rating.LATEST_TIMESTAMP + 1))).isFalse();
    }
}

package dev.marquee.data.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.Rating;
import org.junit.jupiter.api.Test;

/** Labels are held to what the request parser accepts: a label no valid request could match is refused. */
class ParserLimitsLabelTest {
    private final ParserLimits limits = ParserLimits.defaults();

    @Test
    void aLabelWithAControlCharacterOrUnpairedSurrogateIsRefused() {
        assertThat(limits.admitsLabel(new Rating("42", "Heat (1995)", 4f, 0))).isTrue();
        assertThat(limits.admitsLabel(new Rating("Zoë", "Amélie (2001) \uD83C\uDFAC", 4f, 0))).isTrue();
        assertThat(limits.admitsLabel(new Rating("42\r", "Heat (1995)", 4f, 0))).isFalse();
        assertThat(limits.admitsLabel(new Rating("42", "Heat\n(1995)", 4f, 0))).isFalse();
        assertThat(limits.admitsLabel(new Rating("42", "Heat (1995)\u0085", 4f, 0))).isFalse();
        assertThat(limits.admitsLabel(new Rating("42", "Heat (1995) \uD83C", 4f, 0))).isFalse();
    }

    /** A no-break or zero-width space alone is blank to the request parser: no request could match such a label. */
    @Test
    void aLabelBlankAsTheRequestParserCountsBlankIsRefused() {
        assertThat(limits.labelProblem(new Rating("\u00A0", "Heat (1995)", 4f, 0))).isEqualTo("user_id is missing or blank");
        assertThat(limits.labelProblem(new Rating("42", "\u200B", 4f, 0))).isEqualTo("movie_title is missing or blank");
    }

    /** The operator's log says why a label was skipped. */
    @Test
    void eachRefusalSaysWhy() {
        assertThat(limits.labelProblem(new Rating("42", "Heat (1995)", 4f, 881_250_949L))).isNull();
        assertThat(limits.labelProblem(null)).isEqualTo("not a JSON rating object");
        assertThat(limits.labelProblem(new Rating("42", "Heat (1995)", 9f, 0))).startsWith("rating 9.0 is outside");
        assertThat(limits.labelProblem(new Rating("42", "Heat (1995)", 4f, 1_700_000_000_123L)))
                .contains("not milliseconds");
        assertThat(limits.labelProblem(new Rating("4".repeat(129), "Heat (1995)", 4f, 0)))
                .isEqualTo("user_id is longer than parser.max-user-id-chars (128)");
        assertThat(limits.labelProblem(new Rating("42", "Heat\n(1995)", 4f, 0)))
                .isEqualTo("movie_title has a control character or an unpaired surrogate");
    }

    @Test
    void aLabelNeedsAUserATitleAndARatingInRange() {
        assertThat(limits.admitsLabel(new Rating("1", "Heat (1995)", 0.5f, 0))).isTrue();
        assertThat(limits.admitsLabel(new Rating("1", "Heat (1995)", 5.5f, 0))).isTrue();
        assertThat(limits.admitsLabel(new Rating("1", "Heat (1995)", 0.49f, 0))).isFalse();
        assertThat(limits.admitsLabel(new Rating("1", "Heat (1995)", 5.51f, 0))).isFalse();
        assertThat(limits.admitsLabel(new Rating("1", "Heat (1995)", 1e30f, 0))).isFalse();
        assertThat(limits.admitsLabel(new Rating("1", "Heat (1995)", Float.NaN, 0))).isFalse();
        assertThat(limits.admitsLabel(new Rating("1", "Heat (1995)", Float.NEGATIVE_INFINITY, 0))).isFalse();
        assertThat(limits.admitsLabel(new Rating(null, "Heat (1995)", 3f, 0))).isFalse();
        assertThat(limits.admitsLabel(new Rating(" ", "Heat (1995)", 3f, 0))).isFalse();
        assertThat(limits.admitsLabel(new Rating("1", "", 3f, 0))).isFalse();
        assertThat(limits.admitsLabel(null)).isFalse();
    }

    @Test
    void aLabelsTimestampIsInSecondsUpTo2100OrAbsent() {
        assertThat(limits.admitsLabel(new Rating("1", "Heat (1995)", 3f, 892_870_992L))).isTrue();
        assertThat(limits.admitsLabel(new Rating("1", "Heat (1995)", 3f, Rating.LATEST_TIMESTAMP))).isTrue();
        assertThat(limits.admitsLabel(new Rating("1", "Heat (1995)", 3f, -1))).as("none").isTrue();
        assertThat(limits.admitsLabel(new Rating("1", "Heat (1995)", 3f, 892_870_992_000L))).as("milliseconds").isFalse();
        assertThat(limits.admitsLabel(new Rating("1", "Heat (1995)", 3f, Rating.LATEST_TIMESTAMP + 1))).isFalse();
    }
}

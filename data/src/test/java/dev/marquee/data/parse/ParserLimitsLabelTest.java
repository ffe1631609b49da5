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
}

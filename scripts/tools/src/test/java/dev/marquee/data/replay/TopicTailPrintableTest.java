package dev.marquee.data.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What `marquee tail` prints of a record: a producer's escape sequences never reach the operator's terminal. */
class TopicTailPrintableTest {
    @Test
    void controlAndFormatCharactersArePrintedAsEscapes() {
        String hostile = "\u001b]0;owned\u0007\u001b[2J{\"movie_title\":\"Toy\u202eStory\u0085\",\"tab\":\"a\tb\",\"del\":\"\u007f\"}";
        String shown = TopicTailCommand.printable(hostile.getBytes(StandardCharsets.UTF_8));
        assertThat(shown).doesNotContain("\u001b", "\u0007", "\u202e", "\u0085", "\u007f")
                .startsWith("\\u001B]0;owned\\u0007\\u001B[2J")
                .contains("Toy\\u202EStory\\u0085", "a\tb", "\\u007F");
        assertThat(TopicTailCommand.printable("Amélie (2001) 映画".getBytes(StandardCharsets.UTF_8)))
                .as("printable text as it is").isEqualTo("Amélie (2001) 映画");
        assertThat(TopicTailCommand.printable(null)).isEqualTo("null");
    }
}

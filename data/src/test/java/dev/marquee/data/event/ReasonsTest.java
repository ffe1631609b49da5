package dev.marquee.data.event;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReasonsTest {

    @Test
    void aReasonIsClippedToWhatARecordCanCarry() {
        assertThat(Reasons.clipped(null)).isNull();
        String fits = "x".repeat(Reasons.MAX_CHARS);
        assertThat(Reasons.clipped(fits)).isSameAs(fits);
        String graph = "op ".repeat(400_000); // a TensorFlow error quoting a graph: 1.2 MB, over the brokers' 1 MB
        assertThat(Reasons.clipped(graph)).startsWith("op op ")
                .endsWith("... (1200000 characters; the log has them all)")
                .hasSizeLessThan(Reasons.MAX_CHARS + 80);
        String emoji = "x".repeat(Reasons.MAX_CHARS - 1) + "\uD83C\uDFAC tail";
        assertThat(Reasons.clipped(emoji)).as("not half a surrogate pair")
                .startsWith("x".repeat(Reasons.MAX_CHARS - 1) + "...");
    }
}

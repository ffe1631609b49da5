package dev.marquee.data.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.json.EventCodec;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SourcePositionTest {
    /** A producer that never sets the time sends 0: the scorer's latency histogram would read 56 years from it. */
    @Test
    void theEpochIsNoTimeToMeasureFrom() {
        assertThat(new SourcePosition("t", 0, 1, -1).hasTimestamp()).isFalse();
        assertThat(new SourcePosition("t", 0, 1, 0).hasTimestamp()).isFalse();
        assertThat(new SourcePosition("t", 0, 1, 1).hasTimestamp()).isTrue();
    }

    @Test
    void theCheckIsNotWrittenAsAField() {
        String json = new String(EventCodec.of(SourcePosition.class).encode(new SourcePosition("t", 2, 3, 4)),
                StandardCharsets.UTF_8);
        assertThat(json).doesNotContain("has");
    }
}

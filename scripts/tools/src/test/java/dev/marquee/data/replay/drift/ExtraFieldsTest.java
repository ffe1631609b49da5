package dev.marquee.data.replay.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.Rating;
import dev.marquee.data.event.RatingRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExtraFieldsTest {
    private final Rating row = new Rating("587", "A (1997)", 4, 892_870_992L);

    @Test
    void theParserSeesExactlyTheAddedFieldsAndTheRequestStaysValid() {
        OutgoingRequest q = Requests.apply(new ExtraFields(3), List.of(row), row);
        RatingRequest parsed = Requests.parse(Requests.encode(q)).requests().get(0);
        assertThat(parsed.extraFields).containsExactly("device", "country", "session_id");
        assertThat(parsed.userId).isEqualTo("587");
        assertThat(parsed.movieTitle).isEqualTo("A (1997)");
        assertThat(parsed.timestamp).isEqualTo(892_870_992L);
    }

    @Test
    void beyondTheNamedFieldsTheyAreNumbered() {
        ExtraFields twelve = new ExtraFields(12);
        assertThat(twelve.names()).hasSize(12).doesNotHaveDuplicates().endsWith("extra_11", "extra_12");
        OutgoingRequest q = Requests.apply(twelve, List.of(row), row);
        assertThat(q.extras().keySet()).containsExactlyElementsOf(twelve.names());
        assertThat(Requests.parse(Requests.encode(q)).requests().get(0).extraFields).hasSize(12);
    }
}

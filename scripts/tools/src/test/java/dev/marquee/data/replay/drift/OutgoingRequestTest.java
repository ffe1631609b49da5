package dev.marquee.data.replay.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.data.event.Rating;
import dev.marquee.data.replay.RequestEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutgoingRequestTest {
    private final RequestEncoder encoder = new RequestEncoder();
    private final Rating row = new Rating("587", "Misérables, Les (1995)", 4, 892870992L);

    @Test
    void anUnchangedRequestIsWrittenExactlyAsTheReplayAlwaysWroteIt() {
        String expected = "{\"request_id\":\"r-1\",\"user_id\":\"587\",\"movie_title\":\"Misérables, Les (1995)\",\"timestamp\":892870992}";
        assertThat(new String(encoder.single("r-1", row), StandardCharsets.UTF_8)).isEqualTo(expected);
        assertThat(new String(encoder.single(OutgoingRequest.of("r-1", row)), StandardCharsets.UTF_8)).isEqualTo(expected);
        assertThat(new String(encoder.envelope(List.of("a", "b"), List.of(row, row)), StandardCharsets.UTF_8)).isEqualTo(
                "{\"signature_name\":\"serving_default\",\"instances\":["
                        + "{\"request_id\":\"a\",\"user_id\":\"587\",\"movie_title\":\"Misérables, Les (1995)\",\"timestamp\":892870992},"
                        + "{\"request_id\":\"b\",\"user_id\":\"587\",\"movie_title\":\"Misérables, Les (1995)\",\"timestamp\":892870992}]}");
    }

    @Test
    void retypedFieldsAndExtrasAreWrittenInPlaceAndAfterTheContract() {
        OutgoingRequest q = OutgoingRequest.of("r-1", row);
        q.retype(OutgoingRequest.TIMESTAMP, "892870992");
        q.retype(OutgoingRequest.MOVIE_TITLE, Map.of("title", "X"));
        q.addExtra("device", "tv");
        q.addExtra("screen_width", 1920L);
        q.addExtra("tags", List.of(1L, "a", true));
        assertThat(new String(encoder.single(q), StandardCharsets.UTF_8)).isEqualTo(
                "{\"request_id\":\"r-1\",\"user_id\":\"587\",\"movie_title\":{\"title\":\"X\"},\"timestamp\":\"892870992\","
                        + "\"device\":\"tv\",\"screen_width\":1920,\"tags\":[1,\"a\",true]}");
    }

    @Test
    void contractFieldsCannotBeExtrasAndOnlyTheThreeInputsCanBeRetyped() {
        OutgoingRequest q = OutgoingRequest.of("r-1", row);
        assertThatThrownBy(() -> q.addExtra("user_id", "x")).hasMessageContaining("contract field");
        assertThatThrownBy(() -> q.retype("request_id", 1L)).hasMessageContaining("only user_id, movie_title and timestamp");
    }
}

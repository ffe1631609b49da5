package dev.marquee.data.replay.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marquee.data.event.DeadLetter;
import dev.marquee.data.event.ErrorCode;
import dev.marquee.data.event.Rating;
import dev.marquee.data.parse.ParseResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class TypeChangeTest {
    private final Rating row = new Rating("587", "Devil's Advocate, The (1997)", 4, 892_870_992L);

    @Test
    void timestampGoesAsAStringByDefaultAndTheParserRefusesItAsWrongType() {
        JsonNode json = sent(TypeChange.of("timestamp"));
        assertThat(json.get("timestamp").isTextual()).isTrue();
        assertThat(json.get("timestamp").asText()).isEqualTo("892870992");
        assertRefusedAt(TypeChange.of("timestamp"), "timestamp");
    }

    @Test
    void userIdGoesAsANumberByDefault() {
        JsonNode json = sent(TypeChange.of("user_id"));
        assertThat(json.get("user_id").isIntegralNumber()).isTrue();
        assertThat(json.get("user_id").asLong()).isEqualTo(587);
        assertThat(json.get("movie_title").asText()).isEqualTo(row.movieTitle);
        assertRefusedAt(TypeChange.of("user_id"), "user_id");
        Rating named = new Rating("alice", "A", 3, 1);
        OutgoingRequest q = Requests.apply(TypeChange.of("user_id"), List.of(named), named);
        assertThat(Requests.tree(Requests.encode(q)).get("user_id").isIntegralNumber()).isTrue();
    }

    @Test
    void movieTitleGoesAsANumberOrAnObject() {
        assertThat(sent(TypeChange.of("movie_title")).get("movie_title").isIntegralNumber()).isTrue();
        TypeChange asObject = new TypeChange("movie_title", TypeChange.JsonType.OBJECT);
        assertThat(sent(asObject).get("movie_title").get("title").asText()).isEqualTo(row.movieTitle);
        assertRefusedAt(asObject, "movie_title");
        assertThat(sent(new TypeChange("timestamp", TypeChange.JsonType.OBJECT)).get("timestamp").get("seconds").asLong())
                .isEqualTo(892_870_992L);
    }

    @Test
    void aSkewedTimestampSentAsAStringCarriesTheSkew() {
        DriftInjector injector = DriftInjection.builder().typeChange("timestamp").timestampSkew(60).build().injector(List.of(row));
        assertThat(Requests.tree(Requests.encode(injector.next("r", row))).get("timestamp").asText()).isEqualTo("892871052");
    }

    @Test
    void theContractTypeOrAnUnknownFieldIsRefused() {
        assertThatThrownBy(() -> new TypeChange("timestamp", TypeChange.JsonType.NUMBER))
                .hasMessage("timestamp is a number already; choose string or object");
        assertThatThrownBy(() -> new TypeChange("user_id", TypeChange.JsonType.STRING))
                .hasMessage("user_id is a string already; choose number or object");
        assertThatThrownBy(() -> TypeChange.of("rating")).hasMessageContaining("timestamp, user_id or movie_title");
    }

    private JsonNode sent(TypeChange change) {
        return Requests.tree(Requests.encode(Requests.apply(change, List.of(row), row)));
    }

    private void assertRefusedAt(TypeChange change, String field) {
        ParseResult result = Requests.parse(Requests.encode(Requests.apply(change, List.of(row), row)));
        assertThat(result.requests()).isEmpty();
        DeadLetter d = result.deadLetters().get(0);
        assertThat(d.errorCode).isEqualTo(ErrorCode.WRONG_TYPE);
        assertThat(d.field).isEqualTo(field);
    }
}

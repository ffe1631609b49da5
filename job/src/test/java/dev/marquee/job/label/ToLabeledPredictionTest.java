package dev.marquee.job.label;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marquee.data.event.LabeledPrediction;
import dev.marquee.data.json.EventCodec;
import dev.marquee.data.json.EventJson;
import org.junit.jupiter.api.Test;

class ToLabeledPredictionTest {

    @Test
    void aLabeledPredictionNamesTheRequestItsPredictionAnswered() throws Exception {
        LabelJoin join = new LabelJoin(3, 3.6f, 3.4f, 4f);
        join.userId = "7";
        join.movieTitle = "Heat (1995)";
        join.requestId = "rating-requests-1-42";
        join.timestamp = 880_000_000L;
        join.shadowVersion = 4;
        join.shadowModel = 3.9f;

        LabeledPrediction p = new ToLabeledPrediction("marquee").map(join);
        JsonNode json = EventJson.mapper().readTree(EventCodec.of(LabeledPrediction.class).encode(p));

        assertThat(json.get("request_id").asText()).isEqualTo("rating-requests-1-42");
        assertThat(json.get("timestamp").asLong()).isEqualTo(880_000_000L);
        assertThat(json.get("user_id").asText()).isEqualTo("7");
        assertThat(json.get("model_version").asLong()).isEqualTo(3);
        assertThat(json.get("served_rating").floatValue()).isEqualTo(3.6f);
        assertThat(json.get("shadow_rating").floatValue()).isEqualTo(3.9f);
        assertThat(json.get("model_name").asText()).isEqualTo("marquee");
    }
}

package dev.marquee.data.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marquee.data.json.EventCodec;
import dev.marquee.data.json.EventJson;
import org.junit.jupiter.api.Test;

/** What consumers written elsewhere, and older readers, get from marquee's events. */
class EventCompatibilityTest {
    /** A threshold of 0 (alert on any) is allowed: the mover's ratio is still a JSON number, not "Infinity". */
    @Test
    void aMoverAgainstAZeroThresholdHasANumericRatio() throws Exception {
        DriftReport r = new DriftReport();
        r.episode = new Episode();
        r.episode.movers.add(new Episode.Mover("movie_title.oov_rate", 0.3, 0.0));
        JsonNode ratio = EventJson.mapper().readTree(EventCodec.of(DriftReport.class).encodeToString(r))
                .at("/episode/movers/0/ratio");
        assertThat(ratio.isNumber()).as("%s", ratio).isTrue();
        assertThat(ratio.asDouble()).isGreaterThan(1e300);
    }

    /** An older reader of a newer job's dead letter: the code it does not know reads as none, the rest as written. */
    @Test
    void anErrorCodeTheReaderDoesNotKnowReadsAsNone() {
        DeadLetter d = EventCodec.of(DeadLetter.class).decode(
                "{\"error_code\":\"A_CODE_FROM_LATER\",\"error\":\"why\",\"request_id\":\"r-1\",\"instance_index\":2}");
        assertThat(d.errorCode).isNull();
        assertThat(d.requestId).isEqualTo("r-1");
        assertThat(d.instanceIndex).isEqualTo(2);
    }
}

package dev.marquee.job.label;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.config.Settings;
import dev.marquee.data.event.Rating;
import dev.marquee.data.json.EventCodec;
import dev.marquee.data.parse.ParserLimits;
import dev.marquee.job.source.RawRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.operators.StreamFlatMap;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Labels are held to the request parser's limits: one a valid request could never match is refused. */
class ParseRatingsTest {
    private static final EventCodec<Rating> CODEC = EventCodec.of(Rating.class);

    @Test
    void labelsBeyondTheParsersLimitsAreRefusedAndCounted() throws Exception {
        Rating ok = new Rating("7", "Heat (1995)", 4f, 892_870_992L);
        Rating longTitle = new Rating("7", "x".repeat(ParserLimits.DEFAULT_MAX_TITLE_CHARS + 1), 4f, 892_870_992L);
        Rating longUser = new Rating("u".repeat(ParserLimits.DEFAULT_MAX_USER_ID_CHARS + 1), "Heat (1995)", 4f, 892_870_992L);
        Rating longRequestId = new Rating("7", "Heat (1995)", 4f, 892_870_992L);
        longRequestId.requestId = "r".repeat(ParserLimits.DEFAULT_MAX_REQUEST_ID_CHARS + 1);
        byte[] oversized = ("{\"user_id\":\"7\",\"movie_title\":\"Heat (1995)\",\"rating\":4,\"timestamp\":892870992,\"pad\":\""
                + " ".repeat(ParserLimits.DEFAULT_MAX_PAYLOAD_BYTES) + "\"}").getBytes(StandardCharsets.UTF_8);

        assertThat(parse(new ParseRatings(), List.of(CODEC.encode(ok), CODEC.encode(longTitle), CODEC.encode(longUser),
                CODEC.encode(longRequestId), oversized))).containsExactly(ok);
    }

    /** "" is how many converters write "no id": no request has it, so the label joins as one without an id. */
    @Test
    void aBlankRequestIdIsNoneAndOneWithAControlCharacterIsRefused() throws Exception {
        byte[] blank = "{\"user_id\":\"7\",\"movie_title\":\"Heat (1995)\",\"rating\":4,\"timestamp\":100,\"request_id\":\" \"}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] control = "{\"user_id\":\"7\",\"movie_title\":\"Heat (1995)\",\"rating\":4,\"timestamp\":100,\"request_id\":\"r\\u0007\"}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(parse(new ParseRatings(), List.of(blank, control))).singleElement().satisfies(r -> {
            assertThat(r.requestId).isNull();
            assertThat(r.movieTitle).isEqualTo("Heat (1995)");
        });
    }

    @Test
    void theJobsOwnLimitsApply() throws Exception {
        Rating longTitle = new Rating("7", "x".repeat(ParserLimits.DEFAULT_MAX_TITLE_CHARS + 1), 4f, 892_870_992L);
        ParserLimits wider = ParserLimits.from(new Settings(Map.of(ParserLimits.MAX_TITLE_CHARS, "2000")));
        assertThat(parse(new ParseRatings(wider), List.of(CODEC.encode(longTitle)))).containsExactly(longTitle);
    }

    /**
     * The request parser's rules, not Jackson's coercions: a user id sent as a decimal would have become "196.0", a
     * label that never joins the prediction of user "196"; a fractional timestamp was cut to the second, a blank one
     * made "no timestamp". What TF Serving's clients send (a column, a whole decimal) is taken, as in requests.
     */
    @Test
    void labelsAreReadWithTheRequestParsersRulesNotJacksonsCoercions() throws Exception {
        List<String> refused = List.of(
                "{\"user_id\":196.0,\"movie_title\":\"Heat (1995)\",\"rating\":4,\"timestamp\":892870992}",
                "{\"user_id\":\"196\",\"movie_title\":2001,\"rating\":4,\"timestamp\":892870992}",
                "{\"user_id\":\"196\",\"movie_title\":\"Heat (1995)\",\"rating\":4,\"timestamp\":892870992,\"request_id\":42.0}",
                "{\"user_id\":true,\"movie_title\":\"Heat (1995)\",\"rating\":4,\"timestamp\":892870992}",
                "{\"user_id\":\"196\",\"movie_title\":\"Heat (1995)\",\"rating\":4,\"timestamp\":892870992.5}",
                "{\"user_id\":\"196\",\"movie_title\":\"Heat (1995)\",\"rating\":4,\"timestamp\":\"\"}",
                "{\"user_id\":[\"196\",\"197\"],\"movie_title\":\"Heat (1995)\",\"rating\":4,\"timestamp\":892870992}");
        for (String label : refused) {
            assertThat(parse(new ParseRatings(), List.of(label.getBytes(StandardCharsets.UTF_8)))).as(label).isEmpty();
        }
        Rating expected = new Rating("196", "Heat (1995)", 4f, 892870992L);
        List<String> taken = List.of(
                "{\"user_id\":[\"196\"],\"movie_title\":[\"Heat (1995)\"],\"rating\":4,\"timestamp\":[892870992.0]}",
                "{\"user_id\":196,\"movie_title\":\"Heat (1995)\",\"rating\":\"4\",\"timestamp\":\"892870992\"}");
        for (String label : taken) {
            assertThat(parse(new ParseRatings(), List.of(label.getBytes(StandardCharsets.UTF_8)))).as(label).containsExactly(expected);
        }
        Rating untimed = parse(new ParseRatings(), List.of("{\"user_id\":\"196\",\"movie_title\":\"Heat (1995)\",\"rating\":4}"
                .getBytes(StandardCharsets.UTF_8))).get(0);
        assertThat(untimed.timestamp).as("absent: no timestamp").isZero();
    }

    /** A failure after the label was taken (a chained operator, the keyed exchange) fails the job: it is no bad label. */
    @Test
    void aFailureDownstreamIsNotCountedAsABadLabel() throws Exception {
        ParseRatings f = new ParseRatings();
        try (var h = new OneInputStreamOperatorTestHarness<>(new StreamFlatMap<>(f))) {
            h.open();
            RawRecord label = new RawRecord(CODEC.encode(new Rating("7", "Heat (1995)", 4f, 892_870_992L)), "ratings", 0, 0L, 0L);
            org.apache.flink.util.Collector<Rating> failing = new org.apache.flink.util.Collector<>() {
                @Override
                public void collect(Rating r) {
                    throw new IllegalStateException("downstream failed");
                }

                @Override
                public void close() { }
            };
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> f.flatMap(label, failing))
                    .isInstanceOf(IllegalStateException.class).hasMessage("downstream failed");
        }
    }

    private static List<Rating> parse(ParseRatings f, List<byte[]> values) throws Exception {
        try (var h = new OneInputStreamOperatorTestHarness<>(new StreamFlatMap<>(f))) {
            h.open();
            long offset = 0;
            for (byte[] v : values) h.processElement(new StreamRecord<>(new RawRecord(v, "ratings", 0, offset++, 0L)));
            return h.extractOutputValues();
        }
    }
}

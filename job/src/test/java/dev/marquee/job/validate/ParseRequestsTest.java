package dev.marquee.job.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.DeadLetter;
import dev.marquee.data.event.ErrorCode;
import dev.marquee.data.event.RatingRequest;
import dev.marquee.data.parse.ParserLimits;
import dev.marquee.job.source.RawRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class ParseRequestsTest {
    private static RawRecord record(String json, long offset) {
        return new RawRecord(json == null ? null : json.getBytes(StandardCharsets.UTF_8), "rating-requests", 0, offset, 1_000L);
    }

    @Test
    void validRequestsGoOnAndEveryBadRecordBecomesADeadLetterOnTheSideOutput() throws Exception {
        try (var harness = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new ParseRequests(ParserLimits.defaults())))) {
            harness.open();
            harness.processElement(new StreamRecord<>(record("{\"user_id\":\"1\",\"movie_title\":\"Heat (1995)\",\"timestamp\":5}", 0)));
            harness.processElement(new StreamRecord<>(record("{\"user_id\":1,\"movie_title\":\"Heat (1995)\",\"timestamp\":5}", 1)));
            harness.processElement(new StreamRecord<>(record(null, 2)));
            harness.processElement(new StreamRecord<>(record("{\"instances\":[{\"user_id\":\"2\",\"movie_title\":\"A\",\"timestamp\":1},7]}", 3)));

            List<RatingRequest> requests = harness.extractOutputValues();
            assertThat(requests).extracting(r -> r.requestId).containsExactly("rating-requests-0-0", "rating-requests-0-3#0");

            List<DeadLetter> dead = harness.getSideOutput(ParseRequests.DEAD_LETTERS).stream()
                    .map(StreamRecord::getValue).collect(Collectors.toList());
            assertThat(dead).extracting(d -> d.errorCode)
                    .containsExactly(ErrorCode.WRONG_TYPE, ErrorCode.EMPTY_PAYLOAD, ErrorCode.NOT_AN_OBJECT);
            assertThat(dead).extracting(d -> d.source.offset).containsExactly(1L, 2L, 3L);
            assertThat(dead.get(0).payload).isEqualTo("{\"user_id\":1,\"movie_title\":\"Heat (1995)\",\"timestamp\":5}");
            assertThat(dead.get(2).payload).isEqualTo("7");
        }
    }
}

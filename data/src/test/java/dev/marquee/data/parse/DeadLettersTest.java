package dev.marquee.data.parse;

import static dev.marquee.data.parse.BadInputCatalog.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.DeadLetter;
import dev.marquee.data.event.ErrorCode;
import dev.marquee.data.event.RatingRequest;
import dev.marquee.data.event.SourcePosition;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Dead letters of requests refused after validation carry the original bytes the parser kept (the record, or the
 * envelope's instance), or, when it kept none, the validated request, which parses back to itself.
 */
class DeadLettersTest {
    private static final SourcePosition SOURCE = new SourcePosition("rating-requests", 1, 42, 1_000L);
    private final RequestParser parser = new RequestParser();

    @Test
    void aValidatedRequestIsWrittenAsAJsonRequestThatParsesToTheSameRequest() {
        byte[] sent = utf8("{\"signature_name\":\"serving_default\",\"instances\":[{\"user_id\":\"1\",\"movie_title\":\"A (1990)\","
                + "\"timestamp\":5},{\"request_id\":\"r-\\\"2\\\"\",\"user_id\":\"u7\",\"movie_title\":\"Misérables, Les (1995)\","
                + "\"timestamp\":892870992,\"device\":\"tv\"}]}");
        RatingRequest validated = parser.parse(sent, SOURCE).requests().get(1);

        DeadLetter d = DeadLetters.ofValidated(ErrorCode.MODEL_INPUT_UNREPRESENTABLE, "user_id", "not an integer", validated);

        assertThat(d.errorCode).isEqualTo(ErrorCode.MODEL_INPUT_UNREPRESENTABLE);
        assertThat(d.field).isEqualTo("user_id");
        assertThat(d.source).isEqualTo(SOURCE);
        assertThat(d.instanceIndex).isEqualTo(1);
        assertThat(d.requestId).isEqualTo("r-\"2\"");
        assertThat(d.payloadEncoding).isEqualTo(DeadLetter.VALIDATED_JSON);
        assertThat(d.payloadTruncated).isFalse();
        assertThat(d.payload).isEqualTo("{\"request_id\":\"r-\\\"2\\\"\",\"user_id\":\"u7\","
                + "\"movie_title\":\"Misérables, Les (1995)\",\"timestamp\":892870992}");
        assertThat(d.payloadLength).isEqualTo(d.payload.getBytes(StandardCharsets.UTF_8).length);

        RatingRequest again = parser.parse(DeadLetters.payloadBytes(d), SOURCE).requests().get(0);
        assertThat(again.requestId).isEqualTo(validated.requestId);
        assertThat(again.userId).isEqualTo(validated.userId);
        assertThat(again.movieTitle).isEqualTo(validated.movieTitle);
        assertThat(again.timestamp).isEqualTo(validated.timestamp);
    }

    @Test
    void aDefaultRequestIdIsNamedByTheDeadLetterButNotWrittenAsIfTheProducerHadSentIt() {
        RatingRequest validated = parser.parse(utf8("{\"user_id\":\"u7\",\"movie_title\":\"A (1990)\",\"timestamp\":5}"), SOURCE)
                .requests().get(0);

        DeadLetter d = DeadLetters.ofValidated(ErrorCode.MODEL_INPUT_UNREPRESENTABLE, "user_id", "not an integer", validated);

        assertThat(d.requestId).isEqualTo("rating-requests-1-42");
        assertThat(d.instanceIndex).isEqualTo(-1);
        assertThat(d.payload).isEqualTo("{\"user_id\":\"u7\",\"movie_title\":\"A (1990)\",\"timestamp\":5}");
    }

    @Test
    void aRefusalAfterValidationCarriesTheInstancesOriginalBytes() {
        String instance = "{\"request_id\":\"r2\",\"user_id\":\"u7\",  \"movie_title\":\"Misérables, Les (1995)\","
                + "\"timestamp\":892870992,\"device\":\"tv\"}";
        byte[] sent = utf8("{\"signature_name\":\"serving_default\",\"instances\":[{\"user_id\":\"1\",\"movie_title\":\"A (1990)\","
                + "\"timestamp\":5}, " + instance + "]}");
        RatingRequest validated = parser.parse(sent, SOURCE).requests().get(1);

        DeadLetter d = DeadLetters.afterValidation(ErrorCode.SCORING_FAILED, null, "failed", validated,
                ParserLimits.DEFAULT_MAX_DEAD_LETTER_PAYLOAD_BYTES);

        assertThat(d.payloadEncoding).isEqualTo(DeadLetter.UTF8);
        assertThat(d.payload).as("the instance as sent: spacing and unknown fields kept").isEqualTo(instance);
        assertThat(d.payloadLength).isEqualTo(instance.getBytes(StandardCharsets.UTF_8).length);
        assertThat(d.instanceIndex).isEqualTo(1);
        assertThat(d.requestId).isEqualTo("r2");
        assertThat(d.source).isEqualTo(SOURCE);

        byte[] single = utf8("{\"user_id\":\"u7\", \"movie_title\":\"A (1990)\",\"timestamp\":5,\"x\":1}");
        RatingRequest alone = parser.parse(single, SOURCE).requests().get(0);
        assertThat(DeadLetters.afterValidation(ErrorCode.SCORING_FAILED, null, "failed", alone, 1 << 16).payload)
                .isEqualTo(new String(single, StandardCharsets.UTF_8));
    }

    @Test
    void aRecordLargerThanADeadLetterCarriesIsNotKeptAndItsRefusalCarriesTheValidatedRequest() {
        byte[] large = utf8("{\"user_id\":\"u7\",\"movie_title\":\"A (1990)\",\"timestamp\":5,\"pad\":\""
                + "x".repeat(ParserLimits.DEFAULT_MAX_DEAD_LETTER_PAYLOAD_BYTES) + "\"}");
        RatingRequest validated = parser.parse(large, SOURCE).requests().get(0);
        assertThat(validated.original).as("a batch of such requests must not hold their records").isNull();

        DeadLetter d = DeadLetters.afterValidation(ErrorCode.SCORING_FAILED, null, "failed", validated,
                ParserLimits.DEFAULT_MAX_DEAD_LETTER_PAYLOAD_BYTES);
        assertThat(d.payloadEncoding).isEqualTo(DeadLetter.VALIDATED_JSON);
        assertThat(d.payload).isEqualTo("{\"user_id\":\"u7\",\"movie_title\":\"A (1990)\",\"timestamp\":5}");
    }

    /**
     * Under the size the parser keeps, but written larger than a dead letter carries (each emoji is 12 bytes as
     * written): cut, the payload would end inside the extra field and lose the request's own fields.
     */
    @Test
    void aRecordWhoseBytesWouldBeCutInTheDeadLetterCarriesTheValidatedRequestInstead() {
        byte[] sent = utf8("{\"meta\":\"" + "\uD83D\uDE00".repeat(15_000) + "\",\"user_id\":\"u7\","
                + "\"movie_title\":\"A (1990)\",\"timestamp\":5}");
        assertThat(sent.length).isLessThan(ParserLimits.DEFAULT_MAX_DEAD_LETTER_PAYLOAD_BYTES);
        RatingRequest validated = parser.parse(sent, SOURCE).requests().get(0);
        assertThat(validated.original).as("small enough for the parser to keep").isNotNull();

        DeadLetter d = DeadLetters.afterValidation(ErrorCode.SCORING_FAILED, null, "failed", validated,
                ParserLimits.DEFAULT_MAX_DEAD_LETTER_PAYLOAD_BYTES);

        assertThat(d.payloadTruncated).isFalse();
        assertThat(d.payloadEncoding).isEqualTo(DeadLetter.VALIDATED_JSON);
        RatingRequest again = parser.parse(DeadLetters.payloadBytes(d), SOURCE).requests().get(0);
        assertThat(again.userId).isEqualTo("u7");
        assertThat(again.movieTitle).isEqualTo("A (1990)");
        assertThat(again.timestamp).isEqualTo(5);
    }
}

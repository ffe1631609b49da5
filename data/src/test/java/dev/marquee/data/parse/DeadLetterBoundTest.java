package dev.marquee.data.parse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.marquee.data.config.Settings;
import dev.marquee.data.event.DeadLetter;
import dev.marquee.data.event.ErrorCode;
import dev.marquee.data.event.RatingRequest;
import dev.marquee.data.event.SourcePosition;
import dev.marquee.data.json.EventCodec;
import dev.marquee.data.json.EventJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A serialised dead letter never exceeds the documented bound (docs/RELIABILITY.md: the payload limit + 4 KiB,
 * 69,632 bytes by default), counting each character as the bytes the event writer really writes.
 */
class DeadLetterBoundTest {
    private static final EventCodec<DeadLetter> CODEC = EventCodec.of(DeadLetter.class);
    private static final String EMOJI = "\uD83D\uDE00";
    /** Kafka's longest legal topic name. */
    private static final SourcePosition LONGEST_SOURCE = new SourcePosition("t".repeat(249), Integer.MAX_VALUE,
            Long.MIN_VALUE, Long.MIN_VALUE);

    private static ParserLimits limit(int maxDeadLetterPayloadBytes) {
        return ParserLimits.from(new Settings(Map.of(ParserLimits.MAX_DEAD_LETTER_PAYLOAD_BYTES,
                String.valueOf(maxDeadLetterPayloadBytes))));
    }

    private static int bound(ParserLimits limits) {
        return DeadLetters.maxSerializedBytes(limits);
    }

    /** The parser's own dead letters carry at most the payload limit, so they fit the tighter bound. */
    private static int parserBound(ParserLimits limits) {
        return limits.maxDeadLetterPayloadBytes + DeadLetters.FIXED_FIELDS_BYTES;
    }

    @Test
    void theDefaultBoundIsTheDocumentedNumber() {
        assertThat(bound(ParserLimits.defaults())).isEqualTo(69_632);
    }

    /**
     * A refusal after validation carries the request id beside the original bytes: with long request ids allowed,
     * a record just inside the payload limit plus its id must still fit the bound the dead-letter sink is sized by.
     */
    @Test
    void aRefusalAfterValidationWithALongRequestIdStaysWithinTheBound() {
        ParserLimits limits = ParserLimits.from(new Settings(Map.of(ParserLimits.MAX_REQUEST_ID_CHARS, "8192")));
        RequestParser parser = new RequestParser(limits);
        String id = "\\\"".repeat(8_192); // 8,192 quotes, escaped in the record
        String head = "{\"request_id\":\"" + id + "\",\"user_id\":\"u7\",\"movie_title\":\"A (1990)\",\"timestamp\":5,\"pad\":\"";
        byte[] record = (head + "x".repeat(40_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        RatingRequest r = parser.parse(record, LONGEST_SOURCE).requests().get(0);
        assertThat(r.original).isNotNull();

        DeadLetter d = DeadLetters.afterValidation(ErrorCode.MODEL_INPUT_UNREPRESENTABLE, "user_id",
                "x".repeat(600), r, limits.maxDeadLetterPayloadBytes);

        assertThat(d.payloadTruncated).isFalse();
        assertThat(CODEC.encode(d).length).isLessThanOrEqualTo(bound(limits));
    }

    static List<Arguments> worstPayloads() {
        List<Arguments> cases = new ArrayList<>();
        String[] units = {EMOJI, "\u0001", "\u001f", "\"", "\\", "\u00e9", "\u20ac", "\u007f", "\u0085", "\u2028",
            "\u0001" + EMOJI + "\"", "a"};
        for (int limit : new int[] {16, 100, 65_536, 1 << 20}) {
            for (String unit : units) cases.add(Arguments.of(limit, unit));
        }
        return cases;
    }

    /** A record of one character repeated to 2 MiB (TOO_LARGE, cut) and to half the limit (MALFORMED_JSON, whole). */
    @ParameterizedTest(name = "limit {0}, only U+{1}")
    @MethodSource("worstPayloads")
    void aPayloadOfOnlyTheCostliestCharactersStaysWithinTheBound(int limit, String unit) {
        ParserLimits limits = limit(limit);
        RequestParser parser = new RequestParser(limits);
        int unitBytes = unit.getBytes(StandardCharsets.UTF_8).length;
        for (int bytes : new int[] {2 << 20, limit / 2, limit}) {
            byte[] record = unit.repeat(Math.max(1, bytes / unitBytes)).getBytes(StandardCharsets.UTF_8);
            DeadLetter d = parser.parse(record, LONGEST_SOURCE).deadLetters().get(0);
            assertThat(d.payloadEncoding).isEqualTo(DeadLetter.UTF8);
            assertThat(payloadAsWritten(d)).as("payload as written, %d bytes of U+%s", record.length, unit)
                    .isLessThanOrEqualTo(limit);
            assertThat(CODEC.encode(d).length).as("serialised, %d bytes of U+%s", record.length, unit)
                    .isLessThanOrEqualTo(parserBound(limits));
            byte[] kept = DeadLetters.payloadBytes(d);
            assertThat(kept).isEqualTo(Arrays.copyOf(record, kept.length));
            assertThat(d.payloadTruncated).isEqualTo(kept.length < record.length);
            assertThat(RequestParser.firstBadCharacter(d.payload.replaceAll("[\\x00-\\x1f\\x7f-\\x9f]", ""))).isEqualTo(-1);
        }
    }

    @Test
    void theCutNeverSplitsAFourByteCharacterStraddlingTheLimit() {
        for (int pad = 0; pad < 16; pad++) {
            byte[] record = ("a".repeat(pad) + EMOJI.repeat(40)).getBytes(StandardCharsets.UTF_8);
            DeadLetter d = new RequestParser(limit(16)).parse(record, LONGEST_SOURCE).deadLetters().get(0);
            assertThat(d.payloadTruncated).isTrue();
            assertThat(RequestParser.firstBadCharacter(d.payload)).as("pad %d: %s", pad, d.payload).isEqualTo(-1);
            assertThat(d.payload).isEqualTo(new String(DeadLetters.payloadBytes(d), StandardCharsets.UTF_8));
            assertThat(payloadAsWritten(d)).isLessThanOrEqualTo(16);
        }
    }

    @Test
    void aBase64PayloadStaysWithinTheBound() {
        byte[] record = new byte[2 << 20];
        Arrays.fill(record, (byte) 0xFF);
        for (int limit : new int[] {16, 100, 65_536}) {
            DeadLetter d = new RequestParser(limit(limit)).parse(record, LONGEST_SOURCE).deadLetters().get(0);
            assertThat(d.payloadEncoding).isEqualTo(DeadLetter.BASE64);
            assertThat(payloadAsWritten(d)).isLessThanOrEqualTo(limit);
            assertThat(CODEC.encode(d).length).isLessThanOrEqualTo(parserBound(limit(limit)));
        }
    }

    /** Everything but the payload: the longest topic, the costliest message, within the 4 KiB the bound allows. */
    @Test
    void theFieldsAroundThePayloadFitTheirShareOfTheBoundWhateverTheMessage() {
        String costly = ("\u0001" + EMOJI + "\"").repeat(10_000);
        ParserLimits limits = limit(16);
        DeadLetter d = DeadLetters.of(ErrorCode.INTERNAL_ERROR, costly, LONGEST_SOURCE, Integer.MAX_VALUE,
                ("\u0001".repeat(1000)).getBytes(StandardCharsets.UTF_8), 0, 1000, true, limits.maxDeadLetterPayloadBytes);
        d.field = "movie_title";
        assertThat(RequestParser.firstBadCharacter(d.error.replace("\u0001", ""))).isEqualTo(-1);
        assertThat(CODEC.encode(d).length).isLessThanOrEqualTo(parserBound(limits));
    }

    /** A request refused after validation carries the validated request, never cut: the bound covers it too. */
    @Test
    void aValidatedRequestOfTheCostliestCharactersStaysWithinTheBound() {
        for (ParserLimits limits : List.of(ParserLimits.defaults(), limit(16))) {
            RatingRequest r = new RatingRequest();
            r.requestId = "\\".repeat(limits.maxRequestIdChars);
            r.requestIdGiven = true;
            r.userId = EMOJI.repeat(limits.maxUserIdChars / 2);
            r.movieTitle = "\"".repeat(limits.maxTitleChars);
            r.timestamp = Long.MIN_VALUE;
            r.source = LONGEST_SOURCE;
            r.instanceIndex = Integer.MAX_VALUE;
            DeadLetter d = DeadLetters.ofValidated(ErrorCode.MODEL_INPUT_UNREPRESENTABLE, "movie_title",
                    "x".repeat(100_000), r);
            assertThat(CODEC.encode(d).length).isLessThanOrEqualTo(bound(limits));
            r.movieTitle = EMOJI.repeat(limits.maxTitleChars / 2);
            d = DeadLetters.ofValidated(ErrorCode.MODEL_INPUT_UNREPRESENTABLE, "movie_title", "x", r);
            assertThat(CODEC.encode(d).length).isLessThanOrEqualTo(bound(limits));
        }
    }

    private static int payloadAsWritten(DeadLetter d) {
        try {
            return EventJson.mapper().writeValueAsBytes(d.payload).length - 2;
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }
}

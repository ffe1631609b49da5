package dev.marquee.data.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.DeadLetter;
import dev.marquee.data.event.SourcePosition;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RequestParserBadInputTest {
    private static final SourcePosition SOURCE = new SourcePosition("rating-requests", 1, 42, 1_000L);
    private final RequestParser parser = new RequestParser();

    static List<BadInputCatalog.Case> cases() {
        return BadInputCatalog.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyBadInputBecomesExactlyOneDeadLetterWithItsCode(BadInputCatalog.Case c) {
        ParseResult result = parser.parse(c.payload, SOURCE);

        assertThat(result.requests()).isEmpty();
        assertThat(result.deadLetters()).hasSize(1);
        DeadLetter d = result.deadLetters().get(0);
        assertThat(d.errorCode).as(d.error).isEqualTo(c.expected);
        assertThat(d.error).isNotBlank();
        assertThat(d.source).isEqualTo(SOURCE);
        assertThat(d.instanceIndex).isEqualTo(-1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void deadLetterCarriesTheOriginalBytesBounded(BadInputCatalog.Case c) {
        DeadLetter d = parser.parse(c.payload, SOURCE).deadLetters().get(0);
        if (c.payload == null) {
            assertThat(d.payload).isNull();
            assertThat(d.payloadLength).isEqualTo(-1);
            return;
        }
        assertThat(d.payloadLength).isEqualTo(c.payload.length);
        byte[] kept = DeadLetters.payloadBytes(d);
        int max = parser.limits().maxDeadLetterPayloadBytes;
        assertThat(kept.length).isLessThanOrEqualTo(max);
        assertThat(d.payloadTruncated).isEqualTo(c.payload.length > max);
        assertThat(kept).isEqualTo(Arrays.copyOf(c.payload, kept.length));
        if (!d.payloadTruncated) assertThat(kept).isEqualTo(c.payload);
    }

    @Test
    void theCatalogCoversAtLeastThirtyKindsAndEveryCodeButInternalError() {
        List<BadInputCatalog.Case> all = cases();
        assertThat(all).hasSizeGreaterThanOrEqualTo(30);
        assertThat(all.stream().map(c -> c.name).collect(Collectors.toSet())).hasSize(all.size());
        assertThat(all.stream().map(c -> c.expected).collect(Collectors.toSet()))
                .containsAll(Arrays.stream(dev.marquee.data.event.ErrorCode.values())
                        .filter(code -> code != dev.marquee.data.event.ErrorCode.INTERNAL_ERROR)
                        .filter(code -> !code.afterValidation()) // the scorer's, not the parser's
                        .collect(Collectors.toList()));
    }

    /** No input is known to make the parser fail; its own failure still keeps the record, as text when it is UTF-8. */
    @Test
    void theParsersOwnFailureKeepsTheRecordAsTextWhenItIsUtf8() {
        byte[] text = "{\"user_id\":\"7\",\"movie_title\":\"Heat (1995)\",\"timestamp\":1}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        DeadLetter d = parser.internalError(new IllegalStateException("boom"), SOURCE, text).deadLetters().get(0);
        assertThat(d.errorCode).isEqualTo(dev.marquee.data.event.ErrorCode.INTERNAL_ERROR);
        assertThat(d.error).contains("boom");
        assertThat(d.source).isEqualTo(SOURCE);
        assertThat(d.payloadEncoding).isEqualTo(DeadLetter.UTF8);
        assertThat(DeadLetters.payloadBytes(d)).isEqualTo(text);

        byte[] binary = {(byte) 0xFF, 'x'};
        DeadLetter b = parser.internalError(new IllegalStateException("boom"), SOURCE, binary).deadLetters().get(0);
        assertThat(b.payloadEncoding).isEqualTo(DeadLetter.BASE64);
        assertThat(DeadLetters.payloadBytes(b)).isEqualTo(binary);
    }

    @Test
    void invalidUtf8IsKeptAsBase64() {
        DeadLetter d = parser.parse(new byte[] {(byte) 0xFF, (byte) 0xFE, 'x'}, SOURCE).deadLetters().get(0);
        assertThat(d.payloadEncoding).isEqualTo(DeadLetter.BASE64);
        assertThat(DeadLetters.payloadBytes(d)).containsExactly((byte) 0xFF, (byte) 0xFE, 'x');
    }

    @Test
    void truncationNeverSplitsAUtf8Character() {
        ParserLimits limits = ParserLimits.from(new dev.marquee.data.config.Settings(
                java.util.Map.of(ParserLimits.MAX_DEAD_LETTER_PAYLOAD_BYTES, "19")));
        // 18 ASCII bytes then 'é' (2 bytes): the é sits at bytes 18-19, so a cut at 19 would split it.
        byte[] payload = BadInputCatalog.utf8("aaaaaaaaaaaaaaaaaaé");
        DeadLetter d = new RequestParser(limits).parse(payload, SOURCE).deadLetters().get(0);
        assertThat(d.payloadTruncated).isTrue();
        assertThat(d.payload).isEqualTo("aaaaaaaaaaaaaaaaaa");
        assertThat(d.payloadLength).isEqualTo(payload.length);
    }
}

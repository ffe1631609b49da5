package dev.marquee.data.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.data.event.ErrorCode;
import dev.marquee.data.event.Rating;
import dev.marquee.data.event.SourcePosition;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/** Labels read by the request parser's rules; the job's ParseRatingsTest covers the same through the operator. */
class LabelDecoderTest {
    private static Rating decode(String json) {
        return LabelDecoder.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String label(String timestamp) {
        return "{\"user_id\":\"196\",\"movie_title\":\"Heat (1995)\",\"rating\":4,\"timestamp\":" + timestamp + "}";
    }

    @Test
    void aFractionIsAFractionToTheLastDigit() {
        assertThatThrownBy(() -> decode(label("892870992.00000001"))).hasMessageContaining("892870992.00000001 has a fraction");
        assertThat(decode(label("892870992.000")).timestamp).isEqualTo(892870992L);
        assertThat(decode(label("\"8.92870992e8\"")).timestamp).isEqualTo(892870992L);
    }

    /** Python's json.dumps writes NaN and Infinity bare: taken in a field the label does not read, refused in its own. */
    @Test
    void aNaNInAFieldTheLabelDoesNotReadIsTakenAsTheRequestParserTakesIt() {
        Rating r = decode("{\"user_id\":\"196\",\"movie_title\":\"Kolya (1996)\",\"rating\":3,\"timestamp\":881250949,"
                + "\"confidence\":NaN,\"weight\":-Infinity}");
        assertThat(r.userId).isEqualTo("196");
        assertThat(r.rating).isEqualTo(3f);
        assertThat(ParserLimits.defaults().labelProblem(r)).isNull();
        Rating nanRating = decode("{\"user_id\":\"196\",\"movie_title\":\"Kolya (1996)\",\"rating\":NaN}");
        assertThat(ParserLimits.defaults().labelProblem(nanRating)).as("a NaN rating is no label").isNotNull();
        for (String t : new String[] {"NaN", "Infinity", "-Infinity"}) {
            assertThatThrownBy(() -> decode(label(t))).as(t).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("timestamp must be a whole number of seconds");
        }
        assertThatThrownBy(() -> decode("{\"user_id\":NaN,\"movie_title\":\"Kolya (1996)\",\"rating\":3}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user_id");
        assertThatThrownBy(() -> decode("{\"user_id\":\"1\",\"movie_title\":\"Kolya (1996)\",\"rating\":3,"
                + "\"x\":NaN,\"x\":1}")).as("a key twice, NaN or not").hasMessageContaining("appears twice");
    }

    /** As a request is refused: two labels in one record, trailing garbage, a key twice; never half read. */
    @Test
    void twoLabelsInOneRecordTrailingDataAndARepeatedKeyAreRefused() {
        assertThatThrownBy(() -> decode(label("892870992") + "\n" + label("892870993"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> decode(label("892870992") + " garbage")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> decode("{\"user_id\":\"196\",\"movie_title\":\"Heat (1995)\",\"rating\":4,"
                + "\"user_id\":\"999\"}")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user_id");
        assertThat(decode(label("892870992") + " \r\n").userId).as("trailing blanks are fine").isEqualTo("196");
        assertThat(decode("{\"user_id\":\"1\",\"movie_title\":\"Heat (1995)\",\"rating\":4,\"timestamp\":892870992,"
                + "\"x\":{\"a\":1,\"a\":2}}").userId).as("a nested key twice: the request parser does not look").isEqualTo("1");
    }

    /** Bytes the request parser refuses as BAD_ENCODING are no label either: such a label's request was never scored. */
    @Test
    void aLabelNotInUtf8IsRefusedAsARequestWouldBe() {
        String json = label("892870992");
        RequestParser parser = new RequestParser();
        SourcePosition at = new SourcePosition("ratings", 0, 7, 1_000L);
        for (var charset : java.util.List.of(StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE, StandardCharsets.UTF_16,
                java.nio.charset.Charset.forName("UTF-32"))) {
            byte[] bytes = json.getBytes(charset);
            assertThat(parser.parse(bytes, at).deadLetters()).as(charset.name()).singleElement()
                    .satisfies(d -> assertThat(d.errorCode).isEqualTo(ErrorCode.BAD_ENCODING));
            assertThatThrownBy(() -> LabelDecoder.decode(bytes)).as(charset.name())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("UTF-8");
        }
        assertThatThrownBy(() -> decode(label("892870992") + "\u0000")).hasMessageContaining("NUL");
        assertThat(decode(json).userId).isEqualTo("196");
    }

    /** BigDecimal's parse grows with the square of a string's length: a 1 MiB number is refused before it is parsed. */
    @Test
    void aHugeNumberStringIsRefusedAtOnce() {
        String huge = "\"" + "9".repeat(1_000_000) + "\"";
        Assertions.assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThatThrownBy(() -> decode(label(huge))).hasMessageContaining("is not a number"));
    }

    /**
     * Decimals in fields a label does not use are not stripped of their zeros (1,000-digit ones cost ~1 ms each;
     * docs/BENCHMARKS.md has no figure for it: the reader's setting is what is checked, not a time).
     */
    @Test
    void longDecimalsInOtherFieldsAreNotStrippedOfTheirZeros() {
        assertThat(LabelDecoder.READER.getConfig().isEnabled(
                com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)).isFalse();
        String number = "1" + "0".repeat(997) + ".0";
        String label = "{\"user_id\":\"196\",\"movie_title\":\"Heat (1995)\",\"rating\":4,\"timestamp\":892870992,\"x\":["
                + String.join(",", java.util.Collections.nCopies(10, number)) + "]}";
        assertThat(decode(label).timestamp).isEqualTo(892870992L);
    }

    @Test
    void numbersInStringsFollowJsonsSyntax() {
        assertThat(decode("{\"user_id\":\"1\",\"movie_title\":\"A\",\"rating\":\"4.5\",\"timestamp\":1}").rating).isEqualTo(4.5f);
        for (String javaOnly : new String[] {"4f", "4d", "0x1p2", "+4", "4."}) {
            assertThatThrownBy(() -> decode("{\"user_id\":\"1\",\"movie_title\":\"A\",\"rating\":\"" + javaOnly + "\",\"timestamp\":1}"))
                    .as(javaOnly).hasMessageContaining("rating \"" + javaOnly + "\" is not a number");
        }
    }

    @Test
    void anIntegerRequestIdIsItsDigitsAndAnArrayIsNotUnwrappedForIt() {
        assertThat(decode("{\"user_id\":\"1\",\"movie_title\":\"A\",\"rating\":4,\"timestamp\":1,\"request_id\":42}").requestId).isEqualTo("42");
        assertThatThrownBy(() -> decode("{\"user_id\":\"1\",\"movie_title\":\"A\",\"rating\":4,\"timestamp\":1,\"request_id\":[\"r\"]}"))
                .hasMessageContaining("request_id must be a string");
    }
}

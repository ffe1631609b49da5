package dev.marquee.data.parse;

import static dev.marquee.data.parse.BadInputCatalog.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.data.config.SettingException;
import dev.marquee.data.config.Settings;
import dev.marquee.data.event.DeadLetter;
import dev.marquee.data.event.ErrorCode;
import dev.marquee.data.event.RatingRequest;
import dev.marquee.data.event.SourcePosition;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestParserTest {
    private static final SourcePosition SOURCE = new SourcePosition("rating-requests", 0, 7, 1_000L);
    private final RequestParser parser = new RequestParser();

    @Test
    void aSingleInstanceBecomesOneRequestWithTheDefaultId() {
        ParseResult r = parser.parse(utf8("{\"user_id\":\"587\",\"movie_title\":\"Devil's Advocate, The (1997)\",\"timestamp\":892870992}"), SOURCE);

        assertThat(r.deadLetters()).isEmpty();
        RatingRequest q = r.requests().get(0);
        assertThat(q.requestId).isEqualTo("rating-requests-0-7");
        assertThat(q.userId).isEqualTo("587");
        assertThat(q.movieTitle).isEqualTo("Devil's Advocate, The (1997)");
        assertThat(q.timestamp).isEqualTo(892870992L);
        assertThat(q.instanceIndex).isEqualTo(-1);
        assertThat(q.source).isEqualTo(SOURCE);
        assertThat(q.extraFields).isEmpty();
    }

    @Test
    void aGivenRequestIdIsKeptAndUnicodeTitlesSurvive() {
        RatingRequest q = parser.parse(utf8("{\"request_id\":\"r-1\",\"user_id\":\"1\",\"movie_title\":\"Misérables, Les (1995)\",\"timestamp\":1}"), SOURCE)
                .requests().get(0);
        assertThat(q.requestId).isEqualTo("r-1");
        assertThat(q.movieTitle).isEqualTo("Misérables, Les (1995)");
    }

    @Test
    void escapedUnicodeAndSurrogatePairsAreAccepted() {
        RatingRequest q = parser.parse(utf8("{\"user_id\":\"1\",\"movie_title\":\"Mis\\u00e9rables \\ud83c\\udfac (1995)\",\"timestamp\":1}"), SOURCE)
                .requests().get(0);
        assertThat(q.movieTitle).isEqualTo("Misérables \uD83C\uDFAC (1995)");
    }

    @Test
    void aUtf8ByteOrderMarkIsAccepted() {
        byte[] json = utf8("{\"user_id\":\"1\",\"movie_title\":\"Heat (1995)\",\"timestamp\":1}");
        byte[] withBom = new byte[json.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(json, 0, withBom, 3, json.length);
        assertThat(parser.parse(withBom, SOURCE).requests()).hasSize(1);
    }

    @Test
    void unknownFieldsAreAllowedAndRecordedForSchemaDrift() {
        RatingRequest q = parser.parse(utf8("{\"user_id\":\"1\",\"movie_title\":\"Heat (1995)\",\"timestamp\":1,\"genre\":\"x\",\"nested\":{\"a\":[1,2]}}"), SOURCE)
                .requests().get(0);
        assertThat(q.extraFields).containsExactly("genre", "nested");
    }

    /**
     * A key holding an unpaired surrogate (a JSON escape {@code \ud800}) is echoed into drift reports and dead letters:
     * written out as the text {@code \uD800}, so that what the job writes stays encodable in UTF-8.
     */
    @Test
    void aKeyWithALoneSurrogateIsEchoedAsItsEscape() {
        String lone = "\\ud800";
        RatingRequest q = parser.parse(utf8("{\"user_id\":\"1\",\"movie_title\":\"Heat (1995)\",\"timestamp\":1,\"x"
                + lone + "\":0}"), SOURCE).requests().get(0);
        assertThat(q.extraFields).containsExactly("x\\uD800");
        assertThat(q.extraFields[0].chars().noneMatch(c -> Character.isSurrogate((char) c))).isTrue();

        ParseResult twice = parser.parse(utf8("{\"user_id\":\"1\",\"movie_title\":\"Heat (1995)\",\"timestamp\":1,\"k"
                + lone + "\":0,\"k" + lone + "\":1}"), SOURCE);
        assertThat(twice.deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.error).contains("the key \"k\\uD800\" appears twice");
            assertThat(d.error.chars().noneMatch(c -> Character.isSurrogate((char) c))).isTrue();
        });

        ParseResult missing = parser.parse(utf8("{\"user_id\":\"1\",\"timestamp\":1,\"m" + lone + "\":0}"), SOURCE);
        assertThat(missing.deadLetters()).singleElement().satisfies(d ->
                assertThat(d.error.chars().noneMatch(c -> Character.isSurrogate((char) c))).as(d.error).isTrue());
    }

    @Test
    void recordedExtraFieldsAreBounded() {
        StringBuilder sb = new StringBuilder("{\"user_id\":\"1\",\"movie_title\":\"Heat (1995)\",\"timestamp\":1");
        for (int i = 0; i < 1000; i++) sb.append(",\"f").append(i).append("\":0");
        RatingRequest q = parser.parse(utf8(sb.append('}').toString()), SOURCE).requests().get(0);
        assertThat(q.extraFields).hasSize(parser.limits().maxExtraFields);
    }

    @Test
    void anEnvelopeGivesOneRequestPerInstanceInOrder() {
        String json = "{\"signature_name\":\"serving_default\",\"instances\":["
                + "{\"user_id\":\"1\",\"movie_title\":\"A (1990)\",\"timestamp\":10},"
                + "{\"user_id\":\"2\",\"movie_title\":\"B (1991)\",\"timestamp\":20,\"request_id\":\"mine\"},"
                + "{\"user_id\":\"3\",\"movie_title\":\"C (1992)\",\"timestamp\":30}]}";
        ParseResult r = parser.parse(utf8(json), SOURCE);

        assertThat(r.deadLetters()).isEmpty();
        assertThat(r.requests()).extracting(q -> q.requestId)
                .containsExactly("rating-requests-0-7#0", "mine", "rating-requests-0-7#2");
        assertThat(r.requests()).extracting(q -> q.instanceIndex).containsExactly(0, 1, 2);
        assertThat(r.requests()).extracting(q -> q.userId).containsExactly("1", "2", "3");
    }

    @Test
    void anEnvelopeWithoutSignatureNameIsAccepted() {
        ParseResult r = parser.parse(utf8("{\"instances\":[{\"user_id\":\"1\",\"movie_title\":\"A (1990)\",\"timestamp\":10}]}"), SOURCE);
        assertThat(r.requests()).hasSize(1);
    }

    @Test
    void badInstancesInASoundEnvelopeBecomeDeadLettersCarryingTheirOwnBytes() {
        String good = "{\"user_id\":\"1\",\"movie_title\":\"A (1990)\",\"timestamp\":10}";
        String badType = "{\"user_id\":1, \"movie_title\":\"B (1991)\",\"timestamp\":20}";
        String json = "{\"instances\":[" + good + ", " + badType + " ,42,[1,[2]],\"s\",null," + good + "]}";
        ParseResult r = parser.parse(utf8(json), SOURCE);

        assertThat(r.outcomes()).isEqualTo(7);
        assertThat(r.requests()).extracting(q -> q.instanceIndex).containsExactly(0, 6);
        assertThat(r.deadLetters()).extracting(d -> d.instanceIndex).containsExactly(1, 2, 3, 4, 5);
        assertThat(r.deadLetters()).extracting(d -> d.errorCode).containsExactly(
                ErrorCode.WRONG_TYPE, ErrorCode.NOT_AN_OBJECT, ErrorCode.NOT_AN_OBJECT, ErrorCode.NOT_AN_OBJECT, ErrorCode.NOT_AN_OBJECT);
        assertThat(r.deadLetters()).extracting(d -> d.payload).containsExactly(badType, "42", "[1,[2]]", "\"s\"", "null");
        assertThat(r.deadLetters()).allSatisfy(d -> assertThat(d.payloadLength).isEqualTo(d.payload.getBytes(StandardCharsets.UTF_8).length));
    }

    @Test
    void envelopeLevelExtrasAreRecordedOnEveryInstance() {
        String json = "{\"instances\":[{\"user_id\":\"1\",\"movie_title\":\"A (1990)\",\"timestamp\":10}],\"user_id\":\"9\",\"trace\":1}";
        RatingRequest q = parser.parse(utf8(json), SOURCE).requests().get(0);
        assertThat(q.extraFields).containsExactly("envelope.user_id", "envelope.trace");
    }

    @Test
    void anEnvelopeAtTheInstanceLimitIsAcceptedAndOneMoreIsRefused() {
        ParserLimits limits = ParserLimits.from(new Settings(Map.of(ParserLimits.MAX_INSTANCES, "3")));
        RequestParser p = new RequestParser(limits);
        String one = "{\"user_id\":\"1\",\"movie_title\":\"A (1990)\",\"timestamp\":10}";
        assertThat(p.parse(utf8("{\"instances\":[" + one + "," + one + "," + one + "]}"), SOURCE).requests()).hasSize(3);
        ParseResult tooMany = p.parse(utf8("{\"instances\":[" + one + "," + one + "," + one + "," + one + "]}"), SOURCE);
        assertThat(tooMany.deadLetters()).singleElement().extracting(d -> d.errorCode).isEqualTo(ErrorCode.TOO_MANY_INSTANCES);
    }

    @Test
    void timestampBoundsAreInclusiveSettings() {
        ParserLimits limits = ParserLimits.from(new Settings(Map.of(ParserLimits.MIN_TIMESTAMP, "100", ParserLimits.MAX_TIMESTAMP, "200")));
        RequestParser p = new RequestParser(limits);
        assertThat(p.parse(utf8("{\"user_id\":\"1\",\"movie_title\":\"A\",\"timestamp\":100}"), SOURCE).requests()).hasSize(1);
        assertThat(p.parse(utf8("{\"user_id\":\"1\",\"movie_title\":\"A\",\"timestamp\":200}"), SOURCE).requests()).hasSize(1);
        assertThat(p.parse(utf8("{\"user_id\":\"1\",\"movie_title\":\"A\",\"timestamp\":99}"), SOURCE).deadLetters().get(0).errorCode)
                .isEqualTo(ErrorCode.OUT_OF_RANGE);
        assertThat(p.parse(utf8("{\"user_id\":\"1\",\"movie_title\":\"A\",\"timestamp\":201}"), SOURCE).deadLetters().get(0).errorCode)
                .isEqualTo(ErrorCode.OUT_OF_RANGE);
    }

    @Test
    void aNullSourceDoesNotThrow() {
        ParseResult r = parser.parse(utf8("{\"user_id\":\"1\",\"movie_title\":\"A\",\"timestamp\":1}"), null);
        assertThat(r.requests()).hasSize(1);
    }

    @Test
    void badLimitSettingsFailWithAClearMessage() {
        assertThatThrownBy(() -> ParserLimits.from(new Settings(Map.of(ParserLimits.MAX_INSTANCES, "lots"))))
                .isInstanceOf(SettingException.class)
                .hasMessage("parser.max-instances must be a whole number between 1 and 1000000, got 'lots'");
        assertThatThrownBy(() -> ParserLimits.from(new Settings(Map.of(ParserLimits.MIN_TIMESTAMP, "10", ParserLimits.MAX_TIMESTAMP, "5"))))
                .isInstanceOf(SettingException.class)
                .hasMessageContaining("parser.min-timestamp");
        // seconds whose milliseconds overflow a long would wrap every event time computed from them
        assertThatThrownBy(() -> ParserLimits.from(new Settings(Map.of(ParserLimits.MAX_TIMESTAMP, String.valueOf(Long.MAX_VALUE)))))
                .isInstanceOf(SettingException.class)
                .hasMessage("parser.max-timestamp must be between -9223372036854775 and 9223372036854775, got 9223372036854775807");
        assertThat(ParserLimits.from(new Settings(Map.of(ParserLimits.MAX_TIMESTAMP, "9223372036854775"))).maxTimestamp * 1000)
                .isPositive();
        assertThatThrownBy(() -> ParserLimits.from(new Settings(Map.of(ParserLimits.MIN_TIMESTAMP, String.valueOf(Long.MIN_VALUE)))))
                .isInstanceOf(SettingException.class)
                .hasMessage("parser.min-timestamp must be between -9223372036854775 and 9223372036854775, got -9223372036854775808");
        assertThat(ParserLimits.from(new Settings(Map.of(ParserLimits.MIN_TIMESTAMP, "-9223372036854775"))).minTimestamp * 1000)
                .isNegative();
    }

    /** What a TF-Serving client sends: for a float timestamp input, a column input, an empty signature name. */
    @Test
    void tfServingClientsRequestsAreTaken() {
        ParseResult decimal = parser.parse(utf8("{\"user_id\":\"587\",\"movie_title\":\"Heat (1995)\",\"timestamp\":892870992.0}"), null);
        assertThat(decimal.requests()).singleElement().satisfies(r -> assertThat(r.timestamp).isEqualTo(892870992L));
        ParseResult fraction = parser.parse(utf8("{\"user_id\":\"587\",\"movie_title\":\"Heat (1995)\",\"timestamp\":892870992.5}"), null);
        assertThat(fraction.deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.errorCode).isEqualTo(ErrorCode.WRONG_TYPE);
            assertThat(d.error).contains("got a number with a fraction");
        });
        ParseResult column = parser.parse(utf8("{\"signature_name\":\"\",\"instances\":[{\"user_id\":[\"196\"],"
                + "\"movie_title\":[\"Kolya (1996)\"],\"timestamp\":[881250949]}]}"), null);
        assertThat(column.deadLetters()).isEmpty();
        assertThat(column.requests()).singleElement().satisfies(r -> {
            assertThat(r.userId).isEqualTo("196");
            assertThat(r.movieTitle).isEqualTo("Kolya (1996)");
            assertThat(r.timestamp).isEqualTo(881250949L);
        });
        // an exponent whose zeros cannot be stripped without overflowing BigDecimal's scale: out of range, one outcome each
        ParseResult huge = parser.parse(utf8("{\"instances\":[{\"user_id\":\"1\",\"movie_title\":\"Heat (1995)\",\"timestamp\":892870992},"
                + "{\"user_id\":\"2\",\"movie_title\":\"Heat (1995)\",\"timestamp\":100e2147483647}]}"), null);
        assertThat(huge.requests()).hasSize(1);
        assertThat(huge.deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.errorCode).isEqualTo(ErrorCode.OUT_OF_RANGE);
            assertThat(d.instanceIndex).isEqualTo(1);
        });
        ParseResult nested = parser.parse(utf8("{\"user_id\":[[\"196\"]],\"movie_title\":[\"A\",{\"b\":[1]}],\"timestamp\":[]}"), null);
        assertThat(nested.deadLetters()).singleElement().satisfies(d -> assertThat(d.errorCode).isEqualTo(ErrorCode.WRONG_TYPE));
    }

    @Test
    void signatureNamesAreASetting() {
        String predict = "{\"signature_name\":\"predict\",\"instances\":[{\"user_id\":\"1\",\"movie_title\":\"A\",\"timestamp\":1}]}";
        assertThat(parser.parse(utf8(predict), null).deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.errorCode).isEqualTo(ErrorCode.UNKNOWN_SIGNATURE);
            assertThat(d.error).isEqualTo("signature_name must be empty or \"serving_default\" (parser.signature-names names those taken),"
                    + " got \"predict\"");
        });
        RequestParser both = new RequestParser(ParserLimits.from(new Settings(Map.of(ParserLimits.SIGNATURE_NAMES, "serving_default, predict"))));
        assertThat(both.parse(utf8(predict), null).requests()).hasSize(1);
        assertThatThrownBy(() -> ParserLimits.from(new Settings(Map.of(ParserLimits.SIGNATURE_NAMES, " , "))))
                .isInstanceOf(SettingException.class).hasMessageContaining("parser.signature-names must name at least one");
    }

    /** A client of a model without a timestamp input sends none (TF Serving refuses the key): a setting takes it. */
    @Test
    void aMissingTimestampCanBeTheRecordsOwn() {
        byte[] untimed = utf8("{\"user_id\":\"1\",\"movie_title\":\"Heat (1995)\"}");
        SourcePosition at = new SourcePosition("rating-requests", 0, 7, 892_870_992_123L);
        assertThat(parser.parse(untimed, at).deadLetters()).singleElement()
                .satisfies(d -> assertThat(d.errorCode).isEqualTo(ErrorCode.MISSING_FIELD));
        RequestParser recordTime = new RequestParser(ParserLimits.from(new Settings(Map.of(ParserLimits.MISSING_TIMESTAMP, "record-time"))));
        assertThat(recordTime.parse(untimed, at).requests()).singleElement()
                .satisfies(r -> assertThat(r.timestamp).isEqualTo(892_870_992L));
        assertThat(recordTime.parse(untimed, new SourcePosition("rating-requests", 0, 7, -1)).deadLetters())
                .as("no record time known").hasSize(1);
        assertThat(recordTime.parse(untimed, new SourcePosition("rating-requests", 0, 7, 0)).deadLetters())
                .as("a record stamped 0: none either").hasSize(1);
        assertThatThrownBy(() -> ParserLimits.from(new Settings(Map.of(ParserLimits.MISSING_TIMESTAMP, "now"))))
                .isInstanceOf(SettingException.class).hasMessageContaining("refuse or record-time");
    }

    /** A key that differs from a field only by what cannot be seen (a CSV export's byte-order mark) is shown escaped. */
    @Test
    void aKeyWithInvisibleCharactersIsShownEscapedAndNamedAsTheFieldItLooksLike() {
        String error = parser.parse(utf8("{\"\uFEFFuser_id\":\"5\",\"movie_title\":\"Heat (1995)\",\"timestamp\":1}"), null)
                .deadLetters().get(0).error;
        assertThat(error).startsWith("user_id is required (the instance has \\uFEFFuser_id: \\uFEFFuser_id is user_id with"
                + " invisible characters or spaces").doesNotContain("\uFEFF");
    }

    /** The dead letter says what a client that used TF Serving's conventions should send instead. */
    @Test
    void refusalsNameWhatToSendInstead() {
        assertThat(parser.parse(utf8("{\"user\":\"5\",\"title\":\"Heat (1995)\",\"ts\":1}"), null).deadLetters().get(0).error)
                .isEqualTo("user_id is required (the instance has user, title, ts: requests name the fields user_id,"
                        + " movie_title and timestamp, whatever the model's input names)");
        assertThat(parser.parse(utf8("{\"user_id\":587,\"movie_title\":\"Heat (1995)\",\"timestamp\":1}"), null).deadLetters().get(0).error)
                .contains("send it as a string (\"587\")");
        assertThat(parser.parse(utf8("{\"signature_name\":\"serving_default\",\"user_id\":\"5\",\"movie_title\":\"A\",\"timestamp\":1}"), null)
                .deadLetters().get(0).error).contains("user_id, movie_title, timestamp are at its top level");
        assertThat(parser.parse(utf8("{\"instances\":[],\"inputs\":{}}"), null).deadLetters().get(0).error)
                .contains("both \"instances\" and \"inputs\"");
    }

    @Test
    void aDeadLetterOfAWholeRecordHasNoInstanceIndex() {
        DeadLetter d = parser.parse(utf8("{"), SOURCE).deadLetters().get(0);
        assertThat(d.instanceIndex).isEqualTo(-1);
        assertThat(d.payload).isEqualTo("{");
        assertThat(d.payloadEncoding).isEqualTo(DeadLetter.UTF8);
    }
    /** Python's json.dumps writes NaN for a missing value, and TF Serving parses it: that instance is refused, not the envelope. */
    @Test
    void aNaNOrInfinityRefusesItsInstanceOnly() {
        String json = "{\"instances\":[{\"user_id\":\"587\",\"movie_title\":\"Heat (1995)\",\"timestamp\":892870992},"
                + "{\"user_id\":\"1\",\"movie_title\":\"Heat (1995)\",\"timestamp\":NaN},"
                + "{\"user_id\":\"2\",\"movie_title\":\"Heat (1995)\",\"timestamp\":[-Infinity]},"
                + "{\"user_id\":\"3\",\"movie_title\":\"Heat (1995)\",\"timestamp\":892870992,\"score\":Infinity}]}";
        ParseResult r = parser.parse(utf8(json), SOURCE);

        assertThat(r.requests()).extracting(q -> q.userId).containsExactly("587", "3");
        assertThat(r.deadLetters()).extracting(d -> d.instanceIndex).containsExactly(1, 2);
        assertThat(r.deadLetters()).allSatisfy(d -> {
            assertThat(d.errorCode).isEqualTo(ErrorCode.WRONG_TYPE);
            assertThat(d.field).isEqualTo("timestamp");
            assertThat(d.error).contains("got NaN or an infinity");
        });
        assertThat(parser.parse(utf8("{\"user_id\":NaN,\"movie_title\":\"Heat (1995)\",\"timestamp\":1}"), SOURCE).deadLetters())
                .singleElement().satisfies(d -> assertThat(d.errorCode).isEqualTo(ErrorCode.WRONG_TYPE));
    }

    /** TF Serving ignores an envelope's other top-level keys; a request field put there is named when an instance lacks it. */
    @Test
    void aRequestFieldAtTheEnvelopesTopLevelIsNamedAndNeverStandsInForTheInstances() {
        byte[] json = utf8("{\"timestamp\":892870992,\"user_id\":\"9\",\"instances\":[{\"user_id\":\"1\",\"movie_title\":\"Heat (1995)\"},"
                + "{\"movie_title\":\"Heat (1995)\",\"timestamp\":5}]}");
        SourcePosition at = new SourcePosition("rating-requests", 0, 7, 1_764_966_000_000L);
        RequestParser recordTime = new RequestParser(ParserLimits.from(new Settings(Map.of(ParserLimits.MISSING_TIMESTAMP, "record-time"))));
        for (RequestParser p : new RequestParser[] {parser, recordTime}) {
            ParseResult r = p.parse(json, at);
            assertThat(r.requests()).isEmpty();
            assertThat(r.deadLetters()).extracting(d -> d.errorCode).containsExactly(ErrorCode.MISSING_FIELD, ErrorCode.MISSING_FIELD);
            assertThat(r.deadLetters().get(0).field).isEqualTo("timestamp");
            assertThat(r.deadLetters().get(0).error).contains("the envelope has timestamp at its top level");
            assertThat(r.deadLetters().get(1).field).isEqualTo("user_id");
            assertThat(r.deadLetters().get(1).error).contains("the envelope has user_id at its top level");
        }
        byte[] idAtTop = utf8("{\"request_id\":\"batch-17\",\"instances\":[{\"user_id\":\"1\",\"movie_title\":\"Heat (1995)\"}]}");
        assertThat(recordTime.parse(idAtTop, at).requests()).as("record time stands in when the client sent no timestamp at all")
                .singleElement().satisfies(q -> {
                    assertThat(q.timestamp).isEqualTo(1_764_966_000L);
                    assertThat(q.requestId).isEqualTo("rating-requests-0-7#0");
                    assertThat(q.extraFields).containsExactly("envelope.request_id");
                });
    }

    @Test
    void aTfServingBase64ValueIsRefusedWithWhatToSendInstead() {
        DeadLetter d = parser.parse(utf8("{\"user_id\":{\"b64\":\"NTg3\"},\"movie_title\":\"Heat (1995)\",\"timestamp\":1}"), SOURCE)
                .deadLetters().get(0);
        assertThat(d.errorCode).isEqualTo(ErrorCode.WRONG_TYPE);
        assertThat(d.error).contains("if it is TF Serving's {\"b64\": ...} form: that form is not taken; send the text as a JSON string");
    }
}

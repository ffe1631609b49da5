package dev.marquee.data.parse;

import static dev.marquee.data.parse.BadInputCatalog.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.DeadLetter;
import dev.marquee.data.event.ErrorCode;
import dev.marquee.data.event.RatingRequest;
import dev.marquee.data.event.SourcePosition;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The parser keeps what docs/EVENTS.md and docs/RELIABILITY.md promise, for the cases an independent hostile
 * corpus found it did not (issue 16): envelope-level duplicate keys, titles of only Unicode spaces, key length,
 * clipping next to a surrogate pair, and every documented control-character rule.
 */
class RequestParserPromisesTest {
    private static final SourcePosition SOURCE = new SourcePosition("rating-requests", 2, 7, 1_000L);
    private static final String INSTANCE = "{\"user_id\":\"1\",\"movie_title\":\"Heat (1995)\",\"timestamp\":1}";
    private static final String EMOJI = "\uD83D\uDE00"; // U+1F600, 4 bytes in UTF-8, a surrogate pair in Java
    private final RequestParser parser = new RequestParser();

    private ParseResult parse(String json) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8), SOURCE);
    }

    private static ErrorCode wholeCode(ParseResult r) {
        assertThat(r.outcomes()).as("%s", r).isEqualTo(1);
        return r.deadLetters().isEmpty() ? null : r.deadLetters().get(0).errorCode;
    }

    // --- EVENTS.md: DUPLICATE_FIELD is "a key twice in one object (request or envelope level)"

    static List<String> envelopeDuplicates() {
        String sig = "\"signature_name\":\"serving_default\"";
        String inst = "\"instances\":[" + INSTANCE + "]";
        return List.of(
                "{" + sig + "," + inst + "," + inst + "}",
                "{" + sig + "," + sig + "," + inst + "}",
                "{" + inst + ",\"instance\\u0073\":[" + INSTANCE + "]}",
                "{" + inst + ",\"device\":\"tv\",\"device\":\"tv\"}",
                "{\"request_id\":\"a\",\"request_id\":\"b\"," + inst + "}",
                "{\"user_id\":\"1\"," + inst + ",\"user_id\":\"1\"}",
                "{\"timestamp\":1,\"timestamp\":\"1\"," + sig + "," + inst + "}");
    }

    @ParameterizedTest
    @MethodSource("envelopeDuplicates")
    void aKeyTwiceAtTheEnvelopeLevelIsDuplicateFieldForTheWholeRecord(String json) {
        ParseResult r = parse(json);
        assertThat(wholeCode(r)).isEqualTo(ErrorCode.DUPLICATE_FIELD);
        assertThat(r.deadLetters().get(0).instanceIndex).isEqualTo(-1);
    }

    // --- EVENTS.md: EMPTY_FIELD is "a string field is empty or blank"

    static List<Arguments> blankStrings() {
        String[] blanks = {"\u00A0", "\u2007", "\u202F", "\u2000", "\u2005", "\u200A", "\u3000", "\u1680", "\u205F",
            "\u2028", "\u2029", "\u200B", "\u200C", "\u200D", "\u2060", "\uFEFF", "\u180E", "\u00AD", "\u3164",
            " \u00A0 \u200B ", "\u2007\u2007\u202F"};
        List<Arguments> cases = new ArrayList<>();
        for (String field : List.of("movie_title", "user_id", "request_id")) {
            for (String b : blanks) cases.add(Arguments.of(field, b));
        }
        return cases;
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("blankStrings")
    void aStringOfOnlyUnicodeSpacesOrInvisibleCharactersIsEmptyFieldLikeABlankOne(String field, String blank) {
        String json = withField(field, jsonEscape(blank));
        ParseResult r = parse(json);
        assertThat(wholeCode(r)).as("%s = %s", field, codePoints(blank)).isEqualTo(ErrorCode.EMPTY_FIELD);
        assertThat(r.deadLetters().get(0).field).isEqualTo(field);
        assertThat(wholeCode(parse(withField(field, "   ")))).isEqualTo(ErrorCode.EMPTY_FIELD);
    }

    @Test
    void textWithSpacesOrInvisibleCharactersAroundRealCharactersIsAccepted() {
        assertThat(wholeCode(parse(withField("movie_title", "\u00A0Heat\u200B (1995)\u3000")))).isNull();
        assertThat(wholeCode(parse(withField("movie_title", "\u202E)5991( taeH")))).isNull();
    }

    // --- RELIABILITY.md: keys over 50,000 are refused as FIELD_TOO_LONG; the unit is UTF-8 bytes (documented)

    @Test
    void keyLengthIsCountedInUtf8BytesAtEveryLevelAndTheMessageSaysSo() {
        String fits = "\u00E9".repeat(25_000);      // 25,000 characters, 50,000 bytes
        String over = "\u00E9".repeat(25_001);      // 25,001 characters, 50,002 bytes
        String overEmoji = EMOJI.repeat(12_501);   // 25,002 chars (12,501 code points), 50,004 bytes
        for (String where : List.of("top", "instance", "nested")) {
            assertThat(wholeOrFirst(parse(withKey(where, fits)))).as(where).isNull();
            for (String key : List.of(over, overEmoji)) {
                ParseResult r = parse(withKey(where, key));
                assertThat(r.deadLetters()).as(where).hasSize(1);
                DeadLetter d = r.deadLetters().get(0);
                assertThat(d.errorCode).as(where).isEqualTo(ErrorCode.FIELD_TOO_LONG);
                assertThat(d.error).as(where).contains("50000 bytes");
            }
        }
    }

    private static ErrorCode wholeOrFirst(ParseResult r) {
        return r.deadLetters().isEmpty() ? null : r.deadLetters().get(0).errorCode;
    }

    private static String withKey(String where, String key) {
        String entry = "\"" + key + "\":1,";
        switch (where) {
            case "top": return "{" + entry + INSTANCE.substring(1);
            case "instance": return "{\"instances\":[{" + entry + INSTANCE.substring(1) + "]}";
            default: return "{\"x\":{" + entry + "\"y\":2}," + INSTANCE.substring(1);
        }
    }

    // --- clipping (names kept as extra fields, names and values quoted in messages) never splits a surrogate pair

    @Test
    void anExtraFieldNameIsClippedWithoutSplittingASurrogatePair() {
        String name = "k".repeat(63) + EMOJI + "tail"; // the pair sits at chars 63-64, across the 64-char clip
        RatingRequest q = parse("{\"" + name + "\":1," + INSTANCE.substring(1)).requests().get(0);
        assertThat(q.extraFields).hasSize(1);
        assertThat(q.extraFields[0]).hasSizeLessThanOrEqualTo(64).startsWith("k".repeat(63));
        assertThat(RequestParser.firstBadCharacter(q.extraFields[0])).isEqualTo(-1);
    }

    @Test
    void messagesQuotingAKeyOrASignatureAreClippedWithoutSplittingASurrogatePair() {
        String name = "k".repeat(63) + EMOJI + "tail";
        DeadLetter dup = parse("{\"" + name + "\":1,\"" + name + "\":2," + INSTANCE.substring(1)).deadLetters().get(0);
        assertThat(dup.errorCode).isEqualTo(ErrorCode.DUPLICATE_FIELD);
        assertThat(RequestParser.firstBadCharacter(dup.error)).as(dup.error).isEqualTo(-1);

        DeadLetter sig = parse("{\"signature_name\":\"" + name + "\",\"instances\":[" + INSTANCE + "]}").deadLetters().get(0);
        assertThat(sig.errorCode).isEqualTo(ErrorCode.UNKNOWN_SIGNATURE);
        assertThat(RequestParser.firstBadCharacter(sig.error)).as(sig.error).isEqualTo(-1);
    }

    // --- every control-character rule EVENTS.md and RELIABILITY.md state, in every contract string field

    static List<Arguments> controlCharacterRules() {
        List<Arguments> cases = new ArrayList<>();
        for (String field : List.of("user_id", "movie_title", "request_id")) {
            for (int c = 0x01; c <= 0x1F; c++) {
                // "raw control characters U+0001-U+001F inside a string (tab and newline included)": MALFORMED_JSON
                cases.add(Arguments.of(field, "raw U+" + hex(c), "a" + (char) c + "b", ErrorCode.MALFORMED_JSON));
            }
            for (int c = 0x00; c <= 0x1F; c++) {
                // "escaped control characters \\u0001-\\u001f, \\u0000": BAD_CHARACTERS, alone, inside text or amid spaces
                String esc = "\\u" + hex(c);
                cases.add(Arguments.of(field, "escaped " + esc + " inside text", "a" + esc + "b", ErrorCode.BAD_CHARACTERS));
                cases.add(Arguments.of(field, "escaped " + esc + " alone", esc, ErrorCode.BAD_CHARACTERS));
                cases.add(Arguments.of(field, "escaped " + esc + " amid spaces", "  " + esc + "  ", ErrorCode.BAD_CHARACTERS));
            }
            for (String shortEscape : List.of("\\t", "\\n", "\\r", "\\b", "\\f")) {
                cases.add(Arguments.of(field, "short escape " + shortEscape + " alone", shortEscape, ErrorCode.BAD_CHARACTERS));
                cases.add(Arguments.of(field, "short escape " + shortEscape + " inside text", "a" + shortEscape + "b", ErrorCode.BAD_CHARACTERS));
            }
            for (int c = 0x7F; c <= 0x9F; c++) {
                // "DEL and C1 controls (raw or escaped)": BAD_CHARACTERS
                cases.add(Arguments.of(field, "raw U+" + hex(c), "a" + (char) c + "b", ErrorCode.BAD_CHARACTERS));
                cases.add(Arguments.of(field, "raw U+" + hex(c) + " alone", String.valueOf((char) c), ErrorCode.BAD_CHARACTERS));
                cases.add(Arguments.of(field, "escaped \\u" + hex(c), "a\\u" + hex(c) + "b", ErrorCode.BAD_CHARACTERS));
            }
            cases.add(Arguments.of(field, "ANSI escape sequence", "\\u001b[31mred\\u001b[0m", ErrorCode.BAD_CHARACTERS));
            cases.add(Arguments.of(field, "unpaired high surrogate escape", "a\\ud800b", ErrorCode.BAD_CHARACTERS));
            cases.add(Arguments.of(field, "unpaired low surrogate escape", "a\\udc00b", ErrorCode.BAD_CHARACTERS));
            cases.add(Arguments.of(field, "reversed surrogate escapes", "a\\udc00\\ud800b", ErrorCode.BAD_CHARACTERS));
            cases.add(Arguments.of(field, "a valid surrogate pair escape", "a\\ud83d\\ude00b", null));
        }
        return cases;
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("controlCharacterRules")
    void everyDocumentedControlCharacterCaseGetsItsDocumentedCode(String field, String what, String jsonText, ErrorCode expected) {
        ParseResult r = parse(withField(field, jsonText));
        assertThat(wholeCode(r)).as("%s: %s (%s)", field, what, r.deadLetters()).isEqualTo(expected);
        if (expected == ErrorCode.BAD_CHARACTERS) assertThat(r.deadLetters().get(0).field).isEqualTo(field);
    }

    @Test
    void aRawNulByteIsBadEncoding() {
        byte[] json = utf8(withField("user_id", "a?b"));
        for (int i = 0; i < json.length; i++) if (json[i] == '?') json[i] = 0;
        assertThat(wholeCode(parser.parse(json, SOURCE))).isEqualTo(ErrorCode.BAD_ENCODING);
    }

    /** A single request with {@code field} set to the JSON string text {@code jsonText} (already escaped). */
    private static String withField(String field, String jsonText) {
        String user = field.equals("user_id") ? jsonText : "1";
        String title = field.equals("movie_title") ? jsonText : "Heat (1995)";
        String id = field.equals("request_id") ? "\"request_id\":\"" + jsonText + "\"," : "";
        return "{" + id + "\"user_id\":\"" + user + "\",\"movie_title\":\"" + title + "\",\"timestamp\":1}";
    }

    private static String jsonEscape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) sb.append(c < 0x80 ? String.valueOf(c) : "\\u" + hex(c));
        return sb.toString();
    }

    private static String hex(int c) {
        return String.format(Locale.ROOT, "%04x", c);
    }

    private static String codePoints(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(cp -> sb.append("U+").append(String.format(Locale.ROOT, "%04X", cp)).append(' '));
        return sb.toString().trim();
    }
}

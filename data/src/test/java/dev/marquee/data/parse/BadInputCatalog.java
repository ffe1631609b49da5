package dev.marquee.data.parse;

import dev.marquee.data.event.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Kinds of bad input, each with the error code the parser must give it. Shared by the parser tests. */
public final class BadInputCatalog {
    /** One kind of bad input. */
    public static final class Case {
        public final String name;
        public final byte[] payload;
        public final ErrorCode expected;

        Case(String name, byte[] payload, ErrorCode expected) {
            this.name = name;
            this.payload = payload;
            this.expected = expected;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private BadInputCatalog() {}

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String valid(String userId, String title, String ts) {
        return "{\"user_id\":" + userId + ",\"movie_title\":" + title + ",\"timestamp\":" + ts + "}";
    }

    public static List<Case> all() {
        List<Case> c = new ArrayList<>();
        String title = "\"Devil's Advocate, The (1997)\"";
        c.add(new Case("empty value", new byte[0], ErrorCode.EMPTY_PAYLOAD));
        c.add(new Case("tombstone (null value)", null, ErrorCode.EMPTY_PAYLOAD));
        c.add(new Case("white space only", utf8("  \n\t "), ErrorCode.MALFORMED_JSON));
        c.add(new Case("truncated JSON", utf8("{\"user_id\":\"587\",\"movie_t"), ErrorCode.MALFORMED_JSON));
        c.add(new Case("truncated string", utf8("{\"user_id\":\"58"), ErrorCode.MALFORMED_JSON));
        c.add(new Case("trailing garbage", utf8(valid("\"587\"", title, "892870992") + " x"), ErrorCode.MALFORMED_JSON));
        c.add(new Case("two JSON objects", utf8(valid("\"1\"", title, "1") + valid("\"2\"", title, "2")), ErrorCode.MALFORMED_JSON));
        c.add(new Case("single quotes", utf8("{'user_id':'587','movie_title':'x','timestamp':1}"), ErrorCode.MALFORMED_JSON));
        c.add(new Case("NaN timestamp (Python's json writes it)", utf8(valid("\"587\"", title, "NaN")), ErrorCode.WRONG_TYPE));
        c.add(new Case("Infinity timestamp", utf8(valid("\"587\"", title, "Infinity")), ErrorCode.WRONG_TYPE));
        c.add(new Case("+Infinity timestamp", utf8(valid("\"587\"", title, "+Infinity")), ErrorCode.WRONG_TYPE));
        c.add(new Case("-INF timestamp", utf8(valid("\"587\"", title, "-INF")), ErrorCode.WRONG_TYPE));
        c.add(new Case("bare INF timestamp (not a token Jackson takes)", utf8(valid("\"587\"", title, "INF")), ErrorCode.MALFORMED_JSON));
        c.add(new Case("a leading + on a timestamp", utf8(valid("\"587\"", title, "+892870992")), ErrorCode.MALFORMED_JSON));
        c.add(new Case("comment", utf8("{/* hi */\"user_id\":\"1\"}"), ErrorCode.MALFORMED_JSON));
        c.add(new Case("missing colon", utf8("{\"user_id\" \"1\"}"), ErrorCode.MALFORMED_JSON));
        c.add(new Case("unquoted key", utf8("{user_id:\"1\"}"), ErrorCode.MALFORMED_JSON));
        c.add(new Case("raw control character in string", utf8("{\"user_id\":\"5\u00017\",\"movie_title\":" + title + ",\"timestamp\":1}"), ErrorCode.MALFORMED_JSON));
        c.add(new Case("top-level array", utf8("[" + valid("\"587\"", title, "1") + "]"), ErrorCode.NOT_AN_OBJECT));
        c.add(new Case("top-level string", utf8("\"587\""), ErrorCode.NOT_AN_OBJECT));
        c.add(new Case("top-level number", utf8("42"), ErrorCode.NOT_AN_OBJECT));
        c.add(new Case("top-level null", utf8("null"), ErrorCode.NOT_AN_OBJECT));
        c.add(new Case("missing user_id", utf8("{\"movie_title\":" + title + ",\"timestamp\":892870992}"), ErrorCode.MISSING_FIELD));
        c.add(new Case("missing movie_title", utf8("{\"user_id\":\"587\",\"timestamp\":892870992}"), ErrorCode.MISSING_FIELD));
        c.add(new Case("missing timestamp", utf8("{\"user_id\":\"587\",\"movie_title\":" + title + "}"), ErrorCode.MISSING_FIELD));
        c.add(new Case("empty object", utf8("{}"), ErrorCode.MISSING_FIELD));
        c.add(new Case("null user_id", utf8(valid("null", title, "892870992")), ErrorCode.MISSING_FIELD));
        c.add(new Case("null timestamp", utf8(valid("\"587\"", title, "null")), ErrorCode.MISSING_FIELD));
        c.add(new Case("empty user_id", utf8(valid("\"\"", title, "892870992")), ErrorCode.EMPTY_FIELD));
        c.add(new Case("blank movie_title", utf8(valid("\"587\"", "\"   \"", "892870992")), ErrorCode.EMPTY_FIELD));
        c.add(new Case("empty request_id", utf8("{\"request_id\":\"\",\"user_id\":\"1\",\"movie_title\":" + title + ",\"timestamp\":1}"), ErrorCode.EMPTY_FIELD));
        c.add(new Case("number where a string belongs (user_id)", utf8(valid("587", title, "892870992")), ErrorCode.WRONG_TYPE));
        c.add(new Case("boolean movie_title", utf8(valid("\"587\"", "true", "892870992")), ErrorCode.WRONG_TYPE));
        c.add(new Case("object movie_title", utf8(valid("\"587\"", "{\"t\":1}", "892870992")), ErrorCode.WRONG_TYPE));
        // a one-element array is TF Serving's row format of a column input, taken; two values are not one id
        c.add(new Case("array user_id", utf8(valid("[\"587\",\"588\"]", title, "892870992")), ErrorCode.WRONG_TYPE));
        c.add(new Case("string timestamp", utf8(valid("\"587\"", title, "\"892870992\"")), ErrorCode.WRONG_TYPE));
        c.add(new Case("decimal timestamp", utf8(valid("\"587\"", title, "892870992.5")), ErrorCode.WRONG_TYPE));
        c.add(new Case("boolean timestamp", utf8(valid("\"587\"", title, "false")), ErrorCode.WRONG_TYPE));
        c.add(new Case("number request_id", utf8("{\"request_id\":7,\"user_id\":\"1\",\"movie_title\":" + title + ",\"timestamp\":1}"), ErrorCode.WRONG_TYPE));
        c.add(new Case("negative timestamp", utf8(valid("\"587\"", title, "-1")), ErrorCode.OUT_OF_RANGE));
        c.add(new Case("absurd timestamp (milliseconds)", utf8(valid("\"587\"", title, "1700000000000")), ErrorCode.OUT_OF_RANGE));
        c.add(new Case("timestamp beyond int64", utf8(valid("\"587\"", title, "9223372036854775808")), ErrorCode.OUT_OF_RANGE));
        c.add(new Case("100-digit number", utf8(valid("\"587\"", title, "1".repeat(100))), ErrorCode.OUT_OF_RANGE));
        c.add(new Case("10 MB payload", tenMegabytes(), ErrorCode.TOO_LARGE));
        c.add(new Case("invalid UTF-8", new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, 0x28, '"', '}'}, ErrorCode.BAD_ENCODING));
        c.add(new Case("overlong UTF-8", new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'}, ErrorCode.BAD_ENCODING));
        c.add(new Case("UTF-8 encoded surrogate", new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'}, ErrorCode.BAD_ENCODING));
        c.add(new Case("UTF-16 text", valid("\"587\"", title, "1").getBytes(StandardCharsets.UTF_16LE), ErrorCode.BAD_ENCODING));
        c.add(new Case("Latin-1 text", valid("\"587\"", "\"Misérables, Les (1995)\"", "1").getBytes(StandardCharsets.ISO_8859_1), ErrorCode.BAD_ENCODING));
        c.add(new Case("NUL byte", new byte[] {'{', 0, '}'}, ErrorCode.BAD_ENCODING));
        c.add(new Case("deep nesting", utf8("{\"user_id\":\"1\",\"x\":" + "[".repeat(1000) + "]".repeat(1000) + "}"), ErrorCode.TOO_DEEP));
        c.add(new Case("deep object nesting", utf8("{\"a\":".repeat(200) + "1" + "}".repeat(200)), ErrorCode.TOO_DEEP));
        c.add(new Case("duplicate keys", utf8("{\"user_id\":\"1\",\"user_id\":\"2\",\"movie_title\":" + title + ",\"timestamp\":1}"), ErrorCode.DUPLICATE_FIELD));
        c.add(new Case("duplicate instances key", utf8("{\"instances\":[],\"instances\":[]}"), ErrorCode.DUPLICATE_FIELD));
        c.add(new Case("envelope with 0 instances", utf8("{\"signature_name\":\"serving_default\",\"instances\":[]}"), ErrorCode.EMPTY_ENVELOPE));
        c.add(new Case("envelope with 100,000 instances", envelopeOf(100_000), ErrorCode.TOO_MANY_INSTANCES));
        c.add(new Case("instances not an array", utf8("{\"instances\":{\"user_id\":\"1\"}}"), ErrorCode.BAD_ENVELOPE));
        c.add(new Case("envelope without instances", utf8("{\"signature_name\":\"serving_default\"}"), ErrorCode.BAD_ENVELOPE));
        c.add(new Case("columnar inputs", utf8("{\"inputs\":{\"user_id\":[\"1\"]}}"), ErrorCode.BAD_ENVELOPE));
        c.add(new Case("unknown signature", utf8("{\"signature_name\":\"predict\",\"instances\":[" + valid("\"1\"", title, "1") + "]}"), ErrorCode.UNKNOWN_SIGNATURE));
        c.add(new Case("signature not a string", utf8("{\"signature_name\":1,\"instances\":[" + valid("\"1\"", title, "1") + "]}"), ErrorCode.UNKNOWN_SIGNATURE));
        c.add(new Case("user_id too long", utf8(valid("\"" + "9".repeat(200) + "\"", title, "1")), ErrorCode.FIELD_TOO_LONG));
        c.add(new Case("1 MB title", utf8(valid("\"1\"", "\"" + "x".repeat(1_000_000) + "\"", "1")), ErrorCode.FIELD_TOO_LONG));
        c.add(new Case("escaped control character", utf8(valid("\"1\"", "\"Heat\\u0007 (1995)\"", "1")), ErrorCode.BAD_CHARACTERS));
        c.add(new Case("escaped newline in user_id", utf8(valid("\"58\\n7\"", title, "1")), ErrorCode.BAD_CHARACTERS));
        c.add(new Case("C1 control character", utf8(valid("\"58\u00857\"", title, "1")), ErrorCode.BAD_CHARACTERS));
        c.add(new Case("unpaired surrogate escape", utf8(valid("\"1\"", "\"\\ud800 (1995)\"", "1")), ErrorCode.BAD_CHARACTERS));
        return c;
    }

    static byte[] tenMegabytes() {
        byte[] b = new byte[10 * 1024 * 1024];
        Arrays.fill(b, (byte) ' ');
        byte[] head = utf8("{\"user_id\":\"1\",\"pad\":\"");
        System.arraycopy(head, 0, b, 0, head.length);
        b[b.length - 2] = '"';
        b[b.length - 1] = '}';
        return b;
    }

    static byte[] envelopeOf(int instances) {
        StringBuilder sb = new StringBuilder("{\"signature_name\":\"serving_default\",\"instances\":[");
        for (int i = 0; i < instances; i++) {
            if (i > 0) sb.append(',');
            sb.append("{}");
        }
        return utf8(sb.append("]}").toString());
    }
}

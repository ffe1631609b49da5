package dev.marquee.data.parse;

import static dev.marquee.data.event.ErrorCode.BAD_CHARACTERS;
import static dev.marquee.data.event.ErrorCode.BAD_ENCODING;
import static dev.marquee.data.event.ErrorCode.BAD_ENVELOPE;
import static dev.marquee.data.event.ErrorCode.DUPLICATE_FIELD;
import static dev.marquee.data.event.ErrorCode.FIELD_TOO_LONG;
import static dev.marquee.data.event.ErrorCode.MALFORMED_JSON;
import static dev.marquee.data.event.ErrorCode.MISSING_FIELD;
import static dev.marquee.data.event.ErrorCode.NOT_AN_OBJECT;
import static dev.marquee.data.event.ErrorCode.OUT_OF_RANGE;
import static dev.marquee.data.event.ErrorCode.TOO_DEEP;
import static dev.marquee.data.event.ErrorCode.TOO_LARGE;
import static dev.marquee.data.event.ErrorCode.TOO_MANY_INSTANCES;
import static dev.marquee.data.event.ErrorCode.WRONG_TYPE;

import dev.marquee.data.event.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Hostile records, each with the outcome the parser owes it under the default {@link ParserLimits}. Small ones
 * are files in {@code src/test/resources/hostile/} (raw bytes, described in its README.md); big ones are made
 * here on demand so the repository does not store tens of megabytes. Shared by the parser tests and the job's
 * HostileInputITCase (through the test-jar).
 */
public final class HostileCorpus {
    /** Classpath folder of the stored entries. */
    public static final String RESOURCE_DIR = "/hostile/";

    /** What one record must become: one outcome per instance for a sound envelope, else exactly one. */
    public static final class Expected {
        private final boolean envelope;
        private final List<ErrorCode> outcomes;

        private Expected(boolean envelope, List<ErrorCode> outcomes) {
            this.envelope = envelope;
            this.outcomes = Collections.unmodifiableList(outcomes);
        }

        /** A sound envelope: one outcome per instance; true when its instances are indexed 0..n-1. */
        public boolean envelope() {
            return envelope;
        }

        /** The code of each outcome in instance order (one element when not an envelope); null means a valid request. */
        public List<ErrorCode> outcomes() {
            return outcomes;
        }

        public long validCount() {
            return outcomes.stream().filter(c -> c == null).count();
        }

        @Override
        public String toString() {
            return (envelope ? "per instance " : "") + outcomes;
        }
    }

    /** One hostile record. */
    public static final class Entry {
        public final String name;
        /** What it attacks, for the README and failure messages. */
        public final String attack;
        /** True when the bytes are a file under {@link #RESOURCE_DIR}. */
        public final boolean stored;
        public final Expected expected;
        private final Supplier<byte[]> bytes;

        Entry(String name, String attack, boolean stored, Expected expected, Supplier<byte[]> bytes) {
            this.name = name;
            this.attack = attack;
            this.stored = stored;
            this.expected = expected;
            this.bytes = bytes;
        }

        /** The record's value, made afresh on each call (generated entries can be tens of megabytes). */
        public byte[] bytes() {
            return bytes.get();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Room in a serialised dead letter for everything but its payload: code, field, message, source, flags. */
    public static final int DEAD_LETTER_OVERHEAD_BYTES = DeadLetters.FIXED_FIELDS_BYTES;

    private HostileCorpus() {}

    /**
     * The most bytes a serialised dead letter may take: its payload, as written in JSON (escapes and base64
     * included), is at most {@code parser.max-dead-letter-payload-bytes}, plus the fixed fields.
     */
    public static int maxDeadLetterJsonBytes(ParserLimits limits) {
        return limits.maxDeadLetterPayloadBytes + DEAD_LETTER_OVERHEAD_BYTES;
    }

    /** One dead letter for the whole record. */
    public static Expected whole(ErrorCode code) {
        return new Expected(false, List.of(code));
    }

    /** One valid request (not an envelope). */
    public static Expected valid() {
        return new Expected(false, Collections.singletonList(null));
    }

    /** A sound envelope: one outcome per instance, null for a valid one. */
    public static Expected perInstance(ErrorCode... codes) {
        return new Expected(true, Arrays.asList(codes));
    }

    public static List<Entry> all() {
        List<Entry> all = new ArrayList<>(stored());
        all.addAll(generated());
        return all;
    }

    /** The entries kept as files, in the order of the README. */
    public static List<Entry> stored() {
        List<Entry> e = new ArrayList<>();
        // numbers
        e.add(file("nan-timestamp.json", "NaN (not JSON, but Python's json writes it)", whole(WRONG_TYPE)));
        e.add(file("infinity-timestamp.json", "Infinity (not JSON, but Python's json writes it)", whole(WRONG_TYPE)));
        e.add(file("negative-infinity-timestamp.json", "-Infinity (not JSON, but Python's json writes it)", whole(WRONG_TYPE)));
        e.add(file("timestamp-int64-max-plus-one.json", "2^63: one beyond int64", whole(OUT_OF_RANGE)));
        e.add(file("timestamp-int64-min-minus-one.json", "-2^63-1: one below int64", whole(OUT_OF_RANGE)));
        // a decimal without a fraction is that whole number (TF Serving's clients of a float timestamp input send it so)
        e.add(file("timestamp-exponent.json", "a timestamp in exponent notation, a whole number", valid()));
        e.add(file("timestamp-1e400.json", "a whole number beyond double range", whole(OUT_OF_RANGE)));
        e.add(file("timestamp-fraction.json", "a timestamp with a fraction of a second", whole(WRONG_TYPE)));
        e.add(file("timestamp-leading-zero.json", "leading zeros (octal-looking)", whole(MALFORMED_JSON)));
        e.add(file("timestamp-hex.json", "a hexadecimal literal", whole(MALFORMED_JSON)));
        e.add(file("timestamp-plus-sign.json", "a leading plus sign", whole(MALFORMED_JSON)));
        // prototype-style keys
        e.add(file("proto-keys-beside-valid-fields.json", "__proto__ / constructor keys carrying fields: ignored as extra fields",
                valid()));
        e.add(file("proto-only.json", "the fields hidden under __proto__ must not count as the record's", whole(MISSING_FIELD)));
        e.add(file("constructor-prototype-envelope.json", "constructor.prototype.instances beside real instances",
                perInstance(null, MISSING_FIELD)));
        // encodings
        e.add(file("bom-prefixed.json", "a UTF-8 byte order mark before the JSON (RFC 8259 lets a parser ignore it)", valid()));
        e.add(file("bom-only.bin", "a byte order mark and nothing else", whole(MALFORMED_JSON)));
        e.add(file("utf16le-with-bom.bin", "UTF-16LE text with its BOM", whole(BAD_ENCODING)));
        e.add(file("utf16be-with-bom.bin", "UTF-16BE text with its BOM", whole(BAD_ENCODING)));
        e.add(file("utf16le-without-bom.bin", "UTF-16LE text without a BOM (Jackson would auto-detect it)", whole(BAD_ENCODING)));
        e.add(file("utf32le.bin", "UTF-32LE text", whole(BAD_ENCODING)));
        e.add(file("overlong-slash.bin", "overlong 2-byte '/' (C0 AF)", whole(BAD_ENCODING)));
        e.add(file("overlong-nul.bin", "overlong NUL (C0 80, 'modified UTF-8')", whole(BAD_ENCODING)));
        e.add(file("overlong-three-byte.bin", "overlong 3-byte '/' (E0 80 AF)", whole(BAD_ENCODING)));
        e.add(file("overlong-four-byte.bin", "overlong 4-byte '/' (F0 80 80 AF)", whole(BAD_ENCODING)));
        e.add(file("lone-continuation-byte.bin", "a continuation byte with no lead byte (80)", whole(BAD_ENCODING)));
        e.add(file("utf8-encoded-high-surrogate.bin", "U+D800 encoded in UTF-8 (ED A0 80)", whole(BAD_ENCODING)));
        e.add(file("utf8-encoded-low-surrogate.bin", "U+DC00 encoded in UTF-8 (ED B0 80)", whole(BAD_ENCODING)));
        e.add(file("cesu8-surrogate-pair.bin", "an emoji as a CESU-8 surrogate pair", whole(BAD_ENCODING)));
        e.add(file("byte-ff.bin", "the byte FF, never valid in UTF-8", whole(BAD_ENCODING)));
        e.add(file("byte-fe.bin", "the byte FE before the JSON", whole(BAD_ENCODING)));
        e.add(file("above-u10ffff.bin", "a code point above U+10FFFF (F4 90 80 80)", whole(BAD_ENCODING)));
        e.add(file("truncated-multibyte-at-end.bin", "a 3-byte sequence cut after 2 bytes at the end", whole(BAD_ENCODING)));
        e.add(file("latin1-title.bin", "ISO-8859-1 text (MovieLens' own encoding) sent as is", whole(BAD_ENCODING)));
        // control characters and NUL
        e.add(file("raw-nul-in-user-id.bin", "a raw NUL byte in a string", whole(BAD_ENCODING)));
        e.add(file("escaped-nul-in-user-id.json", "\\u0000 in user_id", whole(BAD_CHARACTERS)));
        e.add(file("raw-tab-in-title.json", "an unescaped tab in a string", whole(MALFORMED_JSON)));
        e.add(file("raw-newline-in-title.json", "an unescaped newline in a string (log injection)", whole(MALFORMED_JSON)));
        e.add(file("escaped-escape-char-in-title.json", "an ANSI escape sequence (\\u001b[31m) in the title", whole(BAD_CHARACTERS)));
        e.add(file("raw-c1-control-in-title.json", "a raw C1 control character (U+009B, CSI)", whole(BAD_CHARACTERS)));
        e.add(file("escaped-lone-low-surrogate.json", "an unpaired \\udc00 escape", whole(BAD_CHARACTERS)));
        e.add(file("escaped-reversed-surrogate-pair.json", "a low surrogate before a high one", whole(BAD_CHARACTERS)));
        e.add(file("bidi-override-in-title.json", "U+202E RIGHT-TO-LEFT OVERRIDE: legal text, accepted as is", valid()));
        e.add(file("emoji-title.json", "a 4-byte character (U+1F525): legal text, accepted", valid()));
        // duplicated and disguised keys
        e.add(file("duplicate-user-id.json", "user_id twice with different values", whole(DUPLICATE_FIELD)));
        e.add(file("duplicate-key-via-escape.json", "user_id twice, once spelled user\\u005fid", whole(DUPLICATE_FIELD)));
        e.add(file("duplicate-timestamp-different-types.json", "timestamp as a number, then as a string", whole(DUPLICATE_FIELD)));
        e.add(file("duplicate-extra-field.json", "an unknown key twice", whole(DUPLICATE_FIELD)));
        e.add(file("duplicate-signature-name.json", "signature_name twice in an envelope", whole(DUPLICATE_FIELD)));
        e.add(file("escaped-key-names.json", "known keys spelled with \\u escapes: the same keys, accepted", valid()));
        e.add(file("case-variant-keys.json", "User_Id / Movie_Title / TIMESTAMP: keys are case-sensitive", whole(MISSING_FIELD)));
        // syntax
        e.add(file("trailing-comma.json", "a trailing comma", whole(MALFORMED_JSON)));
        e.add(file("comment.json", "a // comment before the object", whole(MALFORMED_JSON)));
        e.add(file("single-quoted-strings.json", "single quotes", whole(MALFORMED_JSON)));
        e.add(file("unclosed-object.json", "the closing brace missing", whole(MALFORMED_JSON)));
        e.add(file("json-in-a-string.json", "a request serialised twice (a JSON string holding JSON)", whole(NOT_AN_OBJECT)));
        e.add(file("two-records-concatenated.json", "two requests in one record (newline-delimited)", whole(MALFORMED_JSON)));
        // envelopes
        e.add(file("instances-null.json", "instances: null", whole(BAD_ENVELOPE)));
        e.add(file("instances-string.json", "instances: a string holding an array", whole(BAD_ENVELOPE)));
        e.add(file("nested-envelope.json", "an envelope as the instance of an envelope", perInstance(MISSING_FIELD)));
        e.add(file("envelope-mixed-instances.json", "valid instances between nine kinds of bad ones",
                perInstance(null, MISSING_FIELD, BAD_CHARACTERS, OUT_OF_RANGE, NOT_AN_OBJECT, NOT_AN_OBJECT,
                        FIELD_TOO_LONG, OUT_OF_RANGE, DUPLICATE_FIELD, null)));
        return e;
    }

    /** Entries too big, or too many, to store: made when asked for. */
    public static List<Entry> generated() {
        List<Entry> e = new ArrayList<>();
        int mib = 1 << 20;
        // size
        e.add(gen("huge-title-10mib", "a 10 MiB string value", whole(TOO_LARGE),
                () -> record("\"1\"", quoted(repeat('x', 10 * mib)), "1")));
        e.add(gen("invalid-bytes-10mib", "10 MiB of FF bytes (kept as base64, truncated)", whole(TOO_LARGE),
                () -> filled(10 * mib, (byte) 0xFF)));
        e.add(gen("title-1mb", "a 1,000,000-character title within the record size limit", whole(FIELD_TOO_LONG),
                () -> record("\"1\"", quoted(repeat('x', 1_000_000)), "1")));
        e.add(gen("title-1mib", "a 1 MiB title: the record is over parser.max-payload-bytes", whole(TOO_LARGE),
                () -> record("\"1\"", quoted(repeat('x', mib)), "1")));
        e.add(gen("escape-heavy-title", "a title of 150,000 \\u0041 escapes (900 KB of escapes)", whole(FIELD_TOO_LONG),
                () -> record("\"1\"", quoted("\\u0041".repeat(150_000)), "1")));
        e.add(gen("control-bytes-1mb", "1,000,000 raw 0x01 bytes: valid UTF-8 whose dead letter JSON escapes each byte",
                whole(MALFORMED_JSON), () -> filled(1_000_000, (byte) 0x01)));
        e.add(gen("invalid-utf8-after-900kb", "900 KB of valid JSON, then one FF byte", whole(BAD_ENCODING),
                () -> concat(utf8("{\"user_id\":\"1\",\"pad\":\"" + repeat('x', 900_000)), new byte[] {(byte) 0xFF}, utf8("\"}"))));
        // nesting
        e.add(gen("deep-arrays-100k-open", "100,000 '[' and no ']' (billion-laughs-style depth)", whole(TOO_DEEP),
                () -> utf8(repeat('[', 100_000))));
        e.add(gen("deep-arrays-100k-closed", "100,000 nested arrays, closed", whole(TOO_DEEP),
                () -> utf8(repeat('[', 100_000) + repeat(']', 100_000))));
        e.add(gen("deep-arrays-in-extra-field", "100,000 nested arrays in an unknown field of a valid request", whole(TOO_DEEP),
                () -> record("\"1\"", "\"Heat (1995)\"", "892870992", ",\"x\":" + repeat('[', 100_000) + repeat(']', 100_000))));
        e.add(gen("deep-objects-100k", "100,000 nested objects", whole(TOO_DEEP),
                () -> utf8("{\"a\":".repeat(100_000) + "1" + repeat('}', 100_000))));
        e.add(gen("envelope-deep-instance", "an envelope whose instance is 100,000 nested arrays", whole(TOO_DEEP),
                () -> utf8("{\"instances\":[" + repeat('[', 100_000) + repeat(']', 100_000) + "]}")));
        e.add(gen("envelope-instance-deep-field", "an envelope instance whose user_id is 40 nested objects", whole(TOO_DEEP),
                () -> utf8("{\"instances\":[{\"user_id\":" + "{\"a\":".repeat(40) + "1" + repeat('}', 40)
                        + ",\"movie_title\":\"x\",\"timestamp\":1}]}")));
        e.add(gen("envelope-nested-envelopes-10", "envelopes nested 10 deep inside instances", perInstance(MISSING_FIELD),
                HostileCorpus::nestedEnvelopes));
        // numbers
        e.add(gen("timestamp-10k-digits", "a 10,000-digit timestamp", whole(OUT_OF_RANGE),
                () -> record("\"1\"", "\"x\"", repeat('9', 10_000))));
        e.add(gen("timestamp-negative-10k-digits", "a negative 10,000-digit timestamp", whole(OUT_OF_RANGE),
                () -> record("\"1\"", "\"x\"", "-" + repeat('9', 10_000))));
        e.add(gen("decimal-10k-digits", "a decimal number with 10,000 fraction digits", whole(OUT_OF_RANGE),
                () -> record("\"1\"", "\"x\"", "1." + repeat('1', 10_000))));
        e.add(gen("extra-field-10k-digits", "a 10,000-digit number in an unknown field", whole(OUT_OF_RANGE),
                () -> record("\"1\"", "\"x\"", "1", ",\"n\":" + repeat('7', 10_000))));
        // instances
        e.add(gen("envelope-1m-instances", "1,000,000 valid instances (about 60 MB: over the record limit)", whole(TOO_LARGE),
                () -> envelopeOfValid(1_000_000)));
        e.add(gen("envelope-1m-empty-instances", "1,000,000 empty instances (3 MB: over the record limit)", whole(TOO_LARGE),
                () -> envelopeOfEmpty(1_000_000)));
        e.add(gen("envelope-10001-instances", "one instance over parser.max-instances", whole(TOO_MANY_INSTANCES),
                () -> envelopeOfEmpty(10_001)));
        e.add(gen("envelope-10000-valid-instances", "exactly parser.max-instances valid instances",
                perInstance(Collections.nCopies(10_000, (ErrorCode) null).toArray(new ErrorCode[0])),
                () -> envelopeOfValid(10_000)));
        // keys
        e.add(gen("extra-fields-100k", "100,000 unknown fields beside the valid ones (only 16 names are kept)", valid(),
                () -> record("\"1\"", "\"Heat (1995)\"", "892870992", extraFields(100_000))));
        e.add(gen("extra-fields-1m", "1,000,000 unknown fields (over the record limit)", whole(TOO_LARGE),
                () -> record("\"1\"", "\"Heat (1995)\"", "892870992", extraFields(1_000_000))));
        e.add(gen("duplicate-key-100k-times", "one unknown key repeated 100,000 times", whole(DUPLICATE_FIELD),
                () -> record("\"1\"", "\"Heat (1995)\"", "892870992", ",\"x\":1".repeat(100_000))));
        e.add(gen("key-40k-chars", "a 40,000-character unknown key (kept, its name clipped to 64 characters)", valid(),
                () -> record("\"1\"", "\"Heat (1995)\"", "892870992", "," + quoted(repeat('k', 40_000)) + ":1")));
        e.add(gen("key-60k-chars", "a 60,000-character (ASCII: 60,000-byte) key, over the 50,000-byte key limit", whole(FIELD_TOO_LONG),
                () -> record("\"1\"", "\"Heat (1995)\"", "892870992", "," + quoted(repeat('k', 60_000)) + ":1")));
        e.add(gen("key-1m-chars", "a 1,000,000-character key", whole(FIELD_TOO_LONG),
                () -> record("\"1\"", "\"Heat (1995)\"", "892870992", "," + quoted(repeat('k', 1_000_000)) + ":1")));
        // every control character, escaped and raw
        for (int c = 1; c < 0x20; c++) {
            String hex = String.format(Locale.ROOT, "%04x", c);
            e.add(gen("escaped-control-u" + hex, "\\u" + hex + " in the title", whole(BAD_CHARACTERS),
                    () -> record("\"1\"", quoted("Heat \\u" + hex + " (1995)"), "1")));
            char raw = (char) c;
            e.add(gen("raw-control-u" + hex, "raw U+" + hex + " in the title", whole(MALFORMED_JSON),
                    () -> record("\"1\"", quoted("Heat " + raw + " (1995)"), "1")));
        }
        for (int c = 0x7F; c < 0xA0; c++) {
            String hex = String.format(Locale.ROOT, "%04x", c);
            char raw = (char) c;
            e.add(gen("raw-c1-control-u" + hex, "raw U+" + hex + " (DEL or C1) in user_id", whole(BAD_CHARACTERS),
                    () -> record(quoted("58" + raw + "7"), "\"Heat (1995)\"", "1")));
        }
        return e;
    }

    // ---- building blocks

    private static Entry file(String name, String attack, Expected expected) {
        return new Entry(name, attack, true, expected, () -> resource(name));
    }

    private static Entry gen(String name, String attack, Expected expected, Supplier<byte[]> bytes) {
        return new Entry(name, attack, false, expected, bytes);
    }

    /** The bytes of a stored entry. */
    public static byte[] resource(String name) {
        try (InputStream in = HostileCorpus.class.getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) throw new IllegalStateException("no resource " + RESOURCE_DIR + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String repeat(char c, int n) {
        char[] a = new char[n];
        Arrays.fill(a, c);
        return new String(a);
    }

    private static String quoted(String s) {
        return "\"" + s + "\"";
    }

    private static byte[] record(String userId, String title, String timestamp) {
        return record(userId, title, timestamp, "");
    }

    private static byte[] record(String userId, String title, String timestamp, String extra) {
        return utf8("{\"user_id\":" + userId + ",\"movie_title\":" + title + ",\"timestamp\":" + timestamp + extra + "}");
    }

    private static byte[] filled(int n, byte b) {
        byte[] a = new byte[n];
        Arrays.fill(a, b);
        return a;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    /** ",\"a\":0,\"b\":0,..." with {@code n} distinct short base-36 names. */
    private static String extraFields(int n) {
        StringBuilder sb = new StringBuilder(n * 9);
        for (int i = 0; i < n; i++) sb.append(",\"").append(Integer.toString(i, 36)).append("\":0");
        return sb.toString();
    }

    private static byte[] envelopeOfEmpty(int n) {
        StringBuilder sb = new StringBuilder(n * 3 + 64).append("{\"signature_name\":\"serving_default\",\"instances\":[");
        for (int i = 0; i < n; i++) sb.append(i == 0 ? "{}" : ",{}");
        return utf8(sb.append("]}").toString());
    }

    private static byte[] envelopeOfValid(int n) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(n * 60 + 64);
        out.writeBytes(utf8("{\"signature_name\":\"serving_default\",\"instances\":["));
        for (int i = 0; i < n; i++) {
            if (i > 0) out.write(',');
            out.writeBytes(utf8("{\"user_id\":\"" + (i % 943 + 1) + "\",\"movie_title\":\"Heat (1995)\",\"timestamp\":1}"));
        }
        out.writeBytes(utf8("]}"));
        return out.toByteArray();
    }

    private static byte[] nestedEnvelopes() {
        String inner = "{\"user_id\":\"1\",\"movie_title\":\"Heat (1995)\",\"timestamp\":1}";
        for (int i = 0; i < 10; i++) inner = "{\"signature_name\":\"serving_default\",\"instances\":[" + inner + "]}";
        return utf8(inner);
    }
}

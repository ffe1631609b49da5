package dev.marquee.data.parse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * Fuzz inputs for {@link RequestParserFuzzProperties}, made from a {@link Random} so jqwik's seed decides them:
 * valid requests and envelopes, mutations of them (bit flips, truncation, insertion, deletion, duplication,
 * splices of hostile corpus entries), and random JSON text built from hostile pieces.
 */
final class FuzzInputs {
    /** One input, printed readably when a property fails. */
    static final class Input {
        final byte[] bytes;
        /** The instance count when the input is a sound envelope by construction, else -1 (no oracle). */
        final int soundEnvelopeInstances;
        final String how;

        Input(byte[] bytes, int soundEnvelopeInstances, String how) {
            this.bytes = bytes;
            this.soundEnvelopeInstances = soundEnvelopeInstances;
            this.how = how;
        }

        @Override
        public String toString() {
            String text = new String(bytes, StandardCharsets.UTF_8);
            return how + " (" + bytes.length + " bytes): " + (text.length() > 2_000 ? text.substring(0, 2_000) + "..." : text)
                    + (bytes.length <= 3_000 ? "\n  base64: " + Base64.getEncoder().encodeToString(bytes) : "");
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String[] KEYS = {"user_id", "movie_title", "timestamp", "request_id", "instances", "signature_name",
        "inputs", "__proto__", "constructor", "prototype", "", "x", "user\\u005fid", "USER_ID", "timestamp "};
    /** String bodies, already JSON-escaped where needed; some are legal JSON holding bad characters. */
    private static final String[] STRINGS = {"", " ", "587", "Heat (1995)", "Devil's Advocate, The (1997)", "\\u0000",
        "\\ud800", "\\udc00\\ud800", "\\ud83d\\udd25", "\\u001b[31m", "\u0085", "\u202e)5991(", "\uD83D\uDD25", "\\\"", "\\\\",
        "serving_default", "predict", "a\\nb", "\\t", "Mis\u00e9rables, Les (1995)", "x".repeat(300), "9".repeat(130)};
    /** Number tokens, with the illegal ones marked as poison by a leading '!'. */
    private static final String[] NUMBERS = {"0", "-0", "1", "-1", "892870992", "4102444800", "4102444801",
        "9223372036854775807", "9223372036854775808", "-9223372036854775809", "1.5", "1e3", "1e400", "-1e-400",
        "NaN", "Infinity", "-Infinity", "!01", "!+1", "!0x10", "!" + "7".repeat(70), "!.5", "!1."};
    /** Text that matters to a JSON parser, for splicing into valid text. */
    private static final byte[][] TOKENS = {b("NaN"), b("\\u0000"), b("\""), b("{"), b("}"), b("["), b("]"), b(","), b(":"),
        b("1e999"), b("\"user_id\":\"x\","), b("\"instances\":["), b("\\"), b("\\ud800"), b("null"), {0x01}, {'\n'}};
    /** Bytes that trouble a UTF-8 decoder: NUL, overlong, surrogate, FF, lone continuation, BOM. */
    private static final byte[][] BAD_BYTES = {{0}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
        {(byte) 0xFF}, {(byte) 0x80}, {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}};
    private static final String STRUCTURE = "{}[]\":,0123456789-.eE tnfalsru_\\";
    private static final List<byte[]> CORPUS = new ArrayList<>();

    static {
        for (HostileCorpus.Entry e : HostileCorpus.stored()) CORPUS.add(e.bytes());
    }

    private FuzzInputs() {}

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ---- valid requests

    static Input validRequestOrEnvelope(Random r) {
        if (r.nextInt(4) > 0) return new Input(json(validInstance(r)), -1, "valid request");
        ObjectNode env = MAPPER.createObjectNode();
        if (r.nextBoolean()) env.put("signature_name", "serving_default");
        ArrayNode instances = env.putArray("instances");
        int n = 1 + r.nextInt(6);
        for (int i = 0; i < n; i++) instances.add(validInstance(r));
        return new Input(json(env), n, "valid envelope");
    }

    private static ObjectNode validInstance(Random r) {
        ObjectNode o = MAPPER.createObjectNode();
        if (r.nextInt(3) == 0) o.put("request_id", "r-" + r.nextInt(1_000_000));
        o.put("user_id", String.valueOf(1 + r.nextInt(943)));
        o.put("movie_title", r.nextBoolean() ? "Heat (1995)" : "Misérables, Les (1995) \uD83D\uDD25 " + r.nextInt(1000));
        o.put("timestamp", (long) (r.nextDouble() * ParserLimits.DEFAULT_MAX_TIMESTAMP));
        if (r.nextInt(4) == 0) o.put("extra_" + r.nextInt(100), r.nextInt());
        return o;
    }

    private static byte[] json(Object node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- mutations

    /** A valid request or envelope, then 1 to 8 mutations of its bytes. */
    static Input mutated(Random r) {
        Input base = validRequestOrEnvelope(r);
        byte[] b = base.bytes;
        StringBuilder how = new StringBuilder(base.how).append(" mutated by");
        int edits = 1 + r.nextInt(8);
        for (int k = 0; k < edits; k++) {
            int at = b.length == 0 ? 0 : r.nextInt(b.length);
            switch (r.nextInt(8)) {
                case 0:
                    // mostly the low 7 bits: a flip of the top bit almost always ends as BAD_ENCODING
                    if (b.length > 0) b[at] ^= (byte) (1 << (r.nextInt(4) == 0 ? 7 : r.nextInt(7)));
                    how.append(" bit-flip@").append(at);
                    break;
                case 1:
                    b = slice(b, 0, at);
                    how.append(" truncate@").append(at);
                    break;
                case 2:
                    b = splice(b, at, at, r.nextInt(8) == 0 ? BAD_BYTES[r.nextInt(BAD_BYTES.length)]
                            : new byte[] {(byte) r.nextInt(r.nextInt(4) == 0 ? 256 : 128)});
                    how.append(" insert@").append(at);
                    break;
                case 3:
                    b = splice(b, at, Math.min(b.length, at + 1 + r.nextInt(8)), new byte[0]);
                    how.append(" delete@").append(at);
                    break;
                case 4: {
                    int end = Math.min(b.length, at + 1 + r.nextInt(32));
                    b = splice(b, end, end, slice(b, at, end));
                    how.append(" duplicate@").append(at);
                    break;
                }
                case 5: {
                    byte[] token = TOKENS[r.nextInt(TOKENS.length)];
                    b = splice(b, at, Math.min(b.length, at + r.nextInt(3)), token);
                    how.append(" token@").append(at);
                    break;
                }
                case 6: {
                    byte[] other = CORPUS.get(r.nextInt(CORPUS.size()));
                    int from = r.nextInt(other.length);
                    int to = from + r.nextInt(other.length - from + 1);
                    b = splice(b, at, Math.min(b.length, at + r.nextInt(16)), slice(other, from, to));
                    how.append(" corpus-splice@").append(at);
                    break;
                }
                default: {
                    // the head of this record, the tail of a corpus entry
                    byte[] other = CORPUS.get(r.nextInt(CORPUS.size()));
                    b = concat(slice(b, 0, at), slice(other, r.nextInt(other.length), other.length));
                    how.append(" crossover@").append(at);
                }
            }
        }
        return new Input(b, -1, how.toString());
    }

    // ---- random bytes

    /** Bytes over an alphabet of JSON structure, escapes and UTF-8 trouble: reaches deeper than uniform bytes. */
    static Input jsonishBytes(Random r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean badBytes = r.nextInt(5) == 0; // else the input stays valid UTF-8 and reaches the JSON parser
        int pieces = r.nextInt(120);
        for (int i = 0; i < pieces; i++) {
            int pick = r.nextInt(10);
            if (pick < 4) out.writeBytes(TOKENS[r.nextInt(TOKENS.length)]);
            else if (pick < 7) out.write(STRUCTURE.charAt(r.nextInt(STRUCTURE.length())));
            else if (pick < 9 || !badBytes) out.writeBytes(b("\"" + KEYS[r.nextInt(KEYS.length)] + "\""));
            else out.writeBytes(r.nextBoolean() ? BAD_BYTES[r.nextInt(BAD_BYTES.length)] : new byte[] {(byte) r.nextInt(256)});
        }
        return new Input(out.toByteArray(), -1, "json-ish bytes");
    }

    // ---- random JSON

    /** Random JSON text from hostile pieces: an object, an envelope (sound by construction or not), or any value. */
    static Input randomJson(Random r) {
        int shape = r.nextInt(4);
        if (shape == 0) {
            // a sound envelope by construction: its instances are any legal JSON values
            int n = 1 + r.nextInt(8);
            StringBuilder sb = new StringBuilder("{");
            if (r.nextBoolean()) sb.append("\"signature_name\":\"serving_default\",");
            sb.append("\"instances\":[");
            boolean poisoned = false;
            for (int i = 0; i < n; i++) {
                if (i > 0) sb.append(',');
                poisoned |= value(r, 3, sb);
            }
            sb.append("]}");
            return new Input(b(sb.toString()), poisoned ? -1 : n, poisoned ? "envelope with an illegal token" : "sound envelope");
        }
        StringBuilder sb = new StringBuilder();
        if (shape == 3) value(r, 4, sb);
        else object(r, 4, sb);
        return new Input(b(sb.toString()), -1, "random JSON");
    }

    /** Appends a value; true when it holds an illegal token (the record as a whole must then be refused). */
    private static boolean value(Random r, int depth, StringBuilder sb) {
        int kind = r.nextInt(depth > 0 ? 7 : 4);
        switch (kind) {
            case 0: {
                sb.append('"').append(STRINGS[r.nextInt(STRINGS.length)]).append('"');
                return false;
            }
            case 1: {
                String n = r.nextBoolean() ? NUMBERS[r.nextInt(NUMBERS.length)] : String.valueOf(r.nextLong());
                boolean poison = n.startsWith("!");
                sb.append(poison ? n.substring(1) : n);
                return poison;
            }
            case 2:
                sb.append(r.nextBoolean() ? "true" : r.nextBoolean() ? "false" : "null");
                return false;
            case 3:
                sb.append('"').append(escaped(randomText(r))).append('"');
                return false;
            case 4: {
                sb.append('[');
                boolean poison = false;
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    if (i > 0) sb.append(',');
                    poison |= value(r, depth - 1, sb);
                }
                sb.append(']');
                return poison;
            }
            default:
                return object(r, depth - 1, sb);
        }
    }

    private static boolean object(Random r, int depth, StringBuilder sb) {
        sb.append('{');
        boolean poison = false;
        int n = r.nextInt(6);
        for (int i = 0; i < n; i++) {
            if (i > 0) sb.append(',');
            String key = r.nextInt(5) == 0 ? escaped(randomText(r)) : KEYS[r.nextInt(KEYS.length)];
            sb.append('"').append(key).append("\":");
            if (r.nextInt(40) == 0) {
                // around parser.max-depth (32): some records pass, some are TOO_DEEP as a whole
                int levels = 24 + r.nextInt(16);
                sb.append("[".repeat(levels)).append("]".repeat(levels));
                poison = true;
            } else {
                poison |= value(r, Math.max(0, depth), sb);
            }
        }
        sb.append('}');
        return poison;
    }

    /** Any UTF-16 text, lone surrogates and control characters included. */
    private static String randomText(Random r) {
        int n = r.nextInt(12);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            int pick = r.nextInt(4);
            sb.append(pick == 0 ? (char) r.nextInt(0x20) : pick == 1 ? (char) (0xD800 + r.nextInt(0x800))
                    : pick == 2 ? (char) r.nextInt(0x10000) : (char) (' ' + r.nextInt(95)));
        }
        return sb.toString();
    }

    /** JSON string escaping, leaving lone surrogates in place as \\u escapes. */
    private static String escaped(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') sb.append('\\').append(c);
            else if (c < 0x20 || Character.isSurrogate(c)) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        return sb.toString();
    }

    private static byte[] slice(byte[] b, int from, int to) {
        byte[] out = new byte[to - from];
        System.arraycopy(b, from, out, 0, to - from);
        return out;
    }

    private static byte[] splice(byte[] b, int from, int to, byte[] with) {
        return concat(slice(b, 0, from), with, slice(b, to, b.length));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }
}

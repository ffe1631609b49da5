package dev.marquee.data.parse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.marquee.data.event.DeadLetter;
import dev.marquee.data.event.RatingRequest;
import dev.marquee.data.event.SourcePosition;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** The parser never throws, and gives exactly one outcome per instance, whatever it is fed. */
class RequestParserProperties {
    private static final SourcePosition SOURCE = new SourcePosition("t", 0, 1, 2);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private final RequestParser parser = new RequestParser();

    @Property(tries = 2000)
    void randomBytesGiveExactlyOneOutcome(@ForAll @Size(max = 300) byte[] bytes) {
        ParseResult r = parser.parse(bytes, SOURCE);
        // Random bytes are never a sound envelope with instances, so they are one record: one outcome.
        assertThat(r.outcomes()).isEqualTo(1);
        assertBounded(r);
    }

    @Property(tries = 1000)
    void randomMutationsOfValidJsonNeverThrowAndStayConsistent(@ForAll("validRequestJson") String json,
                                                               @ForAll("mutations") List<int[]> edits) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        for (int[] e : edits) {
            if (bytes.length == 0) break;
            int at = Math.floorMod(e[0], bytes.length);
            bytes = e[2] == 0 ? delete(bytes, at) : e[2] == 1 ? insert(bytes, at, (byte) e[1]) : replace(bytes, at, (byte) e[1]);
        }
        ParseResult r = parser.parse(bytes, SOURCE);
        assertThat(r.outcomes()).isEqualTo(1);
        assertBounded(r);
    }

    @Property(tries = 1000)
    void randomJsonGivesOneOutcomePerInstance(@ForAll("anyJsonDocument") JsonNode doc) throws Exception {
        byte[] bytes = MAPPER.writeValueAsBytes(doc);
        ParseResult r = parser.parse(bytes, SOURCE);

        int instances = soundEnvelopeSize(doc);
        if (instances > 0) {
            assertThat(r.outcomes()).isEqualTo(instances);
            List<Integer> indices = new ArrayList<>();
            r.requests().forEach(q -> indices.add(q.instanceIndex));
            r.deadLetters().forEach(d -> indices.add(d.instanceIndex));
            assertThat(indices).containsExactlyInAnyOrderElementsOf(
                    IntStream.range(0, instances).boxed().collect(Collectors.toList()));
        } else {
            assertThat(r.outcomes()).isEqualTo(1);
        }
        assertBounded(r);
    }

    @Property(tries = 1000)
    void validRequestsRoundTripExactly(@ForAll("validRequests") RatingRequest in) throws Exception {
        ObjectNode o = NODES.objectNode();
        o.put("request_id", in.requestId);
        o.put("user_id", in.userId);
        o.put("movie_title", in.movieTitle);
        o.put("timestamp", in.timestamp);
        ParseResult r = parser.parse(MAPPER.writeValueAsBytes(o), SOURCE);

        assertThat(r.deadLetters()).isEmpty();
        RatingRequest out = r.requests().get(0);
        assertThat(out.requestId).isEqualTo(in.requestId);
        assertThat(out.userId).isEqualTo(in.userId);
        assertThat(out.movieTitle).isEqualTo(in.movieTitle);
        assertThat(out.timestamp).isEqualTo(in.timestamp);
    }

    /** The number of instances when {@code doc} is an envelope the parser must accept as sound, else 0. */
    private int soundEnvelopeSize(JsonNode doc) {
        if (!doc.isObject()) return 0;
        boolean envelope = doc.has("instances") || doc.has("signature_name") || doc.has("inputs");
        if (!envelope || doc.has("inputs")) return 0;
        JsonNode sig = doc.get("signature_name");
        // TF Serving's default signature by name, or by an empty one
        if (sig != null && !(sig.isTextual() && (sig.asText().equals("serving_default") || sig.asText().isEmpty()))) return 0;
        JsonNode instances = doc.get("instances");
        if (instances == null || !instances.isArray()) return 0;
        if (instances.size() > parser.limits().maxInstances) return 0;
        return instances.size();
    }

    private void assertBounded(ParseResult r) {
        for (DeadLetter d : r.deadLetters()) {
            assertThat(d.errorCode).isNotNull();
            assertThat(d.errorCode).isNotEqualTo(dev.marquee.data.event.ErrorCode.INTERNAL_ERROR);
            if (d.payload != null) {
                assertThat(DeadLetters.payloadBytes(d).length).isLessThanOrEqualTo(parser.limits().maxDeadLetterPayloadBytes);
            }
        }
    }

    @Provide
    Arbitrary<RatingRequest> validRequests() {
        Arbitrary<String> text = Arbitraries.strings().withCharRange(' ', '~').withCharRange('\u00a0', '\u024f')
                .ofMinLength(1).ofMaxLength(60).filter(s -> !Chars.isBlank(s));
        Arbitrary<Long> ts = Arbitraries.longs().between(0, ParserLimits.DEFAULT_MAX_TIMESTAMP);
        return Combinators.combine(text, text, text, ts).as(RatingRequest::new);
    }

    @Provide
    Arbitrary<String> validRequestJson() {
        return validRequests().map(q -> "{\"user_id\":\"" + q.userId.replace("\\", "\\\\").replace("\"", "\\\"")
                + "\",\"movie_title\":\"x\",\"timestamp\":" + q.timestamp + "}");
    }

    @Provide
    Arbitrary<List<int[]>> mutations() {
        Arbitrary<int[]> edit = Combinators.combine(
                Arbitraries.integers().between(0, 10_000),
                Arbitraries.integers().between(0, 255),
                Arbitraries.integers().between(0, 2)).as((at, b, kind) -> new int[] {at, b, kind});
        return edit.list().ofMinSize(1).ofMaxSize(4);
    }

    @Provide
    Arbitrary<JsonNode> anyJsonDocument() {
        return Arbitraries.oneOf(instanceLike(), envelope(), jsonValue(3));
    }

    private Arbitrary<JsonNode> envelope() {
        Arbitrary<JsonNode> instances = Arbitraries.oneOf(instanceLike(), jsonValue(2)).list().ofMaxSize(8)
                .map(list -> {
                    ArrayNode a = NODES.arrayNode();
                    list.forEach(a::add);
                    return a;
                });
        Arbitrary<JsonNode> instancesField = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, instances), net.jqwik.api.Tuple.of(1, jsonValue(1)));
        Arbitrary<JsonNode> signature = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, Arbitraries.just(NODES.textNode("serving_default"))),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(NODES.textNode("predict"))),
                net.jqwik.api.Tuple.of(1, jsonValue(0)));
        return Combinators.combine(instancesField, signature, Arbitraries.integers().between(0, 3))
                .as((inst, sig, shape) -> {
                    ObjectNode o = NODES.objectNode();
                    if (shape != 1) o.set("instances", inst);
                    if (shape >= 1) o.set("signature_name", sig);
                    if (shape == 3) o.put("extra", 1);
                    return o;
                });
    }

    private Arbitrary<JsonNode> instanceLike() {
        Arbitrary<JsonNode> field = Arbitraries.oneOf(jsonValue(1), Arbitraries.strings().ofMaxLength(5).map(NODES::textNode));
        Arbitrary<JsonNode> ts = Arbitraries.oneOf(Arbitraries.longs().map(NODES::numberNode), jsonValue(0));
        Arbitrary<Integer> presence = Arbitraries.integers().between(0, 15);
        return Combinators.combine(field, field, ts, presence).as((u, t, time, mask) -> {
            ObjectNode o = NODES.objectNode();
            if ((mask & 1) != 0) o.set("user_id", u);
            if ((mask & 2) != 0) o.set("movie_title", t);
            if ((mask & 4) != 0) o.set("timestamp", time);
            if ((mask & 8) != 0) o.put("other", "x");
            return o;
        });
    }

    private Arbitrary<JsonNode> jsonValue(int depth) {
        List<Arbitrary<JsonNode>> leaves = List.of(
                Arbitraries.strings().ofMaxLength(8).map(NODES::textNode),
                Arbitraries.longs().map(NODES::numberNode),
                Arbitraries.doubles().map(NODES::numberNode),
                Arbitraries.of(true, false).map(NODES::booleanNode),
                Arbitraries.just(NODES.nullNode()));
        Arbitrary<JsonNode> leaf = Arbitraries.oneOf(leaves);
        if (depth <= 0) return leaf;
        Arbitrary<JsonNode> array = jsonValue(depth - 1).list().ofMaxSize(4).map(list -> {
            ArrayNode a = NODES.arrayNode();
            list.forEach(a::add);
            return a;
        });
        Arbitrary<JsonNode> object = Combinators.combine(
                Arbitraries.strings().alpha().ofMaxLength(6).list().ofMaxSize(4).uniqueElements(),
                jsonValue(depth - 1).list().ofSize(4)).as((keys, values) -> {
                    ObjectNode o = NODES.objectNode();
                    for (int i = 0; i < keys.size(); i++) o.set(keys.get(i), values.get(i));
                    return (JsonNode) o;
                });
        return Arbitraries.oneOf(leaf, array, object);
    }

    private static byte[] delete(byte[] b, int at) {
        byte[] out = new byte[b.length - 1];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(b, at + 1, out, at, b.length - at - 1);
        return out;
    }

    private static byte[] insert(byte[] b, int at, byte v) {
        byte[] out = new byte[b.length + 1];
        System.arraycopy(b, 0, out, 0, at);
        out[at] = v;
        System.arraycopy(b, at, out, at + 1, b.length - at);
        return out;
    }

    private static byte[] replace(byte[] b, int at, byte v) {
        byte[] out = b.clone();
        out[at] = v;
        return out;
    }
}

package dev.marquee.data.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.DeadLetter;
import dev.marquee.data.event.ErrorCode;
import dev.marquee.data.event.RatingRequest;
import dev.marquee.data.event.SourcePosition;
import dev.marquee.data.json.EventCodec;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * The CI fuzz run: 100,000 inputs in all (random bytes, JSON-ish bytes, mutated valid requests and envelopes,
 * random hostile JSON), each checked against the parser's contract. Seeds are random on every run, so each CI
 * run explores new inputs; jqwik prints the seed and the failing input when a property fails (reproduce with
 * {@code @Property(seed = "...")}). {@code -Dmarquee.fuzz.multiplier=N} runs N times as many tries
 * (docs/RELIABILITY.md).
 */
@AddLifecycleHook(value = RequestParserFuzzProperties.Multiplier.class, propagateTo = PropagationMode.ALL_DESCENDANTS)
class RequestParserFuzzProperties {
    static final String MULTIPLIER = "marquee.fuzz.multiplier";
    private static final SourcePosition SOURCE = new SourcePosition("rating-requests", 0, 77, 1_700_000_000_000L);
    private static final EventCodec<DeadLetter> DEAD_LETTERS = EventCodec.of(DeadLetter.class);
    private static final String VALID = "valid";
    private final RequestParser parser = new RequestParser();

    @Property(tries = 20_000)
    void uniformRandomBytesGiveExactlyOneOutcome(@ForAll @Size(max = 600) byte[] bytes) {
        ParseResult r = parser.parse(bytes, SOURCE);
        assertThat(r.outcomes()).isEqualTo(1);
        assertContract(r, bytes);
        reaches(Map.of("BAD_ENCODING", 50.0, "MALFORMED_JSON", 0.5, "EMPTY_PAYLOAD", 0.2));
    }

    @Property(tries = 20_000)
    void jsonishBytesKeepTheContract(@ForAll("jsonishBytes") FuzzInputs.Input in) {
        assertContract(parser.parse(in.bytes, SOURCE), in.bytes);
        reaches(Map.of("MALFORMED_JSON", 40.0, "BAD_ENCODING", 5.0, "EMPTY_PAYLOAD", 0.2, "NOT_AN_OBJECT", 0.1));
    }

    @Property(tries = 30_000)
    void mutatedValidRequestsKeepTheContract(@ForAll("mutated") FuzzInputs.Input in) {
        assertContract(parser.parse(in.bytes, SOURCE), in.bytes);
        // mutations that keep the JSON sound and reach the field checks are rare: a floor of 0.01 %
        reaches(Map.ofEntries(Map.entry("MALFORMED_JSON", 30.0), Map.entry("BAD_ENCODING", 10.0),
                Map.entry("MISSING_FIELD", 1.0), Map.entry(VALID, 0.5), Map.entry("BAD_CHARACTERS", 0.05),
                Map.entry("DUPLICATE_FIELD", 0.05), Map.entry("OUT_OF_RANGE", 0.01), Map.entry("UNKNOWN_SIGNATURE", 0.01),
                Map.entry("BAD_ENVELOPE", 0.01)));
    }

    @Property(tries = 20_000)
    void randomHostileJsonKeepsTheContract(@ForAll("randomJson") FuzzInputs.Input in) {
        ParseResult r = parser.parse(in.bytes, SOURCE);
        if (in.soundEnvelopeInstances > 0) assertThat(r.outcomes()).isEqualTo(in.soundEnvelopeInstances);
        assertContract(r, in.bytes);
        reaches(Map.ofEntries(Map.entry("NOT_AN_OBJECT", 10.0), Map.entry("MISSING_FIELD", 10.0),
                Map.entry("MALFORMED_JSON", 5.0), Map.entry("TOO_DEEP", 2.0), Map.entry("BAD_ENVELOPE", 1.5),
                Map.entry("DUPLICATE_FIELD", 1.5), Map.entry("WRONG_TYPE", 1.5), Map.entry("UNKNOWN_SIGNATURE", 1.0),
                Map.entry("OUT_OF_RANGE", 0.5), Map.entry("BAD_CHARACTERS", 0.3), Map.entry("EMPTY_FIELD", 0.05)));
    }

    @Property(tries = 10_000)
    void validRequestsAndEnvelopesAreAllAccepted(@ForAll("valid") FuzzInputs.Input in) {
        ParseResult r = parser.parse(in.bytes, SOURCE);
        assertThat(r.deadLetters()).isEmpty();
        assertThat(r.requests()).hasSize(Math.max(1, in.soundEnvelopeInstances));
        assertContract(r, in.bytes);
    }

    @Provide
    Arbitrary<FuzzInputs.Input> jsonishBytes() {
        return Arbitraries.randomValue(FuzzInputs::jsonishBytes);
    }

    @Provide
    Arbitrary<FuzzInputs.Input> mutated() {
        return Arbitraries.randomValue(FuzzInputs::mutated);
    }

    @Provide
    Arbitrary<FuzzInputs.Input> randomJson() {
        return Arbitraries.randomValue(FuzzInputs::randomJson);
    }

    @Provide
    Arbitrary<FuzzInputs.Input> valid() {
        return Arbitraries.randomValue(FuzzInputs::validRequestOrEnvelope);
    }

    /**
     * Whatever the input: one outcome for a record refused or accepted as a whole, else one per instance
     * indexed 0..n-1; never the parser's own failure; requests meet the contract; dead letters are bounded.
     */
    private void assertContract(ParseResult r, byte[] input) {
        ParserLimits limits = parser.limits();
        int n = r.outcomes();
        assertThat(n).isGreaterThanOrEqualTo(1);
        BitSet indices = new BitSet();
        int whole = 0;
        for (RatingRequest q : r.requests()) {
            if (q.instanceIndex < 0) whole++;
            else indices.set(q.instanceIndex);
            assertThat(q.requestId).isNotBlank();
            assertThat(q.userId).isNotBlank().hasSizeLessThanOrEqualTo(limits.maxUserIdChars);
            assertThat(q.movieTitle).isNotBlank().hasSizeLessThanOrEqualTo(limits.maxTitleChars);
            assertThat(RequestParser.firstBadCharacter(q.userId)).isEqualTo(-1);
            assertThat(RequestParser.firstBadCharacter(q.movieTitle)).isEqualTo(-1);
            assertThat(q.timestamp).isBetween(limits.minTimestamp, limits.maxTimestamp);
        }
        int max = limits.maxDeadLetterPayloadBytes;
        for (DeadLetter d : r.deadLetters()) {
            if (d.instanceIndex < 0) whole++;
            else indices.set(d.instanceIndex);
            assertThat(d.errorCode).as(d.error).isNotNull().isNotEqualTo(ErrorCode.INTERNAL_ERROR);
            assertThat(d.error).isNotBlank();
            assertThat(d.source).isEqualTo(SOURCE);
            if (d.payload == null) continue;
            byte[] kept = DeadLetters.payloadBytes(d);
            assertThat(kept.length).isLessThanOrEqualTo(max);
            assertThat(d.payloadTruncated).isEqualTo(d.payloadLength > max);
            if (d.instanceIndex < 0) {
                assertThat(d.payloadLength).isEqualTo(input.length);
                assertThat(kept).isEqualTo(Arrays.copyOf(input, kept.length));
            }
            assertThat(DEAD_LETTERS.encode(d).length).isLessThanOrEqualTo(HostileCorpus.maxDeadLetterJsonBytes(limits));
        }
        // the report shows what the inputs reached, so a generator that stopped reaching the parser is noticed
        Statistics.collect(r.deadLetters().isEmpty() ? VALID : r.deadLetters().get(0).errorCode.name());
        if (whole > 0) {
            assertThat(n).as("a record refused or accepted as a whole has one outcome").isEqualTo(1);
        } else {
            assertThat(indices.cardinality()).as("one outcome per instance").isEqualTo(n);
            assertThat(indices.nextClearBit(0)).as("instances indexed 0..n-1").isEqualTo(n);
        }
    }

    /**
     * Fails the property unless each code (or {@value #VALID}) was the first outcome of more than its share of the
     * tries, in percent: a generator that stops reaching a part of the parser fails the run. The floors are at most
     * a third of the shares measured (codes seen under about 20 times in a run are not
     * checked, so chance alone does not fail it).
     */
    private static void reaches(Map<String, Double> minPercent) {
        Statistics.coverage(coverage -> minPercent.forEach((code, min) -> coverage.check(code).percentage(p -> {
            assertThat(p).as("%% of tries whose first outcome is %s", code).isGreaterThan(min);
        })));
    }

    /** Multiplies every property's tries by {@value #MULTIPLIER} (default 1), for longer runs than CI's. */
    static final class Multiplier implements AroundPropertyHook {
        @Override
        public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
            int factor = Integer.getInteger(MULTIPLIER, 1);
            if (factor > 1) {
                context.attributes().tries().ifPresent(t -> context.attributes().setTries(t * factor));
            }
            return property.execute();
        }
    }
}

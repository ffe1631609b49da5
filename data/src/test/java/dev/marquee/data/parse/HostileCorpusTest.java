package dev.marquee.data.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.marquee.data.config.Settings;
import dev.marquee.data.event.DeadLetter;
import dev.marquee.data.event.ErrorCode;
import dev.marquee.data.event.RatingRequest;
import dev.marquee.data.event.SourcePosition;
import dev.marquee.data.json.EventCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every hostile record ends as exactly the outcomes it is owed, each bounded, and none hangs the parser. */
class HostileCorpusTest {
    private static final SourcePosition SOURCE = new SourcePosition("rating-requests", 3, 1234, 1_700_000_000_000L);
    /** Only a guard against a hang (a test that never ends); not a speed claim. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(10);
    private static final EventCodec<DeadLetter> DEAD_LETTERS = EventCodec.of(DeadLetter.class);

    static List<HostileCorpus.Entry> entries() {
        return HostileCorpus.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void everyEntryEndsAsItsExpectedOutcomesUnderTheDefaultLimits(HostileCorpus.Entry entry) {
        check(entry, ParserLimits.defaults());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void deadLettersStayBoundedWithATinyPayloadLimit(HostileCorpus.Entry entry) {
        check(entry, ParserLimits.from(new Settings(Map.of(ParserLimits.MAX_DEAD_LETTER_PAYLOAD_BYTES, "100"))));
    }

    private static void check(HostileCorpus.Entry entry, ParserLimits limits) {
        byte[] bytes = entry.bytes();
        RequestParser parser = new RequestParser(limits);
        ParseResult r = assertTimeoutPreemptively(HANG_GUARD, () -> parser.parse(bytes, SOURCE), "hang guard");

        List<ErrorCode> expected = entry.expected.outcomes();
        assertThat(r.outcomes()).as("%s: outcomes %s", entry.name, r).isEqualTo(expected.size());
        Map<Integer, ErrorCode> byIndex = new HashMap<>();
        for (RatingRequest q : r.requests()) {
            assertThat(byIndex.containsKey(q.instanceIndex)).as("%s: instance %d twice", entry.name, q.instanceIndex).isFalse();
            byIndex.put(q.instanceIndex, null);
            assertContract(q, limits);
        }
        for (DeadLetter d : r.deadLetters()) {
            assertThat(byIndex.containsKey(d.instanceIndex)).as("%s: instance %d twice", entry.name, d.instanceIndex).isFalse();
            byIndex.put(d.instanceIndex, d.errorCode);
            assertBounded(entry, d, bytes, limits);
        }
        for (int i = 0; i < expected.size(); i++) {
            int index = entry.expected.envelope() ? i : -1;
            assertThat(byIndex).as("%s: outcome of instance %d", entry.name, index).containsKey(index);
            assertThat(byIndex.get(index)).as("%s: instance %d (%s)", entry.name, index, r.deadLetters()).isEqualTo(expected.get(i));
        }
    }

    private static void assertContract(RatingRequest q, ParserLimits limits) {
        assertThat(q.requestId).isNotBlank();
        assertThat(q.userId).isNotBlank().hasSizeLessThanOrEqualTo(limits.maxUserIdChars);
        assertThat(q.movieTitle).isNotBlank().hasSizeLessThanOrEqualTo(limits.maxTitleChars);
        assertThat(RequestParser.firstBadCharacter(q.userId)).isEqualTo(-1);
        assertThat(RequestParser.firstBadCharacter(q.movieTitle)).isEqualTo(-1);
        assertThat(RequestParser.firstBadCharacter(q.requestId)).isEqualTo(-1);
        assertThat(q.timestamp).isBetween(limits.minTimestamp, limits.maxTimestamp);
        // an envelope instance carries its own extras plus the envelope's (known keys misplaced there + extras)
        assertThat(q.extraFields.length).isLessThanOrEqualTo(2 * limits.maxExtraFields + 4);
        assertThat(q.source).isEqualTo(SOURCE);
    }

    /** The payload's size as the dead letter's JSON carries it: escapes counted, base64 as written. */
    private static int jsonPayloadBytes(DeadLetter d) {
        try {
            String quoted = dev.marquee.data.json.EventJson.mapper().writeValueAsString(d.payload);
            return quoted.getBytes(java.nio.charset.StandardCharsets.UTF_8).length - 2;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    private static void assertBounded(HostileCorpus.Entry entry, DeadLetter d, byte[] original, ParserLimits limits) {
        assertThat(d.error).isNotBlank().hasSizeLessThan(1_000);
        assertThat(d.source).isEqualTo(SOURCE);
        int max = limits.maxDeadLetterPayloadBytes;
        byte[] kept = DeadLetters.payloadBytes(d);
        assertThat(kept.length).as(entry.name).isLessThanOrEqualTo(max);
        assertThat(jsonPayloadBytes(d)).as("%s: payload as written in JSON", entry.name).isLessThanOrEqualTo(max);
        assertThat(d.payloadTruncated).as(entry.name).isEqualTo(kept.length < d.payloadLength);
        if (d.instanceIndex < 0) {
            assertThat(d.payloadLength).as("%s: original length", entry.name).isEqualTo(original.length);
            assertThat(kept).as(entry.name).isEqualTo(Arrays.copyOf(original, kept.length));
        } else {
            assertThat(d.payloadLength).isBetween(1, original.length);
            assertThat(d.payloadEncoding).isEqualTo(DeadLetter.UTF8);
            assertThat(new String(original, StandardCharsets.UTF_8)).contains(d.payload);
        }
        int serialised = DEAD_LETTERS.encode(d).length;
        assertThat(serialised).as("%s: serialised dead letter", entry.name)
                .isLessThanOrEqualTo(HostileCorpus.maxDeadLetterJsonBytes(limits));
    }

    @Test
    void aMillionInstanceEnvelopeIsRefusedBySizeThenByCountThenParsedWhenBothLimitsAllowIt() {
        byte[] envelope = HostileCorpus.generated().stream().filter(e -> e.name.equals("envelope-1m-instances"))
                .findFirst().orElseThrow().bytes();
        assertThat(envelope.length).isGreaterThan(16 << 20); // tens of MB

        Map<String, String> raised = new HashMap<>(Map.of(ParserLimits.MAX_PAYLOAD_BYTES, String.valueOf(64 << 20)));
        ParseResult counted = assertTimeoutPreemptively(HANG_GUARD,
                () -> new RequestParser(ParserLimits.from(new Settings(raised))).parse(envelope, SOURCE));
        assertThat(counted.outcomes()).isEqualTo(1);
        assertThat(counted.deadLetters().get(0).errorCode).isEqualTo(ErrorCode.TOO_MANY_INSTANCES);

        raised.put(ParserLimits.MAX_INSTANCES, "1000000");
        ParseResult all = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> new RequestParser(ParserLimits.from(new Settings(raised))).parse(envelope, SOURCE));
        assertThat(all.deadLetters()).isEmpty();
        assertThat(all.requests()).hasSize(1_000_000);
        assertThat(all.requests().get(999_999).instanceIndex).isEqualTo(999_999);
    }

    @Test
    void storedFilesTheCorpusAndTheReadmeAgree() throws IOException {
        Path dir = Path.of("src/test/resources/hostile");
        Set<String> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.map(p -> p.getFileName().toString()).filter(n -> !n.equals("README.md")).collect(Collectors.toSet());
        }
        List<HostileCorpus.Entry> stored = HostileCorpus.stored();
        assertThat(stored.stream().map(e -> e.name).collect(Collectors.toSet())).isEqualTo(files);
        String readme = Files.readString(dir.resolve("README.md"));
        for (HostileCorpus.Entry e : stored) {
            String row = readme.lines().filter(l -> l.contains("`" + e.name + "`")).findFirst().orElse("");
            assertThat(row).as("README row of %s", e.name).isNotEmpty();
            for (ErrorCode code : e.expected.outcomes()) {
                assertThat(row).as("README row of %s", e.name).contains(code == null ? "valid" : code.name());
            }
        }
    }

    @Test
    void entryNamesAreUniqueAndEveryCodeButInternalErrorIsCovered() {
        List<HostileCorpus.Entry> all = HostileCorpus.all();
        assertThat(all.stream().map(e -> e.name).distinct().count()).isEqualTo(all.size());
        // the codes left out are not about hostile input; BadInputCatalog covers them
        Set<ErrorCode> covered = all.stream().flatMap(e -> e.expected.outcomes().stream())
                .filter(c -> c != null).collect(Collectors.toSet());
        assertThat(covered).containsAll(Arrays.stream(ErrorCode.values())
                .filter(c -> !c.afterValidation()) // the scorer's, not the parser's
                .filter(c -> c != ErrorCode.INTERNAL_ERROR && c != ErrorCode.EMPTY_PAYLOAD
                        && c != ErrorCode.UNKNOWN_SIGNATURE && c != ErrorCode.EMPTY_FIELD && c != ErrorCode.EMPTY_ENVELOPE)
                .collect(Collectors.toList()));
    }
}

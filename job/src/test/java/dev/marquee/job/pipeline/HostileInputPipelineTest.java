package dev.marquee.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.DeadLetter;
import dev.marquee.data.event.ErrorCode;
import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.Rating;
import dev.marquee.data.json.EventCodec;
import dev.marquee.data.parse.DeadLetters;
import dev.marquee.data.parse.HostileCorpus;
import dev.marquee.data.parse.ParserLimits;
import dev.marquee.data.replay.RequestEncoder;
import dev.marquee.job.config.JobSettings;
import dev.marquee.model.testing.TestModels;
import dev.marquee.job.source.RawRecord;
import dev.marquee.model.ModelRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile corpus (stored and generated entries, up to 10 MiB each) between valid requests, through the scoring
 * pipeline with a real SavedModel and no restarts: the job does not fail, every record and every envelope instance
 * ends as exactly one prediction or one dead letter with its expected code, every dead letter is bounded in size,
 * and valid requests after the hostile ones are still scored. That Kafka carries such records to the job, and
 * refuses larger ones, is HostileInputITCase's.
 */
class HostileInputPipelineTest {
    @RegisterExtension
    static final SharedMiniCluster FLINK = new SharedMiniCluster();

    /** The largest record the Kafka test allows; the one entry beyond it never reaches a job. */
    private static final int RECORD_LIMIT = 16 << 20;
    private static final int VALID_BEFORE = 300;
    private static final int VALID_AFTER = 300;
    private static final String VALID = "valid";

    @TempDir
    static Path registryDir;
    private static List<Rating> rows;

    @BeforeAll
    static void trainAModel() throws Exception {
        rows = TestModels.data(21);
        assertThat(TestModels.publish(new ModelRegistry(registryDir), rows, 21)).isEqualTo(1);
    }

    /** One record sent, and the outcome each of its instances is owed. */
    private record Sent(String name, HostileCorpus.Expected expected, int length, RawRecord record) {}

    @Test
    void theWholeCorpusBetweenValidRequestsEndsAsExactlyOneOutcomeEachAndTheJobKeepsScoring() throws Exception {
        RawRecords records = new RawRecords("rating-requests", 2);
        List<Sent> sent = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        RequestEncoder encoder = new RequestEncoder();
        int valid = 0;
        for (int i = 0; i < VALID_BEFORE; i++) sent.add(valid(records, encoder, valid++));
        for (HostileCorpus.Entry e : HostileCorpus.all()) {
            byte[] bytes = e.bytes();
            if (bytes.length > RECORD_LIMIT - 1024) {
                skipped.add(e.name); // beyond any Kafka record: HostileInputITCase.aRecordBeyondKafkasLimitsNeverReachesTheJob
                continue;
            }
            sent.add(new Sent(e.name, e.expected, bytes.length, records.add(bytes)));
            sent.add(valid(records, encoder, valid++));
        }
        for (int i = 0; i < VALID_AFTER; i++) sent.add(valid(records, encoder, valid++));
        assertThat(skipped).containsExactly("envelope-1m-instances");

        // What each instance is owed, by source position: "partition@offset#instance" (-1: the whole record).
        Map<String, String> owed = new HashMap<>();
        Map<String, Sent> byRecord = new HashMap<>();
        for (Sent s : sent) {
            String record = RawRecords.position(s.record().partition, s.record().offset);
            byRecord.put(record, s);
            List<ErrorCode> codes = s.expected().outcomes();
            for (int i = 0; i < codes.size(); i++) {
                owed.put(record + "#" + (s.expected().envelope() ? i : -1), codes.get(i) == null ? VALID : codes.get(i).name());
            }
        }
        long owedPredictions = owed.values().stream().filter(VALID::equals).count();
        long owedDeadLetters = owed.size() - owedPredictions;
        assertThat(owedPredictions).isGreaterThan(10_000 + VALID_BEFORE + VALID_AFTER);
        assertThat(owedDeadLetters).isGreaterThan(150);

        PipelineRun.Outputs out = new PipelineRun(Map.of(JobSettings.MODEL_REGISTRY, registryDir.toString()))
                .requests(records.all()).run(); // throws if the job failed

        Map<String, String> got = new HashMap<>();
        for (Prediction p : out.predictions()) {
            String key = positionOf(p);
            assertThat(got.put(key, VALID)).as("two outcomes for %s", key).isNull();
            assertThat(p.predictedRating).isBetween(1f, 5f);
        }
        int maxDeadLetterBytes = HostileCorpus.maxDeadLetterJsonBytes(ParserLimits.defaults());
        int largestDeadLetter = 0;
        EventCodec<DeadLetter> deadCodec = EventCodec.of(DeadLetter.class); // what the dead-letter sink writes
        for (DeadLetter d : out.deadLetters()) {
            int size = deadCodec.encode(d).length;
            largestDeadLetter = Math.max(largestDeadLetter, size);
            assertThat(size).as("dead letter record size").isLessThanOrEqualTo(maxDeadLetterBytes);
            String record = RawRecords.position(d.source.partition, d.source.offset);
            String key = record + "#" + d.instanceIndex;
            assertThat(got.put(key, d.errorCode.name())).as("two outcomes for %s", key).isNull();
            assertThat(d.source.topic).isEqualTo("rating-requests");
            assertThat(DeadLetters.payloadBytes(d).length).isLessThanOrEqualTo(ParserLimits.defaults().maxDeadLetterPayloadBytes);
            if (d.instanceIndex < 0) {
                Sent s = byRecord.get(record);
                assertThat(d.payloadLength).as(s.name()).isEqualTo(s.length());
                assertThat(d.payloadTruncated).as(s.name()).isEqualTo(s.length() > ParserLimits.defaults().maxDeadLetterPayloadBytes);
            }
        }
        assertThat(largestDeadLetter).isPositive();

        // exactly one outcome per record and instance, each the one it is owed
        assertThat(got.keySet()).isEqualTo(owed.keySet());
        for (Map.Entry<String, String> e : owed.entrySet()) {
            String record = e.getKey().substring(0, e.getKey().indexOf('#'));
            assertThat(got.get(e.getKey())).as("%s (%s)", e.getKey(), byRecord.get(record).name()).isEqualTo(e.getValue());
        }
        // valid requests after the whole corpus were still scored
        for (Sent s : sent.subList(sent.size() - VALID_AFTER, sent.size())) {
            assertThat(got.get(RawRecords.position(s.record().partition, s.record().offset) + "#-1")).as(s.name()).isEqualTo(VALID);
        }
    }

    private static Sent valid(RawRecords records, RequestEncoder encoder, int i) {
        Rating r = rows.get(i % rows.size());
        byte[] value = encoder.single("v-" + i, r);
        return new Sent("valid v-" + i, HostileCorpus.valid(), value.length, records.add(value));
    }

    /** "partition@offset#instance" of a prediction; the instance is read from the default id "topic-p-o#i". */
    private static String positionOf(Prediction p) {
        String base = p.source.defaultRequestId() + "#";
        int index = p.requestId.startsWith(base) ? Integer.parseInt(p.requestId.substring(base.length())) : -1;
        return RawRecords.position(p.source.partition, p.source.offset) + "#" + index;
    }
}

package dev.marquee.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.marquee.data.event.DeadLetter;
import dev.marquee.data.event.ErrorCode;
import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.Rating;
import dev.marquee.data.parse.BadInputCatalog;
import dev.marquee.data.parse.DeadLetters;
import dev.marquee.data.replay.RequestEncoder;
import dev.marquee.job.config.JobSettings;
import dev.marquee.model.testing.TestModels;
import dev.marquee.job.source.ClockBoundedWatermarks;
import dev.marquee.job.source.RawRecord;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.cli.Console;
import dev.marquee.model.cli.ModelMain;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scoring pipeline with a real SavedModel, without a broker: every request ends as exactly one prediction or
 * exactly one dead letter with its code and its original bytes, the predictions carry the model's answer (the
 * same as {@code marquee predict}), the model version, the OOV flags and the catalog title the request's title
 * resolved to. Kafka's part (positions, delivery modes) is ScoringJobITCase's.
 */
class ScoringPipelineTest {
    @RegisterExtension
    static final SharedMiniCluster FLINK = new SharedMiniCluster();

    private static final int VALID = 10_000;
    private static final int COPIES_OF_EACH_BAD_KIND = 4;
    private static final String TOPIC = "rating-requests";

    @TempDir
    static Path registryDir;
    private static List<Rating> rows;

    @BeforeAll
    static void trainAModel() throws Exception {
        rows = TestModels.data(11);
        assertThat(TestModels.publish(new ModelRegistry(registryDir), rows, 11)).isEqualTo(1);
    }

    @Test
    void everyRequestEndsAsExactlyOnePredictionOrOneDeadLetterWithItsCode() throws Exception {
        List<BadInputCatalog.Case> kinds = BadInputCatalog.all();
        assertThat(kinds.stream().map(c -> c.expected).distinct().count()).isGreaterThanOrEqualTo(15);
        assertThat(kinds).hasSizeGreaterThanOrEqualTo(20);

        RawRecords records = new RawRecords(TOPIC, 2);
        Map<String, BadInputCatalog.Case> badByPosition = new HashMap<>();
        Map<String, Rating> valid = new HashMap<>();
        Map<String, String> respelt = new HashMap<>();
        RequestEncoder encoder = new RequestEncoder();
        int badTotal = kinds.size() * COPIES_OF_EACH_BAD_KIND;
        int every = VALID / badTotal;
        int b = 0;
        for (int i = 0; i < VALID; i++) {
            Rating r = rows.get(i % rows.size());
            if (i % 97 == 0) r = new Rating("unseen-user-" + i, r.movieTitle, r.rating, r.timestamp);
            String id = "v-" + i;
            if (i % 89 == 1) { // spelt as another catalog might: scored as the catalog title, and says so
                respelt.put(id, r.movieTitle);
                r = new Rating(r.userId, r.movieTitle.toLowerCase(Locale.ROOT), r.rating, r.timestamp);
            }
            valid.put(id, r);
            records.add(encoder.single(id, r));
            if (i % every == 0 && b < badTotal) {
                BadInputCatalog.Case kind = kinds.get(b++ % kinds.size());
                RawRecord bad = records.add(kind.payload);
                badByPosition.put(RawRecords.position(bad.partition, bad.offset), kind);
            }
        }
        assertThat(badByPosition).hasSizeGreaterThanOrEqualTo(200);

        PipelineRun.Outputs out = new PipelineRun(Map.of(JobSettings.MODEL_REGISTRY, registryDir.toString()))
                .requests(records.all()).run();

        // Predictions: exactly one per valid request, right id, a rating in [1, 5], from version 1.
        Map<String, Prediction> byId = new HashMap<>();
        for (Prediction p : out.predictions()) {
            assertThat(byId.put(p.requestId, p)).as("duplicate prediction for %s", p.requestId).isNull();
        }
        assertThat(out.predictions()).hasSize(VALID);
        assertThat(byId.keySet()).isEqualTo(valid.keySet());
        int respeltKnown = 0;
        for (Map.Entry<String, Prediction> e : byId.entrySet()) {
            Prediction p = e.getValue();
            Rating r = valid.get(e.getKey());
            assertThat(p.userId).isEqualTo(r.userId);
            assertThat(p.movieTitle).isEqualTo(r.movieTitle);
            assertThat(p.predictedRating).isBetween(1f, 5f);
            assertThat(p.output3).containsExactly(p.predictedRating);
            assertThat(p.modelVersion).isEqualTo(1);
            assertThat(p.oovUserId).isEqualTo(r.userId.startsWith("unseen-user-"));
            if (Boolean.FALSE.equals(p.oovMovieTitle)) {
                assertThat(p.catalogTitle).isEqualTo(respelt.getOrDefault(e.getKey(), r.movieTitle));
                assertThat(p.titleMatch).isEqualTo(respelt.containsKey(e.getKey()) ? "canonical" : "exact");
                if (respelt.containsKey(e.getKey())) respeltKnown++;
            } else {
                assertThat(p.catalogTitle).isNull();
                assertThat(p.titleMatch).isEqualTo("none");
            }
        }
        assertThat(respeltKnown).as("respelt titles the model knows").isGreaterThan(10);

        // Dead letters: exactly one per bad record, with its code and its original bytes.
        Map<String, DeadLetter> deadByPosition = new HashMap<>();
        for (DeadLetter d : out.deadLetters()) {
            assertThat(deadByPosition.put(RawRecords.position(d.source.partition, d.source.offset), d))
                    .as("duplicate dead letter").isNull();
        }
        assertThat(out.deadLetters()).hasSize(badByPosition.size());
        assertThat(deadByPosition.keySet()).isEqualTo(badByPosition.keySet());
        for (Map.Entry<String, DeadLetter> e : deadByPosition.entrySet()) {
            BadInputCatalog.Case kind = badByPosition.get(e.getKey());
            DeadLetter d = e.getValue();
            assertThat(d.errorCode).as(kind.name).isEqualTo(kind.expected);
            assertThat(d.source.topic).isEqualTo(TOPIC);
            if (kind.payload == null) {
                assertThat(d.payload).isNull();
            } else if (!d.payloadTruncated) {
                assertThat(DeadLetters.payloadBytes(d)).as(kind.name).isEqualTo(kind.payload);
            }
        }
        assertThat(out.predictions().size() + out.deadLetters().size()).isEqualTo(VALID + badByPosition.size());
        assertSameAsPredictCommand(byId, valid);
        assertThat(out.deadLetters().stream().map(d -> d.errorCode).distinct().count())
                .isGreaterThanOrEqualTo(15).isLessThanOrEqualTo(ErrorCode.values().length);
    }

    /**
     * Requests stamped a year ahead of the clock are scored like the others and keep their timestamps; the
     * event-time operator counts them as timestamps its watermark ignored (decision 0015).
     */
    @Test
    void requestsStampedAheadOfTheClockAreScoredAndCountedAsIgnoredByEventTime() throws Exception {
        RawRecords records = new RawRecords(TOPIC, 2);
        RequestEncoder encoder = new RequestEncoder();
        long aYearAhead = System.currentTimeMillis() / 1000 + 365L * 86_400;
        int ahead = 7;
        for (int i = 0; i < 50; i++) {
            Rating r = rows.get(i);
            if (i % 7 == 3) r = new Rating(r.userId, r.movieTitle, r.rating, aYearAhead);
            records.add(encoder.single("t-" + i, r));
        }

        PipelineRun.Outputs out = new PipelineRun(Map.of(JobSettings.MODEL_REGISTRY, registryDir.toString()))
                .requests(records.all()).run();

        assertThat(out.predictions()).hasSize(50);
        assertThat(out.predictions()).filteredOn(p -> p.timestamp == aYearAhead).hasSize(ahead);
        assertThat(SharedMiniCluster.metricSum(out.jobId(), ClockBoundedWatermarks.IGNORED_METRIC)).isEqualTo(ahead);
    }

    /**
     * A prediction names its envelope instance, as a dead letter does: two instances sent with the same request id
     * are told apart; a single-request record has none.
     */
    @Test
    void predictionsOfEnvelopeInstancesNameTheirInstance() throws Exception {
        RequestEncoder encoder = new RequestEncoder();
        RawRecords records = new RawRecords(TOPIC, 1);
        RawRecord envelope = records.add(encoder.envelope(List.of("same", "same", "other"), rows.subList(0, 3)));
        RawRecord single = records.add(encoder.single("alone", rows.get(3)));

        PipelineRun.Outputs out = new PipelineRun(Map.of(JobSettings.MODEL_REGISTRY, registryDir.toString(),
                "drift.enabled", "false")).requests(records.all()).run();

        assertThat(out.predictions()).hasSize(4);
        assertThat(out.predictions()).filteredOn(p -> p.source.offset == envelope.offset)
                .extracting(p -> p.requestId + "#" + p.instanceIndex).containsExactlyInAnyOrder("same#0", "same#1", "other#2");
        assertThat(out.predictions()).filteredOn(p -> p.source.offset == single.offset).singleElement()
                .satisfies(p -> assertThat(p.instanceIndex).isNull());
    }

    /** The job's predictions equal, to float tolerance, what {@code marquee predict} answers for the same rows. */
    private static void assertSameAsPredictCommand(Map<String, Prediction> byId, Map<String, Rating> valid) throws Exception {
        List<String> ids = byId.keySet().stream().sorted().limit(300).collect(Collectors.toList());
        ObjectMapper json = new ObjectMapper();
        ArrayNode instances = json.createArrayNode();
        for (String id : ids) {
            Rating r = valid.get(id);
            instances.addObject().put("user_id", r.userId).put("movie_title", r.movieTitle).put("timestamp", r.timestamp);
        }
        ObjectNode request = json.createObjectNode().put("signature_name", "serving_default");
        request.set("instances", instances);
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int code = ModelMain.run(
                new String[] {"predict", "--registry", registryDir.toString(), "--name", TestModels.NAME, "--version", "1"},
                new Console(new ByteArrayInputStream(json.writeValueAsBytes(request)),
                        new PrintStream(stdout, true, StandardCharsets.UTF_8),
                        new PrintStream(stderr, true, StandardCharsets.UTF_8), Map.of(), registryDir));
        assertThat(code).as(stderr.toString(StandardCharsets.UTF_8)).isZero();
        JsonNode predictions = json.readTree(stdout.toByteArray()).get("predictions");
        assertThat(predictions).hasSize(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            float cli = (float) predictions.get(i).get("output_3").get(0).asDouble();
            assertThat(byId.get(ids.get(i)).predictedRating).as(ids.get(i)).isCloseTo(cli, Offset.offset(1e-5f));
        }
    }
}

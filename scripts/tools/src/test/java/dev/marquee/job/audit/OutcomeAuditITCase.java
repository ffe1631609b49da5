package dev.marquee.job.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.LabeledPrediction;
import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.Rating;
import dev.marquee.data.event.SourcePosition;
import dev.marquee.data.json.EventCodec;
import dev.marquee.data.replay.RequestEncoder;
import dev.marquee.infra.testing.KafkaBrokerExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/** The outcome audit against a real broker. */
class OutcomeAuditITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    /**
     * The last missing outcome arrives early in a long predictions topic, and a duplicate sits far behind it: the audit
     * reads on to the end offsets the topics had when nothing was missing, so the duplicate is counted even with no
     * settle time.
     */
    @Test
    void aDuplicateBehindABacklogIsCountedEvenWithoutSettleTime() throws Exception {
        String requests = KAFKA.createTopic("rating-requests", 1);
        String predictions = KAFKA.createTopic("predictions", 1);
        String deadLetters = KAFKA.createTopic("rating-requests-dlq", 1);
        EventCodec<Prediction> codec = EventCodec.of(Prediction.class);
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(requests, new RequestEncoder().single("r1",
                    new Rating("7", "Heat (1995)", 4f, 892_870_992L)))).get();
            producer.send(new ProducerRecord<>(predictions, codec.encode(prediction("r1", requests, 0)))).get();
            for (int i = 1; i <= 20_000; i++) {
                producer.send(new ProducerRecord<>(predictions, codec.encode(prediction("other-" + i, "elsewhere", i))));
            }
            producer.send(new ProducerRecord<>(predictions, codec.encode(prediction("r1", requests, 0)))).get();
        }

        StringBuilder report = new StringBuilder();
        int code = audit(report, "--requests-topic", requests, "--predictions-topic", predictions, "--dead-letters-topic",
                deadLetters, "--settle-seconds", "0", "--timeout-seconds", "60");
        assertThat(code).isEqualTo(1);
        assertThat(report).contains("missing 0; duplicates 1;").contains("audit: FAILED");
    }

    /**
     * Every outcome and join is there, but the settle time asks for more than the whole budget: the labels are still
     * read when the time is up, not counted missing (nor the audit failed as if Kafka had).
     */
    @Test
    void whatIsOnTheTopicsWhenTheTimeIsUpIsReadBeforeAnyVerdict() throws Exception {
        String requests = KAFKA.createTopic("budget-requests", 1);
        String predictions = KAFKA.createTopic("budget-predictions", 1);
        String deadLetters = KAFKA.createTopic("budget-dlq", 1);
        String ratings = KAFKA.createTopic("budget-ratings", 1);
        String labeled = KAFKA.createTopic("budget-labeled", 1);
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(requests, new RequestEncoder().single("r1",
                    new Rating("7", "Heat (1995)", 4f, 892_870_992L)))).get();
            producer.send(new ProducerRecord<>(predictions, EventCodec.of(Prediction.class)
                    .encode(prediction("r1", requests, 0)))).get();
            producer.send(new ProducerRecord<>(ratings, ("{\"request_id\":\"r1\",\"user_id\":\"7\",\"movie_title\":"
                    + "\"Heat (1995)\",\"rating\":4,\"timestamp\":892870992}").getBytes(StandardCharsets.UTF_8))).get();
            LabeledPrediction joined = new LabeledPrediction();
            joined.requestId = "r1";
            joined.userId = "7";
            joined.movieTitle = "Heat (1995)";
            joined.timestamp = 892_870_992L;
            joined.label = 4f;
            joined.modelVersion = 1;
            producer.send(new ProducerRecord<>(labeled, EventCodec.of(LabeledPrediction.class).encode(joined))).get();
        }

        StringBuilder report = new StringBuilder();
        int code = audit(report, "--requests-topic", requests, "--predictions-topic", predictions, "--dead-letters-topic",
                deadLetters, "--labels", "--ratings-topic", ratings, "--labeled-predictions-topic", labeled,
                "--settle-seconds", "10", "--timeout-seconds", "3");
        assertThat(report).contains("audit: OK");
        assertThat(code).isZero();
    }

    /**
     * At exactly-once a failover aborts the transaction that held outcomes already written; the job writes them again
     * in the next. The audit reads committed records only: the aborted copy is not a duplicate.
     */
    @Test
    void anOutcomeInAnAbortedTransactionIsNotADuplicate() throws Exception {
        String requests = KAFKA.createTopic("aborted-requests", 1);
        String predictions = KAFKA.createTopic("aborted-predictions", 1);
        String deadLetters = KAFKA.createTopic("aborted-dlq", 1);
        EventCodec<Prediction> codec = EventCodec.of(Prediction.class);
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(requests, new RequestEncoder().single("r1",
                    new Rating("7", "Heat (1995)", 4f, 892_870_992L)))).get();
        }
        Map<String, Object> transactional = new java.util.HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "audit-aborted"));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(transactional)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(predictions, codec.encode(prediction("r1", requests, 0)))).get();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(predictions, codec.encode(prediction("r1", requests, 0)))).get();
            producer.commitTransaction();
        }

        StringBuilder report = new StringBuilder();
        int code = audit(report, "--requests-topic", requests, "--predictions-topic", predictions, "--dead-letters-topic",
                deadLetters, "--settle-seconds", "0", "--timeout-seconds", "60");
        assertThat(report).contains("missing 0; duplicates 0;").contains("audit: OK");
        assertThat(code).isZero();
    }

    /** A topic named wrong is the audit's failure (exit 1), said as such, not a broker that did not answer (3). */
    @Test
    void aTopicThatDoesNotExistFailsTheAudit() {
        String requests = KAFKA.createTopic("present-requests", 1);
        String deadLetters = KAFKA.createTopic("present-dlq", 1);
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        PrintStream console = System.err;
        int code;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = audit(new StringBuilder(), "--requests-topic", requests, "--predictions-topic", "no-such-predictions",
                    "--dead-letters-topic", deadLetters, "--timeout-seconds", "60");
        } finally {
            System.setErr(console);
        }
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("audit: topic no-such-predictions does not exist (a typo?");
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
    }

    /** Runs the audit against the test's broker; its standard output goes into {@code report} (and is printed). */
    private static int audit(StringBuilder report, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream console = System.out;
        String[] all = new String[args.length + 2];
        all[0] = "--bootstrap";
        all[1] = KAFKA.bootstrapServers();
        System.arraycopy(args, 0, all, 2, args.length);
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            return new CommandLine(new OutcomeAuditCommand()).execute(all);
        } finally {
            System.setOut(console);
            report.append(out.toString(StandardCharsets.UTF_8));
            System.out.print(report);
        }
    }

    private static Prediction prediction(String requestId, String topic, long offset) {
        Prediction p = new Prediction();
        p.requestId = requestId;
        p.userId = "7";
        p.movieTitle = "Heat (1995)";
        p.timestamp = 892_870_992L;
        p.predictedRating = 3.5f;
        p.output3 = new float[] {3.5f};
        p.modelVersion = 1;
        p.source = new SourcePosition(topic, 0, offset, 1L);
        return p;
    }
}

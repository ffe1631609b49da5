package dev.marquee.data.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.Alert;
import dev.marquee.data.event.DriftReport;
import dev.marquee.data.event.ModelStatus;
import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.RetrainRequest;
import dev.marquee.data.json.EventCodec;
import dev.marquee.infra.EmbeddedKafka;
import dev.marquee.tools.CommandRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code marquee watch} on a real broker, the verdicts {@code scripts/run-local} tells its story by: ordinary traffic
 * proved quiet (exit 0) or broken by an alert (exit 1), and a switch to a version ended on (exit 0) or undone by a later
 * status (exit 1). The topics' names are the fixed ones the command reads: a broker of this class's own, also where
 * the other tests are given an external one (-Dmarquee.kafka.bootstrap), whose topics of these names may hold anything.
 */
class EventWatchITCase {
    private static EmbeddedKafka KAFKA;

    @BeforeAll
    static void topics() throws Exception {
        KAFKA = EmbeddedKafka.builder().start();
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            admin.createTopics(List.of(EventWatch.PREDICTIONS, EventWatch.DRIFT_METRICS, EventWatch.RETRAIN_REQUESTS,
                    EventWatch.RETRAIN_OUTCOMES, EventWatch.MODEL_UPDATES, EventWatch.MODEL_STATUS).stream()
                    .map(t -> new NewTopic(t, 1, (short) 1)).toList()).all().get();
        }
    }

    @AfterAll
    static void stop() {
        if (KAFKA != null) KAFKA.close();
    }

    @Test
    void quietTrafficHoldsAndAnAlertOnOrdinaryTrafficBreaksIt() throws Exception {
        send(EventWatch.DRIFT_METRICS, EventCodec.of(DriftReport.class), List.of(report(1, 600), report(2, 400)));
        Watched quiet = watch("--quiet-through", "1000", "--timeout-seconds", "60");
        assertThat(quiet.exitCode).as(quiet.toString()).isZero();
        assertThat(quiet.err).contains("watch: quiet: 2 drift windows over 1,000 requests, no drift alert, and no retrain request");
        assertThat(quiet.out).contains("drift");

        DriftReport alerting = report(3, 300);
        alerting.alerts.add(new Alert("movie_title.js", 0.31, 0.12, 2));
        send(EventWatch.DRIFT_METRICS, EventCodec.of(DriftReport.class), List.of(alerting));
        Watched broken = watch("--quiet-through", "1300", "--timeout-seconds", "60");
        assertThat(broken.exitCode).as(broken.toString()).isEqualTo(1);
        assertThat(broken.err).contains("watch: not quiet: window #3 alerted on ordinary traffic: movie_title.js 0.31 > 0.12");
    }

    @Test
    void aSwitchToTheVersionEndsTheWatchAndALaterStatusUndoingItDoesNot() throws Exception {
        long now = System.currentTimeMillis();
        send(EventWatch.MODEL_STATUS, EventCodec.of(ModelStatus.class),
                List.of(new ModelStatus("marquee", 2, ModelStatus.LOADED, null, 2, 0, now)));
        send(EventWatch.PREDICTIONS, EventCodec.of(Prediction.class), List.of(prediction(2, now + 1)));
        Watched switched = watch("--until-version", "2", "--timeout-seconds", "60");
        assertThat(switched.exitCode).as(switched.toString()).isZero();

        // a rollback since: slot 0 serves version 1 again, so the old switch proves nothing
        send(EventWatch.MODEL_STATUS, EventCodec.of(ModelStatus.class),
                List.of(new ModelStatus("marquee", 1, ModelStatus.LOADED, null, 1, 0, now + 2)));
        Watched undone = watch("--until-version", "2", "--timeout-seconds", "15");
        assertThat(undone.exitCode).as(undone.toString()).isEqualTo(1);
        assertThat(undone.err).contains("watch: the scoring job did not switch to model version 2 within 15 s");
        assertThat(undone.out).as("it read the switch and the rollback, not nothing").contains("slot 0 serving model v2")
                .contains("slot 0 serving model v1");
    }

    /**
     * A deployment whose topics are its own (docs/OPERATIONS.md, several deployments on one cluster): the watch reads
     * the topics it is given, and the default ones' events, here a switch to version 9, are not its story.
     */
    @Test
    void aDeploymentsOwnTopicsAreReadWhenNamed() throws Exception {
        List<String> own = List.of("staging.predictions", "staging.drift-metrics", "staging.retrain-requests",
                "staging.retrain-outcomes", "staging.model-updates", "staging.model-status");
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            admin.createTopics(own.stream().map(t -> new NewTopic(t, 1, (short) 1)).toList()).all().get();
        }
        long now = System.currentTimeMillis();
        send(EventWatch.MODEL_STATUS, EventCodec.of(ModelStatus.class),
                List.of(new ModelStatus("marquee", 9, ModelStatus.LOADED, null, 9, 0, now)));
        send(EventWatch.PREDICTIONS, EventCodec.of(Prediction.class), List.of(prediction(9, now + 1)));
        send("staging.model-status", EventCodec.of(ModelStatus.class),
                List.of(new ModelStatus("marquee", 3, ModelStatus.LOADED, null, 3, 0, now)));
        send("staging.predictions", EventCodec.of(Prediction.class), List.of(prediction(3, now + 1)));
        String[] topics = {"--topic.predictions", own.get(0), "--topic.drift-metrics", own.get(1),
                "--topic.retrain-requests", own.get(2), "--topic.retrain-outcomes", own.get(3),
                "--topic.model-updates", own.get(4), "--topic.model-status", own.get(5)};

        Watched staging = watch(concat(topics, "--until-version", "3", "--timeout-seconds", "60"));
        assertThat(staging.exitCode).as(staging.toString()).isZero();
        assertThat(staging.out).contains("slot 0 serving model v3").doesNotContain("v9");

        Watched notTheDefaults = watch(concat(topics, "--until-version", "9", "--timeout-seconds", "10"));
        assertThat(notTheDefaults.exitCode).as(notTheDefaults.toString()).isEqualTo(1);
        assertThat(notTheDefaults.err).contains("did not switch to model version 9 within 10 s");
    }

    /**
     * The job writes its statuses and predictions in transactions at exactly-once: a switch in a transaction it
     * aborted (a failover before the checkpoint) never happened, and the watch must not end on it.
     */
    @Test
    void aSwitchInAnAbortedTransactionIsNotASwitch() throws Exception {
        long now = System.currentTimeMillis();
        Map<String, Object> props = Map.of("bootstrap.servers", KAFKA.bootstrapServers(),
                "key.serializer", StringSerializer.class.getName(), "value.serializer", ByteArraySerializer.class.getName(),
                "transactional.id", "watch-aborted-" + now);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(EventWatch.MODEL_STATUS, "aborted", EventCodec.of(ModelStatus.class)
                    .encode(new ModelStatus("aborted", 5, ModelStatus.LOADED, null, 5, 0, now)))).get();
            producer.send(new ProducerRecord<>(EventWatch.PREDICTIONS, "aborted",
                    EventCodec.of(Prediction.class).encode(prediction(5, now + 1)))).get();
            producer.abortTransaction();
        }
        Watched aborted = watch("--model-name", "aborted", "--until-version", "5", "--timeout-seconds", "10");
        assertThat(aborted.exitCode).as(aborted.toString()).isEqualTo(1);
        assertThat(aborted.err).contains("watch: the scoring job did not switch to model version 5 within 10 s");
        assertThat(aborted.out).doesNotContain("serving model v5");
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /**
     * run-local --exit's verdict: a switch after quiet ordinary windows ends the watch with 0 only when a drift alert
     * and a retrain request came once the episode started; a switch the online RMSE alone brought about is exit 1.
     * Models of their own, so the other tests' events on the shared topics are not theirs.
     */
    @Test
    void aSwitchEndsTheStoryOnlyAfterTheEpisodesDriftAlertAndRetrainRequest() throws Exception {
        for (String model : List.of("story", "rmse-only")) {
            DriftReport ordinary = report(1, 600);
            DriftReport episode = report(2, 600);
            if (model.equals("story")) episode.alerts.add(new Alert("movie_title.oov_rate", 1, 0.05, 2));
            for (DriftReport r : List.of(ordinary, episode)) r.modelName = model;
            send(EventWatch.DRIFT_METRICS, EventCodec.of(DriftReport.class), List.of(ordinary, episode));
            RetrainRequest request = new RetrainRequest("r-" + model, "online RMSE 1.2 over 1.0", System.currentTimeMillis());
            request.modelName = model;
            send(EventWatch.RETRAIN_REQUESTS, EventCodec.of(RetrainRequest.class), List.of(request));
            long now = System.currentTimeMillis();
            send(EventWatch.MODEL_STATUS, EventCodec.of(ModelStatus.class),
                    List.of(new ModelStatus(model, 2, ModelStatus.LOADED, null, 2, 0, now)));
        }
        send(EventWatch.PREDICTIONS, EventCodec.of(Prediction.class), List.of(prediction(2, System.currentTimeMillis() + 1)));

        Watched story = watch("--model-name", "story", "--until-version", "2", "--quiet-through", "1000",
                "--timeout-seconds", "60");
        assertThat(story.exitCode).as(story.toString()).isZero();

        Watched rmseOnly = watch("--model-name", "rmse-only", "--until-version", "2", "--quiet-through", "1000",
                "--timeout-seconds", "60");
        assertThat(rmseOnly.exitCode).as(rmseOnly.toString()).isEqualTo(1);
        assertThat(rmseOnly.err).contains("watch: the scoring job switched to model version 2, but not for the drift"
                + " episode: no drift alert came after the first 1,000 requests");
    }

    private static DriftReport report(long sequence, long records) {
        DriftReport r = new DriftReport();
        r.modelName = "marquee";
        r.sequence = sequence;
        r.records = records;
        r.validCount = records;
        r.scoredCount = records;
        r.modelVersion = 1;
        r.metrics.put("movie_title.js", 0.01); // compared
        r.windowEndMs = System.currentTimeMillis();
        r.windowStartMs = r.windowEndMs - 10_000;
        return r;
    }

    private static Prediction prediction(long version, long scoredAtMs) {
        Prediction p = new Prediction();
        p.requestId = "r-" + version;
        p.userId = "7";
        p.movieTitle = "Star Wars (1977)";
        p.timestamp = 892_870_992L;
        p.predictedRating = 4.1f;
        p.modelVersion = version;
        p.scoredAtMs = scoredAtMs;
        return p;
    }

    /**
     * {@code marquee watch | head -1}: once its reader is gone, a watch with no verdict to wait for ends as a shell's
     * commands do on a closed pipe (141), instead of running on and holding the pipeline open.
     */
    @Test
    void aWatchWhoseOutputIsClosedEnds() throws Exception {
        send(EventWatch.DRIFT_METRICS, EventCodec.of(DriftReport.class), List.of(report(50, 600)));
        PrintStream out = System.out;
        try {
            System.setOut(new PrintStream(new java.io.OutputStream() {
                @Override
                public void write(int b) throws java.io.IOException {
                    throw new java.io.IOException("Broken pipe");
                }
            }, true));
            int exitCode = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                    () -> CommandRun.of(new WatchCommand(), "--bootstrap", KAFKA.bootstrapServers()).exitCode());
            assertThat(exitCode).isEqualTo(EventWatch.OUTPUT_CLOSED).isEqualTo(141);
        } finally {
            System.setOut(out);
        }
    }

    private static <T> void send(String topic, EventCodec<T> codec, List<T> events) throws Exception {
        Map<String, Object> props = Map.of("bootstrap.servers", KAFKA.bootstrapServers(),
                "key.serializer", StringSerializer.class.getName(), "value.serializer", ByteArraySerializer.class.getName());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            for (T e : events) producer.send(new ProducerRecord<>(topic, "marquee", codec.encode(e))).get();
        }
    }

    private record Watched(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** The command as {@code marquee watch} runs it; it prints to the process's streams, captured here. */
    private static Watched watch(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--bootstrap";
        all[1] = KAFKA.bootstrapServers();
        System.arraycopy(args, 0, all, 2, args.length);
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        CommandRun run;
        try {
            System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            run = CommandRun.of(new WatchCommand(), all);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        Watched w = new Watched(run.exitCode(), outBytes.toString(StandardCharsets.UTF_8) + run.out(),
                errBytes.toString(StandardCharsets.UTF_8) + run.err());
        System.out.println(w); // into the failsafe report's -output.txt
        return w;
    }
}

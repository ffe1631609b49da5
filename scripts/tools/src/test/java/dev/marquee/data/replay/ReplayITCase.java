package dev.marquee.data.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.data.config.Settings;
import dev.marquee.data.event.Rating;
import dev.marquee.data.event.RatingRequest;
import dev.marquee.data.event.SourcePosition;
import dev.marquee.data.json.EventCodec;
import dev.marquee.data.movielens.MovieLensDir;
import dev.marquee.data.movielens.MovieLensLatest;
import dev.marquee.data.parse.ParseResult;
import dev.marquee.data.parse.RequestParser;
import dev.marquee.infra.testing.KafkaBrokerExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Replays 1,000 MovieLens rows through a real broker and reads every one back intact. */
class ReplayITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final int ROWS = 1_000;
    private static List<Rating> rows;

    @BeforeAll
    static void loadRows() {
        Optional<MovieLensDir> dir = MovieLensDir.findForTests();
        Settings selection;
        if (dir.isPresent()) {
            selection = new Settings(Map.of(RatingSelection.DATA, dir.get().path().toString(), RatingSelection.LIMIT, String.valueOf(ROWS)));
        } else {
            System.out.println("ReplayITCase: " + MovieLensDir.testSkipMessage().replaceFirst("; skipping$", "")
                    + "; replaying " + ROWS + " generated rows instead");
            selection = new Settings(Map.of(RatingSelection.DATA, "synthetic:" + ROWS));
        }
        rows = new RatingSelection(selection).load().rows;
        assertThat(rows).hasSize(ROWS);
    }

    /** `marquee tail` on a topic that does not exist says so in one line, and does not create it by asking. */
    @Test
    void tailingATopicThatDoesNotExistSaysSoAndCreatesNothing() throws Exception {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        String typo = "rating-request-" + UUID.randomUUID();
        assertThatThrownBy(() -> TopicTailCommand.tail(props, typo, 0, 1, 1_000, 10_000))
                .isInstanceOf(dev.marquee.tools.ExistingTopics.MissingTopicException.class)
                .hasMessage("topic " + typo + " does not exist");
        try (Admin admin = Admin.create(
                Map.<String, Object>of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            assertThat(admin.listTopics().names().get()).doesNotContain(typo);
        }
    }

    /**
     * The command itself (as run-local and scripts run it): a mistyped topic is exit 1 and not created (the brokers
     * here, as Kafka's default, create topics on first use); --expect N is exit 0 once N came, 1 when fewer did.
     */
    @Test
    void theTailCommandsExitCodeSaysWhetherWhatWasExpectedCame() throws Exception {
        String typo = "predictons-" + UUID.randomUUID();
        assertThat(dev.marquee.tools.CommandRun.of(new TopicTailCommand(), "--bootstrap", KAFKA.bootstrapServers(),
                "--topic", typo, "--timeout-seconds", "10").exitCode()).isEqualTo(1);
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            assertThat(admin.listTopics().names().get()).as("not created by asking").doesNotContain(typo);
        }

        String topic = KAFKA.createTopic("expected", 1);
        try (org.apache.kafka.clients.producer.KafkaProducer<String, String> producer =
                     new org.apache.kafka.clients.producer.KafkaProducer<>(KAFKA.producerProps())) {
            for (int i = 0; i < 3; i++) producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, "r" + i)).get();
        }
        assertThat(dev.marquee.tools.CommandRun.of(new TopicTailCommand(), "--bootstrap", KAFKA.bootstrapServers(),
                "--topic", topic, "--expect", "3", "--timeout-seconds", "60").exitCode()).as("all three came").isZero();
        assertThat(dev.marquee.tools.CommandRun.of(new TopicTailCommand(), "--bootstrap", KAFKA.bootstrapServers(),
                "--topic", topic, "--expect", "4", "--idle-seconds", "1", "--timeout-seconds", "60").exitCode())
                .as("three of four").isEqualTo(1);
    }

    /**
     * `marquee tail` stopped by its deadline with records left unread says so (and its exit code says so): the count
     * is not the topic's. A topic read to its end is not cut short, even when the deadline comes first.
     */
    @Test
    void tailStoppedByItsDeadlineWithRecordsLeftUnreadSaysItWasCutShort() throws Exception {
        String topic = KAFKA.createTopic("busy", 1);
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        assertThat(TopicTailCommand.tail(props, topic, 0, Long.MAX_VALUE, 5_000, 1_000).cutShort())
                .as("an empty topic at a deadline shorter than the idle time").isFalse();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
        Properties producerProps = KAFKA.producerProps();
        producerProps.put("key.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class.getName());
        producerProps.put("value.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class.getName());
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(producerProps)) {
            Thread writer = new Thread(() -> {
                // bursts of 100, each acknowledged before the next: a stream that never stops while the tail reads
                while (!stop.get()) {
                    try {
                        List<java.util.concurrent.Future<?>> burst = new ArrayList<>();
                        for (int i = 0; i < 100; i++) {
                            burst.add(producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, new byte[] {'x'})));
                        }
                        for (java.util.concurrent.Future<?> f : burst) f.get();
                        sent.addAndGet(burst.size());
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            writer.start();
            try {
                TopicTailCommand.Tailed busy = TopicTailCommand.tail(props, topic, 0, Long.MAX_VALUE, 5_000, 2_000);
                assertThat(busy.cutShort()).as("stopped at the deadline, records left unread").isTrue();
                assertThat(busy.count()).isPositive();
            } finally {
                stop.set(true);
                writer.join(30_000);
            }
        }
        TopicTailCommand.Tailed quiet = TopicTailCommand.tail(props, topic, 0, Long.MAX_VALUE, 5_000, 60_000);
        assertThat(quiet.cutShort()).as("read until quiet").isFalse();
        assertThat(quiet.count()).isEqualTo(sent.get());

        // a broker that answers no fetch within --idle-seconds (as a leader being moved): the records are there, unread
        Properties slow = new Properties();
        slow.putAll(props);
        slow.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, Integer.toString(100 << 20));
        slow.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "5000");
        TopicTailCommand.Tailed stalled = TopicTailCommand.tail(slow, topic, 0, Long.MAX_VALUE, 1_000, 60_000);
        assertThat(stalled.count()).isZero();
        assertThat(stalled.cutShort()).as("stopped idle with records left unread").isTrue();
        assertThat(stalled.byDeadline()).isFalse();
    }

    @Test
    void everyReplayedRequestAndRatingArrivesIntact() {
        String requests = KAFKA.createTopic("rating-requests", 2);
        String ratings = KAFKA.createTopic("ratings", 2);
        ReplaySummary summary = new ReplayProducer(options(requests, ratings, 1, true), null).replay(rows);

        assertThat(summary.errors).isZero();
        assertThat(summary.requests).isEqualTo(ROWS);
        assertThat(summary.ratings).isEqualTo(ROWS);

        Map<String, RatingRequest> byId = parseAll(readAll(requests, ROWS));
        assertThat(byId).hasSize(ROWS);
        for (int i = 0; i < ROWS; i++) {
            RatingRequest q = byId.get("it-" + i);
            Rating r = rows.get(i);
            assertThat(q).as("request it-%d", i).isNotNull();
            assertThat(q.userId).isEqualTo(r.userId);
            assertThat(q.movieTitle).isEqualTo(r.movieTitle);
            assertThat(q.timestamp).isEqualTo(r.timestamp);
        }

        EventCodec<Rating> codec = EventCodec.of(Rating.class);
        List<Rating> labels = new ArrayList<>();
        readAll(ratings, ROWS).forEach(rec -> labels.add(codec.decode(rec.value())));
        assertThat(labels).containsExactlyInAnyOrderElementsOf(rows);
    }

    /** A record the producer refuses stops the replay: the summary says how much went out, not what was planned. */
    @Test
    void aRefusedRecordStopsTheReplayAndTheSummaryCountsOnlyWhatWasSent() {
        String requests = KAFKA.createTopic("rating-requests", 2);
        String ratings = KAFKA.createTopic("ratings", 2);
        Properties tiny = new Properties();
        tiny.put("max.request.size", "50"); // every record is larger
        ReplaySummary summary = new ReplayProducer(new ReplayOptions(new Settings(settings(requests, ratings, 1, true)), tiny),
                null).replay(rows);

        assertThat(summary.errors).isPositive();
        assertThat(summary.requests).isZero();
        assertThat(summary.ratings).isZero();
        assertThat(summary.describe()).startsWith("sent 0 requests").contains("stopped after 0 of 1,000 requests")
                .contains("RecordTooLargeException");
    }

    /** Ctrl-C: a stopped replay flushes what it handed over and counts it; what went out is the first rows, whole. */
    @Test
    void aStoppedReplaySendsAPrefixOfTheRowsAndSaysHowFarItGot() {
        String requests = KAFKA.createTopic("rating-requests", 2);
        String ratings = KAFKA.createTopic("ratings", 2);
        Map<String, String> paced = settings(requests, ratings, 1, true);
        paced.put(ReplayOptions.RATE, "1000"); // a second for the whole replay
        paced.put(ReplayOptions.PROGRESS_SECONDS, "0.1");
        ReplayProducer[] producer = new ReplayProducer[1];
        producer[0] = new ReplayProducer(ReplayOptions.of(new Settings(paced)), line -> producer[0].stop());
        ReplaySummary summary = producer[0].replay(rows);

        assertThat(summary.errors).isZero();
        assertThat(summary.requests).isPositive().isLessThan(ROWS);
        assertThat(summary.ratings).isEqualTo(summary.requests);
        assertThat(summary.describe()).contains(String.format(java.util.Locale.ROOT, "stopped after %,d of 1,000 requests", summary.requests));
        int sent = (int) summary.requests;
        assertThat(recordsIn(requests)).isEqualTo(sent);
        assertThat(recordsIn(ratings)).isEqualTo(sent);
        Map<String, RatingRequest> byId = parseAll(readAll(requests, sent));
        for (int i = 0; i < sent; i++) assertThat(byId).as("the first %d rows", sent).containsKey("it-" + i);
    }

    /** Late labels: a second replay of the same rows sends their true ratings alone. */
    @Test
    void ratingsOnlySendsTheLabelsOfAnEarlierReplayAndNoRequest() {
        String requests = KAFKA.createTopic("rating-requests", 2);
        String ratings = KAFKA.createTopic("ratings", 2);
        new ReplayProducer(options(requests, ratings, 1, false), null).replay(rows);
        Map<String, String> late = settings(requests, ratings, 1, false);
        late.put(ReplayOptions.RATINGS_ONLY, "true");
        ReplaySummary summary = new ReplayProducer(ReplayOptions.of(new Settings(late)), null).replay(rows);

        assertThat(summary.errors).isZero();
        assertThat(summary.requests).isZero();
        assertThat(summary.ratings).isEqualTo(ROWS);
        assertThat(summary.describe()).startsWith("sent 1,000 ratings in ");
        assertThat(recordsIn(requests)).as("the first replay's requests and no more").isEqualTo(ROWS);
        EventCodec<Rating> codec = EventCodec.of(Rating.class);
        List<Rating> labels = new ArrayList<>();
        readAll(ratings, ROWS).forEach(rec -> labels.add(codec.decode(rec.value())));
        assertThat(labels).containsExactlyInAnyOrderElementsOf(rows);
    }

    @Test
    void envelopesCarryEveryRowAsAnInstance() {
        String requests = KAFKA.createTopic("rating-requests", 1);
        ReplaySummary summary = new ReplayProducer(options(requests, "unused", 10, false), null).replay(rows);

        assertThat(summary.records).isEqualTo(ROWS / 10);
        Map<String, RatingRequest> byId = parseAll(readAll(requests, ROWS / 10));
        assertThat(byId).hasSize(ROWS);
        assertThat(byId.get("it-17").instanceIndex).isEqualTo(7);
        assertThat(byId.get("it-17").movieTitle).isEqualTo(rows.get(17).movieTitle);
    }

    /** A mistyped topic: the local broker would create it on a producer's asking, and the records go nowhere read. */
    @Test
    void theReplayCommandRefusesATopicThatDoesNotExistAndCreatesNothing() throws Exception {
        String typo = "rating-reqests-" + UUID.randomUUID();
        PrintStream stderr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = ReplayMain.run(new String[] {"--bootstrap", KAFKA.bootstrapServers(), "--data", "synthetic:50",
                    "--topic", typo});
        } finally {
            System.setErr(stderr);
        }
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("replay: topic " + typo + " does not exist");
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            assertThat(admin.listTopics().names().get()).doesNotContain(typo);
        }
    }

    @Test
    void theReplayCommandSendsAnMlLatestDirectory(@TempDir Path dir) {
        // MovieLens' current format, generated: half stars, titles with commas and quotes.
        List<Rating> written = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String title = i % 3 == 0 ? "President, The " + i % 7 + " (1995)"
                    : i % 3 == 1 ? "Say \"Anything\" " + i % 5 + " (1989)" : "Plain " + i % 11 + " (2001)";
            written.add(new Rating(String.valueOf(1 + i / 20), title, 0.5f + (i % 10) * 0.5f, 1_000_000L + i));
        }
        MovieLensLatest.write(dir, written);
        String requests = KAFKA.createTopic("latest-requests", 2);
        String ratings = KAFKA.createTopic("latest-ratings", 2);

        PrintStream stdout = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            exit = ReplayMain.run(new String[] {"--bootstrap", KAFKA.bootstrapServers(), "--data", dir.toString(),
                    "--topic", requests, "--ratings-topic", ratings, "--with-ratings", "--request-id-prefix", "it-"});
        } finally {
            System.setOut(stdout);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(printed).isZero();
        assertThat(printed).contains("replay: 200 rows from MovieLens (ml-latest format) at " + dir.toAbsolutePath());

        Map<String, RatingRequest> byId = parseAll(readAll(requests, 200));
        for (int i = 0; i < 200; i++) {
            assertThat(byId.get("it-" + i).movieTitle).isEqualTo(written.get(i).movieTitle);
            assertThat(byId.get("it-" + i).userId).isEqualTo(written.get(i).userId);
        }
        EventCodec<Rating> codec = EventCodec.of(Rating.class);
        List<Rating> labels = new ArrayList<>();
        readAll(ratings, 200).forEach(rec -> labels.add(codec.decode(rec.value())));
        assertThat(labels).containsExactlyInAnyOrderElementsOf(written);
        assertThat(labels).anyMatch(r -> r.rating == 0.5f).anyMatch(r -> r.rating == 4.5f);
    }

    private static ReplayOptions options(String topic, String ratingsTopic, int envelopeSize, boolean withRatings) {
        return ReplayOptions.of(new Settings(settings(topic, ratingsTopic, envelopeSize, withRatings)));
    }

    private static Map<String, String> settings(String topic, String ratingsTopic, int envelopeSize, boolean withRatings) {
        Map<String, String> s = new HashMap<>();
        s.put(ReplayOptions.BOOTSTRAP, KAFKA.bootstrapServers());
        s.put(ReplayOptions.TOPIC, topic);
        s.put(ReplayOptions.RATINGS_TOPIC, ratingsTopic);
        s.put(ReplayOptions.ENVELOPE_SIZE, String.valueOf(envelopeSize));
        s.put(ReplayOptions.WITH_RATINGS, String.valueOf(withRatings));
        s.put(ReplayOptions.REQUEST_ID_PREFIX, "it-");
        return s;
    }

    private static Map<String, RatingRequest> parseAll(List<ConsumerRecord<byte[], byte[]>> records) {
        RequestParser parser = new RequestParser();
        Map<String, RatingRequest> byId = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> rec : records) {
            ParseResult result = parser.parse(rec.value(), new SourcePosition(rec.topic(), rec.partition(), rec.offset(), rec.timestamp()));
            assertThat(result.deadLetters()).isEmpty();
            result.requests().forEach(q -> assertThat(byId.put(q.requestId, q)).as("duplicate %s", q.requestId).isNull());
        }
        return byId;
    }

    /** How many records the topic holds: the sum of its partitions' end offsets. */
    private static long recordsIn(String topic) {
        Properties props = KAFKA.consumerProps("counter-" + topic);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Reads until {@code expected} records arrived, failing after a deadline. */
    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) {
        Properties props = KAFKA.consumerProps("reader-" + topic);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        assertThat(out).as("records read back from %s before the deadline", topic).hasSize(expected);
        return out;
    }
}

package dev.marquee.data.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.config.Settings;
import dev.marquee.data.event.Rating;
import dev.marquee.data.event.RatingRequest;
import dev.marquee.data.event.SourcePosition;
import dev.marquee.data.parse.ParseResult;
import dev.marquee.data.parse.RequestParser;
import dev.marquee.data.replay.drift.DriftInjection;
import dev.marquee.infra.testing.KafkaBrokerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Replays generated rows with two drift kinds from the CLI settings through a real broker and reads what arrived. */
class DriftReplayITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final int ROWS = 600;
    private static final int START = 200;

    @Test
    void requestsAfterTheStartArriveWithUnseenUsersAndExtraFields() {
        String topic = KAFKA.createTopic("rating-requests", 2);
        Map<String, String> s = new HashMap<>();
        s.put(RatingSelection.DATA, "synthetic:" + ROWS);
        s.put(ReplayOptions.BOOTSTRAP, KAFKA.bootstrapServers());
        s.put(ReplayOptions.TOPIC, topic);
        s.put(ReplayOptions.REQUEST_ID_PREFIX, "d-");
        s.put(DriftInjection.UNSEEN_USERS, "true");
        s.put(DriftInjection.EXTRA_FIELDS, "2");
        s.put(DriftInjection.START, String.valueOf(START));
        Settings settings = new Settings(s);
        RatingSelection.Selected selected = new RatingSelection(settings).load();
        List<Rating> rows = selected.rows;
        assertThat(rows).hasSize(ROWS);
        List<String> lines = new ArrayList<>();

        ReplaySummary summary = new ReplayProducer(ReplayOptions.of(settings), lines::add).replay(rows, selected.catalog);

        assertThat(summary.errors).isZero();
        assertThat(lines).contains("replay: drift changed 400 of 600 requests");
        List<ConsumerRecord<byte[], byte[]>> records = readAll(topic, ROWS);
        Map<String, RatingRequest> byId = new HashMap<>();
        RequestParser parser = new RequestParser();
        for (ConsumerRecord<byte[], byte[]> rec : records) {
            ParseResult result = parser.parse(rec.value(), new SourcePosition(rec.topic(), rec.partition(), rec.offset(), rec.timestamp()));
            assertThat(result.deadLetters()).isEmpty();
            RatingRequest q = result.requests().get(0);
            byId.put(q.requestId, q);
            // records stay keyed by the original user, so one user's requests stay on one partition
            String originalUser = rows.get(Integer.parseInt(q.requestId.substring(2))).userId;
            assertThat(new String(rec.key(), StandardCharsets.UTF_8)).isEqualTo(originalUser);
        }
        assertThat(byId).hasSize(ROWS);
        for (int i = 0; i < ROWS; i++) {
            RatingRequest q = byId.get("d-" + i);
            Rating r = rows.get(i);
            assertThat(q.movieTitle).isEqualTo(r.movieTitle);
            assertThat(q.timestamp).isEqualTo(r.timestamp);
            if (i < START) {
                assertThat(q.userId).as("request %d", i).isEqualTo(r.userId);
                assertThat(q.extraFields).as("request %d", i).isEmpty();
            } else {
                assertThat(q.userId).as("request %d", i).isEqualTo("new-" + r.userId);
                assertThat(q.extraFields).as("request %d", i).containsExactly("device", "country");
            }
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

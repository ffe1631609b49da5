package dev.marquee.job.audit;

import dev.marquee.data.event.TopicNames;
import dev.marquee.data.config.CliArgs;
import dev.marquee.data.config.SettingException;
import dev.marquee.data.config.Settings;
import dev.marquee.data.event.DeadLetter;
import dev.marquee.data.event.Prediction;
import dev.marquee.data.json.EventCodec;
import dev.marquee.data.parse.RequestParser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Checks that every record of the requests topic produced exactly its outcomes on the predictions and dead-letter
 * topics, read as committed ({@code isolation.level=read_committed}): no loss, no duplicate. Reads the requests
 * up to their end, then the outputs until nothing is missing (or the timeout), then keeps reading for a settle
 * period so late duplicates show. Exit codes: 0 clean, 1 missing/duplicate/unexpected/unreadable outcomes,
 * 2 bad command line, 3 Kafka failed.
 */
public final class OutcomeAuditMain {
    static final String USAGE = String.join("\n",
            "usage: OutcomeAuditMain [options]   (one prediction or dead letter per request, read_committed)",
            "  --bootstrap HOST:PORT        Kafka bootstrap servers (default: $MARQUEE_BOOTSTRAP or localhost:9092)",
            "  --requests-topic NAME        (default: rating-requests)",
            "  --predictions-topic NAME     (default: predictions)",
            "  --dead-letters-topic NAME    (default: rating-requests-dlq)",
            "  --timeout-seconds S          give up waiting for missing outcomes after S seconds (default: 300)",
            "  --settle-seconds S           once complete, keep reading S seconds for late duplicates (default: 10)",
            "  --samples N                  print up to N ids of missing/duplicate/unexpected outcomes (default: 10)",
            "  --consumer-prop K=V          any Kafka consumer property (repeatable)",
            "  --help                       this text",
            "Expected outcomes come from the job's request parser with default limits (parser.* settings).");

    private static final CliArgs ARGS = new CliArgs(Set.of("bootstrap", "requests-topic", "predictions-topic",
            "dead-letters-topic", "timeout-seconds", "settle-seconds", "samples", "consumer-prop"), Set.of("help"));
    private static final Duration POLL = Duration.ofMillis(500);

    private OutcomeAuditMain() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        try {
            CliArgs.Parsed parsed = ARGS.parse(args);
            Settings s = parsed.settings();
            if (s.bool("help", false)) {
                System.out.println(USAGE);
                return 0;
            }
            String requests = s.string("requests-topic", TopicNames.RATING_REQUESTS);
            String predictions = s.string("predictions-topic", TopicNames.PREDICTIONS);
            String deadLetters = s.string("dead-letters-topic", TopicNames.RATING_REQUESTS_DLQ);
            long timeoutMs = (long) (s.doubleInRange("timeout-seconds", 300, 0, 86_400) * 1000);
            long settleMs = (long) (s.doubleInRange("settle-seconds", 10, 0, 3_600) * 1000);
            int samples = s.intInRange("samples", 10, 0, 10_000);
            Properties props = consumerProps(s.string("bootstrap", defaultBootstrap()), parsed.properties("consumer-prop"));

            OutcomeLedger ledger = new OutcomeLedger(requests, new RequestParser());
            long deadline = System.nanoTime() + timeoutMs * 1_000_000;
            try (KafkaConsumer<byte[], byte[]> in = new KafkaConsumer<>(props);
                 KafkaConsumer<byte[], byte[]> out = new KafkaConsumer<>(props)) {
                readRequests(in, requests, ledger, deadline);
                System.out.printf(Locale.ROOT, "audit: %,d request records owe %,d outcomes%n",
                        ledger.report(0).requestRecords(), ledger.report(0).expectedOutcomes());
                readOutcomes(out, predictions, deadLetters, ledger, deadline, settleMs);
            }
            OutcomeLedger.Report r = ledger.report(samples);
            print(r);
            return r.clean() ? 0 : 1;
        } catch (SettingException e) {
            System.err.println("audit: " + e.getMessage());
            System.err.println(USAGE);
            return 2;
        } catch (KafkaException e) {
            System.err.println("audit: Kafka failed: " + e.getMessage());
            return 3;
        }
    }

    private static void readRequests(KafkaConsumer<byte[], byte[]> consumer, String topic, OutcomeLedger ledger,
                                     long deadline) {
        Map<TopicPartition, Long> end = assignFromStart(consumer, List.of(topic));
        while (!reached(consumer, end)) {
            if (System.nanoTime() >= deadline) throw new KafkaException("could not read " + topic + " to its end in time");
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                ledger.expect(r.partition(), r.offset(), r.value());
            }
        }
    }

    private static void readOutcomes(KafkaConsumer<byte[], byte[]> consumer, String predictions, String deadLetters,
                                     OutcomeLedger ledger, long deadline, long settleMs) {
        EventCodec<Prediction> predictionCodec = EventCodec.of(Prediction.class);
        EventCodec<DeadLetter> deadLetterCodec = EventCodec.of(DeadLetter.class);
        assignFromStart(consumer, List.of(predictions, deadLetters));
        long settleUntil = Long.MAX_VALUE;
        long nextProgress = System.nanoTime() + 10_000_000_000L;
        while (true) {
            long now = System.nanoTime();
            if (ledger.missing() == 0 && settleUntil == Long.MAX_VALUE) settleUntil = now + settleMs * 1_000_000;
            if (now >= settleUntil || (settleUntil == Long.MAX_VALUE && now >= deadline)) return;
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                try {
                    if (r.topic().equals(predictions)) ledger.observe(predictionCodec.decode(r.value()));
                    else ledger.observe(deadLetterCodec.decode(r.value()));
                } catch (RuntimeException e) {
                    ledger.observeUnreadable();
                }
            }
            if (now >= nextProgress) {
                OutcomeLedger.Report r = ledger.report(0);
                System.out.printf(Locale.ROOT, "audit: %,d predictions, %,d dead letters, %,d outcomes missing%n",
                        r.predictions(), r.deadLetters(), r.missing());
                nextProgress = now + 10_000_000_000L;
            }
        }
    }

    private static Map<TopicPartition, Long> assignFromStart(KafkaConsumer<byte[], byte[]> consumer, List<String> topics) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) throw new SettingException("topic " + topic + " does not exist");
            for (PartitionInfo p : infos) partitions.add(new TopicPartition(topic, p.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer.endOffsets(partitions);
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) return false;
        }
        return true;
    }

    private static Properties consumerProps(String bootstrap, Properties extra) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        p.putAll(extra);
        return p;
    }

    private static void print(OutcomeLedger.Report r) {
        System.out.printf(Locale.ROOT, "audit: requests %,d records (%,d outcomes owed); predictions %,d; dead letters %,d; "
                        + "missing %,d; duplicates %,d; unexpected %,d; unreadable %,d%n",
                r.requestRecords(), r.expectedOutcomes(), r.predictions(), r.deadLetters(), r.missing(),
                r.duplicates(), r.unexpected(), r.unreadable());
        r.missingSamples().forEach(id -> System.out.println("audit: missing    " + id));
        r.duplicateSamples().forEach(id -> System.out.println("audit: duplicate  " + id));
        r.unexpectedSamples().forEach(id -> System.out.println("audit: unexpected " + id));
        System.out.println(r.clean() ? "audit: OK, every request has exactly its outcomes"
                : "audit: FAILED");
    }

    static String defaultBootstrap() {
        String env = System.getenv("MARQUEE_BOOTSTRAP");
        return env == null || env.isBlank() ? "localhost:9092" : env.trim();
    }
}

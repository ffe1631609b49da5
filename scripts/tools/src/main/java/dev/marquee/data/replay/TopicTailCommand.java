package dev.marquee.data.replay;

import dev.marquee.data.config.SettingException;
import dev.marquee.tools.ExistingTopics;
import dev.marquee.tools.OptionRanges;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code marquee tail}: reads a topic from the beginning, prints the first few records, and counts them
 * until an expected number arrived or the topic stayed quiet for a while.
 */
@Command(name = "tail", mixinStandardHelpOptions = true, sortOptions = false,
        header = "read a topic from the beginning: print a few records and count them",
        description = "Read a topic from the beginning: print a few records and count them.")
public final class TopicTailCommand implements Callable<Integer> {
    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = "${env:MARQUEE_BOOTSTRAP:-localhost:9092}",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}; from $MARQUEE_BOOTSTRAP when set)")
    String bootstrap;

    // Checked in call(), not by picocli's required = true, so that an unknown option is the error shown first.
    @Option(names = "--topic", paramLabel = "NAME", description = "the topic to read (required)")
    String topic;

    @Option(names = "--show", paramLabel = "N", defaultValue = "5",
            description = "print the first N records (default: ${DEFAULT-VALUE})")
    int show;

    @Option(names = "--expect", paramLabel = "N", description = "stop once N records were read")
    Long expect;

    @Option(names = "--idle-seconds", paramLabel = "S", defaultValue = "5",
            description = "stop when nothing arrives for S seconds (default: ${DEFAULT-VALUE})")
    double idleSeconds;

    @Option(names = "--timeout-seconds", paramLabel = "S", defaultValue = "120",
            description = "give up after S seconds in all (default: ${DEFAULT-VALUE})")
    double timeoutSeconds;

    @Option(names = "--consumer-prop", paramLabel = "K=V", description = "any Kafka consumer property (repeatable)")
    Map<String, String> consumerProps = new LinkedHashMap<>();

    public TopicTailCommand() {}

    @Override
    public Integer call() {
        if (topic == null) throw new SettingException("--topic is required");
        OptionRanges.between("--show", show, 0, 1_000_000);
        long expected = expect == null ? Long.MAX_VALUE : OptionRanges.between("--expect", expect, 0, Long.MAX_VALUE);
        long idleMs = (long) (OptionRanges.between("--idle-seconds", idleSeconds, 0.1, 86_400) * 1000);
        long timeoutMs = (long) (OptionRanges.between("--timeout-seconds", timeoutSeconds, 0.1, 86_400) * 1000);
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // What a transactional (exactly-once) writer committed, not what it aborted; and a mistyped topic is not created.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        // records deleted (retention) under the reader: on from the oldest left, not a jump to the end
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.forEach((k, v) -> props.put(k.trim(), v.trim()));
        Tailed tailed;
        try {
            tailed = tail(props, topic, show, expected, idleMs, timeoutMs);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new ExistingTopics.MissingTopicException("no broker at " + bootstrap + " answered about " + topic
                    + " within " + timeoutSeconds + " s (is --bootstrap right, and the broker up?)");
        }
        long count = tailed.count();
        boolean complete = expected == Long.MAX_VALUE ? !tailed.cutShort() : count >= expected;
        System.out.printf(Locale.ROOT, "tail: read %,d records from %s%s%n", count, topic,
                expected != Long.MAX_VALUE ? (complete ? " (all expected)" : String.format(Locale.ROOT, " (expected %,d)", expected))
                        : complete ? "" : tailed.byDeadline() ? String.format(Locale.ROOT, " (stopped at --timeout-seconds %s"
                                + " with records left unread: the topic holds more)", new java.math.BigDecimal(
                                Double.toString(timeoutSeconds)).stripTrailingZeros().toPlainString())
                                : " (stopped after --idle-seconds without a record, with records left unread: the topic"
                                + " holds more, written since it stopped or not fetched in time from a slow broker; a longer"
                                + " --idle-seconds)");
        return complete ? 0 : 1;
    }

    /**
     * How many records were read, and whether the reading stopped with records left unread (at the deadline, or after
     * --idle-seconds without a record while the partitions held more: a leader that did not answer meanwhile).
     */
    record Tailed(long count, boolean cutShort, boolean byDeadline) {}

    /** A record's value as a terminal line: control and format characters (escape sequences, bidi overrides) as \\uXXXX. */
    static String printable(byte[] value) {
        return value == null ? "null" : dev.marquee.tools.TerminalText.oneLine(new String(value, StandardCharsets.UTF_8));
    }

    /**
     * Whether the partitions hold records past what was read (their end offsets: read_committed, the last stable
     * ones); unknown, when the brokers do not say within a few seconds, counts as left.
     */
    private static boolean unreadLeft(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions) {
        try {
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(5));
            for (TopicPartition p : partitions) {
                if (consumer.position(p, Duration.ofSeconds(5)) < end.get(p)) return true;
            }
            return false;
        } catch (org.apache.kafka.common.KafkaException e) {
            return true;
        }
    }

    static Tailed tail(Properties props, String topic, int show, long expect, long idleMs, long timeoutMs) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            long deadline = System.nanoTime() / 1_000_000 + timeoutMs; // --timeout-seconds in all, the metadata included
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofMillis(timeoutMs))) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
            if (partitions.isEmpty()) throw new ExistingTopics.MissingTopicException("topic " + topic + " does not exist");
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long count = 0;
            long lastArrival = System.nanoTime() / 1_000_000;
            while (count < expect && System.nanoTime() / 1_000_000 < deadline
                    && System.nanoTime() / 1_000_000 - lastArrival < idleMs) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (count < show) {
                        System.out.printf(Locale.ROOT, "  %s-%d@%d %s%n", r.topic(), r.partition(), r.offset(),
                                printable(r.value()));
                    }
                    count++;
                    lastArrival = System.nanoTime() / 1_000_000;
                }
            }
            boolean byDeadline = count < expect && System.nanoTime() / 1_000_000 >= deadline
                    && System.nanoTime() / 1_000_000 - lastArrival < idleMs;
            return new Tailed(count, count < expect && unreadLeft(consumer, partitions), byDeadline);
        }
    }
}

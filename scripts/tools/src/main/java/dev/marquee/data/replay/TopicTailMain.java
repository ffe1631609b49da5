package dev.marquee.data.replay;

import dev.marquee.data.config.CliArgs;
import dev.marquee.data.config.SettingException;
import dev.marquee.data.config.Settings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code scripts/marquee tail}: reads a topic from the beginning, prints the first few records, and counts them
 * until an expected number arrived or the topic stayed quiet for a while.
 */
public final class TopicTailMain {
    static final String USAGE = String.join("\n",
            "usage: marquee tail --topic NAME [options]",
            "  --bootstrap HOST:PORT   Kafka bootstrap servers (default: $MARQUEE_BOOTSTRAP or localhost:9092)",
            "  --topic NAME            the topic to read (required)",
            "  --show N                print the first N records (default: 5)",
            "  --expect N              stop once N records were read",
            "  --idle-seconds S        stop when nothing arrives for S seconds (default: 5)",
            "  --timeout-seconds S     give up after S seconds in all (default: 120)",
            "  --consumer-prop K=V     any Kafka consumer property (repeatable)");

    private static final CliArgs ARGS = new CliArgs(
            Set.of("bootstrap", "topic", "show", "expect", "idle-seconds", "timeout-seconds", "consumer-prop"), Set.of("help"));

    private TopicTailMain() {}

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
            String topic = s.string("topic", null);
            if (topic == null) throw new SettingException("--topic is required");
            String bootstrap = s.string("bootstrap", ReplayOptions.defaultBootstrap());
            int show = s.intInRange("show", 5, 0, 1_000_000);
            long expect = s.longInRange("expect", Long.MAX_VALUE, 0, Long.MAX_VALUE);
            long idleMs = (long) (s.doubleInRange("idle-seconds", 5, 0.1, 86_400) * 1000);
            long timeoutMs = (long) (s.doubleInRange("timeout-seconds", 120, 0.1, 86_400) * 1000);
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            props.putAll(parsed.properties("consumer-prop"));
            long count = tail(props, topic, show, expect, idleMs, timeoutMs);
            boolean complete = expect == Long.MAX_VALUE || count >= expect;
            System.out.printf(Locale.ROOT, "tail: read %,d records from %s%s%n", count, topic,
                    expect == Long.MAX_VALUE ? "" : complete ? " (all expected)" : String.format(Locale.ROOT, " (expected %,d)", expect));
            return complete ? 0 : 1;
        } catch (SettingException e) {
            System.err.println("tail: " + e.getMessage());
            System.err.println(USAGE);
            return 2;
        }
    }

    static long tail(Properties props, String topic, int show, long expect, long idleMs, long timeoutMs) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofMillis(timeoutMs))) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long count = 0;
            long deadline = System.currentTimeMillis() + timeoutMs;
            long lastArrival = System.currentTimeMillis();
            while (count < expect && System.currentTimeMillis() < deadline
                    && System.currentTimeMillis() - lastArrival < idleMs) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (count < show) {
                        System.out.printf(Locale.ROOT, "  %s-%d@%d %s%n", r.topic(), r.partition(), r.offset(),
                                r.value() == null ? "null" : new String(r.value(), StandardCharsets.UTF_8));
                    }
                    count++;
                    lastArrival = System.currentTimeMillis();
                }
            }
            return count;
        }
    }
}

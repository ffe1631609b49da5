package dev.marquee.job.audit;

import dev.marquee.data.event.TopicNames;
import dev.marquee.data.config.CliArgs;
import dev.marquee.data.config.SettingException;
import dev.marquee.data.config.Settings;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Sends {@link HostileRequests} to the requests topic at a steady rate, e.g. beside a replay in the cluster test. */
public final class HostileRequestsMain {
    static final String USAGE = String.join("\n",
            "usage: HostileRequestsMain [options]   (sends records the scoring job must refuse, mixed with a few valid ones)",
            "  --bootstrap HOST:PORT   Kafka bootstrap servers (default: $MARQUEE_BOOTSTRAP or localhost:9092)",
            "  --topic NAME            request topic (default: rating-requests)",
            "  --count N               how many records (default: 200)",
            "  --rate R                records per second; 0 = as fast as possible (default: 20)",
            "  --help                  this text");

    private static final CliArgs ARGS = new CliArgs(Set.of("bootstrap", "topic", "count", "rate"), Set.of("help"));

    private HostileRequestsMain() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        Settings s;
        try {
            s = ARGS.parse(args).settings();
        } catch (SettingException e) {
            System.err.println("hostile: " + e.getMessage());
            System.err.println(USAGE);
            return 2;
        }
        if (s.bool("help", false)) {
            System.out.println(USAGE);
            return 0;
        }
        try {
            String bootstrap = s.string("bootstrap", OutcomeAuditMain.defaultBootstrap());
            String topic = s.string("topic", TopicNames.RATING_REQUESTS);
            long count = s.longInRange("count", 200, 0, 100_000_000);
            double rate = s.doubleInRange("rate", 20, 0, 1_000_000);
            long errors = send(bootstrap, topic, count, rate);
            System.out.printf(Locale.ROOT, "hostile: sent %,d records to %s, %,d errors%n", count - errors, topic, errors);
            return errors == 0 ? 0 : 1;
        } catch (SettingException e) {
            System.err.println("hostile: " + e.getMessage());
            return 2;
        } catch (KafkaException e) {
            System.err.println("hostile: Kafka failed: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    private static long send(String bootstrap, String topic, long count, double rate) throws InterruptedException {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (long n = 0; n < count; n++) {
                if (rate > 0) {
                    long due = start + (long) (n * 1e9 / rate);
                    long wait = due - System.nanoTime();
                    if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait); // pacing, not synchronisation
                }
                producer.send(new ProducerRecord<>(topic, HostileRequests.payload(n)), (metadata, e) -> {
                    if (e != null) errors.incrementAndGet();
                });
            }
            producer.flush();
        }
        return errors.get();
    }
}

package dev.marquee.job.audit;

import dev.marquee.data.event.TopicNames;
import dev.marquee.tools.ExistingTopics;
import dev.marquee.tools.OptionRanges;
import dev.marquee.tools.SendFailures;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Sends {@link HostileRequests} to the requests topic at a steady rate, e.g. beside a replay in the cluster test
 * ({@code scripts/cluster-e2e}).
 */
@Command(name = "hostile-requests", mixinStandardHelpOptions = true, sortOptions = false,
        header = "send records the scoring job must refuse, mixed with a few valid ones",
        description = "Send records the scoring job must refuse, mixed with a few valid ones.")
public final class HostileRequestsCommand implements Callable<Integer> {
    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = "${env:MARQUEE_BOOTSTRAP:-localhost:9092}",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}; from $MARQUEE_BOOTSTRAP when set)")
    String bootstrap;

    @Option(names = "--topic", paramLabel = "NAME", defaultValue = TopicNames.RATING_REQUESTS,
            description = "request topic (default: ${DEFAULT-VALUE})")
    String topic;

    @Option(names = "--count", paramLabel = "N", defaultValue = "200", description = "how many records (default: ${DEFAULT-VALUE})")
    long count;

    @Option(names = "--rate", paramLabel = "R", defaultValue = "20",
            description = "records per second; 0 = as fast as possible (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--timestamp", paramLabel = "SECONDS", defaultValue = "" + HostileRequests.DEFAULT_TIMESTAMP,
            description = "request timestamp of the few valid instances, which move the job's event time like any "
                    + "request's: no later than what else is sent, and within the job's parser.max-timestamp (at most 4102444800,"
                    + " 2100-01-01; default: ${DEFAULT-VALUE})")
    long timestamp;

    @Option(names = "--producer-prop", paramLabel = "K=V",
            description = "any Kafka producer property, e.g. security.protocol=SASL_SSL (repeatable)")
    Map<String, String> producerProps = new LinkedHashMap<>();

    public HostileRequestsCommand() {}

    @Override
    public Integer call() {
        OptionRanges.between("--count", count, 0, 100_000_000);
        OptionRanges.between("--rate", rate, 0, 1_000_000);
        // within the job's default parser.max-timestamp: beyond it the "valid" instances would be OUT_OF_RANGE too
        OptionRanges.between("--timestamp", timestamp, 1, dev.marquee.data.parse.ParserLimits.DEFAULT_MAX_TIMESTAMP);
        try {
            Sent sent = send(producerProperties(), topic, count, rate, timestamp);
            System.out.printf(Locale.ROOT, "hostile: sent %,d records to %s, %,d errors%s%n", sent.records - sent.errors,
                    topic, sent.errors, sent.records < count ? " (stopped at the first error)" : "");
            if (sent.firstError != null) System.err.println("hostile: first error: " + describe(sent.firstError, topic));
            return sent.errors == 0 ? 0 : 1;
        } catch (ExistingTopics.MissingTopicException e) {
            System.err.println("hostile: " + e.getMessage());
            return 1;
        } catch (KafkaException e) {
            Throwable refusal = dev.marquee.data.config.Commands.kafkaSettingsRefusal(e);
            if (refusal != null) {
                System.err.println("hostile: " + dev.marquee.data.config.Commands.kafkaSettingsMessage(refusal));
                return dev.marquee.data.config.Commands.USAGE;
            }
            System.err.println("hostile: Kafka failed: " + dev.marquee.data.config.Commands.causes(e));
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    private record Sent(long records, long errors, Exception firstError) {}

    /** The brokers' refusal, with the grant it lacks when it is one (docs/OPERATIONS.md#kafka-acls). */
    static String describe(Exception e, String topic) {
        String message = e.getClass().getSimpleName() + ": " + e.getMessage();
        return e instanceof org.apache.kafka.common.errors.AuthorizationException
                ? message + " (grant this principal WRITE and DESCRIBE on " + topic + ": docs/OPERATIONS.md#kafka-acls)"
                : message;
    }

    /** The producer's (and the topic check's) properties: the user's {@code --producer-prop} over ours. */
    Properties producerProperties() {
        Properties p = new Properties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        producerProps.forEach((k, v) -> p.put(k.trim(), v.trim()));
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    private static Sent send(Properties p, String topic, long count, double rate, long timestamp)
            throws InterruptedException {
        AtomicLong errors = new AtomicLong();
        java.util.concurrent.atomic.AtomicReference<Exception> firstError = new java.util.concurrent.atomic.AtomicReference<>();
        long start = System.nanoTime();
        long records = 0;
        ExistingTopics.require(p, List.of(topic)); // a mistyped topic is not created by asking for it
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            // An unreachable broker fails here, once, instead of 15 s per record.
            producer.partitionsFor(topic);
            for (long n = 0; n < count; n++) {
                if (errors.get() > 0) break; // the broker refused or is gone: stop and say so
                if (rate > 0) {
                    long due = start + (long) (n * 1e9 / rate);
                    long wait = due - System.nanoTime();
                    if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait); // pacing, not synchronisation
                }
                records++;
                try {
                    producer.send(new ProducerRecord<>(topic, HostileRequests.payload(n, timestamp)), (metadata, e) -> {
                        if (e != null) {
                            firstError.compareAndSet(null, e);
                            errors.incrementAndGet();
                        }
                    });
                } catch (KafkaException e) { // refused before an earlier record's callback said why
                    firstError.compareAndSet(null, SendFailures.cause(e));
                    errors.incrementAndGet();
                }
            }
            producer.flush();
        }
        return new Sent(records, errors.get(), firstError.get());
    }
}

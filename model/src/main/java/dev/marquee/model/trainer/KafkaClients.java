package dev.marquee.model.trainer;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The trainer's Kafka clients: bootstrap servers plus any extra client properties ({@code --kafka-prop}). */
final class KafkaClients {
    /** A request may train for a long time between two polls: allow an hour before the group evicts us. */
    static final int MAX_POLL_INTERVAL_MS = 3_600_000;
    /**
     * While the brokers are down each client says so at every reconnect attempt (a warning a second by Kafka's
     * default backoff, three clients per worker); at most every 10 s is enough, and a reconnect is as quick once
     * they are back. A {@code --kafka-prop} overrides it.
     */
    static final String RECONNECT_BACKOFF_MAX_MS = "10000";

    private final String bootstrap;
    private final Properties extra;

    KafkaClients(String bootstrap, Properties extra) {
        this.bootstrap = bootstrap;
        this.extra = extra;
    }

    String bootstrap() {
        return bootstrap;
    }

    /** Synchronous-friendly producer of JSON bytes: every write acknowledged by all in-sync replicas. */
    KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(producerProperties(), new StringSerializer(), new ByteArraySerializer());
    }

    /** Its writes' acknowledgements are waited for this long: the producer's delivery timeout, and a margin. */
    EventWriter writer(org.apache.kafka.clients.producer.Producer<String, byte[]> producer) {
        long deliveryMs = millis(producerProperties(), ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, EventWriter.DELIVERY_TIMEOUT_MS);
        return new EventWriter(producer, Math.max(deliveryMs, EventWriter.DELIVERY_TIMEOUT_MS) + EventWriter.MARGIN_MS);
    }

    Properties producerProperties() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000"); // fail in seconds when no broker answers
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, RECONNECT_BACKOFF_MAX_MS);
        p.putAll(extra);
        // The producer gives up about when the writer stops waiting (EventWriter waits a margin longer), not 90 s
        // later: a write the worker reported as failed is not retried on behind its back meanwhile. Kafka requires
        // delivery >= linger + request timeout when it is set, so a --kafka-prop raising those raises it too.
        long linger = millis(p, ProducerConfig.LINGER_MS_CONFIG, 5);
        long request = millis(p, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        if (p.getProperty(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG) == null && linger >= 0 && request >= 0) {
            p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                    Long.toString(Math.max(EventWriter.DELIVERY_TIMEOUT_MS, linger + request)));
        }
        return p;
    }

    /** A duration property in ms, or -1 when it is not a number (the Kafka client then refuses it, and says why). */
    private static long millis(Properties p, String key, long absent) {
        String v = p.getProperty(key);
        if (v == null) return absent;
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The request consumer: the worker's group, offsets committed by hand, one request per poll, committed only. */
    KafkaConsumer<byte[], byte[]> requestConsumer(String group) {
        return new KafkaConsumer<>(requestConsumerProperties(group), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    Properties requestConsumerProperties(String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1");
        p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, Integer.toString(MAX_POLL_INTERVAL_MS));
        // the trigger writes requests in transactions (exactly-once): an aborted one was never asked
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // subscribing to a missing topic must not create it with the broker's defaults (create-topics.sh's
        // --if-not-exists would then keep them) nor defeat --once's "does not exist"
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, RECONNECT_BACKOFF_MAX_MS);
        p.putAll(extra);
        return p;
    }

    /** How {@link #topicProblem} begins when this principal may not describe the topic (and so not write it). */
    static final String NOT_DESCRIBABLE = "may not be described by this principal";
    /** How {@link #topicProblem} begins when the brokers refused the sign-in (a problem of every topic alike). */
    static final String AUTHENTICATION_FAILED = "cannot be checked: authentication with the brokers failed";

    /** Whether the brokers answer a metadata request within {@code timeout} (a refused sign-in is an answer). */
    boolean brokersAnswer(java.time.Duration timeout) {
        try (KafkaConsumer<byte[], byte[]> c = readerConsumer()) {
            c.listTopics(timeout);
            return true;
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            return false;
        } catch (org.apache.kafka.common.KafkaException e) {
            return true; // they answered, with a refusal the topic checks name
        }
    }

    /**
     * Why a write to {@code topic} cannot reach a reader, as the brokers answer it: it does not exist, this principal may
     * not describe it, or its name is invalid; null when it exists, or when they do not answer in time (a write then
     * says so). Asked by a consumer that creates no topic, as a producer's metadata request would.
     */
    String topicProblem(String topic, java.time.Duration timeout) {
        try (KafkaConsumer<byte[], byte[]> c = readerConsumer()) {
            java.util.List<org.apache.kafka.common.PartitionInfo> partitions = c.partitionsFor(topic, timeout);
            return partitions == null || partitions.isEmpty() ? "does not exist" : null;
        } catch (org.apache.kafka.common.errors.TopicAuthorizationException e) {
            return NOT_DESCRIBABLE + " (" + e.getMessage() + ")";
        } catch (org.apache.kafka.common.errors.InvalidTopicException e) {
            return "is not a valid topic name (" + e.getMessage() + ")";
        } catch (org.apache.kafka.common.errors.AuthenticationException e) {
            // the brokers answered, or the TLS handshake failed: no retry mends either
            return AUTHENTICATION_FAILED + " (credentials, or TLS trust: "
                    + dev.marquee.data.config.Commands.causes(e) + ")";
        } catch (org.apache.kafka.common.KafkaException e) {
            return null;
        }
    }

    /**
     * Why this principal may not write {@code topic}, as the brokers' ACLs answer it (its authorized operations lack
     * WRITE and ALL); null when it may, or when the brokers do not say (no authorizer, an older broker, no answer in
     * time: a write then says so).
     */
    String writeRefused(String topic, java.time.Duration timeout) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("reconnect.backoff.max.ms", RECONNECT_BACKOFF_MAX_MS); // as every client here: not a warning a second
        p.putAll(extra);
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(p)) {
            var description = admin.describeTopics(java.util.List.of(topic),
                            new org.apache.kafka.clients.admin.DescribeTopicsOptions().includeAuthorizedOperations(true)
                                    .timeoutMs((int) timeout.toMillis()))
                    .allTopicNames().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS).get(topic);
            java.util.Set<org.apache.kafka.common.acl.AclOperation> ops = description == null ? null : description.authorizedOperations();
            if (ops == null || ops.isEmpty() || ops.contains(org.apache.kafka.common.acl.AclOperation.WRITE)
                    || ops.contains(org.apache.kafka.common.acl.AclOperation.ALL)) {
                return null;
            }
            return "may not be written by this principal (grant it WRITE on " + topic + ": docs/OPERATIONS.md#kafka-acls)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                 | org.apache.kafka.common.KafkaException e) {
            return null;
        }
    }

    /** A group-less consumer for reading a whole topic by assignment (the labels). */
    KafkaConsumer<byte[], byte[]> readerConsumer() {
        return readerConsumer(Map.of());
    }

    /** As above, with {@code overrides} applied before the user's {@code --kafka-prop} settings. */
    KafkaConsumer<byte[], byte[]> readerConsumer(Map<String, String> overrides) {
        return new KafkaConsumer<>(readerConsumerProperties(overrides), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    Properties readerConsumerProperties(Map<String, String> overrides) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        // a topic not there yet has nothing to read: not one for a broker to create with its defaults (or refuse to
        // a principal without CREATE)
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        // these readers seek where they start; an offset retention deletes under them resumes at what is left, not
        // at the end (Kafka's default), which would end the read early without a word
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, RECONNECT_BACKOFF_MAX_MS);
        p.putAll(overrides);
        p.putAll(extra);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return p;
    }
}

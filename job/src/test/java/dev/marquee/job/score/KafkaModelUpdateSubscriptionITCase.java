package dev.marquee.job.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.marquee.infra.testing.KafkaBrokerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The slot's own consumer of model-updates, against a real broker. */
class KafkaModelUpdateSubscriptionITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    /** Fails every read with an Error, as an out-of-memory error on the consumer thread would. */
    public static final class ErrorOnRead implements Deserializer<byte[]> {
        @Override
        public byte[] deserialize(String topic, byte[] data) {
            throw new AssertionError("injected on the consumer thread");
        }
    }

    /**
     * An Error ends the consumer thread; the task thread hears of it at its next poll, so the task fails over
     * instead of scoring on with a subscription that will never bring another version.
     */
    @Test
    void anErrorOnTheConsumerThreadIsRethrownOnTheTaskThread() throws Exception {
        String topic = KAFKA.createTopic("model-updates", 1);
        Properties props = consumerProps(ErrorOnRead.class);
        KafkaModelUpdateSubscription subscription = new KafkaModelUpdateSubscription(topic, props, true,
                new ModelUpdateDecoder(new UnregisteredMetricsGroup(), 0), "test-model-updates");
        try {
            subscription.start(Duration.ofSeconds(30));
            assertThat(subscription.poll()).isEmpty();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.producerProps())) {
                producer.send(new ProducerRecord<>(topic, "marquee", "{}")).get();
            }
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            await("the Error handed to the task thread").atMost(Duration.ofSeconds(60)).until(() -> {
                thrown.set(catchThrowable(subscription::poll));
                return thrown.get() != null;
            });
            assertThat(thrown.get()).isInstanceOf(AssertionError.class).hasMessage("injected on the consumer thread");
        } finally {
            subscription.close();
        }
    }
    /** marquee writes updates to partition 0, but another writer may use a partition added later: a running slot reads it. */
    @Test
    void aPartitionAddedToTheTopicIsReadFromItsBeginning() throws Exception {
        String topic = KAFKA.createTopic("model-updates", 1);
        Properties props = consumerProps(ByteArrayDeserializer.class);
        // the partition list is the client's cached metadata; the job's consumer refreshes it every minute
        // (KafkaModelUpdatesPropertiesTest), this test's every half second
        props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "500");
        KafkaModelUpdateSubscription subscription = new KafkaModelUpdateSubscription(topic, props, false,
                new ModelUpdateDecoder(new UnregisteredMetricsGroup(), 0), "test-model-updates")
                .checkPartitionsEvery(Duration.ofMillis(200));
        dev.marquee.data.json.EventCodec<dev.marquee.data.event.ModelUpdate> codec =
                dev.marquee.data.json.EventCodec.of(dev.marquee.data.event.ModelUpdate.class);
        try {
            subscription.start(Duration.ofSeconds(30));
            try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                    java.util.Map.<String, Object>of("bootstrap.servers", KAFKA.bootstrapServers()))) {
                admin.createPartitions(java.util.Map.of(topic, org.apache.kafka.clients.admin.NewPartitions.increaseTo(2)))
                        .all().get();
            }
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KAFKA.producerProps(),
                    new org.apache.kafka.common.serialization.ByteArraySerializer(),
                    new org.apache.kafka.common.serialization.ByteArraySerializer())) {
                byte[] update = codec.encode(new dev.marquee.data.event.ModelUpdate("marquee", 7, "/r/marquee/7", 1L));
                // on the new partition only, as the key's hash would put it once the topic has two
                producer.send(new ProducerRecord<>(topic, 1, "marquee".getBytes(java.nio.charset.StandardCharsets.UTF_8), update)).get();
            }
            java.util.List<dev.marquee.data.event.ModelUpdate> got = new java.util.ArrayList<>();
            await("the update on the added partition").atMost(Duration.ofSeconds(60)).until(() -> {
                got.addAll(subscription.poll());
                return !got.isEmpty();
            });
            assertThat(got).singleElement().satisfies(u -> assertThat(u.version).isEqualTo(7));
        } finally {
            subscription.close();
        }
    }

    /**
     * The runbook's re-creation of {@code model-updates} with fewer partitions (docs/OPERATIONS.md) while slots run:
     * the update announced on the new topic is heard although the new log has not grown past where the slot stood on
     * the old one, and the vanished partitions are no longer read, so an end-of-input drain is not held up by them.
     */
    @Test
    void aTopicRecreatedWithFewerPartitionsIsReadFromItsBeginning() throws Exception {
        String topic = KAFKA.createTopic("model-updates", 3);
        KafkaModelUpdateSubscription subscription = followingPartitions(topic);
        try (org.apache.kafka.clients.admin.Admin admin = admin();
             KafkaProducer<byte[], byte[]> producer = bytesProducer()) {
            subscription.start(Duration.ofSeconds(30));
            send(producer, topic, 4, 1L);
            assertThat(awaitUpdates(subscription, 1, "the update on the old topic")).hasSize(1);

            admin.deleteTopics(java.util.List.of(topic)).all().get();
            createAgainWithOnePartition(admin, topic);
            // one record: the new log ends where the slot's position on the old partition 0 stood
            send(producer, topic, 4, 2L);
            assertThat(awaitUpdates(subscription, 1, "the update announced on the re-created topic"))
                    .singleElement().satisfies(u -> assertThat(u.publishedAtMs).isEqualTo(2L));
            await("only the partition left is read").atMost(Duration.ofSeconds(60))
                    .until(subscription::assignedPartitions, java.util.function.Predicate.isEqual(
                            java.util.Set.of(new org.apache.kafka.common.TopicPartition(topic, 0))));
            java.util.concurrent.CompletableFuture<java.util.List<dev.marquee.data.event.ModelUpdate>> drained =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                        try {
                            return subscription.drain(Duration.ofMinutes(10));
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    });
            // the vanished partitions have no end to read up to: a drain waiting for them would take its 10 minutes
            await("the end-of-input drain").atMost(Duration.ofSeconds(60)).until(drained::isDone);
        } finally {
            subscription.close();
        }
    }

    /**
     * A slot that sees {@code model-updates} gone stops reading it, and once it exists again reads it from its
     * beginning: the new log's first records are announcements it has not heard, although the slot's position on the
     * old one was past them.
     */
    @Test
    void aDeletedTopicIsReadFromItsBeginningOnceCreatedAgain() throws Exception {
        String topic = KAFKA.createTopic("model-updates", 2);
        KafkaModelUpdateSubscription subscription = followingPartitions(topic);
        try (org.apache.kafka.clients.admin.Admin admin = admin();
             KafkaProducer<byte[], byte[]> producer = bytesProducer()) {
            subscription.start(Duration.ofSeconds(30));
            send(producer, topic, 4, 1L);
            send(producer, topic, 4, 2L);
            assertThat(awaitUpdates(subscription, 2, "the updates on the old topic")).hasSize(2);

            admin.deleteTopics(java.util.List.of(topic)).all().get();
            await("nothing read while the topic is gone").atMost(Duration.ofSeconds(60))
                    .until(() -> subscription.assignedPartitions().isEmpty());
            createAgainWithOnePartition(admin, topic);
            send(producer, topic, 5, 3L);
            send(producer, topic, 6, 4L);
            assertThat(awaitUpdates(subscription, 2, "both updates on the new topic"))
                    .extracting(u -> u.version).containsExactly(5L, 6L);
            assertThat(subscription.assignedPartitions()).containsExactly(new org.apache.kafka.common.TopicPartition(topic, 0));
        } finally {
            subscription.close();
        }
    }

    /**
     * A job started while its brokers are down: the slot retries, says so once (not once a retry), and once a broker
     * answers it reads the topic and takes the updates published there.
     */
    @Test
    void brokersDownAtTheStartAreSaidOnceAndTheUpdatesReadOnceTheyAnswer() throws Exception {
        int port = portOutsideTheEphemeralRange();
        // the job's own consumer settings (no topic created by reading it, above all), at a shorter reconnect backoff
        Properties props = new Properties();
        props.putAll(KafkaModelUpdates.fromEarliest(dev.marquee.job.config.JobSettings.from(java.util.Map.of(
                dev.marquee.job.config.JobSettings.BOOTSTRAP, dev.marquee.infra.EmbeddedKafka.HOST + ":" + port)))
                .consumerProperties());
        props.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        KafkaModelUpdateSubscription subscription = new KafkaModelUpdateSubscription("model-updates", props, true,
                new ModelUpdateDecoder(new UnregisteredMetricsGroup(), 0), "down-at-start-model-updates")
                .retryEvery(Duration.ofMillis(10));
        try {
            subscription.start(Duration.ofMillis(100));
            await("retries while no broker answers").atMost(Duration.ofSeconds(90)).until(() -> subscription.failures() >= 3);
            assertThat(subscription.problem()).as("what the slot says is wrong").isNotNull();
            assertThat(subscription.failureWarnings()).as("said once, not once a retry").isEqualTo(1);
            assertThat(subscription.poll()).isEmpty();

            try (dev.marquee.infra.EmbeddedKafka kafka = dev.marquee.infra.EmbeddedKafka.builder().port(port).start()) {
                try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(java.util.Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
                    // the slot, asking for the topic's partitions meanwhile, must not have created it with the broker's
                    // defaults (that would fail this create: TopicExistsException)
                    admin.createTopics(java.util.List.of(new org.apache.kafka.clients.admin.NewTopic("model-updates", 1, (short) 1))).all().get();
                }
                await("reading once the broker answers").atMost(Duration.ofSeconds(60)).until(() -> subscription.problem() == null);
                java.util.Map<String, Object> producerProps = java.util.Map.of("bootstrap.servers", kafka.bootstrapServers(),
                        "key.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName(), "value.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class.getName());
                try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps)) {
                    producer.send(new ProducerRecord<>("model-updates", 0, "marquee", dev.marquee.data.json.EventCodec.of(dev.marquee.data.event.ModelUpdate.class)
                            .encode(new dev.marquee.data.event.ModelUpdate("marquee", 6, "/r/marquee/6", System.currentTimeMillis())))).get();
                }
                java.util.List<dev.marquee.data.event.ModelUpdate> got = new java.util.ArrayList<>();
                await("the update published once the broker is up").atMost(Duration.ofSeconds(60)).until(() -> {
                    got.addAll(subscription.poll());
                    return !got.isEmpty();
                });
                assertThat(got).singleElement().satisfies(u -> assertThat(u.version).isEqualTo(6));
                assertThat(subscription.failureWarnings()).as("no warning once it reads").isEqualTo(1);
            }
        } finally {
            subscription.close();
        }
    }

    /**
     * A free port below the kernel's ephemeral range: it is bound only after the slot has retried for a while, and a
     * port from that range could meanwhile be handed to any outgoing connection on the host.
     */
    private static int portOutsideTheEphemeralRange() throws java.io.IOException {
        int low = 32_768;
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        if (java.nio.file.Files.isReadable(range)) low = Integer.parseInt(java.nio.file.Files.readString(range).trim().split("\\s+")[0]);
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = 20_000 + random.nextInt(Math.max(1, low - 20_000));
            try (java.net.ServerSocket socket = new java.net.ServerSocket(port, 1,
                    java.net.InetAddress.getByName(dev.marquee.infra.EmbeddedKafka.HOST))) {
                return socket.getLocalPort();
            } catch (java.net.BindException taken) {
                // another one
            }
        }
        throw new IllegalStateException("no free port from 20000 to " + low);
    }

    /** A slot's subscription from the end of {@code topic}, as the job's, listing its partitions every 200 ms. */
    private static KafkaModelUpdateSubscription followingPartitions(String topic) {
        return new KafkaModelUpdateSubscription(topic, jobConsumerProps(topic), false,
                new ModelUpdateDecoder(new UnregisteredMetricsGroup(), 0), "test-model-updates")
                .checkPartitionsEvery(Duration.ofMillis(200));
    }

    /** Creates {@code topic} again, once the broker has finished deleting it. */
    private static void createAgainWithOnePartition(org.apache.kafka.clients.admin.Admin admin, String topic) {
        await("the topic created again").atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            admin.createTopics(java.util.List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 1, (short) 1)))
                    .all().get();
            return true;
        });
    }

    /** The job's own consumer settings, with the partition list refreshed every half second instead of every minute. */
    private static Properties jobConsumerProps(String topic) {
        Properties props = new Properties();
        props.putAll(KafkaModelUpdates.fromLatest(dev.marquee.job.config.JobSettings.from(java.util.Map.of(
                dev.marquee.job.config.JobSettings.BOOTSTRAP, KAFKA.bootstrapServers(),
                dev.marquee.job.config.JobSettings.TOPIC_MODEL_UPDATES, topic))).consumerProperties());
        props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "500");
        return props;
    }

    private static org.apache.kafka.clients.admin.Admin admin() {
        return org.apache.kafka.clients.admin.Admin.create(
                java.util.Map.<String, Object>of("bootstrap.servers", KAFKA.bootstrapServers()));
    }

    private static KafkaProducer<byte[], byte[]> bytesProducer() {
        return new KafkaProducer<>(KAFKA.producerProps(), new org.apache.kafka.common.serialization.ByteArraySerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer());
    }

    /** An update to partition 0, as marquee's trainer writes them. */
    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, long version, long publishedAtMs)
            throws Exception {
        producer.send(new ProducerRecord<>(topic, 0, null, dev.marquee.data.json.EventCodec.of(
                dev.marquee.data.event.ModelUpdate.class).encode(new dev.marquee.data.event.ModelUpdate(
                "marquee", version, "/r/marquee/" + version, publishedAtMs)))).get();
    }

    private static java.util.List<dev.marquee.data.event.ModelUpdate> awaitUpdates(
            KafkaModelUpdateSubscription subscription, int count, String what) {
        java.util.List<dev.marquee.data.event.ModelUpdate> got = new java.util.ArrayList<>();
        await(what).atMost(Duration.ofSeconds(60)).until(() -> {
            got.addAll(subscription.poll());
            return got.size() >= count;
        });
        return got;
    }

    private static Properties consumerProps(Class<?> valueDeserializer) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, valueDeserializer.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return props;
    }
}

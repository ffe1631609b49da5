package dev.marquee.infra.testing;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import dev.marquee.infra.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One real Kafka broker per test class: started before the class's first test, stopped after its last.
 * Give each test fresh topics with {@link #createTopic(String, int)}.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
 * }</pre>
 * or {@code @ExtendWith(KafkaBrokerExtension.class)} and a {@code KafkaBrokerExtension} parameter in a test method,
 * constructor or {@code @BeforeAll} method. Which broker it starts is decided by {@link BrokerChoice}.
 * Must be static (class-level): an instance field never sees {@code beforeAll}.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBrokerExtension.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern TOPIC_PREFIX = Pattern.compile("[a-zA-Z0-9-]{1,200}");

    private final AtomicInteger topicCounter = new AtomicInteger();
    private volatile TestBroker broker;
    private volatile String ownerId;
    private Admin admin;

    @Override
    public void beforeAll(ExtensionContext context) {
        if (broker != null) {
            return; // a @Nested class shares its enclosing class's broker
        }
        BrokerChoice choice = BrokerChoice.fromEnvironment();
        broker = start(choice);
        ownerId = context.getUniqueId();
        LOG.info("Kafka for {}: {} ({})", context.getDisplayName(), broker.description(), BrokerChoice.reason(choice));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (!context.getUniqueId().equals(ownerId)) {
            return;
        }
        try {
            synchronized (this) {
                if (admin != null) {
                    admin.close(ADMIN_TIMEOUT);
                    admin = null;
                }
            }
        } finally {
            TestBroker stopping = broker;
            broker = null;
            ownerId = null;
            stopping.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == KafkaBrokerExtension.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return this;
    }

    public String bootstrapServers() {
        return running().bootstrapServers();
    }

    /**
     * Creates a topic with a name no other test uses, e.g. {@code requests-7-3f9a2c1b}, and returns the name.
     *
     * @param prefix letters, digits and '-'
     */
    public String createTopic(String prefix, int partitions) {
        if (prefix == null || !TOPIC_PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("Topic prefix must be 1 to 200 of [a-zA-Z0-9-], got '" + prefix + "'");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
        String name = prefix + "-" + topicCounter.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            admin().createTopics(List.of(new NewTopic(name, Optional.of(partitions), Optional.empty())))
                    .all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            // "created" is the controller's word; a client's first look (listTopics, metadata) asks the broker
            Awaitility.await("topic " + name + " served by the broker").atMost(ADMIN_TIMEOUT)
                    .ignoreExceptionsMatching(e -> e.getCause() instanceof UnknownTopicOrPartitionException)
                    .until(() -> admin().describeTopics(List.of(name)).allTopicNames().get().get(name).partitions().size()
                            == partitions);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topic " + name, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not create topic " + name + " on " + bootstrapServers(), e);
        }
        return name;
    }

    /** Bootstrap address and String serializers; add or override what the test needs. */
    public Properties producerProps() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return props;
    }

    /** Bootstrap address, the group, reading from the earliest offset, and String deserializers. */
    public Properties consumerProps(String groupId) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return props;
    }

    private synchronized Admin admin() {
        if (admin == null) {
            Properties props = new Properties();
            props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
            admin = Admin.create(props);
        }
        return admin;
    }

    private TestBroker running() {
        TestBroker current = broker;
        if (current == null) {
            throw new IllegalStateException("No Kafka broker: register KafkaBrokerExtension on a static field "
                    + "(@RegisterExtension static) or with @ExtendWith on the class, and use it inside the test class");
        }
        return current;
    }

    private static TestBroker start(BrokerChoice choice) {
        return switch (choice) {
            case EXTERNAL -> new External(BrokerChoice.externalBootstrap(System::getProperty, System::getenv));
            case TESTCONTAINERS -> startContainerOr(TestcontainersBroker::start, () -> new Embedded(EmbeddedKafka.start()));
            case EMBEDDED -> new Embedded(EmbeddedKafka.start());
        };
    }

    /**
     * The container, or, when it cannot start and nobody asked for it by name (Docker Hub unreachable or
     * rate-limited, a proxy, rootless Podman refusing Testcontainers' reaper), the in-JVM broker CI runs on.
     */
    static TestBroker startContainerOr(java.util.function.Supplier<TestBroker> container,
                                       java.util.function.Supplier<TestBroker> embedded) {
        boolean forced = !BrokerChoice.isBlank(System.getProperty(BrokerChoice.BROKER_PROPERTY));
        if (!forced && containerFailure != null) return embedded.get(); // said once: each pull may retry for minutes
        try {
            return container.get();
        } catch (RuntimeException e) {
            if (forced) throw e; // asked for by name
            containerFailure = e;
            LOG.warn("Testcontainers' Kafka did not start ({}); the in-JVM broker instead, for the rest of this JVM", e.toString());
            return embedded.get();
        }
    }

    /** Why the container did not start, once it did not (this JVM's later test classes go to the in-JVM broker). */
    private static volatile RuntimeException containerFailure;

    /** Forgets a failure (tests of the fallback). */
    static void forgetContainerFailure() {
        containerFailure = null;
    }

    private record Embedded(EmbeddedKafka kafka) implements TestBroker {
        @Override
        public String bootstrapServers() {
            return kafka.bootstrapServers();
        }

        @Override
        public String description() {
            return "embedded KRaft broker at " + kafka.bootstrapServers()
                    + ", started in " + kafka.startupTime().toMillis() + " ms";
        }

        @Override
        public void close() {
            kafka.close();
        }
    }

    private record External(String bootstrapServers) implements TestBroker {
        @Override
        public String description() {
            return "external broker at " + bootstrapServers;
        }

        @Override
        public void close() {
            // not ours to stop
        }
    }
}

package dev.marquee.infra.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Docker answers but the container cannot start (no Docker Hub, a proxy): the tests run on the in-JVM broker. */
class ContainerFallbackTest {
    private static final TestBroker EMBEDDED = new TestBroker() {
        @Override
        public String bootstrapServers() {
            return "in-jvm:9092";
        }

        @Override
        public String description() {
            return "in-JVM";
        }

        @Override
        public void close() {}
    };

    private String brokerChosen;

    /** As when no broker is named: a run given `-Dmarquee.kafka.broker=...` (docs/TESTING.md) must not change these. */
    @org.junit.jupiter.api.BeforeEach
    void noBrokerNamed() {
        brokerChosen = System.getProperty(BrokerChoice.BROKER_PROPERTY);
        System.clearProperty(BrokerChoice.BROKER_PROPERTY);
        KafkaBrokerExtension.forgetContainerFailure();
    }

    @org.junit.jupiter.api.AfterEach
    void forget() {
        KafkaBrokerExtension.forgetContainerFailure();
        if (brokerChosen != null) System.setProperty(BrokerChoice.BROKER_PROPERTY, brokerChosen);
    }

    @Test
    void aContainerThatCannotStartFallsBackToTheInJvmBrokerAndIsNotTriedAgain() {
        java.util.concurrent.atomic.AtomicInteger tries = new java.util.concurrent.atomic.AtomicInteger();
        java.util.function.Supplier<TestBroker> failing = () -> {
            tries.incrementAndGet();
            throw new IllegalStateException("Could not pull image apache/kafka:4.2.0");
        };
        assertThat(KafkaBrokerExtension.startContainerOr(failing, () -> EMBEDDED)).isSameAs(EMBEDDED);
        assertThat(KafkaBrokerExtension.startContainerOr(failing, () -> EMBEDDED)).isSameAs(EMBEDDED);
        assertThat(tries.get()).as("a pull may retry for minutes: once per JVM").isEqualTo(1);
    }

    @Test
    void aContainerAskedForByNameFailsInstead() {
        String before = System.getProperty(BrokerChoice.BROKER_PROPERTY);
        System.setProperty(BrokerChoice.BROKER_PROPERTY, "testcontainers");
        try {
            assertThatThrownBy(() -> KafkaBrokerExtension.startContainerOr(() -> {
                throw new IllegalStateException("Could not pull image");
            }, () -> EMBEDDED)).hasMessageContaining("Could not pull image");
        } finally {
            if (before == null) System.clearProperty(BrokerChoice.BROKER_PROPERTY);
            else System.setProperty(BrokerChoice.BROKER_PROPERTY, before);
        }
    }
}

package dev.marquee.infra.testing;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Kafka in a Docker container. Testcontainers is an optional dependency: only touch this class after
 * {@link BrokerChoice#dockerAvailable()} said yes, which guards against it being absent.
 */
final class TestcontainersBroker implements TestBroker {

    static final String IMAGE = "apache/kafka:4.2.0";

    private final KafkaContainer container;

    private TestcontainersBroker(KafkaContainer container) {
        this.container = container;
    }

    static TestcontainersBroker start() {
        KafkaContainer container = new KafkaContainer(IMAGE);
        try {
            container.start();
        } catch (RuntimeException e) {
            try {
                container.stop(); // one that started but never answered keeps running otherwise, until the JVM ends
            } catch (RuntimeException stop) {
                e.addSuppressed(stop);
            }
            throw e;
        }
        return new TestcontainersBroker(container);
    }

    static boolean dockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public String description() {
        return "Testcontainers broker (" + IMAGE + ") at " + bootstrapServers();
    }

    @Override
    public void close() {
        container.stop();
    }
}

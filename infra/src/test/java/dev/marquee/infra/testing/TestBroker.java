package dev.marquee.infra.testing;

/** A Kafka broker a test class talks to, whichever kind it is. */
interface TestBroker extends AutoCloseable {

    String bootstrapServers();

    /** One human line, e.g. "embedded KRaft broker at 127.0.0.1:40211, started in 1350 ms". */
    String description();

    @Override
    void close();
}

package dev.marquee.infra.testing;

import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * Which Kafka broker a test class gets. In order: the kind forced by {@value #BROKER_PROPERTY}; an external broker
 * when {@value #BOOTSTRAP_PROPERTY} (or env {@value #BOOTSTRAP_ENV}) is set; a Testcontainers broker when Docker is
 * available; else the in-JVM {@link dev.marquee.infra.EmbeddedKafka}.
 */
public enum BrokerChoice {
    EMBEDDED, TESTCONTAINERS, EXTERNAL;

    /** System property forcing the kind: {@code embedded}, {@code testcontainers} or {@code external}. */
    public static final String BROKER_PROPERTY = "marquee.kafka.broker";
    /** System property with the bootstrap address of an external broker. */
    public static final String BOOTSTRAP_PROPERTY = "marquee.kafka.bootstrap";
    /** Environment variable with the bootstrap address of an external broker (the system property wins). */
    public static final String BOOTSTRAP_ENV = "MARQUEE_KAFKA_BOOTSTRAP";

    private static volatile Boolean dockerAvailable;

    /** The choice for this JVM's system properties and environment. */
    static BrokerChoice fromEnvironment() {
        return decide(System.getProperty(BROKER_PROPERTY), externalBootstrap(System::getProperty, System::getenv),
                BrokerChoice::dockerAvailable);
    }

    /**
     * @param forced            the value of {@value #BROKER_PROPERTY}, or null
     * @param externalBootstrap the external broker's address, or null
     * @param dockerAvailable   asked only when the answer depends on it
     * @throws IllegalArgumentException for an unknown kind, or {@code external} without an address
     * @throws IllegalStateException    for {@code testcontainers} without Docker
     */
    static BrokerChoice decide(String forced, String externalBootstrap, BooleanSupplier dockerAvailable) {
        if (!isBlank(forced)) {
            BrokerChoice choice = parse(forced);
            if (choice == EXTERNAL && externalBootstrap == null) {
                throw new IllegalArgumentException(BROKER_PROPERTY + "=external needs the broker's address in "
                        + BOOTSTRAP_PROPERTY + " or " + BOOTSTRAP_ENV);
            }
            if (choice == TESTCONTAINERS && !dockerAvailable.getAsBoolean()) {
                throw new IllegalStateException(BROKER_PROPERTY + "=testcontainers, but Testcontainers found no Docker "
                        + "engine (or is not on the test classpath: add org.testcontainers:testcontainers-kafka)");
            }
            return choice;
        }
        if (externalBootstrap != null) {
            return EXTERNAL;
        }
        return dockerAvailable.getAsBoolean() ? TESTCONTAINERS : EMBEDDED;
    }

    /** Why {@link #fromEnvironment()} chose {@code choice}, for the log. */
    static String reason(BrokerChoice choice) {
        String forced = System.getProperty(BROKER_PROPERTY);
        if (!isBlank(forced)) {
            return "forced by " + BROKER_PROPERTY;
        }
        return switch (choice) {
            case EXTERNAL -> "address from " + BOOTSTRAP_PROPERTY + " or " + BOOTSTRAP_ENV;
            case TESTCONTAINERS -> "Docker is available";
            case EMBEDDED -> "no external address, no Docker";
        };
    }

    /** The system property if set, else the environment variable; null when neither is set. */
    static String externalBootstrap(UnaryOperator<String> systemProperties, UnaryOperator<String> environment) {
        String fromProperty = systemProperties.apply(BOOTSTRAP_PROPERTY);
        if (!isBlank(fromProperty)) {
            return fromProperty.trim();
        }
        String fromEnvironment = environment.apply(BOOTSTRAP_ENV);
        return isBlank(fromEnvironment) ? null : fromEnvironment.trim();
    }

    /** Asks Testcontainers once per JVM; false when it is absent from the classpath or fails in any way. */
    static boolean dockerAvailable() {
        Boolean known = dockerAvailable;
        if (known == null) {
            known = probeDocker();
            dockerAvailable = known;
        }
        return known;
    }

    private static boolean probeDocker() {
        try {
            return TestcontainersBroker.dockerAvailable();
        } catch (Throwable absentOrBroken) {
            // NoClassDefFoundError when the optional dependency is missing; anything else means no usable Docker.
            return false;
        }
    }

    private static BrokerChoice parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(BROKER_PROPERTY + " must be embedded, testcontainers or external, got '"
                    + value + "'", e);
        }
    }

    static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}

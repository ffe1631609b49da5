package dev.marquee.infra.testing;

import static dev.marquee.infra.testing.BrokerChoice.EMBEDDED;
import static dev.marquee.infra.testing.BrokerChoice.EXTERNAL;
import static dev.marquee.infra.testing.BrokerChoice.TESTCONTAINERS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

class BrokerChoiceTest {

    private static final BooleanSupplier DOCKER = () -> true;
    private static final BooleanSupplier NO_DOCKER = () -> false;
    private static final BooleanSupplier MUST_NOT_ASK = () -> {
        throw new AssertionError("Docker probed although the choice did not depend on it");
    };

    @Test
    void withoutSettingsDockerDecides() {
        assertThat(BrokerChoice.decide(null, null, DOCKER)).isEqualTo(TESTCONTAINERS);
        assertThat(BrokerChoice.decide(null, null, NO_DOCKER)).isEqualTo(EMBEDDED);
        assertThat(BrokerChoice.decide(" ", null, NO_DOCKER)).isEqualTo(EMBEDDED);
    }

    @Test
    void anExternalAddressWinsWithoutProbingDocker() {
        assertThat(BrokerChoice.decide(null, "kafka:9092", MUST_NOT_ASK)).isEqualTo(EXTERNAL);
    }

    @Test
    void aForcedChoiceWins() {
        assertThat(BrokerChoice.decide("embedded", "kafka:9092", MUST_NOT_ASK)).isEqualTo(EMBEDDED);
        assertThat(BrokerChoice.decide(" Embedded ", null, MUST_NOT_ASK)).isEqualTo(EMBEDDED);
        assertThat(BrokerChoice.decide("external", "kafka:9092", MUST_NOT_ASK)).isEqualTo(EXTERNAL);
        assertThat(BrokerChoice.decide("TESTCONTAINERS", null, DOCKER)).isEqualTo(TESTCONTAINERS);
    }

    @Test
    void forcedChoicesThatCannotWorkAreExplained() {
        assertThatThrownBy(() -> BrokerChoice.decide("docker", null, DOCKER))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("marquee.kafka.broker must be embedded, testcontainers or external, got 'docker'");
        assertThatThrownBy(() -> BrokerChoice.decide("external", null, DOCKER))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("marquee.kafka.bootstrap or MARQUEE_KAFKA_BOOTSTRAP");
        assertThatThrownBy(() -> BrokerChoice.decide("testcontainers", null, NO_DOCKER))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no Docker engine");
    }

    @Test
    void theSystemPropertyWinsOverTheEnvironment() {
        Map<String, String> properties = Map.of("marquee.kafka.bootstrap", " a:1 ");
        Map<String, String> environment = Map.of("MARQUEE_KAFKA_BOOTSTRAP", "b:2");

        assertThat(BrokerChoice.externalBootstrap(properties::get, environment::get)).isEqualTo("a:1");
        assertThat(BrokerChoice.externalBootstrap(key -> null, environment::get)).isEqualTo("b:2");
        assertThat(BrokerChoice.externalBootstrap(key -> "", key -> " ")).isNull();
    }
}

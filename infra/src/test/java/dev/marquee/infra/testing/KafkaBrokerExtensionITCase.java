package dev.marquee.infra.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The declarative form: the extension is injected, and nested classes share the broker. */
@ExtendWith(KafkaBrokerExtension.class)
class KafkaBrokerExtensionITCase {

    private static String bootstrapServers;

    @BeforeAll
    static void rememberTheBroker(KafkaBrokerExtension kafka) {
        bootstrapServers = kafka.bootstrapServers();
    }

    @Test
    void isInjectedIntoTestMethods(KafkaBrokerExtension kafka) {
        assertThat(kafka.bootstrapServers()).isEqualTo(bootstrapServers);
        assertThat(kafka.producerProps()).containsEntry("bootstrap.servers", bootstrapServers);
        assertThat(kafka.consumerProps("g"))
                .containsEntry("bootstrap.servers", bootstrapServers)
                .containsEntry("group.id", "g")
                .containsEntry("auto.offset.reset", "earliest");
    }

    @Nested
    class NestedTests {
        @Test
        void shareTheEnclosingClassBroker(KafkaBrokerExtension kafka) {
            assertThat(kafka.bootstrapServers()).isEqualTo(bootstrapServers);
            assertThat(kafka.createTopic("nested", 1)).startsWith("nested-");
        }
    }
}

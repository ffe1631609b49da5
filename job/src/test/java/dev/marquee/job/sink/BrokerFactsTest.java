package dev.marquee.job.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.data.config.SettingException;
import dev.marquee.job.config.JobSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the start-up checks make of client settings that fail on the submitting host before any broker is asked. */
class BrokerFactsTest {

    /** The TaskManagers hold the trust store (a mounted secret); the host running flink run may not. */
    @Test
    void aTrustStoreThisHostDoesNotHaveLeavesTheFactsUnreadInsteadOfRefusingTheJob(@TempDir Path dir) {
        JobSettings s = JobSettings.from(Map.of("kafka.bootstrap-servers", "127.0.0.1:9",
                "kafka.property.security.protocol", "SSL",
                "kafka.property.ssl.truststore.location", dir.resolve("secrets").resolve("absent.p12").toString(),
                "kafka.property.ssl.truststore.password", "changeit"));
        BrokerFacts facts = BrokerFacts.read(s, List.of("rating-requests"), Duration.ofSeconds(2));
        assertThat(facts.unread).singleElement().asString().startsWith("this host cannot read a file the Kafka client"
                + " settings name").contains(dir.resolve("secrets").resolve("absent.p12").toString())
                .contains("no such file").doesNotContain("changeit").endsWith("the brokers were not asked");
        assertThat(facts.missingTopics).isEmpty();
    }

    @Test
    void aSecretsFileThisHostDoesNotHaveLeavesTheFactsUnread(@TempDir Path dir) {
        JobSettings s = JobSettings.from(Map.of("kafka.bootstrap-servers", "127.0.0.1:9",
                "kafka.property.config.providers", "file",
                "kafka.property.config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider",
                "kafka.property.sasl.jaas.config", "${file:" + dir.resolve("absent.properties") + ":jaas}"));
        BrokerFacts facts = BrokerFacts.read(s, List.of("rating-requests"), Duration.ofSeconds(2));
        assertThat(facts.unread).singleElement().asString().startsWith("this host cannot read a file");
    }

    /** A trust store this host has and reads, with a wrong password, the TaskManagers would refuse too: refused. */
    @Test
    void aTrustStoreThisHostReadsButCannotOpenIsStillRefused(@TempDir Path dir) throws Exception {
        Path store = dir.resolve("truststore.p12");
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(store)) {
            ks.store(out, "right-one".toCharArray());
        }
        JobSettings s = JobSettings.from(Map.of("kafka.bootstrap-servers", "127.0.0.1:9",
                "kafka.property.security.protocol", "SSL",
                "kafka.property.ssl.truststore.location", store.toString(),
                "kafka.property.ssl.truststore.password", "wrong-one"));
        assertThatThrownBy(() -> BrokerFacts.read(s, List.of("rating-requests"), Duration.ofSeconds(2)))
                .isInstanceOf(SettingException.class).hasMessageStartingWith("the Kafka client refuses the settings");
    }

    /** A setting no host could use is still refused at start, in one line. */
    @Test
    void aMalformedSettingIsStillRefused() {
        JobSettings s = JobSettings.from(Map.of("kafka.bootstrap-servers", "broker-without-a-port"));
        assertThatThrownBy(() -> BrokerFacts.read(s, List.of("rating-requests"), Duration.ofSeconds(2)))
                .isInstanceOf(SettingException.class).hasMessageStartingWith("the Kafka client refuses the settings");
    }
}

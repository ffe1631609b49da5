package dev.marquee.job.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.data.config.SettingException;
import dev.marquee.infra.EmbeddedKafka;
import dev.marquee.job.config.JobSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The scoring job's start-up facts from a real broker configured as production brokers often are: no topics
 * created on first use, transactions limited to 1 minute. Then the whole check, through the job's own entry point.
 */
class BrokerFactsITCase {
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.builder().brokerProperty("auto.create.topics.enable", "false")
                .brokerProperty("transaction.max.timeout.ms", "60000").start();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("dead-letters-here", 1, (short) 1)
                    .configs(Map.of("max.message.bytes", "2000000")))).all().get();
        }
    }

    @AfterAll
    static void stop() {
        if (kafka != null) kafka.close();
    }

    private static JobSettings settings(Map<String, String> more) {
        Map<String, String> m = new java.util.HashMap<>(more);
        m.put(JobSettings.BOOTSTRAP, kafka.bootstrapServers());
        return JobSettings.from(m);
    }

    @Test
    void readsTheTopicsAndTheBrokersSettings() {
        BrokerFacts f = BrokerFacts.read(settings(Map.of()), List.of("dead-letters-here", "no-such-topic"), Duration.ofSeconds(30));
        assertThat(f.unread).isEmpty();
        assertThat(f.topicMaxMessageBytes).containsEntry("dead-letters-here", OptionalLong.of(2_000_000));
        assertThat(f.topicPartitions).containsEntry("dead-letters-here", 1).doesNotContainKey("no-such-topic");
        assertThat(f.missingTopics).containsExactly("no-such-topic");
        assertThat(f.autoCreateTopics).contains(false);
        assertThat(f.maxTransactionTimeoutMs).hasValue(60_000);
        assertThat(f.brokerMaxMessageBytes).isPresent();
        assertThat(f.writeDenied).as("a broker without an authorizer allows every operation").isEmpty();
        assertThat(f.readDenied).as("a broker without an authorizer allows every operation").isEmpty();
        assertThat(f.authenticationFailure).isNull();
    }

    @Test
    void settingsTheJobWouldRestartOnForEverAreRefusedBeforeItIsSubmitted() {
        assertThatThrownBy(() -> dev.marquee.job.ScoringJob.run(settings(Map.of())))
                .isInstanceOf(SettingException.class).hasMessageContaining("does not exist and the brokers create no topics");
        assertThatThrownBy(() -> BrokerFacts.read(settings(Map.of("kafka.property.security.protocol", "NOPE")),
                List.of("x"), Duration.ofSeconds(30)))
                .isInstanceOf(SettingException.class).hasMessageContaining("the Kafka clients refuse a value")
                .hasMessageContaining("NOPE");
    }

    @Test
    void brokersThatDoNotAnswerLeaveAWarningNotARefusal() {
        JobSettings unreachable = JobSettings.from(Map.of(JobSettings.BOOTSTRAP, "127.0.0.1:1"));
        BrokerFacts f = BrokerFacts.read(unreachable, List.of("x"), Duration.ofSeconds(2));
        assertThat(f.unread).singleElement().asString().contains("did not answer");
    }

    /** flink run from a host whose DNS does not know the cluster's broker names: the TaskManagers may. */
    @Test
    void aBootstrapThisHostCannotResolveIsAWarningNotARefusal() {
        JobSettings elsewhere = JobSettings.from(Map.of(JobSettings.BOOTSTRAP, "kafka.no-such-host.invalid:9092"));
        BrokerFacts f = BrokerFacts.read(elsewhere, List.of("x"), Duration.ofSeconds(2));
        assertThat(f.unread).singleElement().asString().contains("resolves none of kafka.no-such-host.invalid:9092");
        // the client's canonical-only lookup says it otherwise ("Unknown host"): the same warning
        JobSettings canonical = JobSettings.from(Map.of(JobSettings.BOOTSTRAP, "kafka.no-such-host.invalid:9092",
                "kafka.property.client.dns.lookup", "resolve_canonical_bootstrap_servers_only"));
        BrokerFacts c = BrokerFacts.read(canonical, List.of("x"), Duration.ofSeconds(2));
        assertThat(c.unread).singleElement().asString().contains("resolves none of kafka.no-such-host.invalid:9092");
    }
}

package dev.marquee.job.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.marquee.infra.testing.SecuredKafka;
import java.time.Duration;
import java.util.Properties;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A slot whose principal may not read model-updates says so, not "is the broker reachable?", and keeps trying: on a
 * broker that signs its clients in and holds them to ACLs, as a secured production cluster does.
 */
class ModelUpdatesNotAuthorizedITCase {
    private static SecuredKafka kafka;

    @BeforeAll
    static void broker() {
        kafka = SecuredKafka.start("nothing", "describe-only");
    }

    @AfterAll
    static void stop() {
        if (kafka != null) kafka.close();
    }

    @Test
    void aTopicThePrincipalMayNotSeeIsNamedWithTheGrantItNeeds() throws Exception {
        kafka.createTopic("model-updates-a", 1);
        assertRefusedWithTheGrant("model-updates-a", "nothing");
    }

    /** DESCRIBE but no READ: the slot lists the partitions, then its reads are refused. The same message. */
    @Test
    void aTopicThePrincipalMaySeeButNotReadIsNamedWithTheGrantItNeeds() throws Exception {
        kafka.createTopic("model-updates-b", 1);
        kafka.allow("describe-only", "model-updates-b", AclOperation.DESCRIBE);
        await("the grant applied on the broker").atMost(Duration.ofSeconds(30)).until(() -> {
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props("describe-only"))) {
                return !c.partitionsFor("model-updates-b", Duration.ofSeconds(5)).isEmpty();
            } catch (org.apache.kafka.common.errors.AuthorizationException notYet) {
                return false;
            }
        });
        assertRefusedWithTheGrant("model-updates-b", "describe-only");
    }

    private static void assertRefusedWithTheGrant(String topic, String user) throws Exception {
        KafkaModelUpdateSubscription subscription = new KafkaModelUpdateSubscription(topic, props(user), false,
                new ModelUpdateDecoder(new UnregisteredMetricsGroup(), 0), "refused-" + topic);
        try {
            subscription.start(Duration.ofMillis(200));
            await("the refusal said").atMost(Duration.ofSeconds(60)).until(() -> subscription.problem() != null);
            assertThat(subscription.problem()).contains("not authorized").contains("READ and DESCRIBE on " + topic)
                    .contains("keeps the version it serves");
            assertThat(subscription.poll()).isEmpty();
        } finally {
            subscription.close();
        }
    }

    private static Properties props(String user) {
        Properties props = kafka.clientProps(user);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return props;
    }
}

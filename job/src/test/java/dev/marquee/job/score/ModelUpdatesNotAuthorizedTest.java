package dev.marquee.job.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

/** A slot whose principal may not read model-updates says so, not "is the broker reachable?", and keeps trying. */
class ModelUpdatesNotAuthorizedTest {
    @Test
    void aTopicThePrincipalMayNotReadIsNamedWithTheGrantItNeeds() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        MockConsumer<byte[], byte[]> refusing = new MockConsumer<>("latest") {
            @Override
            public synchronized List<PartitionInfo> partitionsFor(String topic, Duration timeout) {
                asked.incrementAndGet();
                throw new TopicAuthorizationException(java.util.Set.of(topic));
            }
        };
        KafkaModelUpdateSubscription subscription = new KafkaModelUpdateSubscription("model-updates", refusing, false,
                new ModelUpdateDecoder(new UnregisteredMetricsGroup(), 0), "test-model-updates");
        try {
            subscription.start(Duration.ofMillis(200));
            await().atMost(Duration.ofSeconds(30)).until(() -> subscription.problem() != null);
            assertThat(subscription.problem()).contains("not authorized").contains("READ and DESCRIBE on model-updates")
                    .contains("keeps the version it serves");
            assertThat(asked.get()).isPositive();
            assertThat(subscription.poll()).isEmpty();
        } finally {
            subscription.close();
        }
    }
}

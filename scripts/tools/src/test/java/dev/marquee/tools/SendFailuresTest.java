package dev.marquee.tools;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.junit.jupiter.api.Test;

class SendFailuresTest {
    @Test
    void aSendRefusedInTheProducersErrorStateIsTheRefusalItCarries() {
        ClusterAuthorizationException refusal = new ClusterAuthorizationException("Cluster authorization failed.");
        KafkaException thrown = new KafkaException(
                "Cannot execute transactional method because we are in an error state", refusal);

        assertThat(SendFailures.cause(thrown)).isSameAs(refusal);
    }

    @Test
    void aFailureWithNoBrokerErrorInItIsItself() {
        KafkaException closed = new KafkaException("Producer closed while send in progress",
                new IllegalStateException("Cannot perform operation after producer has been closed"));

        assertThat(SendFailures.cause(closed)).isSameAs(closed);
    }
}

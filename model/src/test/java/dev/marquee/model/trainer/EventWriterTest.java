package dev.marquee.model.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.event.RetrainOutcome;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EventWriterTest {
    /**
     * On a model-updates topic given a second partition, the model name's hash would put its updates on partition 1
     * for a producer that has seen it and on 0 for one that has not: slots would read them out of order.
     */
    @Test
    void modelUpdatesGoToPartitionZeroWhateverTheTopicsPartitionCount() {
        Node broker = new Node(0, "localhost", 9092);
        Cluster twoPartitions = new Cluster("c", List.of(broker), List.of(
                new PartitionInfo("model-updates", 0, broker, new Node[] {broker}, new Node[] {broker}),
                new PartitionInfo("model-updates", 1, broker, new Node[] {broker}, new Node[] {broker}),
                new PartitionInfo("retrain-outcomes", 0, broker, new Node[] {broker}, new Node[] {broker}),
                new PartitionInfo("retrain-outcomes", 1, broker, new Node[] {broker}, new Node[] {broker})),
                Set.of(), Set.of());
        MockProducer<String, byte[]> producer = new MockProducer<>(twoPartitions, true, null, new StringSerializer(),
                new ByteArraySerializer());
        EventWriter writer = new EventWriter(producer, 5_000);
        writer.write("model-updates", new ModelUpdate("marquee", 4, "/registry/marquee/4", 1L));
        RetrainOutcome outcome = new RetrainOutcome();
        outcome.requestId = "r-1";
        outcome.outcome = RetrainOutcome.REJECTED;
        writer.write("retrain-outcomes", outcome);

        assertThat(producer.history()).hasSize(2);
        assertThat(producer.history().get(0).key()).isEqualTo("marquee");
        assertThat(producer.history().get(0).partition()).isEqualTo(0);
        assertThat(producer.history().get(1).key()).as("outcomes: keyed by request id, partitioned by it").isEqualTo("r-1");
        assertThat(producer.history().get(1).partition()).isNull();
    }
}

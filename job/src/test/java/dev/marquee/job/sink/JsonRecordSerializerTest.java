package dev.marquee.job.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.Prediction;
import dev.marquee.data.json.EventCodec;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class JsonRecordSerializerTest {
    @Test
    void writesKeyedJsonAndLeavesTheTimestampToTheBrokerNotToEventTime() {
        Prediction p = new Prediction();
        p.requestId = "r-1";
        p.predictedRating = 3.5f;
        p.output3 = new float[] {3.5f};
        var serializer = new JsonRecordSerializer<>("predictions", Prediction.class, x -> x.requestId);

        // 1997: the event time Flink carries for a MovieLens replay
        ProducerRecord<byte[], byte[]> record = serializer.serialize(p, null, 880_000_000_000L);

        assertThat(record.topic()).isEqualTo("predictions");
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("r-1");
        assertThat(record.timestamp()).as("a 1997 timestamp would be deleted at once by time-based retention").isNull();
        assertThat(EventCodec.of(Prediction.class).decode(record.value()).predictedRating).isEqualTo(3.5f);
        assertThat(new String(record.value(), StandardCharsets.UTF_8)).contains("\"predicted_rating\":3.5", "\"output_3\":[3.5]");
    }
}

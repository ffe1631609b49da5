package dev.marquee.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.Alert;
import dev.marquee.data.event.DeadLetter;
import dev.marquee.data.event.DriftReport;
import dev.marquee.data.event.ErrorCode;
import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.Rating;
import dev.marquee.data.event.RatingRequest;
import dev.marquee.data.event.RetrainRequest;
import dev.marquee.data.event.SourcePosition;
import dev.marquee.job.source.RawRecord;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every event type that crosses a Flink network or state boundary is a POJO, never a Kryo generic type. */
class EventTypesSerializationTest {
    static List<Object> samples() {
        RatingRequest request = new RatingRequest("r-1", "587", "Heat (1995)", 892870992L);
        request.source = new SourcePosition("rating-requests", 1, 42, 1000L);
        request.extraFields = new String[] {"genre"};
        DeadLetter dead = new DeadLetter();
        dead.errorCode = ErrorCode.WRONG_TYPE;
        dead.error = "user_id must be a string";
        dead.source = request.source;
        dead.payload = "{}";
        dead.payloadLength = 2;
        Prediction prediction = new Prediction();
        prediction.requestId = "r-1";
        prediction.output3 = new float[] {3.5f};
        prediction.source = request.source;
        DriftReport drift = new DriftReport();
        drift.invalidByCode.put("WRONG_TYPE", 3L);
        drift.metrics.put("user_id.js", 0.3);
        drift.thresholds.put("user_id.js", 0.1);
        drift.alerts.add(new Alert("user_id.js", 0.3, 0.1, 2));
        ModelUpdate update = new ModelUpdate("marquee", 2, "/registry/marquee/2", 5L);
        update.metrics.put("test_rmse", 0.95);
        RetrainRequest retrain = new RetrainRequest("q-1", "drift", 7L);
        retrain.alerts.add(new Alert("m", 1, 0.5, 3));
        return List.of(request, dead, prediction, drift, update, retrain, new Rating("1", "A", 4f, 9L),
                new RawRecord(new byte[] {1, 2}, "t", 0, 1, 2), new SourcePosition("t", 0, 1, 2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    @SuppressWarnings({"unchecked", "rawtypes"})
    void isAPojoAndRoundTripsWithGenericTypesDisabled(Object sample) throws Exception {
        TypeInformation type = TypeInformation.of(sample.getClass());
        assertThat(type).isInstanceOf(PojoTypeInfo.class);

        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false); // creating a serializer fails if any field would need Kryo
        TypeSerializer serializer = type.createSerializer(config);

        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(sample, out);
        Object copy = serializer.deserialize(new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
        assertThat(copy).usingRecursiveComparison().isEqualTo(sample);
    }
}

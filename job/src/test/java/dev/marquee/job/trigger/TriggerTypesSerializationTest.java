package dev.marquee.job.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.Alert;
import dev.marquee.data.event.DriftReport;
import dev.marquee.data.event.RetrainOutcome;
import dev.marquee.data.event.RetrainRequest;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The trigger's stream and state types are POJOs, never Kryo generic types. */
class TriggerTypesSerializationTest {
    static List<Object> samples() {
        DriftReport report = new DriftReport();
        report.metrics.put("labels.rmse", 1.0);
        report.alerts.add(new Alert("user_id.js", 0.3, 0.1, 2));
        TriggerState state = new TriggerState();
        state.inFlightRequestId = "retrain-1-3-4";
        state.answered.add("retrain-1-2-3");
        RetrainOutcome published = new RetrainOutcome();
        published.requestId = "retrain-1-2-3";
        published.outcome = RetrainOutcome.PUBLISHED;
        published.version = 2;
        state.rememberAnswered(published, false);
        RetrainRequest request = new RetrainRequest("retrain-1-3-4", "drift", 5L);
        request.triggers.add(RetrainRequest.TRIGGER_DRIFT);
        request.metrics.put("labels.rmse", 1.0);
        request.alerts.add(new Alert("user_id.js", 0.3, 0.1, 2));
        return List.of(TriggerEvent.of(report), state, request);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    @SuppressWarnings({"unchecked", "rawtypes"})
    void isAPojoAndRoundTripsWithGenericTypesDisabled(Object sample) throws Exception {
        TypeInformation type = TypeInformation.of(sample.getClass());
        assertThat(type).isInstanceOf(PojoTypeInfo.class);
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        TypeSerializer serializer = type.createSerializer(config);
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(sample, out);
        Object copy = serializer.deserialize(new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
        assertThat(copy).usingRecursiveComparison().isEqualTo(sample);
    }
}

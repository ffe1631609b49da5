package dev.marquee.job.label;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Online adaptation's keyed state and the events between its operators are POJOs, never Kryo generic types. */
class AdaptationStateTypesTest {
    static List<Object> samples() {
        UserFactors factors = UserFactors.prior(3, 2, 8, 5);
        factors.learn(new float[] {0.5f, -0.25f}, 1.5, 0.002);
        TitleBias bias = TitleBias.prior(3, 3);
        bias.learn(0.7);
        PendingPrediction pending = new PendingPrediction(3.2f, 3.6f, 3);
        pending.titleBias = true;
        pending.newTitle = true;
        pending.requestId = "r1";
        pending.movieTitle = "Heat (1995)";
        pending.timestamp = 880_000_000L;
        pending.expiresAtMs = 880_003_600_000L;
        PendingLabel label = new PendingLabel(4f, 880_000_000L, "r1", 880_003_600_000L);
        label.movieTitle = "Heat (1995)";
        WaitingEntries waiting = new WaitingEntries();
        waiting.predictions.add(pending);
        waiting.labels.add(label);
        waiting.timerAtMs = 880_003_600_000L;
        UserResidual residual = new UserResidual();
        residual.add(0.8, 3, 0.95, 0.5);
        return List.of(residual, factors, bias, pending, waiting, new TitleLabel("Heat (1995)", 3, true, 0.4f, new LabelJoin(3, 3.5f, 3.1f, 4f)),
                label, new UnmatchedExpiry(UnmatchedExpiry.Kind.LABEL, "u1", "Heat (1995)", "r1", 0));
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

package dev.marquee.job.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.drift.DriftCounts;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * The drift window's operator state is a POJO all the way down, never a Kryo generic type: a savepoint restores it by
 * Flink's POJO schema evolution (fields added restore; a class moved or renamed does not, docs/OPERATIONS.md).
 */
class DriftWindowStateTypeTest {
    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void isAPojoAndRoundTripsWithGenericTypesDisabled() throws Exception {
        DriftWindowState state = new DriftWindowState();
        state.windowStartMs = 1_000;
        state.sequence = 7;
        state.runStartedAtMs = 500;
        state.jobId = "job-1";
        state.counts.add(new DriftCounts());
        state.streaks.put("movie_title.oov_rate", 2);
        state.rolling.hours.put(244_000L, 12L);
        state.rolling.hours.put(244_001L, 3L);
        TypeInformation type = TypeInformation.of(DriftWindowState.class);
        assertThat(type).isInstanceOf(PojoTypeInfo.class);
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        TypeSerializer serializer = type.createSerializer(config); // a generic field anywhere below refuses this
        DataOutputSerializer out = new DataOutputSerializer(1024);
        serializer.serialize(state, out);
        DriftWindowState copy = (DriftWindowState) serializer.deserialize(
                new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
        // Flink restores a Map field as a HashMap whatever the class made it (a TreeMap here): equal as maps, which is
        // all RollingEventHours asks of it (it iterates without order and rebuilds a TreeMap at its next window)
        assertThat(copy.rolling.hours).isEqualTo(state.rolling.hours);
        assertThat(copy).usingRecursiveComparison().ignoringFields("rolling.hours").isEqualTo(state);
    }
}

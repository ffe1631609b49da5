package dev.marquee.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.ConfigProto;

class ScorerThreadsTest {
    @Test
    void aGpuSlotSeesOnlyItsCardAndGrowsItsMemory() {
        ConfigProto proto = new ScorerThreads(1, -1).toConfigProto(OptionalInt.of(3));
        assertThat(proto.getGpuOptions().getVisibleDeviceList()).isEqualTo("3");
        assertThat(proto.getGpuOptions().getAllowGrowth()).isTrue();
        assertThat(proto.getDeviceCountMap()).doesNotContainKey("GPU");
        assertThat(proto.getIntraOpParallelismThreads()).isEqualTo(1);
        assertThat(proto.getInterOpParallelismThreads()).isEqualTo(-1);
    }

    @Test
    void aCpuSlotSeesNoGpuAtAll() {
        ConfigProto proto = new ScorerThreads(2, -1).toConfigProto(OptionalInt.empty());
        assertThat(proto.getDeviceCountMap()).containsEntry("GPU", 0);
        assertThat(proto.getGpuOptions().getVisibleDeviceList()).isEmpty();
        assertThat(proto.getIntraOpParallelismThreads()).isEqualTo(2);
    }
}

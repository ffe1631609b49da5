package dev.marquee.job.score;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.junit.jupiter.api.Test;

class DeviceSelectorTest {
    /** What Flink's GPU driver hands a slot: one info per GPU with an "index" property. */
    private static ExternalResourceInfo gpu(String index) {
        Map<String, String> props = index == null ? Map.of() : Map.of("index", index);
        return new ExternalResourceInfo() {
            @Override
            public Optional<String> getProperty(String key) {
                return Optional.ofNullable(props.get(key));
            }

            @Override
            public Collection<String> getKeys() {
                return props.keySet();
            }
        };
    }

    @Test
    void withoutGpusASlotRunsOnTheCpuWithItsShareOfTheCores() {
        DevicePlan plan = DeviceSelector.choose(List.of(), 0, 2, 8);
        assertThat(plan.onGpu()).isFalse();
        assertThat(plan.intraOpThreads()).isEqualTo(4);
        assertThat(plan.reason()).contains("no GPU");
        assertThat(DeviceSelector.choose(List.of(), 0, 4, 2).intraOpThreads()).isEqualTo(1);
    }

    @Test
    void slotsSpreadEvenlyOverTheGpusByIndex() {
        List<ExternalResourceInfo> gpus = List.of(gpu("3"), gpu("1"));
        List<Integer> chosen = IntStream.range(0, 4)
                .mapToObj(slot -> DeviceSelector.choose(gpus, slot, 4, 16).gpuIndex().getAsInt())
                .collect(Collectors.toList());
        assertThat(chosen).containsExactly(1, 3, 1, 3);
        assertThat(DeviceSelector.choose(gpus, 0, 4, 16).intraOpThreads()).isEqualTo(1);
    }

    @Test
    void gpuInfosWithoutAUsableIndexFallBackToTheCpuAndSayWhy() {
        DevicePlan plan = DeviceSelector.choose(List.of(gpu(null), gpu("x"), gpu("-1")), 0, 1, 2);
        assertThat(plan.onGpu()).isFalse();
        assertThat(plan.reason()).contains("without a usable index").contains("x");
    }
}

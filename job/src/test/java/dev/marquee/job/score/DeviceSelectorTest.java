package dev.marquee.job.score;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.apache.flink.api.common.resources.ExternalResource;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.externalresource.ExternalResourceUtils;
import org.junit.jupiter.api.Test;

class DeviceSelectorTest {
    /** What Flink's GPU driver hands a slot: one info per GPU with an "index" property. */
    static ExternalResourceInfo gpu(String index) {
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
    void everySlotOfATaskManagerSharesItsLowestGpuAsTensorFlowMapsGpusOncePerProcess() {
        List<ExternalResourceInfo> gpus = List.of(gpu("3"), gpu("1"));
        List<Integer> chosen = IntStream.range(0, 4)
                .mapToObj(slot -> DeviceSelector.choose(gpus, slot, 4, 16).gpuIndex().getAsInt())
                .collect(Collectors.toList());
        assertThat(chosen).containsExactly(1, 1, 1, 1);
        assertThat(DeviceSelector.choose(gpus, 0, 4, 16).reason()).contains("one card per TaskManager");
        assertThat(DeviceSelector.choose(gpus, 0, 4, 16).intraOpThreads()).isEqualTo(1);
    }

    /** Flink's index is nvidia-smi's, over the whole host; TensorFlow counts the cards CUDA_VISIBLE_DEVICES shows. */
    @Test
    void flinksIndexIsTranslatedToTheCudaDeviceTensorFlowSees() {
        DevicePlan plan = DeviceSelector.choose(List.of(gpu("3")), 0, 2, 8, Map.of("CUDA_VISIBLE_DEVICES", "2,3"));
        assertThat(plan.gpuIndex()).hasValue(1);
        assertThat(plan.reason()).contains("on GPU 3").contains("CUDA device 1");

        DevicePlan hidden = DeviceSelector.choose(List.of(gpu("1")), 0, 2, 8, Map.of("CUDA_VISIBLE_DEVICES", "0"));
        assertThat(hidden.onGpu()).isFalse();
        assertThat(hidden.isWarning()).isTrue();
        assertThat(hidden.intraOpThreads()).isEqualTo(4);
        assertThat(hidden.reason()).contains("GPU 1").contains("CUDA_VISIBLE_DEVICES=0");

        for (String hidesAll : new String[] {"", "-1", " -1,0"}) {
            DevicePlan none = DeviceSelector.choose(List.of(gpu("0")), 0, 2, 8, Map.of("CUDA_VISIBLE_DEVICES", hidesAll));
            assertThat(none.onGpu()).as("'%s'", hidesAll).isFalse();
            assertThat(none.reason()).contains("hides every GPU");
        }
        assertThat(DeviceSelector.choose(List.of(gpu("3")), 0, 2, 8, Map.of("CUDA_VISIBLE_DEVICES", "0,-1,3")).onGpu())
                .as("CUDA stops at the first invalid entry: 3 is hidden").isFalse();

        DevicePlan uuid = DeviceSelector.choose(List.of(gpu("1")), 0, 2, 8, Map.of("CUDA_VISIBLE_DEVICES", "GPU-8f2a"));
        assertThat(uuid.gpuIndex()).as("the one card shown is TensorFlow's device 0").hasValue(0);
        DevicePlan uuids = DeviceSelector.choose(List.of(gpu("1")), 0, 2, 8,
                Map.of("CUDA_VISIBLE_DEVICES", "GPU-8f2a,GPU-77c1"));
        assertThat(uuids.gpuIndex()).as("several by UUID: Flink's index, unchanged (and said)").hasValue(1);
        assertThat(DeviceSelector.choose(List.of(gpu("1")), 0, 2, 8, Map.of()).gpuIndex()).hasValue(1);
    }

    /** A container that shows a GPU while Flink handed none: discovery failed, or it is not configured. */
    @Test
    void aVisibleGpuFlinkDidNotHandOverIsAWarningNotASilentCpuSlot() {
        DevicePlan plan = DeviceSelector.choose(List.of(), 0, 2, 8, Map.of("NVIDIA_VISIBLE_DEVICES", "GPU-8f2a"));
        assertThat(plan.onGpu()).isFalse();
        assertThat(plan.isWarning()).isTrue();
        assertThat(plan.reason()).contains("NVIDIA_VISIBLE_DEVICES=GPU-8f2a").contains("discovery script");
        assertThat(DeviceSelector.choose(List.of(), 0, 2, 8, Map.of("NVIDIA_VISIBLE_DEVICES", "void")).isWarning()).isFalse();
        assertThat(DeviceSelector.choose(List.of(), 0, 2, 8, Map.of("NVIDIA_VISIBLE_DEVICES", "all"), () -> false)
                .isWarning()).as("a CUDA image's default on a CPU-only node").isFalse();
        assertThat(DeviceSelector.choose(List.of(), 0, 2, 8, Map.of("NVIDIA_VISIBLE_DEVICES", "all"), () -> true)
                .isWarning()).as("the same where the driver's device is there").isTrue();
        assertThat(DeviceSelector.choose(List.of(), 0, 2, 8, Map.of()).isWarning()).isFalse();
    }

    @Test
    void gpuInfosWithoutAUsableIndexFallBackToTheCpuAndSayWhy() {
        DevicePlan plan = DeviceSelector.choose(List.of(gpu(null), gpu("x"), gpu("-1")), 0, 1, 2);
        assertThat(plan.onGpu()).isFalse();
        assertThat(plan.reason()).contains("without a usable index").contains("x");
        assertThat(plan.isWarning()).as("a GPU was handed over: running on the CPU is logged above INFO").isTrue();
    }

    @Test
    void theGpuClusterConfigPinsEverySlotOfATaskManagerToItsCard() {
        // The shipped GPU TaskManager configuration, read as Flink reads it.
        Configuration conf = GlobalConfiguration.loadConfiguration("../infra/flink/gpu");
        ExternalResource gpuResource = ExternalResourceUtils.getExternalResourcesCollection(conf).stream()
                .filter(r -> r.getName().equals(DeviceSelector.GPU_RESOURCE)).findFirst().orElseThrow();
        int cards = gpuResource.getValue().intValue();
        int slots = conf.get(TaskManagerOptions.NUM_TASK_SLOTS);
        int cores = conf.get(TaskManagerOptions.CPU_CORES).intValue();
        assertThat(cards).isPositive();

        // What the GPU driver hands each slot on such a TaskManager: one info per card its discovery script
        // reported, indices 0..amount-1 on a node (or pod) that sees exactly its own cards.
        List<ExternalResourceInfo> infos = IntStream.range(0, cards).mapToObj(i -> gpu(String.valueOf(i)))
                .collect(Collectors.toList());
        for (int slot = 0; slot < slots; slot++) {
            DevicePlan plan = DeviceSelector.choose(infos, slot, slots, cores);
            assertThat(plan.onGpu()).as("slot %d", slot).isTrue();
            assertThat(plan.gpuIndex().getAsInt()).as("slot %d", slot).isZero();
            assertThat(plan.intraOpThreads()).as("one CPU thread feeds the card").isEqualTo(1);
            assertThat(plan.reason()).contains("GPU");
        }
        // The same slots on a TaskManager without the resource (the CPU configs) run on the CPU.
        assertThat(DeviceSelector.choose(List.of(), 0, slots, cores).onGpu()).isFalse();
    }
}

package dev.marquee.job.score;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.OptionalInt;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;

/**
 * Chooses a slot's device. A TaskManager with Flink's {@code gpu} external resource hands every slot the
 * same list of GPU infos (each with an {@code index} property); every slot takes the lowest index. TensorFlow
 * maps visible GPUs once per process, and refuses a second session with another {@code visible_device_list}
 * ("device is being mapped to multiple devices", tensorflow/tensorflow#19083), so the slots of one TaskManager
 * share one card: run one GPU per TaskManager. Without GPUs, the slot runs on the CPU with an equal share of
 * the cores, so the slots of one TaskManager never oversubscribe it.
 */
public final class DeviceSelector {
    /** The external resource name Flink's GPU plugin is configured under (external-resources: gpu). */
    public static final String GPU_RESOURCE = "gpu";

    private DeviceSelector() {}

    /**
     * @param gpus          what {@code getExternalResourceInfos("gpu")} returned for this slot's TaskManager
     * @param slotIndex     this subtask's index within the TaskManager's slots (or the subtask index)
     * @param slotsPerTm    how many scoring slots share the TaskManager
     * @param cores         the TaskManager's cores
     */
    public static DevicePlan choose(Collection<ExternalResourceInfo> gpus, int slotIndex, int slotsPerTm, int cores) {
        int share = Math.max(1, cores / Math.max(1, slotsPerTm));
        List<Integer> indices = new ArrayList<>();
        List<String> unusable = new ArrayList<>();
        for (ExternalResourceInfo info : gpus) {
            String raw = info.getProperty("index").orElse(null);
            try {
                if (raw == null) throw new NumberFormatException();
                int index = Integer.parseInt(raw.trim());
                if (index < 0) throw new NumberFormatException();
                indices.add(index);
            } catch (NumberFormatException e) {
                unusable.add(String.valueOf(raw));
            }
        }
        if (indices.isEmpty()) {
            String why = gpus.isEmpty() ? "no GPU external resource on this TaskManager"
                    : "GPU resource infos without a usable index: " + unusable;
            return new DevicePlan(OptionalInt.empty(), share, why);
        }
        indices.sort(Integer::compare);
        int chosen = indices.get(0);
        // On a GPU the CPU threads only feed it; one is enough and leaves the cores to the other slots.
        return new DevicePlan(OptionalInt.of(chosen), 1, "slot " + slotIndex + " on GPU " + chosen
                + (indices.size() > 1 ? " (of " + indices + ": one card per TaskManager, as TensorFlow maps GPUs once per process)" : ""));
    }
}

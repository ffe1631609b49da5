package dev.marquee.job.score;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
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

    /** As {@link #choose(Collection, int, int, int, Map)} with this process's environment. */
    public static DevicePlan choose(Collection<ExternalResourceInfo> gpus, int slotIndex, int slotsSharingCores, int cores) {
        return choose(gpus, slotIndex, slotsSharingCores, cores, System.getenv());
    }

    /**
     * @param gpus          what {@code getExternalResourceInfos("gpu")} returned for this slot's TaskManager
     * @param slotIndex     this subtask's index within the TaskManager's slots (or the subtask index)
     * @param slotsSharingCores    how many scoring slots share the machine's cores (the caller's estimate: min(cores, parallelism))
     * @param cores         the TaskManager's cores
     * @param env           the TaskManager's environment ({@code CUDA_VISIBLE_DEVICES}, {@code NVIDIA_VISIBLE_DEVICES})
     */
    public static DevicePlan choose(Collection<ExternalResourceInfo> gpus, int slotIndex, int slotsSharingCores, int cores,
                                    Map<String, String> env) {
        return choose(gpus, slotIndex, slotsSharingCores, cores, env,
                () -> java.nio.file.Files.exists(java.nio.file.Path.of("/dev/nvidiactl")));
    }

    /** As above; {@code driverPresent} says whether the NVIDIA driver's device is in this container. */
    static DevicePlan choose(Collection<ExternalResourceInfo> gpus, int slotIndex, int slotsSharingCores, int cores,
                             Map<String, String> env, java.util.function.BooleanSupplier driverPresent) {
        int share = cpuShare(cores, slotsSharingCores);
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
            if (gpus.isEmpty()) {
                String visible = visibleGpus(env, driverPresent);
                return visible == null ? new DevicePlan(OptionalInt.empty(), share, "no GPU external resource on this TaskManager")
                        : DevicePlan.warning(share, "Flink handed this TaskManager no GPU, but " + visible + ": if it has"
                        + " one, check external-resources and the GPU discovery script's lines in the TaskManager log");
            }
            return DevicePlan.warning(share, "GPU resource infos without a usable index (a discovery script must print"
                    + " nvidia-smi's card indices, not UUIDs): " + unusable + ": on the CPU");
        }
        indices.sort(Integer::compare);
        int chosen = indices.get(0);
        String note = indices.size() > 1 ? " (of " + indices + ": one card per TaskManager, as TensorFlow maps GPUs once per process)" : "";
        // Flink's index is nvidia-smi's, over every card of the host; TensorFlow counts only the cards
        // CUDA_VISIBLE_DEVICES shows, in that order.
        int cuda = chosen;
        if (env.containsKey("CUDA_VISIBLE_DEVICES")) {
            String cudaVisible = env.get("CUDA_VISIBLE_DEVICES").trim();
            List<String> listed = visibleOrdinals(cudaVisible);
            if (listed.isEmpty()) {
                return DevicePlan.warning(share, "Flink handed GPU " + chosen + ", but CUDA_VISIBLE_DEVICES=" + cudaVisible
                        + " hides every GPU from TensorFlow: on the CPU");
            }
            if (listed.stream().allMatch(x -> x.matches("[0-9]+"))) {
                cuda = listed.indexOf(String.valueOf(chosen));
                if (cuda < 0) {
                    return DevicePlan.warning(share, "Flink handed GPU " + chosen + ", which CUDA_VISIBLE_DEVICES="
                            + cudaVisible + " hides from TensorFlow: on the CPU");
                }
                note += "; CUDA device " + cuda + " under CUDA_VISIBLE_DEVICES=" + cudaVisible;
            } else if (listed.contains(String.valueOf(chosen))) {
                cuda = listed.indexOf(String.valueOf(chosen));
                note += "; CUDA device " + cuda + " under CUDA_VISIBLE_DEVICES=" + cudaVisible;
            } else if (listed.size() == 1) {
                // one card by UUID (a container runtime's way): TensorFlow sees it alone, as its device 0
                cuda = 0;
                note += "; CUDA device 0, the one card CUDA_VISIBLE_DEVICES=" + cudaVisible + " shows";
            } else {
                note += "; CUDA_VISIBLE_DEVICES=" + cudaVisible + " names cards by UUID: passed to TensorFlow as "
                        + chosen + " unchanged";
            }
        }
        // On a GPU the CPU threads only feed it; one is enough and leaves the cores to the other slots.
        return new DevicePlan(OptionalInt.of(cuda), 1, "slot " + slotIndex + " on GPU " + chosen + note);
    }

    /**
     * The entries of CUDA_VISIBLE_DEVICES that CUDA takes: those before the first invalid one (CUDA stops there: "-1"
     * or an empty value hides every card). Entries that are not numbers (card UUIDs) are kept as they are.
     */
    private static List<String> visibleOrdinals(String value) {
        List<String> taken = new ArrayList<>();
        for (String entry : value.split("\\s*,\\s*")) {
            if (entry.isEmpty() || entry.startsWith("-")) break;
            taken.add(entry);
        }
        return taken;
    }

    /** A CPU slot's intra-op threads: an equal share of the TaskManager's cores. */
    public static int cpuShare(int cores, int slotsSharingCores) {
        return Math.max(1, cores / Math.max(1, slotsSharingCores));
    }

    /** What the environment says of GPUs in this container, or null when it shows none. */
    private static String visibleGpus(Map<String, String> env, java.util.function.BooleanSupplier driverPresent) {
        for (String key : List.of("NVIDIA_VISIBLE_DEVICES", "CUDA_VISIBLE_DEVICES")) {
            String v = env.getOrDefault(key, "").trim();
            if (v.isEmpty() || v.equals("void") || v.equals("none") || v.equals("-1")) continue;
            // CUDA base images set NVIDIA_VISIBLE_DEVICES=all on every node, CPU-only ones too: a card only if one is there
            if (v.equals("all") && !driverPresent.getAsBoolean()) continue;
            return key + "=" + v;
        }
        return null;
    }
}

package dev.marquee.model;

import java.util.OptionalInt;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GPUOptions;

/**
 * TensorFlow thread settings for one loaded model, chosen by the caller (e.g. from the task slots sharing
 * a machine, so slots don't oversubscribe cores).
 *
 * @param intraOp threads one op may use ({@code intra_op_parallelism_threads}; 0 = TF's default, all cores)
 * @param interOp threads running independent ops ({@code inter_op_parallelism_threads}; -1 = on the
 *     caller's thread, 0 = TF's default)
 */
public record ScorerThreads(int intraOp, int interOp) {
    public ScorerThreads {
        if (intraOp < 0 || interOp < -1) {
            throw new IllegalArgumentException("intraOp must be >= 0 and interOp >= -1, got " + intraOp + ", "
                    + interOp);
        }
    }

    /** One intra-op thread, ops run on the caller's thread: measured fastest per slot on 2 cores. */
    public static ScorerThreads callerThread() {
        return new ScorerThreads(1, -1);
    }

    ConfigProto toConfigProto() {
        return toConfigProto(OptionalInt.empty());
    }

    /**
     * The session configuration for one slot: its threads, and its device. With a GPU index, TensorFlow sees
     * only that GPU ({@code gpu_options.visible_device_list}) and grows its memory as needed instead of
     * taking the whole card, so several slots can share one. Without one, TensorFlow sees no GPU at all, so
     * a CPU slot on a GPU machine never grabs a card another slot was given.
     */
    public ConfigProto toConfigProto(OptionalInt gpuIndex) {
        ConfigProto.Builder b = ConfigProto.newBuilder().setIntraOpParallelismThreads(intraOp)
                .setInterOpParallelismThreads(interOp);
        if (gpuIndex.isPresent()) {
            b.setGpuOptions(GPUOptions.newBuilder().setVisibleDeviceList(String.valueOf(gpuIndex.getAsInt())).setAllowGrowth(true));
        } else {
            b.putDeviceCount("GPU", 0);
        }
        return b.build();
    }
}

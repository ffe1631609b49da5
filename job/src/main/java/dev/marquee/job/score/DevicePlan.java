package dev.marquee.job.score;

import java.io.Serializable;
import java.util.OptionalInt;

/** Where one task slot runs TensorFlow: a GPU (by index) or the CPU, and how many threads it may use. */
public final class DevicePlan implements Serializable {
    private static final long serialVersionUID = 1L;

    private final OptionalInt gpuIndex;
    private final int intraOpThreads;
    private final String reason;
    private final boolean warning;

    DevicePlan(OptionalInt gpuIndex, int intraOpThreads, String reason) {
        this(gpuIndex, intraOpThreads, reason, false);
    }

    private DevicePlan(OptionalInt gpuIndex, int intraOpThreads, String reason, boolean warning) {
        this.gpuIndex = gpuIndex;
        this.intraOpThreads = intraOpThreads;
        this.reason = reason;
        this.warning = warning;
    }

    /** The CPU, where a GPU was expected: logged as a warning. */
    static DevicePlan warning(int intraOpThreads, String reason) {
        return new DevicePlan(OptionalInt.empty(), intraOpThreads, reason, true);
    }

    /** This plan's slot on the CPU instead, because TensorFlow cannot use the card it was given. */
    DevicePlan onCpuBecause(int intraOpThreads, String why) {
        return warning(intraOpThreads, reason + "; but on the CPU: " + why);
    }

    /** A GPU was expected and the slot runs on the CPU: say so above INFO. */
    public boolean isWarning() {
        return warning;
    }

    /** The GPU to pin TensorFlow to ({@code gpu_options.visible_device_list}), or empty for the CPU. */
    public OptionalInt gpuIndex() {
        return gpuIndex;
    }

    public boolean onGpu() {
        return gpuIndex.isPresent();
    }

    /** TensorFlow's intra-op pool size for this slot; the inter-op work runs on the caller's thread. */
    public int intraOpThreads() {
        return intraOpThreads;
    }

    /** Why this plan, for the log line at start-up. */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return (onGpu() ? "GPU " + gpuIndex.getAsInt() : "CPU") + ": " + reason;
    }
}

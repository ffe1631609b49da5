package dev.marquee.model;

import org.tensorflow.proto.ConfigProto;

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

    /** Cores shared evenly by {@code slots} models on a machine with {@code cores} cores. */
    public static ScorerThreads perSlot(int cores, int slots) {
        return new ScorerThreads(Math.max(1, cores / Math.max(1, slots)), -1);
    }

    ConfigProto toConfigProto() {
        return ConfigProto.newBuilder().setIntraOpParallelismThreads(intraOp)
                .setInterOpParallelismThreads(interOp).build();
    }
}

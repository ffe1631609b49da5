package dev.marquee.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Whether TensorFlow in this process can place an op on a GPU. Flink handing a slot a card says nothing about
 * TensorFlow: its CPU build has no GPU kernels, and its GPU build without CUDA and cuDNN on the library path
 * registers no GPU and runs everything on the CPU, silently. One op pinned to the GPU, without soft placement,
 * fails in both cases. Asked once per process and card: TensorFlow maps its GPUs once per process.
 */
public final class GpuProbe {
    private static final Map<Integer, Optional<String>> ANSWERS = new ConcurrentHashMap<>();
    /** The first failure to link TensorFlow the probe saw: later loads in this JVM see only "could not initialize". */
    private static volatile LinkageError firstLinkFailure;

    private GpuProbe() {}

    /**
     * Empty when TensorFlow runs an op on GPU {@code index} (as a slot's session sees it); else why not. The probe's
     * session is likely the process's first, whose intra-op pool every later session shares: {@code threads} is
     * what the slot would run on the CPU with, so a slot that falls back gets the threads it is told it has.
     */
    public static Optional<String> unusable(int index, ScorerThreads threads) {
        return ANSWERS.computeIfAbsent(index, i -> probe(i, threads));
    }

    /** Why TensorFlow first failed to link in this JVM, when the probe was the first to touch it. */
    public static Optional<LinkageError> firstLinkFailure() {
        return Optional.ofNullable(firstLinkFailure);
    }

    /**
     * The first line of TensorFlow's message (the rest is a stack of its own), and where a later line tells of CUDA out
     * of memory, that line too: the slot words a full card by it.
     */
    static String reasonOf(String message) {
        List<String> lines = message.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        if (lines.isEmpty()) return message;
        String first = lines.get(0);
        if (saysOutOfMemory(first)) return first;
        for (String line : lines.subList(1, lines.size())) {
            if (saysOutOfMemory(line)) return first + " ... " + line;
        }
        return first;
    }

    /** Whether TensorFlow's or CUDA's words say the card has no memory for the session. */
    public static boolean saysOutOfMemory(String text) {
        return text.contains("CUDA_ERROR_OUT_OF_MEMORY") || text.contains("OOM when allocating")
                || text.toLowerCase(java.util.Locale.ROOT).contains("out of memory");
    }

    private static Optional<String> probe(int index, ScorerThreads threads) {
        try {
            TensorFlowHost.check();
        } catch (LinkageError e) {
            return Optional.of(e.getMessage()); // the slot's load on the CPU says so too, and fails
        }
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g).withDevice(DeviceSpec.newBuilder().deviceType(DeviceSpec.DeviceType.GPU).deviceIndex(0).build());
            Operand<TFloat32> one = tf.withName("marquee_gpu_probe").math.add(tf.constant(1f), tf.constant(1f));
            // visible_device_list names the card; inside the session it is GPU 0. allow_soft_placement stays off.
            try (Session s = new Session(g, threads.toConfigProto(OptionalInt.of(index)));
                 Result r = s.runner().fetch(one).run()) {
                return Optional.empty();
            }
        } catch (RuntimeException e) {
            return Optional.of(reasonOf(e.getMessage() == null ? e.toString() : e.getMessage()));
        } catch (LinkageError e) {
            // not the card's fault: TensorFlow itself does not load, and the slot's load on the CPU will say so
            if (firstLinkFailure == null) firstLinkFailure = e;
            return Optional.of("TensorFlow's native library does not load: " + e);
        }
    }
}

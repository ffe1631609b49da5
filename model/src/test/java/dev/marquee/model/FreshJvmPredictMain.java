package dev.marquee.model;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/**
 * Run by {@link FreshJvmLoadTest} in a new JVM: loads a SavedModel with nothing but the plain TF loader,
 * describes {@code serving_default}, calls it on the rows of an input file ({@code user \t title \t timestamp}
 * per line) and writes each output's shape and float bits (hex) to an output file, one line per output.
 * Usage: {@code MODEL_DIR INPUT OUTPUT}.
 */
public final class FreshJvmPredictMain {
    private FreshJvmPredictMain() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        List<String> rows = Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8);
        String[] users = new String[rows.size()];
        String[] titles = new String[rows.size()];
        long[] timestamps = new long[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            String[] f = rows.get(i).split("\t", -1);
            users[i] = f[0];
            titles[i] = f[1];
            timestamps[i] = Long.parseLong(f[2]);
        }
        List<String> out = new ArrayList<>();
        try (SavedModelBundle bundle = SavedModelBundle.loader(dir.toString()).withTags("serve").load()) {
            SessionFunction fn = bundle.function("serving_default");
            Signature sig = fn.signature();
            out.add("inputs " + describe(sig.getInputs()));
            out.add("outputs " + describe(sig.getOutputs()));
            try (TString u = TString.vectorOf(users);
                    TString t = TString.vectorOf(titles);
                    TInt64 ts = TInt64.vectorOf(timestamps);
                    Result r = fn.call(Map.of("user_id", u, "movie_title", t, "timestamp", ts))) {
                for (String name : new TreeSet<>(sig.outputNames())) {
                    TFloat32 v = (TFloat32) r.get(name).orElseThrow();
                    float[] flat = new float[(int) v.shape().size()];
                    v.copyTo(DataBuffers.of(flat, false, false));
                    out.add(name + " " + v.shape() + " " + hexBits(flat));
                }
            }
        }
        Files.write(Path.of(args[2]), out, StandardCharsets.UTF_8);
    }

    private static String describe(Map<String, Signature.TensorDescription> tensors) {
        List<String> parts = new ArrayList<>();
        new TreeMap<>(tensors).forEach((name, d) -> parts.add(name + ":" + d.dataType + ":" + d.shape));
        return String.join(" ", parts);
    }

    static String hexBits(float[] values) {
        StringBuilder b = new StringBuilder();
        for (float v : values) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(Integer.toHexString(Float.floatToRawIntBits(v)));
        }
        return b.toString();
    }
}

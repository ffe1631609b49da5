package dev.marquee.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a training run chose on its validation rows, and so what a refit on train + validation repeats without
 * looking at them again: the epochs of each component (A, and for {@link Architecture#BLEND} SVD++ and the
 * autoencoder) and the blend weights.
 *
 * @param epochsA epochs of the main model (the best epoch of early stopping; 0 when no epoch had a finite
 *     validation RMSE, and then there is nothing to refit)
 * @param epochsSvdpp BLEND: epochs of SVD++ (0 otherwise, and when the blend served A alone)
 * @param epochsAutoRec BLEND: epochs of the autoencoder (0 otherwise, and when the blend served A alone)
 * @param blendWeights BLEND: w0, wA, wB, wC as fitted by least squares; null for the other architectures
 */
public record RefitSchedule(int epochsA, int epochsSvdpp, int epochsAutoRec, double[] blendWeights) {

    public RefitSchedule {
        if (epochsA < 0 || epochsSvdpp < 0 || epochsAutoRec < 0) {
            throw new IllegalArgumentException("epochs cannot be negative");
        }
        if (blendWeights != null) {
            if (blendWeights.length != 4) {
                throw new IllegalArgumentException("blend weights are w0, wA, wB, wC");
            }
            blendWeights = blendWeights.clone();
        }
    }

    /** A single model's schedule: its epochs. */
    public static RefitSchedule of(int epochs) {
        return new RefitSchedule(epochs, 0, 0, null);
    }

    @Override
    public double[] blendWeights() {
        return blendWeights == null ? null : blendWeights.clone();
    }

    /** Whether the blend's second and third components take part (the first run fitted weights for them). */
    boolean blendsComponents() {
        return blendWeights != null && (epochsSvdpp > 0 || epochsAutoRec > 0);
    }

    /** One line: "refit on train + validation: A 29 epochs" (plus the blend's components and weights). */
    public String describe() {
        String base = "refit on train + validation: A " + epochsA + " epochs";
        if (blendWeights == null) {
            return base;
        }
        return base + String.format(Locale.ROOT, ", SVD++ %d, I-AutoRec %d, blend weights of the first run"
                        + " w0 %.4f, A %.4f, B %.4f, C %.4f", epochsSvdpp, epochsAutoRec, blendWeights[0],
                blendWeights[1], blendWeights[2], blendWeights[3]);
    }

    /** For the model card. */
    public Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("epochs_a", epochsA);
        if (blendWeights != null) {
            out.put("epochs_svdpp", epochsSvdpp);
            out.put("epochs_autorec", epochsAutoRec);
            out.put("blend_weights", Arrays.stream(blendWeights).boxed().toList());
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RefitSchedule s && s.epochsA == epochsA && s.epochsSvdpp == epochsSvdpp
                && s.epochsAutoRec == epochsAutoRec && Arrays.equals(s.blendWeights, blendWeights);
    }

    @Override
    public int hashCode() {
        return 31 * List.of(epochsA, epochsSvdpp, epochsAutoRec).hashCode() + Arrays.hashCode(blendWeights);
    }

    @Override
    public String toString() {
        return describe();
    }
}

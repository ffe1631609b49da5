package dev.marquee.model;

/**
 * The settings of {@link Architecture#BLEND}'s autoencoder (I-AutoRec), chosen on validation in
 * docs/research/issue-19-model-plan.md §2.
 *
 * @param hidden width of the sigmoid hidden layer
 * @param l2 λ of the loss {@code Σ mask·(ŷ−r)² + (batch/nTitles)·(λ/2)·(‖E‖² + ‖D‖²)}
 * @param learningRate Adam's (β 0.9 / 0.999, ε 1e-7 as Keras)
 * @param batchTitles titles per mini-batch
 * @param maxEpochs upper bound on epochs
 * @param patience epochs without a better validation RMSE (known rows) before stopping
 */
public record AutoRecConfig(int hidden, float l2, float learningRate, int batchTitles, int maxEpochs, int patience) {

    public AutoRecConfig {
        if (hidden <= 0 || !(l2 >= 0) || !(learningRate > 0) || batchTitles <= 0 || maxEpochs <= 0 || patience <= 0) {
            throw new IllegalArgumentException("autoencoder settings must be positive (L2 >= 0)");
        }
    }

    public static AutoRecConfig defaults() {
        return new AutoRecConfig(500, 200f, 1e-4f, 64, 400, 15);
    }

    public String describe() {
        return "I-AutoRec " + hidden + " hidden, L2 " + l2 + ", adam lr " + learningRate + ", batch " + batchTitles
                + " titles, up to " + maxEpochs + " epochs (patience " + patience + ")";
    }
}

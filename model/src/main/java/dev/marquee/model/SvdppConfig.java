package dev.marquee.model;

/**
 * The settings of {@link Architecture#BLEND}'s factor model with implicit feedback (SVD++, component B),
 * chosen on validation in docs/research/issue-19-model-plan.md §2. Per-row L2 terms are averaged over the batch.
 *
 * @param factors width of p, q and y
 * @param biasL2 on the row's user, title and (user, day) biases
 * @param factorL2 on {@code ‖p_u‖² + ‖q_i‖²}
 * @param implicitL2 on {@code ‖z_u‖²}, {@code z_u = |N(u)|^-½ Σ_{j∈N(u)} y_j}
 * @param initSd p and q start N(0, initSd) (the OOV rows and y at 0)
 * @param learningRate Adam's (ε 1e-7 as Keras)
 * @param batchSize rows per mini-batch
 * @param maxEpochs upper bound on epochs
 * @param patience epochs without a better validation RMSE before stopping
 */
public record SvdppConfig(int factors, float biasL2, float factorL2, float implicitL2, double initSd,
        float learningRate, int batchSize, int maxEpochs, int patience) {

    public SvdppConfig {
        if (factors <= 0 || factors > RatingGraph.VECTOR_WIDTH - 1 || !(biasL2 >= 0) || !(factorL2 >= 0)
                || !(implicitL2 >= 0) || !(initSd >= 0) || !(learningRate > 0) || batchSize <= 0 || maxEpochs <= 0
                || patience <= 0) {
            throw new IllegalArgumentException("SVD++ settings out of range");
        }
    }

    public static SvdppConfig defaults() {
        return new SvdppConfig(31, 0.05f, 0.1f, 0.02f, 0.01, 0.002f, 256, 60, 4);
    }

    public String describe() {
        return "SVD++ " + factors + " factors, L2 " + biasL2 + "/" + factorL2 + "/" + implicitL2 + ", adam lr "
                + learningRate + ", batch " + batchSize + ", up to " + maxEpochs + " epochs (patience " + patience + ")";
    }
}

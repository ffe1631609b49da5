package dev.marquee.model;

/**
 * Everything that decides a training run. {@link #defaults(Architecture)} gives the measured settings;
 * the {@code with*} methods override one value.
 *
 * @param architecture which network
 * @param factors DEFAULT only: width of the user/title factor vectors of the dot product (0 = biases only,
 *     at most {@value RatingGraph#VECTOR_WIDTH} - 1)
 * @param optimizer Adam or Adagrad
 * @param learningRate the optimiser's learning rate
 * @param batchSize rows per mini-batch
 * @param maxEpochs upper bound on epochs
 * @param patience early stopping: epochs without a better validation RMSE before stopping
 * @param biasL2 DEFAULT: L2 on the biases of each row's user and title (per row, averaged)
 * @param factorL2 DEFAULT: L2 on each row's factor vectors; REFERENCE: L2 (sum of squares) on the hidden
 *     Dense kernels, as Keras' {@code kernel_regularizer=l2(x)}
 * @param oovRate DEFAULT: fraction of training rows whose user is replaced by the out-of-vocabulary bucket,
 *     so that bucket learns what an unseen user looks like (0 = off)
 * @param seed seeds initial weights, shuffling, the validation hold-out and the OOV draw
 * @param threads TF intra-op threads during training (0 = TF's default)
 * @param userDayBias DEFAULT: add a bias per (user, day) pair seen in training, looked up in the graph from
 *     {@code user_id} and {@code timestamp} (days are UTC, {@code timestamp / 86400}); unseen pairs get 0.
 *     Regularised with {@code biasL2}
 */
public record TrainingConfig(Architecture architecture, int factors, OptimizerKind optimizer, float learningRate,
        int batchSize, int maxEpochs, int patience, float biasL2, float factorL2, float oovRate, long seed,
        int threads, boolean userDayBias) {

    public TrainingConfig {
        if (architecture == null || optimizer == null) {
            throw new IllegalArgumentException("architecture and optimizer are required");
        }
        if (factors < 0 || factors >= RatingGraph.VECTOR_WIDTH) {
            throw new IllegalArgumentException("factors must be 0.." + (RatingGraph.VECTOR_WIDTH - 1) + ", got " + factors);
        }
        if (!(learningRate > 0) || batchSize <= 0 || maxEpochs <= 0 || patience <= 0) {
            throw new IllegalArgumentException("learning rate, batch size, epochs and patience must be positive");
        }
        if (!(biasL2 >= 0) || !(factorL2 >= 0) || !(oovRate >= 0 && oovRate < 1) || threads < 0) {
            throw new IllegalArgumentException("L2 >= 0, 0 <= oovRate < 1, threads >= 0 required");
        }
    }

    /** The measured defaults for an architecture. */
    public static TrainingConfig defaults(Architecture architecture) {
        return switch (architecture) {
            // Measured on ML-100K (see docs/decisions/0003-model-design.md): time split and u1 both.
            case DEFAULT -> new TrainingConfig(architecture, 16, OptimizerKind.ADAM, 0.002f, 256, 60, 4,
                    0.05f, 0.1f, 0.0f, 42L, 1, true);
            // BLEND: component A is DEFAULT but for bias L2 0.01, preferred on validation (time split 1.0247 vs
            // 1.0260 over seeds 42/1/2, u1 equal; docs/research/issue-19-blend-java.md). B's and C's settings
            // are SvdppConfig's and AutoRecConfig's.
            case BLEND -> new TrainingConfig(architecture, 16, OptimizerKind.ADAM, 0.002f, 256, 60, 4,
                    0.01f, 0.1f, 0.0f, 42L, 1, true);
            case REFERENCE -> new TrainingConfig(architecture, 0, OptimizerKind.ADAGRAD, 0.1f, 8192, 50, 5,
                    0f, 0.01f, 0f, 42L, 1, false);
        };
    }

    public TrainingConfig withUserDayBias(boolean on) {
        return new TrainingConfig(architecture, factors, optimizer, learningRate, batchSize, maxEpochs, patience,
                biasL2, factorL2, oovRate, seed, threads, on);
    }

    public TrainingConfig withSeed(long s) {
        return new TrainingConfig(architecture, factors, optimizer, learningRate, batchSize, maxEpochs, patience,
                biasL2, factorL2, oovRate, s, threads, userDayBias);
    }

    public TrainingConfig withEpochs(int epochs) {
        return new TrainingConfig(architecture, factors, optimizer, learningRate, batchSize, epochs, patience,
                biasL2, factorL2, oovRate, seed, threads, userDayBias);
    }

    public TrainingConfig withLearningRate(float lr) {
        return new TrainingConfig(architecture, factors, optimizer, lr, batchSize, maxEpochs, patience,
                biasL2, factorL2, oovRate, seed, threads, userDayBias);
    }

    public TrainingConfig withBatchSize(int size) {
        return new TrainingConfig(architecture, factors, optimizer, learningRate, size, maxEpochs, patience,
                biasL2, factorL2, oovRate, seed, threads, userDayBias);
    }

    public TrainingConfig withOptimizer(OptimizerKind kind) {
        return new TrainingConfig(architecture, factors, kind, learningRate, batchSize, maxEpochs, patience,
                biasL2, factorL2, oovRate, seed, threads, userDayBias);
    }

    public TrainingConfig withFactors(int k) {
        return new TrainingConfig(architecture, k, optimizer, learningRate, batchSize, maxEpochs, patience,
                biasL2, factorL2, oovRate, seed, threads, userDayBias);
    }

    public TrainingConfig withL2(float bias, float factor) {
        return new TrainingConfig(architecture, factors, optimizer, learningRate, batchSize, maxEpochs, patience,
                bias, factor, oovRate, seed, threads, userDayBias);
    }

    public TrainingConfig withOovRate(float rate) {
        return new TrainingConfig(architecture, factors, optimizer, learningRate, batchSize, maxEpochs, patience,
                biasL2, factorL2, rate, seed, threads, userDayBias);
    }

    public TrainingConfig withPatience(int p) {
        return new TrainingConfig(architecture, factors, optimizer, learningRate, batchSize, maxEpochs, p,
                biasL2, factorL2, oovRate, seed, threads, userDayBias);
    }
}

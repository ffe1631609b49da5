package dev.marquee.model.cli;

import dev.marquee.data.config.SettingException;
import dev.marquee.data.config.Settings;
import dev.marquee.model.Architecture;
import dev.marquee.model.OptimizerKind;
import dev.marquee.model.RatingGraph;
import dev.marquee.model.TrainingConfig;
import java.util.Set;

/** A {@link TrainingConfig} from {@code --arch} and the overrides; everything else keeps the measured defaults. */
final class TrainingOptions {
    static final String ARCH = "arch";
    static final String EPOCHS = "epochs";
    static final String LR = "lr";
    static final String BATCH = "batch";
    static final String FACTORS = "factors";
    static final String OPTIMIZER = "optimizer";
    static final String OOV_RATE = "oov-rate";
    static final String BIAS_L2 = "bias-l2";
    static final String FACTOR_L2 = "factor-l2";
    static final String USER_DAY = "user-day";
    static final String PATIENCE = "patience";
    static final Set<String> KEYS = Set.of(ARCH, DataOptions.SEED, EPOCHS, LR, BATCH, FACTORS, OPTIMIZER, OOV_RATE,
            BIAS_L2, FACTOR_L2, USER_DAY, PATIENCE);

    static final String USAGE_LINES = String.join("\n",
            "  --arch default|reference  default: biases + 16 factors + a (user, day) bias; reference: the",
            "                         series' embeddings + Dense 256/64/1 (default: default)",
            "  --seed N               weights, shuffling, hold-out and the random split (default: 42)",
            "  --epochs N             at most N epochs; early stopping may stop sooner (default: 60 / 50)",
            "  --lr X                 learning rate (default: 0.002 Adam / 0.1 Adagrad)",
            "  --batch N              mini-batch rows (default: 256 / 8192)",
            "  --patience N           epochs without a better validation RMSE before stopping (default: 4 / 5)",
            "  --optimizer adam|adagrad, --factors K, --bias-l2 X, --factor-l2 X, --oov-rate X, --user-day true|false",
            "                         the other settings measured in docs/decisions/0003-model-design.md");

    private TrainingOptions() {}

    static TrainingConfig config(Settings s) {
        Architecture arch = parse(() -> Architecture.parse(s.string(ARCH, "default")));
        TrainingConfig c = TrainingConfig.defaults(arch);
        c = c.withSeed(seed(s, c.seed()));
        if (s.has(EPOCHS)) c = c.withEpochs(s.intInRange(EPOCHS, 0, 1, 100_000));
        if (s.has(LR)) c = c.withLearningRate((float) s.doubleInRange(LR, 0, 1e-9, 100));
        if (s.has(BATCH)) c = c.withBatchSize(s.intInRange(BATCH, 0, 1, 1 << 20));
        if (s.has(PATIENCE)) c = c.withPatience(s.intInRange(PATIENCE, 0, 1, 100_000));
        if (s.has(FACTORS)) c = c.withFactors(s.intInRange(FACTORS, 0, 0, RatingGraph.VECTOR_WIDTH - 1));
        if (s.has(OPTIMIZER)) {
            String name = s.string(OPTIMIZER, null);
            c = c.withOptimizer(parse(() -> OptimizerKind.parse(name)));
        }
        if (s.has(OOV_RATE)) c = c.withOovRate((float) s.doubleInRange(OOV_RATE, 0, 0, 0.99));
        if (s.has(USER_DAY)) c = c.withUserDayBias(s.bool(USER_DAY, true));
        if (s.has(BIAS_L2) || s.has(FACTOR_L2)) {
            c = c.withL2((float) s.doubleInRange(BIAS_L2, c.biasL2(), 0, 1e6),
                    (float) s.doubleInRange(FACTOR_L2, c.factorL2(), 0, 1e6));
        }
        return c;
    }

    static long seed(Settings s, long defaultSeed) {
        return s.longInRange(DataOptions.SEED, defaultSeed, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** One line describing a configuration, for the start of a training run. */
    static String describe(TrainingConfig c) {
        StringBuilder b = new StringBuilder(c.architecture().id()).append(" architecture");
        if (c.architecture() == Architecture.DEFAULT) {
            b.append(", ").append(c.factors()).append(" factors").append(c.userDayBias() ? ", (user, day) bias" : "");
        }
        b.append(", seed ").append(c.seed()).append(", ").append(c.optimizer().id()).append(" lr ")
                .append(c.learningRate()).append(", batch ").append(c.batchSize()).append(", L2 ").append(c.biasL2())
                .append('/').append(c.factorL2()).append(", up to ").append(c.maxEpochs()).append(" epochs (patience ")
                .append(c.patience()).append(')');
        if (c.oovRate() > 0) {
            b.append(", OOV rate ").append(c.oovRate());
        }
        return b.toString();
    }

    private static <T> T parse(java.util.function.Supplier<T> parser) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw new SettingException(e.getMessage());
        }
    }
}

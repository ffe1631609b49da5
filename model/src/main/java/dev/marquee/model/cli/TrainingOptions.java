package dev.marquee.model.cli;

import dev.marquee.data.config.SettingException;
import dev.marquee.model.Architecture;
import dev.marquee.model.OptimizerKind;
import dev.marquee.model.RatingGraph;
import dev.marquee.model.TrainingConfig;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * A {@link TrainingConfig} from {@code --arch} and the overrides (a picocli mixin); everything else keeps the
 * measured defaults.
 */
public final class TrainingOptions {
    @Option(names = "--arch", paramLabel = "default|reference|blend", converter = ArchitectureConverter.class,
            description = "default: biases + 16 factors + a (user, day) bias; reference: the series' embeddings"
                    + " + Dense 256/64/1; blend: default blended with an SVD++ and an I-AutoRec for known users and"
                    + " titles (docs/MODEL.md)"
                    + " (default: default)")
    Architecture arch;

    @Option(names = "--seed", paramLabel = "N",
            description = "weights, shuffling, hold-out and the random split (default: 42)")
    Long seed;

    @Option(names = "--epochs", paramLabel = "N",
            description = "at most N epochs; early stopping may stop sooner (default: 60 / 50)")
    Integer epochs;

    @Option(names = "--lr", paramLabel = "X", description = "learning rate (default: 0.002 / 0.1, by --arch, whatever --optimizer)")
    Double learningRate;

    @Option(names = "--batch", paramLabel = "N", description = "mini-batch rows (default: 256 / 8192)")
    Integer batch;

    @Option(names = "--patience", paramLabel = "N",
            description = "epochs without a better validation RMSE before stopping (default: 4 / 5)")
    Integer patience;

    @Option(names = "--optimizer", paramLabel = "adam|adagrad", converter = OptimizerConverter.class,
            description = "(default: adam / adagrad; see docs/decisions/0003-model-design.md)")
    OptimizerKind optimizer;

    @Option(names = "--factors", paramLabel = "K", description = "latent factors (default: 16; not with --arch reference)")
    Integer factors;

    @Option(names = "--bias-l2", paramLabel = "X", description = "L2 on the biases (not with --arch reference)")
    Double biasL2;

    @Option(names = "--factor-l2", paramLabel = "X", description = "L2 on the factors")
    Double factorL2;

    @Option(names = "--oov-rate", paramLabel = "X",
            description = "share of training rows whose user id is hidden, to train the unknown-user bucket (titles are never hidden)")
    Double oovRate;

    @Option(names = "--user-day", paramLabel = "true|false", arity = "1",
            description = "the (user, day) bias (default: true; not with --arch reference)")
    Boolean userDay;

    /** The configuration; a value the configuration refuses is a usage error. */
    TrainingConfig config() {
        try {
            return checkedConfig();
        } catch (IllegalArgumentException e) {
            throw e instanceof SettingException s ? s : new SettingException(e.getMessage());
        }
    }

    private TrainingConfig checkedConfig() {
        if (arch == Architecture.REFERENCE) {
            // the series' network has no latent factors, (user, day) bias or bias terms of its own to regularise:
            // taken silently, these would only be written into the card as if they had shaped the model
            for (var given : java.util.Map.of("--factors", factors != null, "--user-day", userDay != null,
                    "--bias-l2", biasL2 != null).entrySet()) {
                if (given.getValue()) {
                    throw new SettingException(given.getKey() + " has no effect with --arch reference (the series' "
                            + "network); leave it out, or train --arch default or blend");
                }
            }
        }
        TrainingConfig c = TrainingConfig.defaults(arch == null ? Architecture.DEFAULT : arch);
        c = c.withSeed(seed == null ? c.seed() : seed);
        if (epochs != null) c = c.withEpochs(OptionRange.check("--epochs", epochs, 1, 100_000));
        if (learningRate != null) c = c.withLearningRate((float) OptionRange.check("--lr", learningRate, 1e-9, 100));
        if (batch != null) c = c.withBatchSize(OptionRange.check("--batch", batch, 1, 1 << 20));
        if (patience != null) c = c.withPatience(OptionRange.check("--patience", patience, 1, 100_000));
        if (factors != null) c = c.withFactors(OptionRange.check("--factors", factors, 0, RatingGraph.VECTOR_WIDTH - 1));
        if (optimizer != null) c = c.withOptimizer(optimizer);
        if (oovRate != null) c = c.withOovRate((float) OptionRange.check("--oov-rate", oovRate, 0, 0.99));
        if (userDay != null) c = c.withUserDayBias(userDay);
        if (biasL2 != null || factorL2 != null) {
            c = c.withL2((float) OptionRange.check("--bias-l2", biasL2 == null ? c.biasL2() : biasL2, 0, 1e6),
                    (float) OptionRange.check("--factor-l2", factorL2 == null ? c.factorL2() : factorL2, 0, 1e6));
        }
        return c;
    }

    /** One line describing a configuration, for the start of a training run. */
    public static String describe(TrainingConfig c) {
        StringBuilder b = new StringBuilder(c.architecture().id()).append(" architecture");
        if (c.architecture() == Architecture.DEFAULT || c.architecture() == Architecture.BLEND) {
            b.append(", ").append(c.factors()).append(" factors").append(c.userDayBias() ? ", (user, day) bias" : "");
        }
        if (c.architecture() == Architecture.BLEND) {
            b.append(", + ").append(dev.marquee.model.SvdppConfig.defaults().describe()).append(", + ")
                    .append(dev.marquee.model.AutoRecConfig.defaults().describe());
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

    static final class ArchitectureConverter implements CommandLine.ITypeConverter<Architecture> {
        @Override
        public Architecture convert(String value) {
            try {
                return Architecture.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class OptimizerConverter implements CommandLine.ITypeConverter<OptimizerKind> {
        @Override
        public OptimizerKind convert(String value) {
            try {
                return OptimizerKind.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}

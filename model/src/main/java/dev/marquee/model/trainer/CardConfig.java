package dev.marquee.model.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marquee.model.Architecture;
import dev.marquee.model.OptimizerKind;
import dev.marquee.model.TrainingConfig;

/**
 * The training configuration of a published version, read back from its model card ({@code architecture}
 * and {@code parameters}), so a retrain trains the way the serving version was trained. A card without them
 * (or with a value the current code refuses) gives the measured defaults, and says so.
 */
final class CardConfig {
    private CardConfig() {}

    /** The config and where it came from, e.g. "version 3's model card". */
    record Found(TrainingConfig config, String source) {}

    static Found from(JsonNode card, String cardName) {
        if (ModelCardOrigin.imported(card)) {
            return new Found(TrainingConfig.defaults(Architecture.DEFAULT), "TrainingConfig defaults: " + cardName
                    + " is of an imported version (a SavedModel made elsewhere, whose architecture marquee cannot"
                    + " train), so marquee's default architecture is trained in its place and gated against it");
        }
        if (card == null || card.isMissingNode() || !card.path("parameters").isObject()) {
            return new Found(TrainingConfig.defaults(Architecture.DEFAULT), "TrainingConfig defaults");
        }
        try {
            Architecture arch = Architecture.parse(card.path("architecture").asText("default"));
            TrainingConfig d = TrainingConfig.defaults(arch);
            JsonNode p = card.path("parameters");
            TrainingConfig c = new TrainingConfig(arch,
                    p.path("factors").asInt(d.factors()),
                    p.has("optimizer") ? OptimizerKind.parse(p.path("optimizer").asText()) : d.optimizer(),
                    (float) p.path("learning_rate").asDouble(d.learningRate()),
                    p.path("batch_size").asInt(d.batchSize()),
                    p.path("max_epochs").asInt(d.maxEpochs()),
                    p.path("patience").asInt(d.patience()),
                    (float) p.path("bias_l2").asDouble(d.biasL2()),
                    (float) p.path("factor_l2").asDouble(d.factorL2()),
                    (float) p.path("oov_rate").asDouble(d.oovRate()),
                    p.path("seed").asLong(d.seed()),
                    p.path("threads").asInt(d.threads()),
                    p.path("user_day_bias").asBoolean(d.userDayBias()));
            return new Found(c, cardName);
        } catch (IllegalArgumentException e) {
            return new Found(TrainingConfig.defaults(Architecture.DEFAULT),
                    "TrainingConfig defaults (" + cardName + " is unusable: " + e.getMessage() + ")");
        }
    }

    /** The trainer's overrides ({@code trainer.epochs}, {@code trainer.learning-rate}) applied to a config. */
    static TrainingConfig override(TrainingConfig c, int epochs, double learningRate) {
        TrainingConfig out = c;
        if (epochs > 0) {
            out = out.withEpochs(epochs);
        }
        if (learningRate > 0) {
            out = out.withLearningRate((float) learningRate);
        }
        return out;
    }
}

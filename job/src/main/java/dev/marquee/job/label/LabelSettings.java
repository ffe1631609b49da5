package dev.marquee.job.label;

import dev.marquee.data.config.SettingException;
import dev.marquee.data.config.Settings;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Labels and online adaptation: the {@code labels.*} and {@code adaptation.*} keys (docs/RETRAINING.md,
 * "Online accuracy and adaptation"). Defaults come from the offline prequential simulations on ML-100K
 * (docs/BENCHMARKS.md): for the residual bias, shrinkage 3 and decay 0.95 gave 0.948 RMSE against 0.967
 * without decay; the user factors' and title biases' defaults were chosen on the validation part of the
 * replay ({@code FactorAdaptationSimulation}).
 */
public final class LabelSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String LABELS_PREFIX = "labels.";
    public static final String ADAPTATION_PREFIX = "adaptation.";
    public static final String LABELS_ENABLED = "labels.enabled";
    public static final String JOIN_TTL_MS = "labels.join-ttl-ms";
    public static final String MAX_PENDING = "labels.max-pending-per-user";
    public static final String ADAPTATION_ENABLED = "adaptation.enabled";
    public static final String SHRINKAGE = "adaptation.shrinkage";
    public static final String DECAY = "adaptation.decay";
    public static final String MAX_ADJUSTMENT = "adaptation.max-adjustment";
    public static final String STATE_TTL_MS = "adaptation.state-ttl-ms";
    public static final String VERSION_CARRY = "adaptation.version-carry";
    public static final String FACTORS_ENABLED = "adaptation.factors.enabled";
    public static final String FACTOR_DIMENSIONS = "adaptation.factors.dimensions";
    public static final String FACTOR_PRIOR = "adaptation.factors.prior";
    public static final String FACTOR_BIAS_PRIOR = "adaptation.factors.bias-prior";
    public static final String FACTOR_BIAS_DRIFT = "adaptation.factors.bias-drift";
    public static final String TITLE_BIAS = "adaptation.title-bias";
    public static final String TITLE_NEW_PRIOR = "adaptation.title-bias.new-prior";
    public static final String TITLE_KNOWN_PRIOR = "adaptation.title-bias.known-prior";
    private static final Set<String> KEYS = Set.of(LABELS_ENABLED, JOIN_TTL_MS, MAX_PENDING, ADAPTATION_ENABLED,
            SHRINKAGE, DECAY, MAX_ADJUSTMENT, STATE_TTL_MS, VERSION_CARRY, FACTORS_ENABLED, FACTOR_DIMENSIONS,
            FACTOR_PRIOR, FACTOR_BIAS_PRIOR, FACTOR_BIAS_DRIFT, TITLE_BIAS, TITLE_NEW_PRIOR, TITLE_KNOWN_PRIOR);

    /** Which titles get an online bias of their own. */
    public enum TitleBiasScope {
        /** none */
        OFF,
        /** titles the serving version does not know (the scorer flagged them out of vocabulary) */
        NEW,
        /** every title (costs one more shuffle of every prediction, by title) */
        ALL;

        static TitleBiasScope parse(String value) {
            for (TitleBiasScope s : values()) {
                if (s.name().equalsIgnoreCase(value)) return s;
            }
            throw new SettingException(TITLE_BIAS + " must be off, new or all, got '" + value + "'");
        }
    }

    public final boolean labelsEnabled;
    /** How long, in event time, a prediction waits for its label (and a label for its prediction). */
    public final long joinTtlMs;
    public final int maxPendingPerUser;
    public final boolean adaptationEnabled;
    /** Pseudo-count the residual mean is shrunk toward zero with: adjustment = sum / (weight + shrinkage). */
    public final double shrinkage;
    /** Weight kept by earlier residuals at each new label: 1 = plain mean, less = recent labels count more. */
    public final double decay;
    public final double maxAdjustment;
    public final long stateTtlMs;
    /** Share of a user's residual state kept when labels start coming from a new model version. */
    public final double versionCarry;
    /** Learn per-user factors on the model's title embeddings (when the serving version has them). */
    public final boolean factorsEnabled;
    /** At most this many directions of the title embeddings are kept (principal directions of the vocabulary). */
    public final int factorDimensions;
    /** Prior precision of each factor weight, in units of the noise variance (ridge penalty). */
    public final double factorPrior;
    /** Prior precision of the user bias beside the factors (a pseudo-count, like {@link #shrinkage}). */
    public final double factorBiasPrior;
    /** Variance the user bias gains before each label (a random walk: recent labels count more). */
    public final double factorBiasDrift;
    public final TitleBiasScope titleBias;
    /** Pseudo-count a new title's bias is shrunk toward zero with. */
    public final double titleNewPrior;
    /** The same for a title the model knows (only with {@code adaptation.title-bias=all}). */
    public final double titleKnownPrior;

    private LabelSettings(Settings s) {
        labelsEnabled = s.bool(LABELS_ENABLED, true);
        joinTtlMs = s.longInRange(JOIN_TTL_MS, 3_600_000, 1_000, 86_400_000L * 30);
        maxPendingPerUser = s.intInRange(MAX_PENDING, 256, 1, 1_000_000);
        adaptationEnabled = s.bool(ADAPTATION_ENABLED, true);
        shrinkage = s.doubleInRange(SHRINKAGE, 3, 0, 1_000_000);
        decay = s.doubleInRange(DECAY, 0.95, 0.01, 1);
        maxAdjustment = s.doubleInRange(MAX_ADJUSTMENT, 2, 0, 4);
        stateTtlMs = s.longInRange(STATE_TTL_MS, 90L * 86_400_000, 60_000, 86_400_000L * 3650);
        versionCarry = s.doubleInRange(VERSION_CARRY, 0.5, 0, 1);
        factorsEnabled = s.bool(FACTORS_ENABLED, true);
        factorDimensions = s.intInRange(FACTOR_DIMENSIONS, 16, 1, 128);
        factorPrior = s.doubleInRange(FACTOR_PRIOR, 5, 1e-3, 1e6);
        factorBiasPrior = s.doubleInRange(FACTOR_BIAS_PRIOR, 8, 1e-3, 1e6);
        factorBiasDrift = s.doubleInRange(FACTOR_BIAS_DRIFT, 0.002, 0, 10);
        titleBias = TitleBiasScope.parse(s.string(TITLE_BIAS, "new"));
        titleNewPrior = s.doubleInRange(TITLE_NEW_PRIOR, 3, 1e-3, 1e6);
        titleKnownPrior = s.doubleInRange(TITLE_KNOWN_PRIOR, 100, 1e-3, 1e6);
    }

    public static LabelSettings from(Settings s) {
        List<String> unknown = new ArrayList<>();
        for (String key : s.asMap().keySet()) {
            if ((key.startsWith(LABELS_PREFIX) || key.startsWith(ADAPTATION_PREFIX)) && !KEYS.contains(key)) unknown.add(key);
        }
        if (!unknown.isEmpty()) {
            throw new SettingException("unknown setting" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown)
                    + "; known: " + String.join(", ", new TreeSet<>(KEYS)));
        }
        return new LabelSettings(s);
    }
}

package dev.marquee.job.label;

import dev.marquee.data.config.SettingException;
import dev.marquee.data.config.Settings;
import dev.marquee.job.config.OptionReader;
import dev.marquee.job.config.ScoringJobOptions;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Labels and online adaptation: the {@code labels.*} and {@code adaptation.*} keys ({@link ScoringJobOptions#LABELS};
 * docs/RETRAINING.md, "Online accuracy and online adaptation"). Defaults come from the offline prequential simulations on ML-100K
 * (docs/BENCHMARKS.md): for the residual bias, shrinkage 3 and decay 0.95 gave 0.948 RMSE against 0.967
 * without decay; the user factors' and title biases' defaults were chosen on the validation part of the
 * replay ({@code FactorAdaptationSimulation}).
 */
public final class LabelSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String LABELS_PREFIX = ScoringJobOptions.LABELS_PREFIX;
    public static final String ADAPTATION_PREFIX = ScoringJobOptions.ADAPTATION_PREFIX;
    public static final String LABELS_ENABLED = ScoringJobOptions.LABELS_ENABLED.key();
    public static final String DECAY = ScoringJobOptions.DECAY.key();
    public static final String FACTORS_ENABLED = ScoringJobOptions.FACTORS_ENABLED.key();
    public static final String FACTOR_DIMENSIONS = ScoringJobOptions.FACTOR_DIMENSIONS.key();
    public static final String TITLE_BIAS = ScoringJobOptions.TITLE_BIAS.key();
    private static final Set<String> KEYS = ScoringJobOptions.LABELS.keys();

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

    private LabelSettings(OptionReader r) {
        labelsEnabled = r.bool(ScoringJobOptions.LABELS_ENABLED);
        joinTtlMs = r.longIn(ScoringJobOptions.JOIN_TTL_MS, 1_000, 86_400_000L * 30);
        maxPendingPerUser = r.intIn(ScoringJobOptions.MAX_PENDING, 1, 1_000_000);
        adaptationEnabled = r.bool(ScoringJobOptions.ADAPTATION_ENABLED);
        shrinkage = r.doubleIn(ScoringJobOptions.SHRINKAGE, 0, 1_000_000);
        decay = r.doubleIn(ScoringJobOptions.DECAY, 0.01, 1);
        maxAdjustment = r.doubleIn(ScoringJobOptions.MAX_ADJUSTMENT, 0, 4);
        stateTtlMs = r.longIn(ScoringJobOptions.STATE_TTL_MS, 60_000, 86_400_000L * 3650);
        versionCarry = r.doubleIn(ScoringJobOptions.VERSION_CARRY, 0, 1);
        factorsEnabled = r.bool(ScoringJobOptions.FACTORS_ENABLED);
        factorDimensions = r.intIn(ScoringJobOptions.FACTOR_DIMENSIONS, 1, 128);
        factorPrior = r.doubleIn(ScoringJobOptions.FACTOR_PRIOR, 1e-3, 1e6);
        factorBiasPrior = r.doubleIn(ScoringJobOptions.FACTOR_BIAS_PRIOR, 1e-3, 1e6);
        factorBiasDrift = r.doubleIn(ScoringJobOptions.FACTOR_BIAS_DRIFT, 0, 10);
        titleBias = TitleBiasScope.parse(r.string(ScoringJobOptions.TITLE_BIAS));
        titleNewPrior = r.doubleIn(ScoringJobOptions.TITLE_NEW_PRIOR, 1e-3, 1e6);
        titleKnownPrior = r.doubleIn(ScoringJobOptions.TITLE_KNOWN_PRIOR, 1e-3, 1e6);
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
        return new LabelSettings(OptionReader.of(s.asMap()));
    }
}

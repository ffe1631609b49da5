package dev.marquee.job.label;

import java.io.Serializable;

/**
 * What a user's labels change in their later predictions: {@link UserFactors} on the serving version's title
 * embeddings when it has them, else the user's {@link UserResidual} bias (a version without embeddings, or a
 * user whose labels so far came from one). Keeps no keyed state itself: the caller reads and writes it.
 */
final class UserAdaptation implements Serializable {
    private static final long serialVersionUID = 1L;

    private final LabelSettings settings;
    /** Null: factors are off, the residual bias serves. */
    private final TitleEmbeddingSource source;
    private transient EmbeddingCache cache;
    /** The version serving now, from the predictions this instance served ({@link ServingVersion}). */
    private transient ServingVersion serving;

    UserAdaptation(LabelSettings settings, TitleEmbeddingSource source) {
        this.settings = settings;
        this.source = settings.adaptationEnabled && settings.factorsEnabled ? source : null;
    }

    void open() {
        cache = source == null ? null : new EmbeddingCache(source);
        serving = new ServingVersion();
    }

    /** {@link #adjustment} for a prediction being served now by {@code version}. */
    double serve(UserResidual residual, UserFactors factors, long version, String title) {
        serving.saw(version);
        return adjustment(residual, factors, version, title);
    }

    /** The user's correction of the model's output for this title, before bounds and the title's own bias. */
    double adjustment(UserResidual residual, UserFactors factors, long version, String title) {
        TitleEmbeddings e = embeddings(version);
        if (e != null && factors != null && !residualNewer(residual, factors)) {
            // factors of another version, or of another adaptation.factor-dimensions (restored from a savepoint taken
            // before the setting changed): their taste weights mean nothing on these embeddings
            return fits(factors, version, e) ? factors.adjustment(e.of(title)) : factors.bias();
        }
        return residual == null ? 0 : residual.adjustment(settings.shrinkage, Double.POSITIVE_INFINITY);
    }

    /** Whether factors are learned at all ({@code adaptation.factors.enabled}); off, the residual bias serves alone. */
    boolean factorsOn() {
        return source != null;
    }

    /**
     * Learns from one label of a prediction made by {@code version}: {@code residual} is the label minus the
     * model's output, and {@code userResidual} the user's residual bias before it. Returns the factors it changed, to be
     * kept, or null when it changed nothing (the version has no embeddings, or the label is a late one from a version
     * other than both the factors' and the one now serving). Factors start from the user's residual bias, not from
     * nothing, when the user has none yet or when labels of a version without embeddings taught the residual bias
     * since the factors last learned: what the user taught is not thrown away.
     */
    UserFactors learn(UserFactors factors, UserResidual userResidual, long version, String title, double residual) {
        // decided before the version's embeddings are fetched: a late label must not load an old version's
        long servingVersion = serving.get();
        if (factors != null && factors.modelVersion != version && !carries(factors.modelVersion, version, servingVersion)) {
            return null;
        }
        // nor does one start the user's factors (nor load that version's embeddings to do it)
        if (factors == null && servingVersion != 0 && version != servingVersion) return null;
        TitleEmbeddings e = embeddings(version);
        if (e == null) return null;
        if (factors == null || residualNewer(userResidual, factors)) {
            factors = fromResidual(userResidual, version, e.dimensions());
        } else if (!fits(factors, version, e)) {
            factors.carryTo(version, e.dimensions(), settings.versionCarry, settings.factorBiasPrior, settings.factorPrior);
        }
        factors.learn(e.of(title), residual, settings.factorBiasDrift);
        return factors;
    }

    /**
     * {@link #adjustment} as it stood for a label's prediction, for what the title's bias learns from. A late label of
     * a version no longer served, whose embeddings the cache does not hold, with another version's factors: their
     * bias, without loading that version's embeddings on the task thread (loaded, they would say its taste weights do
     * not fit, and the bias serves; or that it has none, and the residual would have: an approximation for a late
     * label, not worth a load). Predictions being served never take this path.
     */
    double adjustmentForLabel(UserResidual residual, UserFactors factors, long version, String title) {
        if (factors != null && cache != null && factors.modelVersion != version && version != serving.get()
                && !cache.holds(version)) {
            return factors.bias();
        }
        return adjustment(residual, factors, version, title);
    }

    /**
     * Whether the user's residual bias learns from a label of a prediction made by {@code version}: as the factors,
     * not from a late label of a version other than both its own and the one now serving (alternating versions while
     * the slots serve two would otherwise halve its weight at every change).
     */
    boolean residualLearns(UserResidual residual, long version) {
        return residual == null || residual.weight <= 0 || residual.modelVersion == version
                || carries(residual.modelVersion, version, serving.get());
    }

    /**
     * Whether a label of {@code labelVersion} moves state learned on {@code stateVersion} to its version: when the
     * version serving now is known (a prediction was served since this instance started), only a label of that
     * version does (a late label of a version no longer served says nothing about it; a rollback's version does);
     * right after a restore it is not known, and only a newer version's label does, so a late label of the previous
     * version cannot take back state the next one had learned.
     */
    static boolean carries(long stateVersion, long labelVersion, long servingVersion) {
        return servingVersion != 0 ? labelVersion == servingVersion : labelVersion > stateVersion;
    }

    /**
     * Labels of a version the factors did not learn from (it had no embeddings) taught the residual bias since: it
     * holds what the user said last, and the factors' bias is older.
     */
    private static boolean residualNewer(UserResidual residual, UserFactors factors) {
        return residual != null && residual.weight > 0 && residual.modelVersion != factors.modelVersion;
    }

    /** Factors whose bias starts where the user's residual bias stands (another version's keeps version-carry of it). */
    private UserFactors fromResidual(UserResidual r, long version, int dimensions) {
        if (r == null || r.weight <= 0) {
            return UserFactors.prior(version, dimensions, settings.factorBiasPrior, settings.factorPrior);
        }
        double carry = r.modelVersion == version ? 1 : settings.versionCarry;
        return UserFactors.startingAt(version, dimensions, r.sum * carry, r.weight * carry, settings.factorBiasPrior,
                settings.factorPrior);
    }

    private static boolean fits(UserFactors factors, long version, TitleEmbeddings e) {
        return factors.modelVersion == version && factors.dimensions() == e.dimensions();
    }

    private TitleEmbeddings embeddings(long version) {
        return cache == null ? null : cache.get(version);
    }
}

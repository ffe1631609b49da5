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
 * "Online accuracy and adaptation"). Defaults come from the offline prequential simulation on ML-100K
 * (docs/BENCHMARKS.md): shrinkage 3 and decay 0.95 gave 0.948 RMSE against 0.967 without decay.
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
    private static final Set<String> KEYS = Set.of(LABELS_ENABLED, JOIN_TTL_MS, MAX_PENDING, ADAPTATION_ENABLED,
            SHRINKAGE, DECAY, MAX_ADJUSTMENT, STATE_TTL_MS, VERSION_CARRY);

    public final boolean labelsEnabled;
    /** How long a prediction waits for its label (and a label for its prediction). */
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

package dev.marquee.model.trainer;

/**
 * How published versions come to serve (docs/RETRAINING.md, "Shadow, promotion and rollback").
 *
 * @param mode {@code shadow}: a published candidate runs in shadow and is promoted on live labels;
 *     {@code immediate}: it serves at once (the version it replaces is watched in shadow);
 *     {@code manual}: publish only, a person promotes ({@code marquee promote})
 * @param minLabels paired labels needed before a shadow is judged
 * @param minUsers distinct users among them
 * @param judgeEveryLabels judge again after this many more paired labels
 * @param candidateExpiryMs a candidate still unresolved after this long in shadow is retired
 * @param watchMs a switch still unresolved after this long keeps the new version (the watch ends)
 */
record PromotionSettings(String mode, int minLabels, int minUsers, int judgeEveryLabels, long candidateExpiryMs,
        long watchMs) {
    static final String SHADOW = "shadow";
    static final String IMMEDIATE = "immediate";
    static final String MANUAL = "manual";

    static final String MODE = "trainer.promotion";
    static final String MIN_LABELS = "trainer.shadow.min-labels";
    static final String MIN_USERS = "trainer.shadow.min-users";
    static final String JUDGE_EVERY = "trainer.shadow.judge-every-labels";
    static final String CANDIDATE_EXPIRY_MS = "trainer.shadow.candidate-expiry-ms";
    static final String WATCH_MS = "trainer.shadow.watch-ms";
    static final java.util.Set<String> KEYS = java.util.Set.of(MODE, MIN_LABELS, MIN_USERS, JUDGE_EVERY,
            CANDIDATE_EXPIRY_MS, WATCH_MS);

    static final String USAGE_LINES = String.join("\n",
            "  --trainer.promotion shadow|immediate|manual  how a published candidate comes to serve (default: shadow:",
            "                                 scored beside the serving version, promoted on live labels)",
            "  --trainer.shadow.min-labels N  paired live labels before a shadow is judged (default: 300)",
            "  --trainer.shadow.min-users N   from at least N users (default: 20)",
            "  --trainer.shadow.judge-every-labels N  judge again after N more (default: 200)",
            "  --trainer.shadow.candidate-expiry-ms MS  retire a candidate still unresolved after MS (default: 86400000)",
            "  --trainer.shadow.watch-ms MS   watch a switch for at most MS, then keep it (default: 86400000)");

    static PromotionSettings from(dev.marquee.data.config.Settings s) {
        String mode = s.string(MODE, SHADOW);
        if (!mode.equals(SHADOW) && !mode.equals(IMMEDIATE) && !mode.equals(MANUAL)) {
            throw new dev.marquee.data.config.SettingException(MODE + " must be shadow, immediate or manual, got '" + mode + "'");
        }
        return new PromotionSettings(mode, s.intInRange(MIN_LABELS, 300, 2, 100_000_000),
                s.intInRange(MIN_USERS, 20, 2, 10_000_000), s.intInRange(JUDGE_EVERY, 200, 1, 100_000_000),
                s.longInRange(CANDIDATE_EXPIRY_MS, 86_400_000L, 1_000, 86_400_000L * 365),
                s.longInRange(WATCH_MS, 86_400_000L, 1_000, 86_400_000L * 365));
    }

    static PromotionSettings defaults() {
        return new PromotionSettings(SHADOW, 300, 20, 200, 86_400_000L, 86_400_000L);
    }
}

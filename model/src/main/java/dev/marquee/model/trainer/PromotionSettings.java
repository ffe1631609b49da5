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

    static PromotionSettings defaults() {
        return new PromotionSettings(SHADOW, 300, 20, 200, 86_400_000L, 86_400_000L);
    }
}

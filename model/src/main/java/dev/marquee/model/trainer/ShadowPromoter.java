package dev.marquee.model.trainer;

import dev.marquee.data.event.LabeledPrediction;
import dev.marquee.data.event.ModelStatus;
import dev.marquee.data.event.ModelUpdate;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.ServingState;
import java.io.IOException;
import dev.marquee.model.stats.PairedUserComparison;
import dev.marquee.model.stats.PairedUserComparison.Decision;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Moves the serving pointer on live labels (docs/RETRAINING.md, "Shadow, promotion and rollback"). The
 * scoring job scores the pointer's shadow beside the serving version and reports each label with both ratings
 * ({@link LabeledPrediction}); this compares them user by user with the paired test:
 * <ul>
 * <li>a <b>candidate</b> in shadow that is not worse than the serving version (upper bound below δ) is
 *     promoted, and the version it replaces stays in shadow to be <b>watched</b>; one that is worse (lower
 *     bound above δ) is retired and held; one still unresolved when {@code candidateExpiryMs} has passed is
 *     retired too;</li>
 * <li>a watched switch whose new version is worse than the one it replaced is rolled back (the new one held);
 *     one found not worse, or still unresolved after {@code watchMs}, ends the watch.</li>
 * </ul>
 * A pin stops all of it. Every change of the pointer, its own or another process's (an import, the
 * retrainer, a person), is announced on {@code model-updates} as the whole target (serve, shadow), and so are a
 * pin (serve it, no shadow) and its end.
 */
final class ShadowPromoter {
    private final ModelRegistry registry;
    private final String name;
    private final PromotionSettings settings;
    private final Function<PairedUserComparison.Sums, PairedUserComparison.Result> compare;
    private final double margin;
    private final Consumer<String> log;
    private PairedUserComparison.Sums pairs = new PairedUserComparison.Sums();
    private long pairedLabels;

    private long pairedServing = -1;
    private long pairedShadow = -1;
    private String role;
    private long announcedServing = -1;
    private long announcedShadow = -1;
    /** The pin the last round saw (-1: none): a new pin is announced whatever was announced last. */
    private long pinSeen = -1;
    private long lastJudgedAtLabels = -1;
    /** This promoter's last round with the current shadow (-1: none yet), and its time not yet added to the pointer's. */
    private long lastRoundMs = Long.MIN_VALUE; // none yet (a monotonic clock may read below 0)
    private long unsavedJudgedMs;
    static final long SAVE_JUDGED_EVERY_MS = 10_000; // a trainer restarted every minute still counts
    /** The comparison {@link #poll} judged before taking the registry's lock, of the sums {@code precomputedFor}. */
    private PairedUserComparison.Result precomputed;
    private PairedUserComparison.Sums precomputedFor;
    private boolean pinLogged;
    /**
     * Shadows scoring slots dropped (SHADOW_DROPPED on model-status), with why; each is ended at the next round that
     * finds it the pointer's shadow, and forgotten only once that is written (a failed write keeps it for the next
     * round) or once the pointer names another shadow.
     */
    private final java.util.Map<Long, String> failedShadows = new java.util.HashMap<>();

    /**
     * @param compare the paired user-block test (A: the reference, B: the challenger)
     * @param margin δ, in MSE: the challenger passes when the interval of (B − A) lies below it, fails above it
     */
    ShadowPromoter(ModelRegistry registry, String name, PromotionSettings settings,
                   Function<PairedUserComparison.Sums, PairedUserComparison.Result> compare, double margin,
                   Consumer<String> log) {
        this.registry = registry;
        this.name = name;
        this.settings = settings;
        this.compare = compare;
        this.margin = margin;
        this.log = log;
    }

    /** The labels counted for the pair in hand. */
    synchronized long pairedLabels() {
        return pairedLabels;
    }

    /** Counts a label when it pairs the pointer's serving and shadow versions; others are not this comparison's. */
    synchronized void accept(LabeledPrediction p) {
        if (p == null || p.shadowVersion <= 0 || !name.equals(p.modelName)) return;
        if (p.modelVersion == pairedServing && p.shadowVersion == pairedShadow
                && Float.isFinite(p.label) && Float.isFinite(p.modelRating) && Float.isFinite(p.shadowRating)) {
            // reference and challenger: a candidate challenges the serving version; a watched new version
            // (serving) challenges the one it replaced (shadow)
            if (p.requestId != null && seen.put(labelKey(p), Boolean.TRUE) != null) {
                labelsReadAgain++; // two scoring jobs of the model, or an at-least-once replay after a failover
                return;
            }
            boolean watch = ServingState.WATCH.equals(role);
            double serving = square(p.modelRating - p.label);
            double shadow = square(p.shadowRating - p.label);
            pairs.add(p.userId == null ? "" : p.userId, watch ? shadow : serving, watch ? serving : shadow);
            pairedLabels++;
        }
    }

    /**
     * A scoring slot dropped the shadow {@code version} ({@link ModelStatus#SHADOW_DROPPED}): the next {@link #poll}
     * ends it if the pointer still names it. The other slots go on pairing it, so the comparison would judge it
     * without the rows it failed on (a candidate answering NaN could be promoted and then fail those requests).
     */
    synchronized void accept(ModelStatus status) {
        if (status == null || !name.equals(status.modelName) || !ModelStatus.SHADOW_DROPPED.equals(status.status)) return;
        failedShadows.putIfAbsent(status.version, "scoring slot " + status.subtask + ": " + status.reason);
    }

    /**
     * Reads the pointer, judges the comparison in hand when it has grown enough, and returns the model update to
     * announce (the pointer's target, or a pin, changed), or null.
     */
    synchronized ModelUpdate poll(long nowMs) throws IOException {
        return poll(nowMs, nowMs);
    }

    /**
     * As {@link #poll(long)}, with the time between rounds (which counts towards a shadow's or a watch's expiry)
     * measured on {@code clockMs}, a monotonic clock: a wall clock stepped forward (NTP, a VM resumed) does not age a
     * candidate by the step, nor one stepped back stop its ageing.
     */
    synchronized ModelUpdate poll(long nowMs, long clockMs) throws IOException {
        // The bootstrap (resamples x users: seconds with 10^5 users) runs before the registry's lock is taken, so
        // that a promote, a rollback, a pin or a retrain's registry write does not wait for it (the request loop's
        // announcement of a publication still does: it claims under this monitor); the sums cannot change meanwhile
        // (accept runs on this thread). Used only if the pointer still names the pair that was judged.
        precomputed = judgementDue() ? compare.apply(pairs) : null;
        precomputedFor = pairs;
        try {
            // the registry's lock: a retrain's publication or a person's promote cannot land between read and write
            return registry.locked(name, () -> pollLocked(nowMs, clockMs));
        } finally {
            precomputed = null;
            precomputedFor = null;
        }
    }

    private boolean judgementDue() {
        // the first look as soon as there are enough labels and users, the next ones judge-every-labels apart
        return pairedLabels >= settings.minLabels() && pairs.users() >= settings.minUsers()
                && (lastJudgedAtLabels < 0 || pairedLabels - lastJudgedAtLabels >= settings.judgeEveryLabels());
    }

    private ModelUpdate pollLocked(long nowMs, long clockMs) throws IOException {
        OptionalLong pin = registry.pinned(name);
        if (pin.isPresent()) {
            if (!pinLogged) {
                log.accept("promoter: version " + pin.getAsLong() + " is pinned: no shadow, no automatic promotion or"
                        + " rollback until `marquee models --unpin`");
                pinLogged = true;
            }
            resetPairs(-1, -1, null);
            // `marquee models --pin` tells no running job: announced here, the pinned version serves now, with no
            // shadow; the unpin is announced the same way (the pointer's target differs from the pin's)
            long pinned = pin.getAsLong();
            if (pinned != pinSeen) {
                // announced even when it names what this promoter announced last: a person's promote or rollback may
                // have moved the jobs since, announcing it themselves, which this promoter never hears of
                pinSeen = pinned;
                announcedServing = -1;
                announcedShadow = -1;
            }
            if (pinned == announcedServing && announcedShadow == 0) return null;
            String pointer;
            try {
                pointer = "the serving pointer, " + registry.state(name) + ", waits";
            } catch (IOException | RuntimeException e) { // a pin is how a broken pointer is worked around: announced all the same
                pointer = "the serving pointer cannot be read: " + e.getMessage();
            }
            return announce(pinned, 0, "pinned: version " + pinned + " serves until `marquee models --unpin` ("
                    + pointer + ")", nowMs);
        }
        pinLogged = false;
        pinSeen = -1;
        if (!registry.hasPointer(name)) return null; // the worker adopts the latest at start; nothing to announce before
        ServingState state = registry.state(name);
        if (state.serving <= 0) return null;
        if (state.serving != pairedServing || state.shadow != pairedShadow || !Objects.equals(role, state.shadowRole)) {
            resetPairs(state.serving, state.shadow, state.shadowRole);
        }
        long shadowNow = state.shadow;
        failedShadows.keySet().removeIf(v -> v != shadowNow); // not (or no longer) the pointer's shadow
        if (state.hasShadow() && failedShadows.containsKey(state.shadow)) {
            ServingState next = endFailedShadow(state, failedShadows.get(state.shadow), nowMs);
            registry.writeState(name, next);
            failedShadows.remove(shadowNow); // only once written
            state = next;
            resetPairs(state.serving, state.shadow, state.shadowRole);
        }
        if (state.hasShadow()) {
            // the time since this promoter's last round with this shadow counts towards its expiry; its first round
            // adds nothing (the time before it, no promoter saw the labels of)
            if (lastRoundMs != Long.MIN_VALUE) unsavedJudgedMs += Math.max(0, clockMs - lastRoundMs);
            lastRoundMs = clockMs;
            if (unsavedJudgedMs >= SAVE_JUDGED_EVERY_MS) {
                state.judgedForMs += unsavedJudgedMs;
                registry.writeState(name, state);
                unsavedJudgedMs = 0; // only once written: a failed write keeps it for the next round
            }
        }
        if (state.hasShadow()) {
            ServingState next = judge(state, nowMs);
            if (next != null) {
                registry.writeState(name, next);
                state = next;
                resetPairs(state.serving, state.shadow, state.shadowRole);
            }
        }
        return announce(state.serving, state.shadow, state.reason, nowMs);
    }

    /** The model update for this target, or null when it is the one announced last. */
    private ModelUpdate announce(long serving, long shadow, String reason, long nowMs) {
        if (serving == announcedServing && shadow == announcedShadow) return null;
        announcedServing = serving;
        announcedShadow = shadow;
        ModelUpdate update = new ModelUpdate(name, serving, registry.versionDir(name, serving).toString(), nowMs);
        update.shadowVersion = shadow;
        update.reason = reason;
        update.registryId = registry.idOrMake().orElse(null);
        return update;
    }

    /**
     * Another writer (the request loop) is to announce this target: true when it should, and the promoter will not
     * announce it again; false when the promoter has announced it already (it read the registry first), or when
     * the pointer's target is no longer this one (a promotion, a rollback or a pin since): the next {@link #poll}
     * announces the target as it is then, and this older one is never written after it.
     */
    synchronized boolean claim(long serving, long shadow) {
        if (serving == announcedServing && shadow == announcedShadow) return false;
        if (!stillTarget(serving, shadow)) return false;
        announcedServing = serving;
        announcedShadow = shadow;
        return true;
    }

    /**
     * Whether the pin, else the pointer, still names this target (said in the log when not): checked under the
     * registry's lock just before an announcement is written, so that none lands after a person's promote or rollback.
     */
    synchronized boolean stillTarget(long serving, long shadow) {
        try {
            OptionalLong pin = registry.pinned(name);
            ServingState state = pin.isPresent() ? null : registry.state(name);
            long nowServing = pin.isPresent() ? pin.getAsLong() : state.serving;
            long nowShadow = pin.isPresent() ? 0 : state.shadow;
            if (nowServing != serving || nowShadow != shadow) {
                log.accept("promoter: not announcing serve v" + serving + ", shadow v" + shadow + ": the pointer has"
                        + " moved on (" + (pin.isPresent() ? "pinned v" + nowServing : state) + ")");
                return false;
            }
            return true;
        } catch (IOException | RuntimeException e) {
            log.accept("promoter: not announcing serve v" + serving + ", shadow v" + shadow + ": the pointer cannot be"
                    + " read (" + e + "); the promoter announces it once it can");
            return false;
        }
    }

    /** Runs {@code action} holding the model's registry lock, as a person's promote and rollback announce. */
    <T> T underRegistryLock(ModelRegistry.LockedAction<T> action) throws IOException {
        return registry.locked(name, action);
    }

    /** The last announcement did not reach the topic: the next {@link #poll} announces the pointer's target again. */
    synchronized void forgetAnnouncement() {
        announcedServing = -1;
        announcedShadow = -1;
    }

    /** The pointer's next state when the comparison decides, else null. */
    private ServingState judge(ServingState state, long nowMs) {
        boolean watch = ServingState.WATCH.equals(state.shadowRole);
        long age = state.judgedForMs + unsavedJudgedMs;
        long limit = watch ? settings.watchMs() : settings.candidateExpiryMs();
        boolean enough = pairedLabels >= settings.minLabels() && pairs.users() >= settings.minUsers();
        boolean due = judgementDue();
        if (!due && age < limit) return null;
        PairedUserComparison.Result result = !enough ? null
                : precomputed != null && precomputedFor == pairs ? precomputed : compare.apply(pairs);
        // A watch rolls back only a version shown worse than the one it replaced, beyond a positive margin: against
        // a negative one (a required gain) it would roll back one better by less than that gain, and hold it.
        double against = watch ? Math.max(margin, 0) : margin;
        Decision decision = result == null ? Decision.DEFER : result.decide(against);
        String v = result == null
                ? "too few labels (" + pairedLabels + " from " + pairs.users() + " users; at least " + settings.minLabels()
                        + " from " + settings.minUsers() + " needed)"
                : String.format(Locale.ROOT, "%s against margin %.4f", result, against);
        lastJudgedAtLabels = pairedLabels;
        boolean expired = age >= limit;
        if (watch) {
            long fresh = state.serving;
            long replaced = state.shadow;
            if (decision == Decision.REJECT) {
                String why = "rolled back: version " + fresh + " " + rejected(result, replaced) + " (" + v + ")";
                log.accept("promoter: " + why);
                return state.with(replaced, 0, null, why, nowMs).hold(fresh, why);
            }
            if (decision == Decision.PUBLISH || expired) {
                String why = "watch ended: version " + fresh + " keeps serving ("
                        + (decision == Decision.PUBLISH ? "" : "unresolved after " + age / 1000 + " s: ")
                        + v + ")";
                log.accept("promoter: " + why);
                return state.with(fresh, 0, null, why, nowMs);
            }
            log.accept("promoter: watching version " + fresh + " against " + replaced + ": " + v);
            return null;
        }
        long candidate = state.shadow;
        if (state.isHeld(candidate)) {
            String why = "version " + candidate + " is held (" + state.held.get(candidate) + "): not promoted";
            log.accept("promoter: " + why);
            return state.with(state.serving, 0, null, why, nowMs);
        }
        if (decision == Decision.PUBLISH) {
            String why = "promoted: version " + candidate + " is not worse than version " + state.serving + " live (" + v + ")";
            log.accept("promoter: " + why);
            return state.with(candidate, state.serving, ServingState.WATCH, why, nowMs);
        }
        if (decision == Decision.REJECT || expired) {
            String why = String.format(Locale.ROOT, "retired: version %d %s (%s)", candidate,
                    decision == Decision.REJECT ? rejected(result, state.serving)
                            : "was unresolved after " + age / 1000 + " s in shadow", v);
            log.accept("promoter: " + why);
            return state.with(state.serving, 0, null, why, nowMs).hold(candidate, why);
        }
        log.accept("promoter: candidate " + candidate + " in shadow: " + v);
        return null;
    }

    /**
     * Ends a shadow a slot dropped: a candidate is retired and held; a watched replaced version that fails ends the
     * watch, and the new version keeps serving.
     */
    private ServingState endFailedShadow(ServingState state, String failedShadowReason, long nowMs) {
        long failed = state.shadow;
        if (ServingState.WATCH.equals(state.shadowRole)) {
            String why = "watch ended: version " + failed + ", watched in shadow, failed (" + failedShadowReason
                    + "); version " + state.serving + " keeps serving";
            log.accept("promoter: " + why);
            return state.with(state.serving, 0, null, why, nowMs);
        }
        String why = "retired: version " + failed + " failed in shadow (" + failedShadowReason + ")";
        log.accept("promoter: " + why);
        return state.with(state.serving, 0, null, why, nowMs).hold(failed, why);
    }

    /** Why the challenger was turned down: worse, or (a negative margin) better by less than the gain asked for. */
    private String rejected(PairedUserComparison.Result result, long reference) {
        return result.showsWorse() ? "did worse live than version " + reference
                : String.format(Locale.ROOT, "did not improve live on version %d by %.4f", reference, -margin);
    }

    private static double square(double x) {
        return x * x;
    }

    /** The most recent labels counted for the pair in hand, by what tells one apart: one read again counts once. */
    static final int SEEN_KEPT = 50_000;
    private java.util.Map<String, Boolean> seen = newSeen();
    /** Labels of the pair in hand read again, and not counted. */
    private long labelsReadAgain;

    private static java.util.Map<String, Boolean> newSeen() {
        return new java.util.LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(java.util.Map.Entry<String, Boolean> eldest) {
                return size() > SEEN_KEPT;
            }
        };
    }

    /** A label as the scoring job joined it: its request (ids may be reused by clients), user, title, time and rating. */
    private static String labelKey(LabeledPrediction p) {
        return p.requestId + '\n' + p.userId + '\n' + p.movieTitle + '\n' + p.timestamp + '\n' + Float.floatToIntBits(p.label);
    }

    synchronized long labelsReadAgain() {
        return labelsReadAgain;
    }

    private void resetPairs(long serving, long shadow, String shadowRole) {
        seen = newSeen();
        labelsReadAgain = 0;
        pairs = new PairedUserComparison.Sums();
        lastRoundMs = Long.MIN_VALUE;
        unsavedJudgedMs = 0;
        pairedLabels = 0;
        pairedServing = serving;
        pairedShadow = shadow;
        role = shadowRole;
        lastJudgedAtLabels = -1; // not judged yet
    }
}

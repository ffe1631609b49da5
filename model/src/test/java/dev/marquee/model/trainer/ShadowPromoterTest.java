package dev.marquee.model.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.data.event.LabeledPrediction;
import dev.marquee.data.event.ModelStatus;
import dev.marquee.data.event.ModelUpdate;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.ServingState;
import dev.marquee.model.stats.PairedUserComparison;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The promoter's decisions on the serving pointer, from labels with both versions' ratings. */
class ShadowPromoterTest {
    private static final String NAME = "movies";
    private static final double MARGIN = 0.01;
    private static final long HOUR = 3_600_000L;

    @TempDir
    Path base;
    private ModelRegistry registry;
    private final List<String> log = new ArrayList<>();
    private ShadowPromoter promoter;

    @BeforeEach
    void setUp() throws IOException {
        registry = new ModelRegistry(base);
        for (int i = 0; i < 3; i++) {
            registry.publish(NAME, dir -> Files.writeString(dir.resolve(ModelRegistry.SAVED_MODEL_FILE), "pb"));
        }
        PromotionSettings settings = new PromotionSettings(PromotionSettings.SHADOW, 300, 20, 100, 24 * HOUR, 24 * HOUR);
        promoter = new ShadowPromoter(registry, NAME, settings, PairedUserComparison::compare, MARGIN, log::add);
    }

    /** Labels from 50 users, 20 each; serving errs with sd {@code servingSd}, shadow with sd {@code shadowSd}. */
    private void feed(long serving, long shadow, double servingSd, double shadowSd, long seed) {
        feed(promoter, serving, shadow, servingSd, shadowSd, seed);
    }

    private static void feed(ShadowPromoter promoter, long serving, long shadow, double servingSd, double shadowSd, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int u = 0; u < 50; u++) {
            for (int k = 0; k < 20; k++) {
                LabeledPrediction p = new LabeledPrediction();
                p.modelName = NAME;
                p.userId = "u" + u;
                p.label = 1 + random.nextInt(5);
                p.modelVersion = serving;
                p.modelRating = (float) (p.label + servingSd * gaussian(random));
                p.shadowVersion = shadow;
                p.shadowRating = (float) (p.label + shadowSd * gaussian(random));
                promoter.accept(p);
            }
        }
    }

    /** A promoter whose first look comes at 100 labels (the judging step 20). */
    private ShadowPromoter judgingFrom100Labels() {
        return new ShadowPromoter(registry, NAME,
                new PromotionSettings(PromotionSettings.SHADOW, 100, 20, 500, 24 * HOUR, 24 * HOUR),
                PairedUserComparison::compare, MARGIN, log::add);
    }

    /** A label of {@code user} that version 2 in shadow predicts much better than version 1 serving. */
    private static LabeledPrediction shadowBetter(SplittableRandom random, String user) {
        LabeledPrediction p = new LabeledPrediction();
        p.modelName = NAME;
        p.userId = user;
        p.label = 1 + random.nextInt(5);
        p.modelVersion = 1;
        p.modelRating = (float) (p.label + 1.5 * gaussian(random));
        p.shadowVersion = 2;
        p.shadowRating = (float) (p.label + 0.3 * gaussian(random));
        return p;
    }

    private static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    private void candidate(long serving, long shadow) throws IOException {
        registry.writeState(NAME, registry.state(NAME).with(serving, shadow, ServingState.CANDIDATE, "published", 0));
    }

    private static ModelStatus dropped(long version) {
        return new ModelStatus(NAME, version, ModelStatus.SHADOW_DROPPED, "failed on a batch and was dropped: NaN", 1, 0, 1);
    }

    /** A slot dropped the shadow: a candidate is retired and held at once; a watched replaced version ends the watch. */
    @Test
    void aShadowASlotDroppedIsEndedWhateverTheOtherSlotsPair() throws IOException {
        candidate(1, 2);
        promoter.poll(1);
        feed(1, 2, 1.0, 0.6, 1); // the other slots' pairs: it looks better there
        promoter.accept(dropped(2));
        ModelUpdate retired = promoter.poll(2);
        assertThat(retired.version).isEqualTo(1);
        assertThat(retired.shadowVersion).isZero();
        assertThat(registry.state(NAME).isHeld(2)).isTrue();
        assertThat(retired.reason).startsWith("retired: version 2 failed in shadow (scoring slot 0: failed on a batch");

        registry.writeState(NAME, registry.state(NAME).with(3, 1, ServingState.WATCH, "promoted", 3));
        promoter.poll(3);
        promoter.accept(dropped(2)); // not the pointer's shadow: nothing happens
        assertThat(promoter.poll(4)).isNull();
        promoter.accept(dropped(1));
        ModelUpdate ended = promoter.poll(5);
        assertThat(ended.version).isEqualTo(3);
        assertThat(ended.shadowVersion).isZero();
        assertThat(registry.state(NAME).isHeld(1)).isFalse();
    }

    /**
     * A round whose pointer write fails is tried again: the drop must still be in hand then, or the candidate would be
     * promoted on the other slots' pairs. A late drop of another version read after it does not replace it.
     */
    @Test
    void aDropSurvivesAFailedPointerWriteAndALaterDropOfAnotherVersion() throws IOException {
        candidate(1, 2);
        promoter.poll(1);
        feed(1, 2, 1.0, 0.6, 1);
        promoter.accept(dropped(2));
        promoter.accept(dropped(7)); // a late drop of a version no longer in shadow
        Path serving = base.resolve(NAME).resolve("1");
        Path aside = base.resolve("aside-1");
        Files.move(serving, aside); // the write's "not published" check fails this round
        try {
            assertThatThrownBy(() -> promoter.poll(2)).isInstanceOf(Exception.class);
        } finally {
            Files.move(aside, serving);
        }
        ModelUpdate retired = promoter.poll(3);
        assertThat(retired.version).isEqualTo(1);
        assertThat(retired.shadowVersion).isZero();
        assertThat(registry.state(NAME).isHeld(2)).as("retired, not promoted").isTrue();
    }

    @Test
    void aClearlyBetterCandidateIsPromotedAndTheReplacedVersionWatched() throws IOException {
        candidate(1, 2);
        ModelUpdate announced = promoter.poll(1);
        assertThat(announced.version).isEqualTo(1);
        assertThat(announced.shadowVersion).as("the candidate is announced for shadow scoring").isEqualTo(2);
        feed(1, 2, 1.0, 0.6, 1);
        ModelUpdate update = promoter.poll(2);
        assertThat(update.version).isEqualTo(2);
        assertThat(update.shadowVersion).as("the replaced version is watched in shadow").isEqualTo(1);
        ServingState state = registry.state(NAME);
        assertThat(state.serving).isEqualTo(2);
        assertThat(state.shadowRole).isEqualTo(ServingState.WATCH);
        assertThat(state.reason).startsWith("promoted").contains("interval");
        assertThat(registry.serving(NAME)).hasValue(2);
    }

    /** The first look comes at trainer.shadow.min-labels, not only once judge-every-labels have passed. */
    @Test
    void theFirstLookComesAtTheMinimumLabelsEvenBelowTheJudgingStep() throws IOException {
        ShadowPromoter early = judgingFrom100Labels();
        candidate(1, 2);
        early.poll(1);
        SplittableRandom random = new SplittableRandom(3);
        for (int u = 0; u < 50; u++) {
            for (int k = 0; k < 3; k++) { // 150 labels: over the minimum, under the step
                early.accept(shadowBetter(random, "u" + u));
            }
        }
        ModelUpdate update = early.poll(2);
        assertThat(update).as("judged at 150 labels").isNotNull();
        assertThat(update.version).isEqualTo(2);
    }

    /**
     * Two scoring jobs of the model both label each request (an upgrade's overlap), or a failover replays labels: a
     * label read twice counts once, so the first look does not come at half the labels it asks for.
     */
    @Test
    void aLabelReadTwiceCountsOnce() throws IOException {
        ShadowPromoter early = judgingFrom100Labels();
        candidate(1, 2);
        early.poll(1);
        SplittableRandom random = new SplittableRandom(3);
        List<LabeledPrediction> labels = new java.util.ArrayList<>();
        for (int i = 0; i < 120; i++) {
            LabeledPrediction p = shadowBetter(random, "u" + i % 40);
            p.requestId = "r-" + (i % 60 == 7 ? 7 : i); // one id a client reused: another label all the same
            p.movieTitle = "Movie " + i;
            p.timestamp = 890_000_000L + i;
            labels.add(p);
        }
        for (LabeledPrediction p : labels.subList(0, 60)) {
            early.accept(p);
            early.accept(p); // the other job's copy
        }
        assertThat(early.poll(2)).as("60 labels, each read twice: under the minimum of 100").isNull();
        assertThat(early.labelsReadAgain()).isEqualTo(60);
        for (LabeledPrediction p : labels.subList(60, 120)) {
            early.accept(p);
            early.accept(p);
        }
        ModelUpdate update = early.poll(3);
        assertThat(update).as("judged at 120 labels").isNotNull();
        assertThat(update.version).isEqualTo(2);
        assertThat(early.labelsReadAgain()).as("reset with the pair it counted for").isZero();
    }

    /** A target is announced once, by whichever writer comes first: the promoter's thread or the request loop. */
    @Test
    void aTargetIsAnnouncedOnceWhoeverReadsItFirst() throws IOException {
        candidate(1, 2);
        assertThat(promoter.claim(1, 2)).as("the request loop first").isTrue();
        assertThat(promoter.poll(1)).as("the promoter does not announce it again").isNull();

        candidate(1, 3);
        assertThat(promoter.poll(2)).as("the promoter first").isNotNull();
        assertThat(promoter.claim(1, 3)).as("the request loop does not announce it again").isFalse();
    }

    /** The request loop's target, overtaken by a move of the pointer, is not announced: the promoter announces the move. */
    @Test
    void aTargetThePointerHasMovedOnFromIsNotClaimed() throws IOException {
        candidate(1, 2); // what the retrainer wrote
        registry.writeState(NAME, registry.state(NAME).with(1, 0, null, "rolled back by hand", 0)); // then a person
        assertThat(promoter.claim(1, 2)).as("an older target than the pointer's").isFalse();
        ModelUpdate now = promoter.poll(1);
        assertThat(now.version).isEqualTo(1);
        assertThat(now.shadowVersion).isZero();

        registry.pin(NAME, 3);
        assertThat(promoter.claim(1, 0)).as("a pin is the target").isFalse();
        assertThat(promoter.poll(2).version).isEqualTo(3);
    }

    /**
     * A person promotes 1 (announcing it, which the promoter never hears of), then pins 2, the version the promoter
     * announced last, before its next round: the pin is announced all the same, else the jobs kept serving 1.
     */
    @Test
    void aNewPinIsAnnouncedEvenWhenItNamesTheTargetAnnouncedLast() throws IOException {
        registry.writeState(NAME, registry.state(NAME).with(2, 0, null, "serving 2", 0));
        assertThat(promoter.poll(1).version).isEqualTo(2);
        registry.writeState(NAME, registry.state(NAME).with(1, 0, null, "promoted by hand", 0)); // and announced by the person
        registry.pin(NAME, 2);
        ModelUpdate pinned = promoter.poll(2);
        assertThat(pinned).isNotNull();
        assertThat(pinned.version).isEqualTo(2);
        assertThat(pinned.shadowVersion).isZero();
        assertThat(pinned.reason).startsWith("pinned");
        assertThat(promoter.poll(3)).as("announced once").isNull();
    }

    /** A pointer broken by hand names no version; the pin its error message advises is announced all the same. */
    @Test
    void aPinIsAnnouncedWhileThePointerNamesNoVersion() throws IOException {
        Files.writeString(base.resolve(NAME).resolve(ModelRegistry.SERVING_FILE), "{}");
        registry.pin(NAME, 2);
        ModelUpdate pinned = promoter.poll(1);
        assertThat(pinned).isNotNull();
        assertThat(pinned.version).isEqualTo(2);
        assertThat(pinned.shadowVersion).isZero();
        assertThat(pinned.reason).startsWith("pinned").contains("the serving pointer cannot be read");
        registry.unpin(NAME); // unpinned although the pointer stays broken
        assertThat(registry.pinned(NAME)).isEmpty();
    }

    @Test
    void aClearlyWorseCandidateIsRetiredAndHeld() throws IOException {
        candidate(1, 2);
        promoter.poll(1);
        feed(1, 2, 0.6, 1.0, 2);
        ModelUpdate update = promoter.poll(2);
        assertThat(update.version).isEqualTo(1);
        assertThat(update.shadowVersion).isZero();
        ServingState state = registry.state(NAME);
        assertThat(state.serving).isEqualTo(1);
        assertThat(state.hasShadow()).isFalse();
        assertThat(state.isHeld(2)).isTrue();
        assertThat(state.held.get(2L)).startsWith("retired").contains("interval");
    }

    @Test
    void anUnresolvedCandidateWaitsAndIsRetiredAtExpiry() throws IOException {
        candidate(1, 2);
        promoter.poll(1);
        feed(1, 2, 0.8, 0.8, 3);
        assertThat(promoter.poll(2)).as("the same error: the labels cannot tell").isNull();
        assertThat(registry.state(NAME).shadow).isEqualTo(2);
        feed(1, 2, 0.8, 0.8, 4);
        assertThat(promoter.poll(25 * HOUR)).isNotNull();
        ServingState state = registry.state(NAME);
        assertThat(state.serving).isEqualTo(1);
        assertThat(state.held.get(2L)).contains("unresolved");
    }

    /**
     * The wall clock stepped forward a day (NTP, a VM resumed) between two rounds half a second apart: the candidate
     * has been judged for half a second, not a day, and is not retired unresolved.
     */
    @Test
    void aWallClockStepDoesNotAgeACandidate() throws IOException {
        candidate(1, 2);
        promoter.poll(1, 1_000);
        feed(1, 2, 0.8, 0.8, 3);
        assertThat(promoter.poll(2, 1_500)).isNull();
        assertThat(promoter.poll(25 * HOUR, 2_000)).as("nothing to announce").isNull();
        ServingState state = registry.state(NAME);
        assertThat(state.shadow).as("still in shadow").isEqualTo(2);
        assertThat(state.held).doesNotContainKey(2L);
    }

    /**
     * The sums are in memory: a trainer that starts a day after the shadow began (it was stopped, or not running
     * when an import wrote the candidate) has seen no label, and waits its own expiry before ending the shadow.
     */
    @Test
    void aTrainerStartedPastTheExpiryWaitsItsOwnBeforeEndingAShadow() throws IOException {
        candidate(1, 2); // in shadow since 0
        assertThat(promoter.poll(25 * HOUR)).as("announced, not retired").isNotNull();
        assertThat(registry.state(NAME).shadow).isEqualTo(2);
        assertThat(registry.state(NAME).held).isEmpty();
        assertThat(promoter.poll(48 * HOUR)).isNull();
        assertThat(promoter.poll(49 * HOUR)).isNotNull();
        assertThat(registry.state(NAME).held.get(2L)).contains("unresolved after 86400 s");

        registry.writeState(NAME, registry.state(NAME).with(3, 1, ServingState.WATCH, "promoted", 0));
        ShadowPromoter restarted = new ShadowPromoter(registry, NAME,
                new PromotionSettings(PromotionSettings.SHADOW, 300, 20, 100, 24 * HOUR, 24 * HOUR),
                PairedUserComparison::compare, MARGIN, log::add);
        restarted.poll(50 * HOUR);
        assertThat(registry.state(NAME).shadow).as("the watch goes on").isEqualTo(1);
        assertThat(registry.state(NAME).shadowRole).isEqualTo(ServingState.WATCH);
        restarted.poll(74 * HOUR);
        assertThat(registry.state(NAME).shadow).as("then ends, unresolved").isZero();
        assertThat(registry.state(NAME).serving).isEqualTo(3);
    }

    /**
     * The bootstrap runs outside the registry's lock: a person's pin (or a promote, a rollback, a retrain's publication)
     * does not wait for it; the verdict is then not applied, the pointer having moved on.
     */
    @Test
    void theComparisonRunsOutsideTheRegistrysLock() throws Exception {
        java.util.concurrent.CountDownLatch judging = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        ShadowPromoter slow = new ShadowPromoter(registry, NAME,
                new PromotionSettings(PromotionSettings.SHADOW, 300, 20, 100, 24 * HOUR, 24 * HOUR), sums -> {
                    judging.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return PairedUserComparison.compare(sums);
                }, MARGIN, log::add);
        candidate(1, 2);
        slow.poll(1);
        feed(slow, 1, 2, 1.0, 0.3, 8); // the shadow clearly better: would be promoted
        java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
        Thread judge = new Thread(() -> {
            try {
                slow.poll(2);
            } catch (Throwable t) {
                failed.set(t);
            }
        }, "test-judge");
        judge.start();
        try {
            assertThat(judging.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            java.util.concurrent.FutureTask<Void> pin = new java.util.concurrent.FutureTask<>(() -> {
                registry.pin(NAME, 1);
                return null;
            });
            new Thread(pin, "test-pin").start();
            pin.get(30, java.util.concurrent.TimeUnit.SECONDS); // before: waited for the judgement's release
        } finally {
            release.countDown();
            judge.join(30_000);
        }
        assertThat(judge.isAlive()).as("the judgement ended").isFalse();
        assertThat(failed.get()).isNull();
        assertThat(registry.pinned(NAME)).hasValue(1);
        assertThat(registry.state(NAME).serving).as("not promoted under the pin").isEqualTo(1);
    }

    /**
     * The time promoters ran with a shadow is kept in the pointer: a trainer restarted every few hours (a supervisor,
     * a rollout) does not keep a shadow without enough labels alive for ever; the hours between two trainers, when
     * no promoter saw its labels, do not count.
     */
    @Test
    void restartingTheTrainerNeitherRestartsAShadowsExpiryNorCountsItsDowntime() throws IOException {
        candidate(1, 2);
        PromotionSettings settings = new PromotionSettings(PromotionSettings.SHADOW, 300, 20, 100, 24 * HOUR, 24 * HOUR);
        for (long hour = 1; hour < 25; hour += 6) { // four trainers of 5 h each, an hour down between them: 20 h
            ShadowPromoter trainer = new ShadowPromoter(registry, NAME, settings, PairedUserComparison::compare, MARGIN, log::add);
            trainer.poll(hour * HOUR);
            trainer.poll((hour + 5) * HOUR);
            assertThat(registry.state(NAME).shadow).as("at hour %d", hour + 5).isEqualTo(2);
        }
        ShadowPromoter weekendLater = new ShadowPromoter(registry, NAME, settings, PairedUserComparison::compare, MARGIN, log::add);
        weekendLater.poll(72 * HOUR);
        assertThat(registry.state(NAME).shadow).as("the downtime is not counted").isEqualTo(2);
        weekendLater.poll(75 * HOUR);
        assertThat(registry.state(NAME).shadow).as("23 h run").isEqualTo(2);
        weekendLater.poll(76 * HOUR);
        assertThat(registry.state(NAME).shadow).as("24 h run").isZero();
        assertThat(registry.state(NAME).held.get(2L)).contains("unresolved after 86400 s");
    }

    @Test
    void tooFewLabelsNeverDecideBeforeExpiry() throws IOException {
        candidate(1, 2);
        promoter.poll(1);
        for (int i = 0; i < 200; i++) { // 200 labels from one user: below both minimums
            LabeledPrediction p = new LabeledPrediction();
            p.modelName = NAME;
            p.userId = "only";
            p.label = 3;
            p.modelVersion = 1;
            p.modelRating = 1;
            p.shadowVersion = 2;
            p.shadowRating = 3;
            promoter.accept(p);
        }
        assertThat(promoter.poll(2)).isNull();
        assertThat(registry.state(NAME).shadow).isEqualTo(2);
    }

    /**
     * Enough labels from too few users (one heavy client, a load test) never promote: a bootstrap over three users is
     * all but a point; at expiry the candidate is retired as judged on too few labels, not judged on them.
     */
    @Test
    void enoughLabelsFromTooFewUsersNeverPromote() throws IOException {
        candidate(1, 2);
        promoter.poll(1);
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 400; i++) promoter.accept(shadowBetter(random, "u" + i % 3)); // over 300 labels, 3 of 20 users
        assertThat(promoter.poll(2)).as("not judged before the minimum users").isNull();
        promoter.poll(25 * HOUR);
        assertThat(registry.serving(NAME)).hasValue(1);
        assertThat(registry.state(NAME).held.get(2L)).contains("too few labels").contains("from 3 users");
    }

    /** A second look comes only judge-every-labels after the first: every round with a new label is no look. */
    @Test
    void aSecondLookWaitsForTheJudgingStep() throws IOException {
        ShadowPromoter stepped = new ShadowPromoter(registry, NAME,
                new PromotionSettings(PromotionSettings.SHADOW, 300, 20, 500, 24 * HOUR, 24 * HOUR),
                PairedUserComparison::compare, MARGIN, log::add);
        candidate(1, 2);
        stepped.poll(1);
        SplittableRandom random = new SplittableRandom(5);
        for (int u = 0; u < 30; u++) {
            for (int k = 0; k < 10; k++) { // 300 labels that cannot tell the two apart: the same error
                LabeledPrediction p = shadowBetter(random, "u" + u);
                p.modelRating = (float) (p.label + 0.8 * gaussian(random));
                p.shadowRating = (float) (p.label + 0.8 * gaussian(random));
                stepped.accept(p);
            }
        }
        assertThat(stepped.poll(2)).as("the first look: undecided").isNull();
        for (int u = 0; u < 30; u++) {
            for (int k = 0; k < 10; k++) stepped.accept(shadowBetter(random, "v" + u)); // 300 more, clearly better
        }
        assertThat(stepped.poll(3)).as("600 labels: 300 since the first look, under the step of 500").isNull();
        for (int u = 0; u < 30; u++) {
            for (int k = 0; k < 7; k++) stepped.accept(shadowBetter(random, "w" + u));
        }
        ModelUpdate update = stepped.poll(4);
        assertThat(update).as("810 labels: the step passed").isNotNull();
        assertThat(update.version).isEqualTo(2);
    }

    @Test
    void aWatchedVersionThatDoesWorseIsRolledBackAndHeld() throws IOException {
        registry.writeState(NAME, registry.state(NAME).with(2, 1, ServingState.WATCH, "promoted", 0));
        promoter.poll(1);
        feed(2, 1, 1.0, 0.6, 5); // the new serving version (2) errs more than the replaced one (1)
        ModelUpdate update = promoter.poll(2);
        assertThat(update.version).isEqualTo(1);
        assertThat(update.shadowVersion).isZero();
        ServingState state = registry.state(NAME);
        assertThat(state.serving).isEqualTo(1);
        assertThat(state.held.get(2L)).startsWith("rolled back");
    }

    @Test
    void aWatchedVersionNotWorseKeepsServingAndTheWatchEnds() throws IOException {
        registry.writeState(NAME, registry.state(NAME).with(2, 1, ServingState.WATCH, "promoted", 0));
        promoter.poll(1);
        feed(2, 1, 0.6, 1.0, 6);
        ModelUpdate update = promoter.poll(2);
        assertThat(update.version).isEqualTo(2);
        assertThat(update.shadowVersion).isZero();
        assertThat(registry.state(NAME).held).isEmpty();
    }

    /**
     * A negative margin asks a candidate for a gain before it serves; a watch rolls back only a version shown worse
     * than the one it replaced, not one better by less than that gain.
     */
    @Test
    void aWatchedVersionBetterByLessThanARequiredGainIsNotRolledBack() throws IOException {
        PromotionSettings settings = new PromotionSettings(PromotionSettings.SHADOW, 300, 20, 100, 24 * HOUR, 24 * HOUR);
        ShadowPromoter gainRequired = new ShadowPromoter(registry, NAME, settings, PairedUserComparison::compare, -0.5, log::add);
        registry.writeState(NAME, registry.state(NAME).with(2, 1, ServingState.WATCH, "promoted", 0));
        gainRequired.poll(1);
        feed(gainRequired, 2, 1, 0.8, 1.0, 7); // the new version (2): MSE ~0.64 against ~1.0, better by ~0.36 < 0.5
        ModelUpdate update = gainRequired.poll(2);
        assertThat(update.version).as("%s", log).isEqualTo(2);
        assertThat(registry.state(NAME).held).isEmpty();
        assertThat(log).anySatisfy(l -> assertThat(l).contains("watch ended: version 2 keeps serving"));
    }

    @Test
    void labelsOfAnotherPairDoNotCount() throws IOException {
        candidate(1, 2);
        promoter.poll(1);
        feed(1, 3, 1.0, 0.2, 7); // a stale shadow's labels
        assertThat(promoter.poll(2)).isNull();
        assertThat(registry.state(NAME).shadow).isEqualTo(2);
    }

    @Test
    void aPinStopsEveryAutomaticMove() throws IOException {
        candidate(1, 2);
        registry.pin(NAME, 3);
        // announced once, so running jobs serve the pin (`models --pin` tells them nothing)
        ModelUpdate pinned = promoter.poll(1);
        assertThat(pinned.version).isEqualTo(3);
        assertThat(pinned.shadowVersion).isZero();
        assertThat(pinned.reason).startsWith("pinned: version 3");
        feed(1, 2, 1.0, 0.2, 8);
        assertThat(promoter.poll(25 * HOUR)).isNull();
        assertThat(registry.state(NAME).shadow).isEqualTo(2);
        assertThat(registry.serving(NAME)).hasValue(3);
        assertThat(log).anyMatch(l -> l.contains("pinned"));

        // the unpin is announced too: the pointer's target serves again, with its candidate, whose time in shadow
        // starts again (it was not scored while pinned, for longer than its expiry)
        registry.unpin(NAME, 25 * HOUR);
        ModelUpdate unpinned = promoter.poll(25 * HOUR + 1);
        assertThat(unpinned.version).isEqualTo(1);
        assertThat(unpinned.shadowVersion).isEqualTo(2);
        assertThat(registry.state(NAME).isHeld(2)).isFalse();
        assertThat(promoter.poll(26 * HOUR)).as("not retired an hour later").isNull();
        assertThat(registry.state(NAME).shadow).isEqualTo(2);
    }

    /**
     * The time judged before a pin is not held against the candidate after it: it was not scored meanwhile. A pin
     * longer than the expiry (a weekend) must not count at the first round after the unpin either.
     */
    @ParameterizedTest
    @ValueSource(longs = {30, 80})
    void anUnpinRestartsTheCandidatesJudgedTime(long unpinnedAtHours) throws IOException {
        candidate(1, 2);
        promoter.poll(1);
        promoter.poll(12 * HOUR);
        promoter.poll(23 * HOUR);
        assertThat(registry.state(NAME).judgedForMs).as("23 h judged, saved").isGreaterThan(22 * HOUR);
        registry.pin(NAME, 1);
        promoter.poll(23 * HOUR + 1);
        long unpinned = unpinnedAtHours * HOUR;
        registry.unpin(NAME, unpinned);
        promoter.poll(unpinned + 1);
        promoter.poll(unpinned + 2 * HOUR);
        assertThat(registry.state(NAME).shadow).as("2 h judged since the unpin, not the pin's time").isEqualTo(2);
        assertThat(registry.state(NAME).held).isEmpty();
        assertThat(registry.state(NAME).judgedForMs).isLessThan(3 * HOUR);
    }

    @Test
    void aHeldCandidateIsNeverPromoted() throws IOException {
        registry.writeState(NAME, registry.state(NAME).hold(2, "rolled back by hand"));
        candidate(1, 2);
        promoter.poll(1);
        feed(1, 2, 1.0, 0.2, 9);
        ModelUpdate update = promoter.poll(2);
        assertThat(update.version).isEqualTo(1);
        assertThat(update.shadowVersion).isZero();
        assertThat(registry.state(NAME).serving).isEqualTo(1);
    }

    @Test
    void eachPointerChangeIsAnnouncedOnce() throws IOException {
        registry.serve(NAME, 1, "by hand");
        assertThat(promoter.poll(1).version).isEqualTo(1);
        assertThat(promoter.poll(2)).isNull();
        registry.serve(NAME, 3, "by hand");
        ModelUpdate update = promoter.poll(3);
        assertThat(update.version).isEqualTo(3);
        assertThat(update.reason).isEqualTo("by hand");
        assertThat(update.registryId).as("the registry's id, so another registry's slots ignore it")
                .isNotNull().isEqualTo(registry.id().orElseThrow());
    }
}

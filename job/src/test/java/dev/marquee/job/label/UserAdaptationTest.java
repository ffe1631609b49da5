package dev.marquee.job.label;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.config.Settings;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Factors restored from a savepoint taken before {@code adaptation.factors.dimensions} changed have another length than
 * the same version's embeddings now: they serve their bias alone and are carried to the new length at the next label,
 * instead of failing (more dimensions) or weighting the wrong directions (fewer).
 */
class UserAdaptationTest {
    private static final long VERSION = 3;
    private static final List<String> TITLES = List.of("Heat (1995)", "Fargo (1996)", "Toy Story (1995)", "Se7en (1995)",
            "Babe (1995)", "Casino (1995)", "Clueless (1995)", "Braveheart (1995)");

    @Test
    void factorsOfAnotherDimensionCountServeTheirBiasAndAreCarriedAtTheNextLabel() {
        UserAdaptation wider = adaptation(6);
        UserAdaptation narrow = adaptation(2);
        UserFactors restored = null;
        for (int i = 0; i < 20; i++) restored = narrow.learn(restored, null, VERSION, TITLES.get(i % TITLES.size()), 1.0);
        assertThat(restored.dimensions()).isEqualTo(2);

        assertThat(wider.serve(null, restored, VERSION, "Heat (1995)")).isEqualTo(restored.bias());
        UserFactors carried = wider.learn(restored, null, VERSION, "Heat (1995)", 0.5);
        assertThat(carried.dimensions()).isEqualTo(6);
        assertThat(wider.serve(null, carried, VERSION, "Fargo (1996)")).isFinite();
    }

    /**
     * Restored after a failover, this instance has served nothing yet: a late label of the previous version must not
     * carry factors learned on the next one back to it (before, it reset their taste weights); a newer one's does.
     */
    @Test
    void rightAfterARestoreALateLabelOfTheOlderVersionLeavesTheNewerFactorsAlone() {
        UserAdaptation before = adaptation(4);
        UserFactors learned = null;
        for (int i = 0; i < 20; i++) learned = before.learn(learned, null, VERSION, TITLES.get(i % TITLES.size()), 0.8);
        double heat = before.serve(null, learned, VERSION, "Heat (1995)");

        UserAdaptation restored = adaptation(4);
        assertThat(restored.learn(learned, null, VERSION - 1, "Fargo (1996)", -2.0)).as("nothing changed").isNull();
        assertThat(learned.modelVersion).isEqualTo(VERSION);
        assertThat(restored.serve(null, learned, VERSION, "Heat (1995)")).isEqualTo(heat);

        UserFactors next = adaptation(4).learn(learned, null, VERSION + 1, "Fargo (1996)", 0.5);
        assertThat(next.modelVersion).as("a newer version's label carries them on").isEqualTo(VERSION + 1);
    }

    /** A user with no factors yet: a late label of a version no longer served starts none (another model's error). */
    @Test
    void aLateLabelOfAnotherVersionStartsNoFactors() {
        UserAdaptation a = adaptation(4);
        a.serve(null, null, VERSION, "Heat (1995)");
        assertThat(a.learn(null, null, VERSION - 1, "Fargo (1996)", 2.0)).isNull();
        assertThat(a.learn(null, null, VERSION, "Fargo (1996)", 2.0)).as("the serving version's label does").isNotNull();
        assertThat(adaptation(4).learn(null, null, VERSION - 1, "Fargo (1996)", 2.0)).as("serving version not known yet")
                .isNotNull();
    }

    @Test
    void aLabelCarriesStateToItsVersionOnlyWhenThatVersionServesOrIsNewerWhileUnknown() {
        assertThat(UserAdaptation.carries(2, 1, 2)).isFalse();
        assertThat(UserAdaptation.carries(2, 1, 1)).as("a rollback to 1").isTrue();
        assertThat(UserAdaptation.carries(1, 2, 2)).isTrue();
        assertThat(UserAdaptation.carries(1, 2, 3)).as("2 is late: 3 serves").isFalse();
        assertThat(UserAdaptation.carries(2, 1, 0)).as("unknown: never backwards").isFalse();
        assertThat(UserAdaptation.carries(1, 2, 0)).isTrue();
    }

    /**
     * While the slots serve two versions, a user's labels alternate between them: the residual bias learns from the
     * serving version's and its own version's labels, not from a late one of the other (which halved its weight at
     * every change).
     */
    @Test
    void theResidualBiasLearnsOnlyFromLabelsOfItsOwnOrTheServingVersion() {
        UserAdaptation a = adaptation(4);
        a.serve(null, null, VERSION, "Heat (1995)");
        UserResidual r = new UserResidual();
        r.add(1.0, VERSION, 0.95, 0.5);
        assertThat(a.residualLearns(r, VERSION)).isTrue();
        assertThat(a.residualLearns(r, VERSION - 1)).as("a late label of the version swapped out").isFalse();
        assertThat(a.residualLearns(null, VERSION - 1)).as("nothing learned yet").isTrue();
        UserResidual old = new UserResidual();
        old.add(1.0, VERSION - 1, 0.95, 0.5);
        assertThat(a.residualLearns(old, VERSION)).as("the serving version's carries it on").isTrue();
    }

    /** A late label of a version no longer served, for a user whose factors are another version's: nothing is loaded. */
    @Test
    void aLateLabelsCorrectionLoadsNoEmbeddingsOfItsVersion() {
        java.util.List<Long> loaded = new java.util.ArrayList<>();
        LabelSettings settings = LabelSettings.from(new Settings(Map.of(LabelSettings.FACTOR_DIMENSIONS, "4")));
        float[][] raw = new float[TITLES.size()][8];
        Random random = new Random(7);
        for (float[] row : raw) for (int j = 0; j < row.length; j++) row[j] = (float) random.nextGaussian();
        UserAdaptation a = new UserAdaptation(settings, v -> {
            loaded.add(v);
            return Optional.of(TitleEmbeddings.project(v, TITLES, raw, new float[8], 4));
        });
        a.open();
        UserFactors f = null;
        for (int i = 0; i < 5; i++) f = a.learn(f, null, VERSION, TITLES.get(i), 1.0);
        a.serve(null, f, VERSION, "Heat (1995)");
        loaded.clear();
        assertThat(a.adjustmentForLabel(null, f, VERSION - 1, "Fargo (1996)")).isEqualTo(f.bias());
        assertThat(loaded).as("no load of version %d's embeddings", VERSION - 1).isEmpty();
    }

    /**
     * A prediction being served never takes the late label's shortcut: served by an older version (a slot that
     * refused the new one, a rollback's first minute) without embeddings (factors off here), it gets the residual.
     */
    @Test
    void aServedPredictionOfAnOlderVersionGetsWhatItGotBefore() {
        UserFactors f = null;
        UserAdaptation learning = adaptation(4);
        for (int i = 0; i < 5; i++) f = learning.learn(f, null, VERSION, TITLES.get(i), 1.0);
        LabelSettings off = LabelSettings.from(new Settings(Map.of(LabelSettings.FACTORS_ENABLED, "false")));
        UserAdaptation factorsOff = new UserAdaptation(off, v -> Optional.empty());
        factorsOff.open();
        UserResidual r = new UserResidual();
        r.add(0.8, VERSION, 0.95, 0.5);
        factorsOff.serve(r, f, VERSION + 1, "Heat (1995)");
        assertThat(factorsOff.serve(r, f, VERSION - 1, "Heat (1995)"))
                .isEqualTo(r.adjustment(off.shrinkage, Double.POSITIVE_INFINITY));
    }

    /**
     * A user whose residual bias learned their correction (on a version without embeddings, or before factors were
     * turned on) keeps it when factors start: they start from it, not from nothing.
     */
    @Test
    void factorsStartFromTheUsersResidualBias() {
        UserAdaptation a = adaptation(4);
        UserResidual r = new UserResidual();
        for (int i = 0; i < 20; i++) r.add(1.0, VERSION - 1, 0.95, 0.5);
        assertThat(r.adjustment(3, Double.POSITIVE_INFINITY)).isGreaterThan(0.75);
        UserFactors f = a.learn(null, r, VERSION - 1, "Heat (1995)", 1.0);
        r.add(1.0, VERSION - 1, 0.95, 0.5);
        // the factors' bias prior (adaptation.factors.bias-prior, 8) is stronger than the residual's shrinkage (3): from the
        // prior alone, one label would give about 0.1
        assertThat(a.serve(r, f, VERSION - 1, "Fargo (1996)")).as("the same version's").isGreaterThan(0.6);

        UserAdaptation next = adaptation(4);
        UserFactors carried = next.learn(null, r, VERSION, "Heat (1995)", 1.0);
        assertThat(carried.bias()).as("another version's keeps version-carry of it").isGreaterThan(0.35);
        UserFactors whole = adaptation(4).learn(null, r, VERSION - 1, "Heat (1995)", 1.0);
        assertThat(carried.bias()).as("version-carry (0.5) of it, not all of it").isLessThan(whole.bias() - 0.1);
    }

    /**
     * Factors of version 3, then a week of a version without embeddings that taught the residual bias the opposite:
     * the next version with embeddings serves and starts from the residual bias, not from the week-old factors.
     */
    @Test
    void aResidualBiasNewerThanTheFactorsServesAndStartsTheNextFactors() {
        UserAdaptation a = adaptation(4);
        UserFactors f = null;
        UserResidual r = new UserResidual();
        for (int i = 0; i < 20; i++) {
            f = a.learn(f, r, VERSION, TITLES.get(i % TITLES.size()), 0.8);
            r.add(0.8, VERSION, 0.95, 0.5);
        }
        for (int i = 0; i < 40; i++) r.add(-0.5, VERSION + 1, 0.95, 0.5); // labels of a version without embeddings
        double residualBias = r.adjustment(3, Double.POSITIVE_INFINITY);
        assertThat(residualBias).isLessThan(-0.3);
        assertThat(a.serve(r, f, VERSION + 2, "Heat (1995)")).isEqualTo(residualBias);
        UserFactors next = a.learn(f, r, VERSION + 2, "Heat (1995)", -0.5);
        assertThat(next.modelVersion).isEqualTo(VERSION + 2);
        assertThat(next.bias()).isNegative();
    }

    private static UserAdaptation adaptation(int dimensions) {
        LabelSettings settings = LabelSettings.from(new Settings(Map.of(LabelSettings.FACTOR_DIMENSIONS, Integer.toString(dimensions))));
        Random random = new Random(7);
        float[][] raw = new float[TITLES.size()][8];
        for (float[] row : raw) for (int j = 0; j < row.length; j++) row[j] = (float) random.nextGaussian();
        float[] unknown = new float[8];
        UserAdaptation a = new UserAdaptation(settings, v -> Optional.of(TitleEmbeddings.project(v, TITLES, raw, unknown, dimensions)));
        a.open();
        return a;
    }
}

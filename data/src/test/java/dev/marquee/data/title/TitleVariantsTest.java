package dev.marquee.data.title;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.movielens.MovieLens100K;
import dev.marquee.data.movielens.MovieLensDir;
import dev.marquee.data.testing.Prerequisites;
import dev.marquee.data.title.TitleVariants.Variant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Precision and recall of {@link TitleCatalog#resolve} over the hand-written variant set
 * ({@code title-variants.tsv}, see docs/TITLES.md "The variant test set"), against MovieLens 100K's catalog.
 * Skipped when the dataset is not here.
 *
 * <p>Recall: share of positive variants resolved to their expected title. Precision: share of variants resolved
 * to any catalog title (positives and near misses) that resolved to the right one; a near miss resolving to
 * anything is wrong. The floors below are what the resolver achieves (the set was written before it, against a
 * resolver that got 106 right); they stop a regression. Goal (issue 16): recall at least 0.95 and no wrong match.
 */
class TitleVariantsTest {
    // Measured on 2026-12-03 with the alias and fuzzy tiers (docs/TITLES.md); before them: 106 right, 0 wrong.
    // 306 until 2026-12-05, then two fixes of false matches cost one positive each: a subtitle holding a number
    // is no longer dropped ("Godfather: Part II" is not "Godfather"), which also keeps the "X" of "Brother
    // Minister: ... Malcolm X", read as the numeral 10; and the fuzzy tier no longer adds an article ("A Fargo"
    // is not "Fargo"), nor "The" to "Land Before Time III: ..." (docs/TITLES.md, "What is still NOT equated").
    private static final int BASELINE_CORRECT = 304;
    private static final int BASELINE_WRONG = 0;

    private static final int MIN_POSITIVES = 150;
    private static final int MIN_TITLES = 80;
    private static final int MIN_NEAR_MISSES = 40;

    private static List<Variant> variants;
    private static TitleCatalog catalog;

    @BeforeAll
    static void load() {
        variants = TitleVariants.load();
        Optional<MovieLensDir> dir = MovieLensDir.findForTests();
        Prerequisites.assumeOrFailInCi(dir.isPresent(), MovieLensDir.testSkipMessage());
        catalog = TitleCatalog.of(new MovieLens100K(dir.get()).titles());
    }

    @Test
    void everyExpectedTitleIsAnMl100kTitle() {
        for (Variant v : variants) {
            if (!v.nearMiss()) {
                assertThat(catalog.contains(v.expected())).as("line %d: expected title", v.line()).isTrue();
            }
        }
    }

    @Test
    void noNearMissIsItselfAnMl100kTitle() {
        for (Variant v : variants) {
            if (v.nearMiss()) {
                assertThat(catalog.contains(v.variant())).as("line %d: near miss %s", v.line(), v.variant()).isFalse();
            }
        }
    }

    @Test
    void theSetHasTheSizeItPromises() {
        List<Variant> positives = variants.stream().filter(v -> !v.nearMiss()).toList();
        assertThat(positives).hasSizeGreaterThanOrEqualTo(MIN_POSITIVES);
        assertThat(positives.stream().map(Variant::expected).distinct().count()).isGreaterThanOrEqualTo(MIN_TITLES);
        assertThat(variants.stream().filter(Variant::nearMiss).count()).isGreaterThanOrEqualTo(MIN_NEAR_MISSES);
        for (Variant v : variants) {
            assertThat(v.kind().startsWith("near-miss")).as("line %d: kind %s", v.line(), v.kind())
                    .isEqualTo(v.nearMiss());
        }
    }

    @Test
    void precisionAndRecallDoNotFallBelowTheBaseline() {
        Map<String, int[]> byKind = new TreeMap<>(); // kind -> {variants, right, wrong}
        List<String> wrong = new ArrayList<>();
        List<String> missed = new ArrayList<>();
        int positives = 0;
        int correct = 0;
        int resolved = 0;
        for (Variant v : variants) {
            String title = catalog.resolve(v.variant());
            boolean matched = catalog.contains(title);
            int[] counts = byKind.computeIfAbsent(v.kind(), k -> new int[3]);
            counts[0]++;
            if (matched) {
                resolved++;
            }
            if (!v.nearMiss()) {
                positives++;
            }
            if (matched && title.equals(v.expected())) {
                correct++;
                counts[1]++;
            } else if (matched) {
                counts[2]++;
                wrong.add("line " + v.line() + ": " + v.variant() + " -> " + title);
            } else if (!v.nearMiss()) {
                missed.add("line " + v.line() + " [" + v.kind() + "]: " + v.variant());
            }
        }
        double recall = (double) correct / positives;
        double precision = resolved == 0 ? 1.0 : (double) correct / resolved;

        StringBuilder table = new StringBuilder();
        table.append(String.format(Locale.ROOT, "positives %d, correct %d, resolved %d, wrong %d, near misses %d%n",
                positives, correct, resolved, wrong.size(), variants.size() - positives));
        table.append(String.format(Locale.ROOT, "recall %.3f, precision %.3f%n", recall, precision));
        table.append("| kind | variants | resolved right | resolved wrong | recall |\n|---|---:|---:|---:|---:|\n");
        byKind.forEach((kind, c) -> table.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %s |%n",
                kind, c[0], c[1], c[2],
                kind.startsWith("near-miss") ? "-" : String.format(Locale.ROOT, "%.2f", (double) c[1] / c[0]))));
        table.append("wrong matches:\n");
        wrong.forEach(w -> table.append("  ").append(w).append('\n'));
        table.append("missed:\n");
        missed.forEach(m -> table.append("  ").append(m).append('\n'));
        System.out.println(table);

        assertThat(wrong).as("wrong matches (a near miss or a positive resolved to another title)")
                .hasSizeLessThanOrEqualTo(BASELINE_WRONG);
        assertThat(correct).as("variants resolved to their expected title").isGreaterThanOrEqualTo(BASELINE_CORRECT);
        assertThat(recall).as("recall, the goal of issue 16").isGreaterThanOrEqualTo(0.95);
    }
}

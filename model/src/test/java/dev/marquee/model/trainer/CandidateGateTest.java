package dev.marquee.model.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.Rating;
import dev.marquee.data.synth.SyntheticRatings;
import dev.marquee.model.ModelImporter;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.TinySavedModels;
import dev.marquee.model.TinySavedModels.Kind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gate's measurement against a serving version imported with an integer user-id input. */
class CandidateGateTest {
    @TempDir Path tmp;

    /**
     * The ratings topic may hold a label whose user id the serving version's int64 input cannot take ("u7"): the
     * scoring job dead-letters such requests, and the gate leaves such labels out instead of failing to measure the
     * serving version on every judgement.
     */
    @Test
    void labelsAnImportedIntegerIdVersionCannotTakeAreLeftOutOfTheComparison() throws Exception {
        List<Rating> rows = new SyntheticRatings(5).users(30).movies(20).ratingsPerUser(10).generate().ratings();
        ModelRegistry registry = new ModelRegistry(tmp.resolve("registry"));
        ModelImporter.Data data = new ModelImporter.Data("generated data (synthetic, seed 5)", "random", "train", rows,
                List.of(), rows);
        Path imported = TinySavedModels.export(tmp.resolve("int64"), Kind.INT64_IDS_RENAMED_VECTOR_OUTPUT);
        new ModelImporter(registry, "m", line -> { }).importModel(
                new ModelImporter.Request(imported, "serving_default", "uid", "title", "ts", "rating", null), data);
        Path strings = TinySavedModels.export(tmp.resolve("strings"), Kind.GOOD_STRING_IDS);
        new ModelImporter(registry, "m", line -> { }).importModel(
                new ModelImporter.Request(strings, "serving_default", "user_id", "movie_title", "timestamp", "output_3",
                        null), data);
        Path candidate = registry.versionDir("m", 2); // a candidate whose inputs take every request, as ours do

        List<Rating> holdout = new ArrayList<>();
        for (int i = 0; i < 40; i++) holdout.add(new Rating(Integer.toString(i % 10 + 1), "Synthetic Movie 3 (1994)", 4f, 1_000L * i));
        holdout.add(new Rating("u7", "Synthetic Movie 3 (1994)", 4f, 50_000L));
        StringBuilder log = new StringBuilder();
        GatePolicy.Measurement m = new CandidateGate(line -> log.append(line).append('\n'))
                .measure(candidate, registry.versionDir("m", 1), holdout, holdout);

        assertThat(m.servingFailure()).as(log.toString()).isNull();
        assertThat(m.probeFailure()).isNull();
        assertThat(m.paired()).as("both versions measured").isNotNull();
        assertThat(m.holdoutRows()).isEqualTo(40);
        assertThat(m.holdoutUsers()).isEqualTo(10);
        assertThat(m.holdoutUnrepresentable()).isEqualTo(1);
        assertThat(Double.isFinite(m.currentRmse())).isTrue();
        assertThat(log).contains("1 of 41 held-out labels left out").contains("a user_id is not an integer")
                .as("a user id is personal data: the trainer's log names none").doesNotContain("u7");
        GatePolicy.Verdict verdict = GatePolicy.defaults().decide(m);
        assertThat(verdict.metrics()).containsEntry("holdout_unrepresentable", 1.0);
        assertThat(verdict.reason()).as("40 labels are too few; the one left out is named")
                .contains("too few held-out labels").contains("1 more left out");
    }
}

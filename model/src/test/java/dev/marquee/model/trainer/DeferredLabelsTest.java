package dev.marquee.model.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.Rating;
import dev.marquee.model.TrainedModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A deferred candidate is judged again on labels resolved as its first gate resolved them. */
class DeferredLabelsTest {
    @TempDir Path tmp;

    private final Rating haunted = new Rating("1", "Haunted (1995)", 2f, 10); // one letter from "Hunted, The (1995)"
    private final Rating respelt = new Rating("2", "heat (1995)", 3f, 11);

    @Test
    void theBasesCatalogResolvesTheLabelsAndANearSpellingIsLeftOut() throws Exception {
        Path base = version("base", "Hunted, The (1995)", "Heat (1995)");
        Path candidate = version("candidate", "Haunted (1995)", "heat (1995)"); // not the one to read

        List<Rating> judged = DeferredCandidates.labelsToJudgeOn(List.of(haunted, respelt), base, candidate);

        assertThat(judged).extracting(r -> r.movieTitle).containsExactly("Heat (1995)");
    }

    @Test
    void aBaseImportedWithoutDataFallsBackToTheCandidatesCatalog() throws Exception {
        Path base = Files.createDirectories(tmp.resolve("imported"));
        Path candidate = version("candidate", "Hunted, The (1995)", "Heat (1995)");

        List<Rating> judged = DeferredCandidates.labelsToJudgeOn(List.of(haunted, respelt), base, candidate);

        assertThat(judged).extracting(r -> r.movieTitle).containsExactly("Heat (1995)");
    }

    @Test
    void withoutAnyCatalogTheLabelsAreJudgedAsSent() throws Exception {
        Path base = Files.createDirectories(tmp.resolve("a"));
        Path candidate = Files.createDirectories(tmp.resolve("b"));
        assertThat(DeferredCandidates.labelsToJudgeOn(List.of(haunted, respelt), base, candidate))
                .containsExactly(haunted, respelt);
    }

    /** Judged again on every label after its cut, however far they spread: a growing hold-out, not a sliding one. */
    @Test
    void aDeferredCandidateIsJudgedAgainOnEveryLabelAfterItsCutNotOnTheTrainingWindow() {
        long cut = 1_000_000;
        List<Rating> labels = new java.util.ArrayList<>();
        // 3 h of labels, each user's title once (a title labelled again is judged once: LabelSplitTest)
        for (int i = 0; i < 180; i++) labels.add(new Rating("u" + i % 9, "Movie " + i + " (1995)", 3f, cut - 600 + i * 60L));
        long now = (cut + 3 * 3600) * 1000;

        List<Rating> judged = DeferredCandidates.rejudgedOn(labels, cut, now);

        assertThat(judged).hasSize(169).allSatisfy(r -> assertThat(r.timestamp).isGreaterThan(cut));
        assertThat(DeferredCandidates.rejudgedOn(List.of(new Rating("1", "Heat (1995)", 3f, cut + 3 * 3600 + 600)), cut, now))
                .as("stamped beyond now's tolerance").isEmpty();
    }

    private Path version(String name, String... titles) throws Exception {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir.resolve(TrainedModel.ASSETS));
        Files.write(dir.resolve(TrainedModel.ASSETS).resolve(TrainedModel.TITLES_FILE), List.of(titles), StandardCharsets.UTF_8);
        return dir;
    }
}

package dev.marquee.model.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.model.ModelRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rejected candidates do not pile up: the trainer keeps the most recent few (issue 16, "hostile neighbours"). */
class CandidateFoldersTest {
    @TempDir
    Path base;

    @Test
    void pruningKeepsTheMostRecentRejectedCandidatesAndDeletesTheRest() throws Exception {
        ModelRegistry registry = new ModelRegistry(base);
        CandidateFolders folders = new CandidateFolders(registry, "marquee");
        for (int i = 0; i < 8; i++) {
            Path candidate = Files.createDirectories(registry.modelDir("marquee").resolve(".candidate-" + i));
            Files.writeString(candidate.resolve("saved_model.pb"), "x".repeat(1000));
            Path aside = folders.moveAside(CandidateFolders.REJECTED_DIR, "retrain-" + i, candidate);
            Files.setLastModifiedTime(aside, FileTime.fromMillis(1_000_000L * (i + 1)));
        }
        Path rejected = registry.modelDir("marquee").resolve(CandidateFolders.REJECTED_DIR);
        assertThat(Files.list(rejected).count()).isEqualTo(8);

        List<Path> deleted = folders.pruneRejected(5, CandidateFoldersTest::unexpected);

        assertThat(deleted).extracting(p -> p.getFileName().toString())
                .containsExactly("retrain-0", "retrain-1", "retrain-2");
        try (var left = Files.list(rejected)) {
            assertThat(left.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly("retrain-3", "retrain-4", "retrain-5", "retrain-6", "retrain-7");
        }
        assertThat(folders.pruneRejected(5, CandidateFoldersTest::unexpected)).isEmpty();
        assertThat(folders.pruneRejected(0, CandidateFoldersTest::unexpected)).hasSize(5);
    }

    private static void unexpected(Path dir, java.io.IOException e) {
        throw new AssertionError("could not delete " + dir, e);
    }

    /**
     * A rejected candidate that cannot be deleted (a person's run as another user left it) is told and skipped: the
     * others are still pruned, and the rejection that pruned them does not fail.
     */
    @Test
    void aRejectedCandidateThatCannotBeDeletedIsSkippedAndTheRestPruned() throws Exception {
        ModelRegistry registry = new ModelRegistry(base);
        CandidateFolders folders = new CandidateFolders(registry, "marquee");
        for (int i = 0; i < 3; i++) {
            Path candidate = Files.createDirectories(registry.modelDir("marquee").resolve(".candidate-" + i));
            Files.writeString(candidate.resolve("saved_model.pb"), "x");
            Path aside = folders.moveAside(CandidateFolders.REJECTED_DIR, "retrain-" + i, candidate);
            Files.setLastModifiedTime(aside, FileTime.fromMillis(1_000_000L * (i + 1)));
        }
        Path oldest = registry.modelDir("marquee").resolve(CandidateFolders.REJECTED_DIR).resolve("retrain-0");
        List<Path> couldNot = new java.util.ArrayList<>();
        List<Path> deleted;
        try (var stuck = dev.marquee.model.testing.Undeletable.make(oldest.resolve("saved_model.pb"))) {
            deleted = folders.pruneRejected(0, (dir, e) -> couldNot.add(dir));
        }
        assertThat(couldNot).containsExactly(oldest);
        assertThat(deleted).extracting(p -> p.getFileName().toString()).containsExactly("retrain-1", "retrain-2");
        assertThat(folders.pruneRejected(0, CandidateFoldersTest::unexpected)).as("tried again next time").containsExactly(oldest);
    }

    @Test
    void aRegistryWithoutRejectedCandidatesHasNothingToPrune() throws Exception {
        assertThat(new CandidateFolders(new ModelRegistry(base), "marquee").pruneRejected(0, CandidateFoldersTest::unexpected)).isEmpty();
    }
}

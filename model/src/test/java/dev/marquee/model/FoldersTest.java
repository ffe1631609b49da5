package dev.marquee.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.model.testing.Undeletable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FoldersTest {
    @TempDir
    Path dir;

    /** The trainer's start-up clean-up: one leftover it cannot delete is told and skipped, the others deleted. */
    @Test
    void anEntryThatCannotBeDeletedIsToldAndTheOthersDeleted() throws Exception {
        for (String name : List.of(".candidate-a", ".candidate-b", ".candidate-c", "kept")) {
            Files.writeString(Files.createDirectories(dir.resolve(name)).resolve("saved_model.pb"), "x");
        }
        List<Path> couldNot = new ArrayList<>();
        int deleted;
        try (var stuck = Undeletable.make(dir.resolve(".candidate-b/saved_model.pb"))) {
            deleted = Folders.deleteEntriesStartingWith(dir, ".candidate-", (p, e) -> couldNot.add(p));
        }
        assertThat(deleted).isEqualTo(2);
        assertThat(couldNot).containsExactly(dir.resolve(".candidate-b"));
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString()).sorted()).containsExactly(".candidate-b", "kept");
        }
        assertThat(Folders.deleteEntriesStartingWith(dir, ".candidate-", (p, e) -> {
            throw new AssertionError("could not delete " + p, e);
        })).as("tried again next time").isEqualTo(1);
    }
}

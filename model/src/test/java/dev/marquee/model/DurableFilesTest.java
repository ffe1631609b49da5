package dev.marquee.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableFilesTest {
    @TempDir
    Path dir;

    /** Told by uid, not by name: a container's uid without a passwd entry has no user name to look up. */
    @Test
    void aFileThisProcessMadeIsItsOwnWhateverItsUserNameSays() throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "x");
        String name = System.getProperty("user.name");
        try {
            System.setProperty("user.name", "?"); // what Java 17 says for a uid without a passwd entry
            assertThat(DurableFiles.ownedByThisUser(file)).isTrue();
        } finally {
            System.setProperty("user.name", name);
        }
        assertThat(DurableFiles.ownedByThisUser(dir.resolve("absent"))).isFalse();
    }
}

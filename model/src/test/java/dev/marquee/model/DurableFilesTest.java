package dev.marquee.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
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

    /**
     * The registry's lock files: writable by their group whatever the umask, no temporary file left, an existing one
     * never remade. (That the mode is there from the file's first moment, a link of a file chmodded before, is the
     * code's; what a test sees afterwards is the same either way.)
     */
    @Test
    void aLockFileIsMadeGroupWritableAndNothingElseIsLeft() throws Exception {
        Path file = dir.resolve(".lock");
        DurableFiles.createGroupWritableFile(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-rw-r--");
        try (Stream<Path> entries = Files.list(dir)) {
            assertThat(entries).as("no temporary file left").containsExactly(file);
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        DurableFiles.createGroupWritableFile(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as("an existing one left as it is")
                .isEqualTo("rw-------");
    }
}

package dev.marquee.job.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An embedded run's checkpoints live in a folder of its JVM's own, deleted when that JVM exits; what a killed JVM
 * left is deleted by the next claim, never a live JVM's folder nor anything else under the setting's folder.
 */
class LocalCheckpointFoldersTest {
    @TempDir
    Path root;
    /** A space and a literal {@code %41} in its name: Flink must get the folder's own name, not a URI's escapes. */
    Path base;

    @BeforeEach
    void base() throws Exception {
        base = Files.createDirectories(root.resolve("check points %41"));
    }

    /** The folder a checkpoint directory setting names, read as Flink reads it. */
    static Path asFlinkReadsIt(String checkpointDirectory) {
        return Path.of(new org.apache.flink.core.fs.Path(checkpointDirectory).toUri().getPath());
    }

    private static Process holder(Path base) throws Exception {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), CheckpointFolderHolderMain.class.getName(), base.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static Path claimedBy(Process holder) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        while (line != null && !line.startsWith(CheckpointFolderHolderMain.PREFIX)) line = out.readLine();
        assertThat(line).as("the other JVM claimed a folder").isNotNull();
        return asFlinkReadsIt(line.substring(CheckpointFolderHolderMain.PREFIX.length()));
    }

    @Test
    void aRunningJvmsFolderIsKeptAndItsExitDeletesIt() throws Exception {
        Process other = holder(base);
        try {
            Path theirs = claimedBy(other);
            assertThat(theirs.getParent()).isEqualTo(base);
            assertThat(theirs.getFileName().toString()).startsWith("run-" + other.pid() + "-");
            Files.writeString(theirs.resolve("chk-1"), "state");

            String mine = LocalCheckpointFolders.claim(base.toUri().toString());
            assertThat(LocalCheckpointFolders.claim(base.toUri().toString())).as("one folder per JVM").isEqualTo(mine);
            assertThat(asFlinkReadsIt(mine)).isDirectory().isNotEqualTo(theirs);
            assertThat(theirs.resolve("chk-1")).as("a live JVM's folder is kept").exists();

            other.getOutputStream().close();
            assertThat(other.waitFor(60, TimeUnit.SECONDS)).as("the other JVM exited").isTrue();
            assertThat(theirs).as("deleted as its JVM exited").doesNotExist();

            LocalCheckpointFolders.release(base);
            assertThat(asFlinkReadsIt(mine)).as("deleted when let go").doesNotExist();
        } finally {
            other.destroyForcibly();
            LocalCheckpointFolders.release(base);
        }
    }

    @Test
    void whatAKilledJvmLeftIsDeletedByTheNextClaimAndNothingElse() throws Exception {
        Path jobIdFolder = Files.createDirectories(base.resolve("0123456789abcdef0123456789abcdef/chk-3"));
        // an exit whose clean-up lost the race with Flink's last write: the lock file went, a checkpoint stayed
        Path halfDeleted = base.resolve("run-1-12345");
        Files.createDirectories(halfDeleted.resolve("0123456789abcdef0123456789abcdef/chk-7"));
        Path beingMade = Files.createDirectories(base.resolve(LocalCheckpointFolders.PENDING + "678"));
        Process other = holder(base);
        Path theirs;
        try {
            theirs = claimedBy(other);
            Files.writeString(theirs.resolve("chk-1"), "state");
        } finally {
            other.destroyForcibly();
        }
        assertThat(other.waitFor(60, TimeUnit.SECONDS)).as("killed").isTrue();
        assertThat(theirs.resolve("chk-1")).as("kill -9 runs no clean-up").exists();

        try {
            LocalCheckpointFolders.claim(base.toUri().toString());
            assertThat(theirs).as("the killed JVM's folder").doesNotExist();
            assertThat(jobIdFolder).as("not a run folder").isDirectory();
            assertThat(halfDeleted).as("a run folder without its lock").doesNotExist();
            assertThat(beingMade).as("a folder being made (locked, then renamed)").isDirectory();
        } finally {
            LocalCheckpointFolders.release(base);
        }
    }

    /** Flink reads a backslash in a checkpoint folder as a '/': another folder, never deleted; refused, nothing made. */
    @Test
    void aFolderWithABackslashIsRefused() {
        Path slashed = base.resolve("a\\b");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LocalCheckpointFolders.claim(slashed.toUri().toString()))
                .isInstanceOf(dev.marquee.data.config.SettingException.class)
                .hasMessage("checkpoint.local-dir must not hold a backslash (Flink reads it as a '/'): " + slashed);
        assertThat(slashed).doesNotExist();
    }

    /** A file system without locks (some network and VM mounts): the run goes on, unlocked, and its exit still cleans. */
    @Test
    void aFileSystemWithoutLocksStillGivesAFolder() throws Exception {
        LocalCheckpointFolders.Locking before = LocalCheckpointFolders.locking;
        LocalCheckpointFolders.locking = channel -> {
            throw new java.io.IOException("No locks available");
        };
        try {
            Path mine = asFlinkReadsIt(LocalCheckpointFolders.claim(base.toUri().toString()));
            assertThat(mine.getParent()).isEqualTo(base);
            assertThat(mine.getFileName().toString()).startsWith("run-" + ProcessHandle.current().pid() + "-");
            assertThat(mine.resolve(LocalCheckpointFolders.LOCK)).as("its lock file, which no sweep takes for none").exists();
            LocalCheckpointFolders.release(base);
            assertThat(mine).doesNotExist();
        } finally {
            LocalCheckpointFolders.locking = before;
            LocalCheckpointFolders.release(base);
        }
    }

    /**
     * A folder being made is locked, then renamed: one still pending after 10 minutes was left by a JVM killed in
     * between and goes; a young one, or an entry gone (renamed, deleted) or dangling by the time it is looked at, stays.
     */
    @Test
    void onlyOldPendingFoldersAreDeletedAndNoneStopsAClaim() throws Exception {
        Path old = Files.createDirectories(base.resolve(LocalCheckpointFolders.PENDING + "old"));
        Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(java.time.Duration.ofMinutes(11))));
        Path young = Files.createDirectories(base.resolve(LocalCheckpointFolders.PENDING + "young"));
        Path dangling = Files.createSymbolicLink(base.resolve(LocalCheckpointFolders.PENDING + "gone"), base.resolve("nowhere"));
        try {
            Path mine = asFlinkReadsIt(LocalCheckpointFolders.claim(base.toUri().toString()));
            assertThat(mine.getFileName().toString()).startsWith("run-" + ProcessHandle.current().pid() + "-");
            assertThat(old).doesNotExist();
            assertThat(young).isDirectory();
            assertThat(Files.isSymbolicLink(dangling)).as("a dangling entry does not stop the claim").isTrue();
        } finally {
            LocalCheckpointFolders.release(base);
        }
    }
}

package dev.marquee.model.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitRevisionTest {
    @TempDir
    Path dir;

    private Path log;

    @BeforeEach
    void aRepositoryWithOneCommit() throws Exception {
        assumeTrue(git(dir.getParent(), "--version"), "git is not installed: GitRevision answers '-' without it");
        log = dir.resolve("docs/model-test-log.tsv");
        Files.createDirectories(log.getParent());
        Files.writeString(log, "date\tresult\n");
        Files.writeString(dir.resolve("Model.java"), "class Model {}\n");
        assertThat(git(dir, "init", "-q")).isTrue();
        assertThat(git(dir, "add", ".")).isTrue();
        assertThat(git(dir, "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false",
                "commit", "-q", "-m", "one")).isTrue();
    }

    @Test
    void aCleanTreeIsItsCommit() {
        assertThat(GitRevision.of(dir, log)).matches("[0-9a-f]{12}");
    }

    @Test
    void aChangedTrackedFileIsMarked() throws IOException {
        Files.writeString(dir.resolve("Model.java"), "class Model { int changed; }\n");
        assertThat(GitRevision.of(dir, log)).matches("[0-9a-f]{12}\\+changes");
    }

    @Test
    void aNewSourceFileNotYetAddedIsMarked() throws IOException {
        Files.writeString(dir.resolve("notes.txt"), "a scratch file outside the sources\n");
        assertThat(GitRevision.of(dir, log)).as("not a source file").matches("[0-9a-f]{12}");
        Path added = Files.createDirectories(dir.resolve("model/src/main/java")).resolve("Better.java");
        Files.writeString(added, "class Better {}\n");
        assertThat(GitRevision.of(dir.resolve("model"), log)).matches("[0-9a-f]{12}\\+changes");
    }

    @Test
    void theLogItselfDoesNotCountAsAChange() throws IOException {
        Files.writeString(log, "date\tresult\n2026-12-04\t0.89\n");
        assertThat(GitRevision.of(dir, log)).matches("[0-9a-f]{12}");
    }

    @Test
    void aLogOutsideTheTreeStillSeesTheTreesChanges(@TempDir Path elsewhere) throws IOException {
        Files.writeString(dir.resolve("Model.java"), "class Model { int changed; }\n");
        assertThat(GitRevision.of(dir, elsewhere.resolve("log.tsv"))).matches("[0-9a-f]{12}\\+changes");
    }

    @Test
    void outsideAWorkTreeItIsADash(@TempDir Path plain) {
        assertThat(GitRevision.of(plain, plain.resolve("log.tsv"))).isEqualTo("-");
    }

    private static boolean git(Path in, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command).directory(in.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return false;
        }
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
}

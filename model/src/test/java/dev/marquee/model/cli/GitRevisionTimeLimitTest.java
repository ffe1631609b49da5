package dev.marquee.model.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GitRevision's time limit, with commands of the shell's own (these need no git). */
class GitRevisionTimeLimitTest {
    @TempDir
    Path dir;

    @Test
    void aCommandThatDoesNotEndIsGivenUpAtTheLimit() {
        // the child keeps its output open while it waits, as a git on a mount that stopped answering would
        String answer = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> GitRevision.run(dir,
                List.of("sh", "-c", "echo abc; exec sleep 120"), Duration.ofMillis(500)));
        assertThat(answer).isNull();
    }

    @Test
    void aCommandsOutputIsReadOnceItHasEnded() {
        assertThat(GitRevision.run(dir, List.of("sh", "-c", "echo ' abc '"), Duration.ofSeconds(20))).isEqualTo("abc");
    }
}

package dev.marquee.model.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The source revision a command runs from, for the test log: the commit, with {@code +changes} when tracked
 * files differ from it (the log file itself aside) or a source file or pom under the tree is not yet added, or
 * {@code -} outside a git work tree or without git.
 */
public final class GitRevision {
    private GitRevision() {}

    public static String of(Path workingDir, Path logFile) {
        String commit = run(workingDir, List.of("git", "rev-parse", "--short=12", "HEAD"));
        if (commit == null || commit.isEmpty()) {
            return "-";
        }
        String exclude = ":(exclude)" + logFile.toAbsolutePath();
        String changed = run(workingDir, List.of("git", "diff", "--name-only", "HEAD", "--", exclude));
        if (changed == null) { // a log outside the work tree is not a pathspec git accepts
            changed = run(workingDir, List.of("git", "diff", "--name-only", "HEAD"));
        }
        // a new source file not yet added changes what runs as much as an edit does (scratch files elsewhere do not)
        String untracked = run(workingDir, List.of("git", "ls-files", "--others", "--exclude-standard", "--",
                ":(top,glob)**/src/**", ":(top,glob)**/pom.xml"));
        boolean clean = (changed == null || changed.isEmpty()) && (untracked == null || untracked.isEmpty());
        return commit + (clean ? "" : "+changes");
    }

    /** The command's standard output, stripped; null when it fails or takes more than 10 s. */
    private static String run(Path dir, List<String> command) {
        return run(dir, command, Duration.ofSeconds(10));
    }

    /**
     * Output goes to a file, not a pipe: reading a pipe to its end waits for git to end, so the time limit
     * would never be reached (a checkout on a network mount that stopped answering).
     */
    static String run(Path dir, List<String> command, Duration limit) {
        Path out = null;
        try {
            out = Files.createTempFile("marquee-git", ".out");
            Process p = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).redirectOutput(out.toFile()).start();
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? Files.readString(out, StandardCharsets.UTF_8).strip() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException e) {
                    // a temporary file of a few bytes; the log line it served is written either way
                }
            }
        }
    }
}

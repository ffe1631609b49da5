package dev.marquee.infra.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A test's child process run to its end within a time limit. Its output goes to files, not pipes: reading a pipe to
 * its end waits for the child to end, so a time limit checked after that read is never reached, and a stuck child
 * would hang the whole test fork instead of failing one test.
 */
public record ChildRun(int exitValue, String out, String err) {

    /**
     * Starts {@code builder} with its standard output and error sent to temporary files (unless it already sends
     * them elsewhere, or merges the error into the output) and waits at most {@code limit}; a child still running
     * then is killed and the wait fails with the command's name.
     */
    public static ChildRun of(ProcessBuilder builder, Duration limit) throws IOException, InterruptedException {
        Path out = Files.createTempFile("marquee-child", ".out");
        Path err = Files.createTempFile("marquee-child", ".err");
        try {
            if (builder.redirectOutput() == ProcessBuilder.Redirect.PIPE) builder.redirectOutput(out.toFile());
            if (!builder.redirectErrorStream() && builder.redirectError() == ProcessBuilder.Redirect.PIPE) {
                builder.redirectError(err.toFile());
            }
            Process p = builder.start();
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", builder.command()) + " did not end within " + limit
                        + "; its output: " + Files.readString(out, StandardCharsets.UTF_8));
            }
            return new ChildRun(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}

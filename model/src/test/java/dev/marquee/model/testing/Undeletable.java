package dev.marquee.model.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A file that nobody can delete, root included, until closed: the immutable attribute ({@code chattr +i}). Permissions
 * cannot make a deletion fail for root, and these tests must fail the same way whoever runs them. Skips (with the
 * reason) where the file system or the process cannot set the attribute.
 */
public final class Undeletable implements AutoCloseable {
    private final Path file;

    private Undeletable(Path file) {
        this.file = file;
    }

    public static Undeletable make(Path file) throws IOException, InterruptedException {
        assumeTrue(chattr("+i", file) == 0, "chattr +i is not available here (file system or privileges): "
                + "a deletion cannot be made to fail");
        return new Undeletable(file);
    }

    private static int chattr(String flag, Path file) throws IOException, InterruptedException {
        try {
            Process p = new ProcessBuilder("chattr", flag, file.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException noChattr) {
            return -1;
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        chattr("-i", file);
    }

    /** Clears the attribute of {@code file}, one made undeletable and moved since (with its folder). */
    public static void release(Path file) throws IOException, InterruptedException {
        chattr("-i", file);
    }
}

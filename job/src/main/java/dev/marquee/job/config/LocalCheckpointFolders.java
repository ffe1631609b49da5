package dev.marquee.job.config;

import dev.marquee.data.config.SettingException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The folder of this JVM's embedded runs under {@code checkpoint.local-dir}: {@code run-<pid>-<random>}, whose
 * {@code .lock} the JVM holds while it lives, and which it deletes as it exits. An embedded run never restores from
 * its checkpoints (every start is a new job), so without this each run stopped by Ctrl-C or kill -9 would leave a
 * folder of checkpoints nothing reads. A claim first deletes the run folders whose lock no process holds (their JVM
 * ended) or that have no lock at all (a folder is locked before it gets its {@code run-} name, so one without is
 * what an exit left half deleted, or Flink wrote again after it). Other folders there (a job id's, from a release
 * before this one) are left alone.
 */
public final class LocalCheckpointFolders {
    private static final Logger LOG = LoggerFactory.getLogger(LocalCheckpointFolders.class);
    static final String PREFIX = "run-";
    static final String PENDING = ".pending-run-";
    static final String LOCK = ".lock";
    /** A folder being made is renamed within milliseconds; one older than this was left by a JVM killed meanwhile. */
    private static final Duration PENDING_AGE = Duration.ofMinutes(10);

    /** How a claim locks its folder; a file system without locks throws (tests replace it). */
    interface Locking {
        FileLock lock(FileChannel channel) throws IOException;
    }

    static Locking locking = FileChannel::lock;

    private record Claim(Path folder, FileChannel channel, FileLock lock, Thread hook) {}

    private static final Map<Path, Claim> CLAIMED = new HashMap<>();

    private LocalCheckpointFolders() {}

    /**
     * This JVM's run folder under {@code baseUri} (a {@code file:} URI, as {@link JobSettings} gives it), as Flink takes
     * a checkpoint directory: {@code file://} and the path as it stands, not percent-encoded (Flink's {@code Path}
     * reads the text literally, so {@code %20} would name a folder called {@code %20}; it turns a backslash into a
     * slash, so a folder with one is refused: its checkpoints would go elsewhere, never deleted).
     */
    public static synchronized String claim(String baseUri) {
        Path base = Path.of(URI.create(baseUri)).toAbsolutePath().normalize();
        if (base.toString().contains("\\")) {
            throw new SettingException(ScoringJobOptions.CHECKPOINT_LOCAL_DIR.key() + " must not hold a backslash (Flink"
                    + " reads it as a '/'): " + base);
        }
        Claim claim = CLAIMED.get(base);
        if (claim == null) {
            try {
                Files.createDirectories(base);
                removeAbandoned(base);
                Path pending = Files.createTempDirectory(base, PENDING);
                FileChannel channel = FileChannel.open(pending.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = null;
                try {
                    lock = locking.lock(channel);
                } catch (IOException e) { // "No locks available": a mount without them; the exit still deletes it
                    LOG.warn("cannot lock {} ({}): its checkpoints are deleted when this JVM exits, but not after a"
                            + " kill -9", pending.resolve(LOCK), e.toString());
                }
                // the lock (on the file, not its name) goes along with the rename
                Path folder = Files.move(pending, base.resolve(PREFIX + ProcessHandle.current().pid() + "-"
                        + pending.getFileName().toString().substring(PENDING.length())));
                Thread hook = new Thread(() -> deleteTree(folder), "marquee-checkpoint-folder-cleanup");
                Runtime.getRuntime().addShutdownHook(hook);
                claim = new Claim(folder, channel, lock, hook);
                CLAIMED.put(base, claim);
            } catch (IOException e) {
                throw new SettingException(ScoringJobOptions.CHECKPOINT_LOCAL_DIR.key() + ": cannot make a folder under "
                        + base + ": " + e);
            }
        }
        return "file://" + claim.folder();
    }

    /** Lets go of the run folder under {@code base} and deletes it, as the JVM does at its exit (tests). */
    static synchronized void release(Path base) throws IOException {
        Claim claim = CLAIMED.remove(base.toAbsolutePath().normalize());
        if (claim == null) return;
        Runtime.getRuntime().removeShutdownHook(claim.hook());
        deleteTree(claim.folder());
        if (claim.lock() != null) claim.lock().release();
        claim.channel().close();
    }

    /** Deletes the {@code run-*} folders under {@code base} whose lock no process holds, and old pending ones. */
    private static void removeAbandoned(Path base) throws IOException {
        try (DirectoryStream<Path> runs = Files.newDirectoryStream(base, PREFIX + "*")) {
            for (Path run : runs) {
                if (!Files.isDirectory(run)) continue;
                Path lockFile = run.resolve(LOCK);
                if (!Files.exists(lockFile)) {
                    deleteTree(run);
                    continue;
                }
                try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
                    FileLock lock;
                    try {
                        lock = channel.tryLock();
                    } catch (OverlappingFileLockException heldHere) {
                        continue;
                    }
                    if (lock == null) continue; // a running JVM's
                    deleteTree(run);
                } catch (IOException e) {
                    // no locks on this file system, or another claim deleted it first: not this claim's to decide
                }
            }
        }
        Instant old = Instant.now().minus(PENDING_AGE);
        try (DirectoryStream<Path> pending = Files.newDirectoryStream(base, PENDING + "*")) {
            for (Path p : pending) {
                try {
                    if (Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).compareTo(FileTime.from(old)) < 0) {
                        deleteTree(p);
                    }
                } catch (IOException e) {
                    // renamed by its JVM or deleted by another claim since it was listed
                }
            }
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // a file Flink writes at this moment: what is left has no lock or a free one once this JVM
                    // ended, and the next claim deletes it
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // as above
        }
    }
}

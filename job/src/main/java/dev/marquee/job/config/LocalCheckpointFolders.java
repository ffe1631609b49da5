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
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The folder of this JVM's embedded runs under {@code checkpoint.local-dir}: {@code run-<pid>-<random>}, whose
 * {@code .lock} the JVM holds while it lives, and which it deletes as it exits. An embedded run never restores from
 * its checkpoints (every start is a new job), so without this each run stopped by Ctrl-C or kill -9 would leave a
 * folder of checkpoints nothing reads. A claim first deletes the run folders whose lock no process holds (their JVM
 * ended without deleting them). Other folders there (a job id's, from a release before this one) are left alone.
 */
public final class LocalCheckpointFolders {
    static final String PREFIX = "run-";
    static final String LOCK = ".lock";

    private record Claim(Path folder, FileChannel channel, FileLock lock, Thread hook) {}

    private static final Map<Path, Claim> CLAIMED = new HashMap<>();

    private LocalCheckpointFolders() {}

    /** The {@code file:} URI of this JVM's run folder under {@code baseUri} (as {@link JobSettings} gives it). */
    public static synchronized String claim(String baseUri) {
        Path base = Path.of(URI.create(baseUri)).toAbsolutePath().normalize();
        Claim claim = CLAIMED.get(base);
        if (claim == null) {
            try {
                Files.createDirectories(base);
                removeAbandoned(base);
                Path folder = Files.createTempDirectory(base, PREFIX + ProcessHandle.current().pid() + "-");
                FileChannel channel = FileChannel.open(folder.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.lock();
                Thread hook = new Thread(() -> deleteTree(folder), "marquee-checkpoint-folder-cleanup");
                Runtime.getRuntime().addShutdownHook(hook);
                claim = new Claim(folder, channel, lock, hook);
                CLAIMED.put(base, claim);
            } catch (IOException e) {
                throw new SettingException(ScoringJobOptions.CHECKPOINT_LOCAL_DIR.key() + ": cannot make a folder under "
                        + base + ": " + e);
            }
        }
        String uri = claim.folder().toUri().toString();
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }

    /** Lets go of the run folder under {@code base} and deletes it, as the JVM does at its exit (tests). */
    static synchronized void release(Path base) throws IOException {
        Claim claim = CLAIMED.remove(base.toAbsolutePath().normalize());
        if (claim == null) return;
        Runtime.getRuntime().removeShutdownHook(claim.hook());
        deleteTree(claim.folder());
        claim.lock().release();
        claim.channel().close();
    }

    /** Deletes each {@code run-*} folder under {@code base} whose lock no process holds. */
    private static void removeAbandoned(Path base) throws IOException {
        try (DirectoryStream<Path> runs = Files.newDirectoryStream(base, PREFIX + "*")) {
            for (Path run : runs) {
                Path lockFile = run.resolve(LOCK);
                // without a lock file: being made this moment (the lock comes right after the folder), or left by a
                // JVM killed in between, which costs an empty folder
                if (!Files.isDirectory(run) || !Files.exists(lockFile)) continue;
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
                    // another claim deleted it first, or it cannot be opened: not this run's to decide
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
                    // a file Flink writes at this moment: the folder's lock is free once this JVM ends, and the
                    // next claim deletes what is left
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // as above
        }
    }
}

package dev.marquee.model;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One model's lock in the registry ({@code <base>/<name>/.lock}), held around every read-modify-write of its
 * pointer state (serving.json, PINNED) and a version number's choice: by the trainer's threads and by other
 * processes (a person's {@code promote}, {@code import}, {@code train}). A {@link FileLock} excludes other
 * processes only (the JVM holds it, not the thread), so threads of one JVM first take a JVM-wide lock per file.
 * Reentrant: a holder may call another locked operation.
 */
final class RegistryLock {
    static final String FILE_NAME = ".lock";
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_THIS_JVM = new ConcurrentHashMap<>();

    @FunctionalInterface
    interface Action<T> {
        T run() throws IOException;
    }

    private RegistryLock() {}

    /** Creates the lock file writable by its group too: the trainer and a person may be different users. */
    private static void createGroupWritable(Path file) throws IOException {
        DurableFiles.createGroupWritableFile(file);
    }

    /** Runs {@code action} holding the lock of the model folder {@code modelDir} (which must exist). */
    static <T> T holding(Path modelDir, Action<T> action) throws IOException {
        Path file = modelDir.toRealPath().resolve(FILE_NAME);
        ReentrantLock jvm = IN_THIS_JVM.computeIfAbsent(file, f -> new ReentrantLock());
        jvm.lock();
        try {
            if (jvm.getHoldCount() > 1) return action.run();
            FileChannel channel;
            try {
                createGroupWritable(file);
                channel = FileChannel.open(file, StandardOpenOption.WRITE);
            } catch (AccessDeniedException e) {
                throw new IOException("cannot take the registry lock " + file + ": permission denied (every user who"
                        + " writes the registry, the trainer as well as a person running marquee commands, must be able"
                        + " to write it; it is created writable by its group)", e);
            }
            try (channel; FileLock ignored = channel.lock()) {
                return action.run();
            }
        } finally {
            jvm.unlock();
        }
    }
}

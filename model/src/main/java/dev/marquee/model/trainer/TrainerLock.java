package dev.marquee.model.trainer;

import dev.marquee.model.cli.CliException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One trainer per model of a registry, held for the worker's life ({@value #FILE_NAME} in the model's folder; the
 * registry's own short-lived lock is another file). Two workers would both clean up each other's candidate folders,
 * publish the same deferred candidate from two threads, and add up their promoters' time in shadow.
 */
final class TrainerLock implements AutoCloseable {
    static final String FILE_NAME = ".trainer.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private TrainerLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code modelDir} (which must exist: {@code ModelRegistry.createModelDir} makes it enterable by
     * the scoring job's user), or fails with a one-line message when another trainer holds it.
     */
    static TrainerLock acquire(Path modelDir, String what) throws IOException {
        Path file = modelDir.resolve(FILE_NAME);
        // exists when taken before, by this or another trainer: the file lock says whether it still runs
        dev.marquee.model.DurableFiles.createGroupWritableFile(file);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.WRITE);
        } catch (java.nio.file.AccessDeniedException e) {
            throw CliException.failure("cannot take " + file + ": permission denied (every user who runs a trainer on "
                    + what + " must be able to write it; it is created writable by its group)");
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException inThisJvm) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw CliException.failure("another trainer is running on " + what + " (it holds " + file + "): one"
                    + " trainer per model; stop it first (a --once run too)");
        }
        return new TrainerLock(channel, lock);
    }

    @Override
    public void close() throws IOException {
        try (channel) {
            lock.release();
        }
    }
}

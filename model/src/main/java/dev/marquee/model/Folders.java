package dev.marquee.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Folder housekeeping for the registry and the trainer's candidates. */
public final class Folders {
    private Folders() {}

    /**
     * Copies the tree under {@code from} into {@code to} (which may exist and be empty), files and folders alike,
     * following symbolic links: a SavedModel whose {@code variables/} (or any folder) is a link is copied whole.
     */
    public static void copyRecursively(Path from, Path to) throws IOException {
        try (java.util.stream.Stream<Path> paths = Files.walk(from, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }

    /** Deletes a folder and everything under it (links themselves, never what they point to); absent is fine. */
    public static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * As {@link #deleteEntriesStartingWith(Path, String)}, but an entry that cannot be deleted (another user's files, a
     * busy network volume) is told to {@code couldNot} and left for next time instead of stopping the others.
     */
    public static int deleteEntriesStartingWith(Path dir, String prefix, java.util.function.BiConsumer<Path, IOException> couldNot)
            throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int n = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, p -> p.getFileName().toString().startsWith(prefix))) {
            for (Path p : entries) {
                try {
                    deleteRecursively(p);
                    n++;
                } catch (IOException e) {
                    couldNot.accept(p, e);
                }
            }
        }
        return n;
    }

    /** Deletes every entry of {@code dir} whose name starts with {@code prefix}; returns how many. */
    public static int deleteEntriesStartingWith(Path dir, String prefix) throws IOException {
        try {
            return deleteEntriesStartingWith(dir, prefix, (p, e) -> {
                throw new UncheckedIOException(e); // the first failure stops the rest
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}

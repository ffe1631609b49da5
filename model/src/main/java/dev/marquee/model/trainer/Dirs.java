package dev.marquee.model.trainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Folder housekeeping for candidates. */
final class Dirs {
    private Dirs() {}

    /** Deletes a folder and everything under it (links themselves, never what they point to); absent is fine. */
    static void deleteRecursively(Path root) throws IOException {
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

    /** Deletes the candidate folders a killed worker left in {@code modelDir}; returns how many. */
    static int removeStaleCandidates(Path modelDir) throws IOException {
        if (!Files.isDirectory(modelDir)) {
            return 0;
        }
        int n = 0;
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(modelDir,
                p -> p.getFileName().toString().startsWith(Retrainer.CANDIDATE_PREFIX))) {
            for (Path p : stale) {
                deleteRecursively(p);
                n++;
            }
        }
        return n;
    }
}

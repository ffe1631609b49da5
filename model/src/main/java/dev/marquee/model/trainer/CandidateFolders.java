package dev.marquee.model.trainer;

import dev.marquee.model.DurableFiles;
import dev.marquee.model.Folders;
import dev.marquee.model.ModelRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Candidates that are not versions: {@code <base>/<name>/rejected/<request-id>/} and
 * {@code <base>/<name>/deferred/<request-id>/} (a suffix {@code -2}, {@code -3}, ... when a redone request
 * already left one). Request ids become folder names through {@link RegistryPaths#safeComponent} and every path
 * is checked to stay inside the registry. Rejected candidates are pruned to the most recent few.
 */
final class CandidateFolders {
    static final String REJECTED_DIR = "rejected";
    static final String DEFERRED_DIR = "deferred";

    private final ModelRegistry registry;
    private final String name;

    CandidateFolders(ModelRegistry registry, String name) {
        this.registry = registry;
        this.name = name;
    }

    /** Moves a candidate folder to {@code <kind>/<request-id>[-n]} in one rename; returns where it went. */
    Path moveAside(String kind, String requestId, Path candidateDir) throws IOException {
        Path root = Files.createDirectories(registry.modelDir(name).resolve(kind));
        String base = RegistryPaths.safeComponent(requestId);
        Path target = root.resolve(base);
        // a name whose superseded mark is still there (deferred/<name>.superseded) is taken too: the mark is its
        for (int n = 2; Files.exists(target, LinkOption.NOFOLLOW_LINKS)
                || Files.exists(target.resolveSibling(target.getFileName() + ".superseded"), LinkOption.NOFOLLOW_LINKS); n++) {
            target = root.resolve(base + "-" + n);
        }
        target = RegistryPaths.requireInside(registry.base(), target);
        DurableFiles.moveTree(candidateDir, target);
        return target;
    }

    /** The deferred candidates' folders, oldest first (by last change, then name). */
    List<Path> deferred() throws IOException {
        return byAge(registry.modelDir(name).resolve(DEFERRED_DIR));
    }

    /** The rejected candidates' folders, oldest first (by last change, then name). */
    List<Path> rejected() throws IOException {
        return byAge(registry.modelDir(name).resolve(REJECTED_DIR));
    }

    /**
     * Deletes all but the {@code keep} most recently changed rejected candidates; returns the deleted folders. One that
     * cannot be deleted (another user's, say) is told to {@code couldNot} and tried again next time: a rejection, or a
     * trainer's start, must not fail on it.
     */
    List<Path> pruneRejected(int keep, java.util.function.BiConsumer<Path, IOException> couldNot) throws IOException {
        List<Path> all = rejected();
        List<Path> deleted = new ArrayList<>();
        for (int i = 0; i < all.size() - keep; i++) {
            Path dir = RegistryPaths.requireInside(registry.base(), all.get(i));
            try {
                Folders.deleteRecursively(dir);
                deleted.add(dir);
            } catch (IOException e) {
                couldNot.accept(dir, e);
            }
        }
        return deleted;
    }

    private static List<Path> byAge(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(root)) {
            List<Path> dirs = new ArrayList<>(entries.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList());
            dirs.sort(Comparator.comparing(CandidateFolders::changed).thenComparing(p -> p.getFileName().toString()));
            return dirs;
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static FileTime changed(Path p) {
        try {
            return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

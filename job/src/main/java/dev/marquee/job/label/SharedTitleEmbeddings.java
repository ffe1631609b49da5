package dev.marquee.job.label;

import dev.marquee.job.score.SharedWork;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Title embeddings computed once per JVM and model version, shared by whoever asks: the scoring slots' loader
 * threads compute them before a version serves ({@link TitleEmbeddingsPreparation}), so the online adaptation
 * finds them ready when the version's first prediction reaches it, instead of computing them on its task thread
 * while predictions wait (a SavedModel load and a pass over the title vocabulary: 0.4–0.6 s, 2.7 s as the JVM's
 * first TensorFlow work). A caller that asks while another computes waits for that result; a failure is not kept,
 * so the next caller tries again. The last {@link #VERSIONS} computed versions stay. {@link TitleEmbeddings} is
 * read-only, so one copy serves every thread.
 */
final class SharedTitleEmbeddings {
    /** Computes a version's embeddings (empty when it has none). */
    interface Computation {
        Optional<TitleEmbeddings> compute() throws IOException;
    }

    static final int VERSIONS = 4;

    private record Key(Path registry, String model, int dimensions, long version) { }

    private static final Map<Key, CompletableFuture<Optional<TitleEmbeddings>>> ENTRIES = new LinkedHashMap<>();

    private SharedTitleEmbeddings() {}

    static Optional<TitleEmbeddings> get(String registry, String model, int dimensions, long version,
                                         Computation computation) throws IOException {
        Key key = new Key(Path.of(registry).toAbsolutePath().normalize(), model, dimensions, version);
        CompletableFuture<Optional<TitleEmbeddings>> entry;
        boolean mine;
        synchronized (ENTRIES) {
            entry = ENTRIES.get(key);
            mine = entry == null;
            if (mine) {
                entry = new CompletableFuture<>();
                ENTRIES.put(key, entry);
            }
        }
        if (!mine) return SharedWork.await(entry, "another thread computed the title embeddings");
        try {
            Optional<TitleEmbeddings> computed = computation.compute();
            entry.complete(computed);
            synchronized (ENTRIES) {
                evictBeyondLimit();
            }
            return computed;
        } catch (IOException | RuntimeException | Error e) {
            synchronized (ENTRIES) {
                ENTRIES.remove(key, entry);
            }
            entry.completeExceptionally(e);
            throw e;
        }
    }

    /** Whether the version's embeddings are computed and held (for tests). */
    static boolean holds(String registry, String model, int dimensions, long version) {
        Key key = new Key(Path.of(registry).toAbsolutePath().normalize(), model, dimensions, version);
        synchronized (ENTRIES) {
            CompletableFuture<Optional<TitleEmbeddings>> entry = ENTRIES.get(key);
            return entry != null && entry.isDone() && !entry.isCompletedExceptionally();
        }
    }

    /** How many versions are held or being computed now (for tests). */
    static int held() {
        synchronized (ENTRIES) {
            return ENTRIES.size();
        }
    }

    /** Oldest finished entries first; one still being computed stays. Guarded by {@link #ENTRIES}. */
    private static void evictBeyondLimit() {
        Iterator<CompletableFuture<Optional<TitleEmbeddings>>> it = ENTRIES.values().iterator();
        while (ENTRIES.size() > VERSIONS && it.hasNext()) {
            if (it.next().isDone()) it.remove();
        }
    }
}

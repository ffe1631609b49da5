package dev.marquee.job.score;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Results computed once per JVM and key and shared by every thread that asks: what several operator instances
 * of a TaskManager need of the same model version (its title embeddings, its title catalog) is computed by the
 * first caller, usually a scoring slot's loader thread before the version serves ({@link VersionPreparation}),
 * and found ready by the others. A caller that asks while another computes waits for that result; a failure is
 * not kept, so the next caller tries again. The last {@code limit} finished results stay, oldest let go first.
 * Results must be safe to read from several threads.
 */
public final class SharedResults<K, V> {
    /** Computes the result for one key. */
    public interface Computation<V> {
        V compute() throws IOException;
    }

    private final int limit;
    private final String what;
    private final Map<K, CompletableFuture<V>> entries = new LinkedHashMap<>();

    /** @param what what is computed, for the message of a caller interrupted while it waits */
    public SharedResults(int limit, String what) {
        if (limit < 1) throw new IllegalArgumentException("limit must be at least 1: " + limit);
        this.limit = limit;
        this.what = what;
    }

    /**
     * The result for {@code key}: computed now by {@code computation}, or another caller's. When the caller that
     * computed it failed only because its own thread was interrupted (its task cancelled by a failover), a waiter
     * that was not interrupted computes it itself, as {@link SharedModels} does for a model's load.
     */
    public V get(K key, Computation<V> computation) throws IOException {
        while (true) {
            CompletableFuture<V> entry;
            boolean mine;
            synchronized (entries) {
                entry = entries.get(key);
                mine = entry == null;
                if (mine) {
                    entry = new CompletableFuture<>();
                    entries.put(key, entry);
                }
            }
            if (!mine) {
                try {
                    return SharedWork.await(entry, "another thread computed " + what);
                } catch (IOException | RuntimeException e) {
                    if (!Thread.currentThread().isInterrupted() && SharedModels.byInterruption(e)) continue;
                    throw e;
                }
            }
            try {
                V computed = computation.compute();
                entry.complete(computed);
                synchronized (entries) {
                    evictBeyondLimit();
                }
                return computed;
            } catch (IOException | RuntimeException | Error e) {
                synchronized (entries) {
                    entries.remove(key, entry);
                }
                entry.completeExceptionally(e);
                throw e;
            }
        }
    }

    /** Whether the result for {@code key} is computed and held. */
    public boolean holds(K key) {
        synchronized (entries) {
            CompletableFuture<V> entry = entries.get(key);
            return entry != null && entry.isDone() && !entry.isCompletedExceptionally();
        }
    }

    /** How many results are held or being computed now. */
    public int held() {
        synchronized (entries) {
            return entries.size();
        }
    }

    public int limit() {
        return limit;
    }

    /** Oldest finished entries first; one still being computed stays. Guarded by {@link #entries}. */
    private void evictBeyondLimit() {
        Iterator<CompletableFuture<V>> it = entries.values().iterator();
        while (entries.size() > limit && it.hasNext()) {
            if (it.next().isDone()) it.remove();
        }
    }
}

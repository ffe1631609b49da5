package dev.marquee.job.label;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The title embeddings of the last few model versions one operator instance has seen, each loaded once when
 * first needed (on the caller's thread: the first prediction of a new version waits for it). A version that has
 * none is remembered so; one whose embeddings fail to load (the registry unreachable, say) is tried again a minute
 * later. Meanwhile its users get the residual bias.
 */
final class EmbeddingCache {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddingCache.class);
    /**
     * The serving version and the two before it: labels of predictions made before a swap arrive for up to
     * labels.join-ttl-ms, and two swaps within it would otherwise cycle three versions through two places, loading
     * (from the JVM's shared copy) on most labels.
     */
    private static final int VERSIONS = 3;
    private static final long RETRY_MS = 60_000;

    private final TitleEmbeddingSource source;
    private final Map<Long, Optional<TitleEmbeddings>> versions = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Optional<TitleEmbeddings>> eldest) {
            return size() > VERSIONS;
        }
    };

    /** Versions whose embeddings failed to load, and when to try each again. */
    private final Map<Long, Long> retryAtMs = new java.util.HashMap<>();
    /**
     * The last versions this instance has logged a load of: a version evicted and loaded again is not logged again
     * (kept for {@value #LOGGED_KEPT} versions, not one per swap for ever).
     */
    private final java.util.Set<Long> logged = java.util.Collections.newSetFromMap(new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > LOGGED_KEPT;
        }
    });
    static final int LOGGED_KEPT = 32;

    private final java.util.function.LongSupplier clockMs;

    EmbeddingCache(TitleEmbeddingSource source) {
        this(source, () -> System.nanoTime() / 1_000_000);
    }

    EmbeddingCache(TitleEmbeddingSource source, java.util.function.LongSupplier clockMs) {
        this.source = source;
        this.clockMs = clockMs;
    }

    /** Whether {@code version}'s embeddings (or that it has none) are held, so that {@link #get} would not load. */
    boolean holds(long version) {
        return versions.containsKey(version);
    }

    /** The version's embeddings, or null when it has none (or they failed to load less than a minute ago). */
    TitleEmbeddings get(long version) {
        Optional<TitleEmbeddings> e = versions.get(version);
        if (e != null) return e.orElse(null);
        long now = clockMs.getAsLong();
        Long retryAt = retryAtMs.get(version);
        if (retryAt != null && now < retryAt) return null;
        e = load(version);
        if (e != null) {
            retryAtMs.remove(version);
            versions.put(version, e);
            return e.orElse(null);
        }
        retryAtMs.values().removeIf(at -> at <= now); // bounded by the versions failing within a minute
        retryAtMs.put(version, now + RETRY_MS);
        return null;
    }

    /** The version's embeddings, empty when it has none, null when loading failed. */
    private Optional<TitleEmbeddings> load(long version) {
        long start = System.nanoTime();
        try {
            Optional<TitleEmbeddings> e = source.load(version);
            if (!logged.add(version)) {
                LOG.debug("online adaptation: title embeddings of version {} loaded again", version);
            } else if (e.isPresent()) {
                LOG.info("online adaptation: title embeddings of version {}: {} titles, {} dimensions, in {} ms", version,
                        e.get().size(), e.get().dimensions(), (System.nanoTime() - start) / 1_000_000);
            } else {
                LOG.info("online adaptation: version {} has no title embeddings; its users get the residual bias", version);
            }
            return e;
        } catch (Exception e) {
            LOG.warn("online adaptation: cannot load the title embeddings of version {} (trying again in {} s); its users "
                    + "get the residual bias meanwhile", version, RETRY_MS / 1000, e);
            return null;
        }
    }
}

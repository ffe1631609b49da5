package dev.marquee.job.drift;

import dev.marquee.data.drift.*;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference buckets of the few model versions a task sees, loaded from the registry on first use. A
 * version without a readable profile gets a {@link ReferenceBuckets#placeholder} saying why (logged once), so its
 * predictions still count towards the metrics that need no reference, and the rest are reported unavailable.
 */
final class ReferenceCache {
    private static final Logger LOG = LoggerFactory.getLogger(ReferenceCache.class);
    private static final int MAX_VERSIONS = 4;

    private final String registry;
    private final String modelName;
    private final Map<Long, ReferenceBuckets> loaded = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, ReferenceBuckets> eldest) {
            return size() > MAX_VERSIONS;
        }
    };
    private final Map<Long, ReferenceBuckets> missing = new LinkedHashMap<>();

    ReferenceCache(String registry, String modelName) {
        this.registry = registry;
        this.modelName = modelName;
    }

    /**
     * The version's buckets, or a placeholder (no profile, the reason why) when it has no readable profile. Thread-
     * safe: a slot's loader thread reads a version ahead ({@link ScoredBatchDrift#prepareFor}) while its task thread
     * counts; a task thread asking for a version being read waits for it.
     */
    synchronized ReferenceBuckets get(long version) {
        ReferenceBuckets ref = loaded.get(version);
        if (ref == null) ref = missing.get(version);
        if (ref != null) return ref;
        try {
            ref = ReferenceBuckets.load(registry, modelName, version);
            loaded.put(version, ref);
        } catch (IOException | RuntimeException e) {
            LOG.warn("No drift reference for {} version {}: {}; its distributions are not compared", modelName, version,
                    e.getMessage());
            ref = ReferenceBuckets.placeholder(version, e instanceof NoSuchFileException || e.getCause() instanceof NoSuchFileException
                    ? "version " + version + " has no reference profile (" + ReferenceBuckets.PROFILE_PATH
                            + "), e.g. it was imported without training data"
                    : "the reference profile of version " + version + " cannot be read: " + e.getMessage());
            if (missing.size() >= MAX_VERSIONS) missing.clear();
            missing.put(version, ref);
        }
        return ref;
    }

    /** Whether the version was read (its buckets or its placeholder), so {@link #get} answers without reading. */
    synchronized boolean holds(long version) {
        return loaded.containsKey(version) || missing.containsKey(version);
    }
}

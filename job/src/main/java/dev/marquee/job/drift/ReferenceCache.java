package dev.marquee.job.drift;

import dev.marquee.data.drift.*;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference buckets of the few model versions a task sees, loaded from the registry on first use. A
 * version without a readable profile gets a {@link ReferenceBuckets#placeholder} saying why (logged once), so its
 * predictions still count towards the metrics that need no reference, and the rest are reported unavailable.
 * A version without a profile file keeps its placeholder; one whose profile could not be read (an I/O error, a
 * file being replaced) is read again after {@link #RETRY_AFTER_NANOS}, so a passing registry problem at a swap does
 * not switch the version's comparisons off for the life of the task.
 */
final class ReferenceCache {
    private static final Logger LOG = LoggerFactory.getLogger(ReferenceCache.class);
    private static final int MAX_VERSIONS = 4;
    /** One cache per registry and model in a JVM: see {@link #shared}. */
    private static final java.util.concurrent.ConcurrentHashMap<String, ReferenceCache> SHARED =
            new java.util.concurrent.ConcurrentHashMap<>();
    static final long RETRY_AFTER_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final String registry;
    private final String modelName;
    private final Map<Long, ReferenceBuckets> loaded = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, ReferenceBuckets> eldest) {
            return size() > MAX_VERSIONS;
        }
    };
    private final Map<Long, Missing> missing = new LinkedHashMap<>();
    /** Versions being read now, by the thread that reads them; others asking for the same version wait for it. */
    private final Map<Long, CompletableFuture<ReferenceBuckets>> reading = new HashMap<>();
    private final LongSupplier nanoClock;
    private final Reader reader;

    /** A placeholder, and when the profile may be read again (never, for a version without one). */
    private record Missing(ReferenceBuckets placeholder, long retryAtNanos, boolean absent) {}

    /** Reads a version's reference profile from the registry. */
    @FunctionalInterface
    interface Reader {
        ReferenceBuckets read(String registry, String modelName, long version) throws IOException;
    }

    ReferenceCache(String registry, String modelName) {
        this(registry, modelName, System::nanoTime);
    }

    /**
     * The JVM's cache of this registry's model, shared by its scoring slots and drift-window operators, as the loaded
     * model is (decision 0012): a version's reference holds an entry for every user and title of its training data
     * (tens of MB at ML-32M's size), and the slots of a TaskManager serve the same versions. The buckets are immutable
     * once read, so the task threads read them concurrently.
     */
    static ReferenceCache shared(String registry, String modelName) {
        return SHARED.computeIfAbsent(registry + '\u0000' + modelName, k -> new ReferenceCache(registry, modelName));
    }

    ReferenceCache(String registry, String modelName, LongSupplier nanoClock) {
        this(registry, modelName, nanoClock, ReferenceBuckets::load);
    }

    ReferenceCache(String registry, String modelName, LongSupplier nanoClock, Reader reader) {
        this.registry = registry;
        this.modelName = modelName;
        this.nanoClock = nanoClock;
        this.reader = reader;
    }

    /**
     * The version's buckets, or a placeholder (no profile, the reason why) when it has no readable profile. Thread-
     * safe: a slot's loader thread reads a version ahead ({@link ScoredBatchDrift#prepareFor}) while its task thread
     * counts; the file is read outside the lock, so the task thread asking for the version it serves does not wait
     * for the next version's read, and one asking for a version being read waits for that read only.
     */
    ReferenceBuckets get(long version) {
        CompletableFuture<ReferenceBuckets> theirs;
        CompletableFuture<ReferenceBuckets> mine = null;
        Missing miss;
        synchronized (this) {
            ReferenceBuckets ref = loaded.get(version);
            if (ref != null) return ref;
            miss = missing.get(version);
            if (miss != null && (miss.absent() || nanoClock.getAsLong() - miss.retryAtNanos() < 0)) return miss.placeholder();
            theirs = reading.get(version);
            if (theirs == null) {
                mine = new CompletableFuture<>();
                reading.put(version, mine);
            }
        }
        if (mine == null) return theirs.join();
        ReferenceBuckets ref = null;
        try {
            ref = read(version, miss);
            return ref;
        } finally {
            synchronized (this) {
                reading.remove(version);
            }
            if (ref != null) mine.complete(ref);
            else mine.completeExceptionally(new IllegalStateException("reading the drift reference of version " + version + " failed"));
        }
    }

    private ReferenceBuckets read(long version, Missing miss) {
        try {
            ReferenceBuckets ref = reader.read(registry, modelName, version);
            synchronized (this) {
                loaded.put(version, ref);
                if (missing.remove(version) != null) LOG.info("Drift reference for {} version {} read", modelName, version);
            }
            return ref;
        } catch (IOException | RuntimeException e) {
            if (e instanceof java.nio.channels.ClosedByInterruptException || e instanceof java.io.InterruptedIOException
                    || Thread.currentThread().isInterrupted()) {
                // a cancelled task's read, not the profile's fault: not remembered (the cache outlives the task)
                return ReferenceBuckets.placeholder(version, "reading the reference profile of version " + version
                        + " was interrupted");
            }
            boolean absent = e instanceof NoSuchFileException || e.getCause() instanceof NoSuchFileException;
            if (miss == null) {
                LOG.warn("No drift reference for {} version {}: {}; its distributions are not compared{}", modelName,
                        version, e.getMessage(), absent ? "" : " (read again every 60 s)");
            }
            ReferenceBuckets ref = ReferenceBuckets.placeholder(version, absent
                    ? "version " + version + " has no reference profile (" + ReferenceBuckets.PROFILE_PATH
                            + "), e.g. it was imported without training data"
                    : "the reference profile of version " + version + " cannot be read: " + e.getMessage());
            synchronized (this) {
                if (miss == null && missing.size() >= MAX_VERSIONS) missing.clear();
                missing.put(version, new Missing(ref, nanoClock.getAsLong() + RETRY_AFTER_NANOS, absent));
            }
            return ref;
        }
    }

    /** Whether the version was read (its buckets or its placeholder), so {@link #get} answers without reading. */
    synchronized boolean holds(long version) {
        return loaded.containsKey(version) || missing.containsKey(version);
    }
}

package dev.marquee.job.score;

import dev.marquee.model.ScorerThreads;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model versions loaded in this JVM, shared by the scoring slots that ask for the same one (same folder, TF
 * threads, device and warm-up size): a TaskManager running N slots of the job loads, probes and warms a version
 * once, holds one copy of it in memory, and closes it when the last slot lets go (decision 0012). A slot that
 * asks while another loads it waits for that load, and a load that fails is refused to every slot that waited
 * for it; the next request loads afresh. TensorFlow sessions take concurrent runs, and each slot's runs execute on
 * its own thread ({@link ScorerThreads#interOp} -1).
 */
final class SharedModels {
    private record Key(Path dir, ScorerThreads threads, OptionalInt gpu, int warmRows) { }

    private static final class Entry {
        final CompletableFuture<ServingModel> loaded = new CompletableFuture<>();
        /** Slots holding it; guarded by {@link #ENTRIES}. */
        int leases;
        /** Closed after its last lease was let go; guarded by {@link #ENTRIES}. */
        boolean closed;
    }

    private static final Logger LOG = LoggerFactory.getLogger(SharedModels.class);
    private static final Map<Key, Entry> ENTRIES = new HashMap<>();

    /** How a slot loads a version: {@link ServingModel#load}; tests give one that fails or waits on cue. */
    @FunctionalInterface
    interface Loader {
        ServingModel load(long version, Path dir, ScorerThreads threads, OptionalInt gpu, int warmRows) throws IOException;
    }

    private SharedModels() {}

    /** As {@link ServingModel#load}, sharing a copy already loaded, or being loaded, for the same key. */
    static ServingModel load(long version, Path dir, ScorerThreads threads, OptionalInt gpu, int warmRows) throws IOException {
        return load(version, dir, threads, gpu, warmRows, ServingModel::load);
    }

    static ServingModel load(long version, Path dir, ScorerThreads threads, OptionalInt gpu, int warmRows, Loader loader)
            throws IOException {
        Key key = new Key(dir.toAbsolutePath().normalize(), threads, gpu, warmRows);
        while (true) {
            Entry entry;
            boolean mine;
            synchronized (ENTRIES) {
                entry = ENTRIES.get(key);
                mine = entry == null;
                if (mine) {
                    entry = new Entry();
                    ENTRIES.put(key, entry);
                }
            }
            ServingModel model;
            if (mine) {
                long startedNs = System.nanoTime();
                try {
                    model = loader.load(version, dir, threads, gpu, warmRows);
                } catch (IOException | RuntimeException | Error e) {
                    synchronized (ENTRIES) {
                        ENTRIES.remove(key, entry);
                    }
                    entry.loaded.completeExceptionally(e);
                    throw e;
                }
                entry.loaded.complete(model);
                LOG.info("version {} loaded, probed and warmed in {} ms from {}; the job's slots in this JVM share it",
                        version, (System.nanoTime() - startedNs) / 1_000_000, dir);
            } else {
                try {
                    model = SharedWork.await(entry.loaded, "another slot loaded the version");
                } catch (IOException | RuntimeException e) {
                    // The slot loading it was cancelled (a failover during a swap: its task is interrupted) and its
                    // load failed for that alone: this slot, not interrupted, loads the version itself (the failed
                    // entry is gone) instead of refusing a version that is fine
                    if (!Thread.currentThread().isInterrupted() && byInterruption(e)) {
                        LOG.info("version {}: the slot loading it was stopped; this slot loads it", version);
                        continue;
                    }
                    throw e;
                }
            }
            synchronized (ENTRIES) {
                if (entry.closed) continue; // its last holder let go while this slot waited: load it again
                entry.leases++;
            }
            if (!mine) LOG.info("version {}: this slot shares the copy another slot of this JVM loaded", version);
            Entry leased = entry;
            return model.lease(() -> release(key, leased, model));
        }
    }

    /** Whether a load failed because its thread was interrupted, not because of the version. */
    static boolean byInterruption(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InterruptedIOException || t instanceof ClosedByInterruptException
                    || t instanceof InterruptedException) {
                return true;
            }
        }
        return false;
    }

    /** How many distinct versions are held open in this JVM now (for tests). */
    static int open() {
        synchronized (ENTRIES) {
            return ENTRIES.size();
        }
    }

    private static void release(Key key, Entry entry, ServingModel model) {
        synchronized (ENTRIES) {
            if (--entry.leases > 0) return;
            entry.closed = true;
            ENTRIES.remove(key, entry);
        }
        LOG.info("version {}: no slot of this JVM holds it any more; closed", model.version);
        model.close();
    }
}

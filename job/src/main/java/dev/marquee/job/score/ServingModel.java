package dev.marquee.job.score;

import dev.marquee.model.BatchScorer;
import dev.marquee.model.ScoredBatch;
import dev.marquee.model.ScorerThreads;
import dev.marquee.model.ServingProbe;
import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalInt;

/** One loaded model version that has answered a probe batch, and optionally a warm-up batch of full size. */
final class ServingModel implements AutoCloseable {

    final long version;
    final BatchScorer scorer;
    /** Rows of the warm-up batch this version scored after its probe (0: none). */
    final int warmedRows;
    /** For a lease on a shared copy ({@link SharedModels}): lets go of it instead of closing the scorer; else null. */
    private final Runnable release;
    private volatile boolean closed;

    private ServingModel(long version, BatchScorer scorer, int warmedRows) {
        this(version, scorer, warmedRows, null);
    }

    private ServingModel(long version, BatchScorer scorer, int warmedRows, Runnable release) {
        this.version = version;
        this.scorer = scorer;
        this.warmedRows = warmedRows;
        this.release = release;
    }

    /** A handle on this loaded version whose {@link #close} runs {@code release} once, instead of closing the scorer. */
    ServingModel lease(Runnable release) {
        return new ServingModel(version, scorer, warmedRows, release);
    }

    /** True when this version still answers its probe batch as it did when it was loaded. */
    boolean answersProbe() {
        try {
            probe(version, scorer);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Scores the probe batches ({@link ServingProbe}); throws when the version fails them. */
    private static void probe(long version, BatchScorer scorer) throws IOException {
        String problem = ServingProbe.problem(scorer);
        if (problem != null) throw new IOException("version " + version + " answered " + problem);
    }

    /**
     * Loads {@code dir} and scores the probe batches ({@link ServingProbe}: a known and an unknown user and title, the
     * ids integers for a model that takes integer ids, and the unknown ones alone); a version that fails to load, or answers with anything but finite ratings,
     * is closed and refused with the reason.
     */
    static ServingModel load(long version, Path dir, ScorerThreads threads, OptionalInt gpu) throws IOException {
        return load(version, dir, threads, gpu, 0);
    }

    /**
     * As above, then scores a warm-up batch of {@code warmRows} rows (0 for none) built from the version's own
     * vocabularies ({@link WarmBatch}), so that the first real batches of that size do not pay for TensorFlow's
     * first run at that size. A version that fails the warm-up is refused like one that fails the probe.
     */
    static ServingModel load(long version, Path dir, ScorerThreads threads, OptionalInt gpu, int warmRows) throws IOException {
        return checked(version, dir, BatchScorer.open(dir, threads, gpu), warmRows);
    }

    /** The probe and warm-up of a scorer just opened on {@code dir}, which is closed if either fails in any way. */
    static ServingModel checked(long version, Path dir, BatchScorer scorer, int warmRows) throws IOException {
        try {
            probe(version, scorer);
            int warmed = 0;
            if (warmRows > 0) {
                WarmBatch warm = WarmBatch.of(dir, scorer.contract(), warmRows);
                ScoredBatch scored = scorer.score(warm.users(), warm.titles(), warm.timestamps());
                if (scored.size() != warmRows) {
                    throw new IOException("version " + version + " answered " + scored.size() + " rows for a warm-up batch of " + warmRows);
                }
                warmed = warmRows;
            }
            return new ServingModel(version, scorer, warmed);
        } catch (Throwable e) {
            // an Error too (OutOfMemoryError in the warm-up): the native session is not the JVM's heap to reclaim
            scorer.close();
            throw e;
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed && release != null) return;
            closed = true;
        }
        if (release != null) release.run();
        else scorer.close();
    }

    boolean isClosed() {
        return closed;
    }
}

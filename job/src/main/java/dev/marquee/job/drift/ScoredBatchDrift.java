package dev.marquee.job.drift;

import dev.marquee.data.drift.*;
import dev.marquee.data.event.Prediction;
import dev.marquee.job.score.BatchObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.RandomAccess;
import java.util.function.Consumer;
import org.apache.flink.streaming.api.operators.StreamingRuntimeContext;
import org.apache.flink.util.OutputTag;

/**
 * Drift counts of scored predictions, taken in the scorer batch by batch, against the reference profile of the
 * version that scored them: categorical buckets and OOV of user and title, timestamp hour and day, event-time
 * lag, the prediction histogram and the end-to-end latency (scoring time minus the Kafka record's timestamp).
 * Summaries go out every {@code partial.records} predictions or {@code partial.interval-ms}, whichever first,
 * when the version changes, before every checkpoint barrier and at end of input, so, like the in-line taps, it
 * holds no state across a checkpoint.
 */
public final class ScoredBatchDrift implements BatchObserver<Prediction, DriftCounts> {
    private static final long serialVersionUID = 1L;

    private final DriftSettings settings;
    private final String registry;
    private final String modelName;
    private transient volatile ReferenceCache references; // read by the loader thread too (prepareFor)
    private transient LogBuckets latencyBuckets;
    private transient LogBuckets lagBuckets;
    private transient DriftCounts current;
    /** The reference {@link #current} counts against: a placeholder read again as the real profile is another one. */
    private transient ReferenceBuckets currentRef;

    public ScoredBatchDrift(DriftSettings settings, String registry, String modelName) {
        this.settings = settings;
        this.registry = registry;
        this.modelName = modelName;
    }

    @Override
    public OutputTag<DriftCounts> summaries() {
        return PartialDriftOperator.PARTIALS;
    }

    @Override
    public void open(StreamingRuntimeContext context) {
        openWith(ReferenceCache.shared(registry, modelName));
    }

    /** The cache of drift references this slot reads (tests). */
    ReferenceCache references() {
        return references;
    }

    /** As {@link #open(StreamingRuntimeContext)}, with the cache given (tests: its clock and reader). */
    void openWith(ReferenceCache cache) {
        references = cache;
        latencyBuckets = LogBuckets.latencyMs();
        lagBuckets = LogBuckets.lagSeconds();
    }

    @Override
    public void observe(List<Prediction> predictions, Consumer<DriftCounts> emit) {
        List<Prediction> batch = predictions instanceof RandomAccess ? predictions : new ArrayList<>(predictions);
        long now = System.currentTimeMillis();
        int n = batch.size();
        for (int from = 0; from < n; ) {
            long version = batch.get(from).modelVersion;
            int to = from + 1;
            while (to < n && batch.get(to).modelVersion == version) to++;
            ReferenceBuckets ref = reference(version);
            // another version, or the same one's profile read at last after a failed read (60 s later): counts of
            // another bucket layout, which the window merges but one set of counts cannot hold
            if (current != null && (current.modelVersion != version || ref != currentRef)) flush(emit);
            if (current == null) {
                current = DriftCounts.forVersion(ref, latencyBuckets, lagBuckets);
                currentRef = ref;
            }
            current.countPredictions(batch, from, to, ref, latencyBuckets, lagBuckets, now, settings.futureToleranceMs);
            from = to;
        }
        if (current != null && current.scored >= settings.partialRecords) flush(emit);
    }

    @Override
    public void flush(Consumer<DriftCounts> emit) {
        if (current != null && !current.isEmpty()) emit.accept(current);
        current = null;
        currentRef = null;
    }

    @Override
    public long flushIntervalMs() {
        return settings.partialIntervalMs;
    }

    /** Reads the version's reference ahead, on the thread that loads the model version, off the task thread. */
    @Override
    public void prepareFor(long version) {
        ReferenceCache cache = references;
        if (cache != null) cache.get(version);
    }

    /** Whether the version's reference was read already (for tests). */
    boolean hasReference(long version) {
        return references.holds(version);
    }

    /** A version without a profile gets a placeholder: everything lands in "other", and the window skips it. */
    private ReferenceBuckets reference(long version) {
        return references.get(version);
    }
}

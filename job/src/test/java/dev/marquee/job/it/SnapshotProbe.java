package dev.marquee.job.it;

import dev.marquee.job.source.RawRecord;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

/**
 * A pass-through placed right after the request source that lets a test see the job's snapshots: how many
 * records had passed when each checkpoint was taken, which checkpoints completed, and which checkpoint a run
 * was restored from. State is static: the MiniCluster runs in the test's JVM. It keeps no Flink state itself.
 */
final class SnapshotProbe extends RichMapFunction<RawRecord, RawRecord> implements CheckpointedFunction, CheckpointListener {
    private static final long serialVersionUID = 1L;
    static final AtomicLong SEEN = new AtomicLong();
    static final AtomicLong OPENED = new AtomicLong();
    static final AtomicLong LAST_COMPLETED = new AtomicLong(-1);
    static final AtomicLong RESTORED_FROM = new AtomicLong(-1);
    private static final Map<Long, Long> SEEN_AT_SNAPSHOT = new ConcurrentHashMap<>();

    static void reset() {
        SEEN.set(0);
        OPENED.set(0);
        LAST_COMPLETED.set(-1);
        RESTORED_FROM.set(-1);
        SEEN_AT_SNAPSHOT.clear();
    }

    /** Records that passed after the last completed checkpoint was taken (they will be read again on a restore from it). */
    static long seenSinceLastCompleted() {
        long id = LAST_COMPLETED.get();
        Long at = id < 0 ? null : SEEN_AT_SNAPSHOT.get(id);
        return at == null ? -1 : SEEN.get() - at;
    }

    @Override
    public RawRecord map(RawRecord record) {
        SEEN.incrementAndGet();
        return record;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        SEEN_AT_SNAPSHOT.merge(context.getCheckpointId(), SEEN.get(), Math::max);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {
        OPENED.incrementAndGet();
        OptionalLong restored = context.getRestoredCheckpointId();
        if (restored.isPresent()) RESTORED_FROM.accumulateAndGet(restored.getAsLong(), Math::max);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        LAST_COMPLETED.accumulateAndGet(checkpointId, Math::max);
    }
}

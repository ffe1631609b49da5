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
    /** Per subtask: a subtask's snapshot is taken on its own thread between two records, so its count is exact. */
    private static final Map<Integer, AtomicLong> SEEN_BY_SUBTASK = new ConcurrentHashMap<>();
    private static final Map<Long, Map<Integer, Long>> SEEN_AT_SNAPSHOT = new ConcurrentHashMap<>();
    private transient AtomicLong seenHere;
    /** Set: a subtask stops at its next record, after counting it, until released or cancelled (see {@link #hold}). */
    private static volatile java.util.concurrent.CountDownLatch holding;
    /** Subtasks stopped on a record by {@link #hold}. */
    static final java.util.concurrent.atomic.AtomicInteger HELD = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * Each subtask stops at its next record, after counting it: its task thread takes no snapshot after that, so no
     * later checkpoint completes, and the record held is one a restore from the last completed checkpoint reads
     * again. A cancel interrupts the wait.
     */
    static void hold() {
        holding = new java.util.concurrent.CountDownLatch(1);
    }

    /** Ends a {@link #hold}: records pass again. */
    static void release() {
        java.util.concurrent.CountDownLatch was = holding;
        holding = null;
        if (was != null) was.countDown();
    }

    static void reset() {
        release();
        HELD.set(0);
        SEEN.set(0);
        OPENED.set(0);
        LAST_COMPLETED.set(-1);
        RESTORED_FROM.set(-1);
        SEEN_BY_SUBTASK.clear();
        SEEN_AT_SNAPSHOT.clear();
    }

    /**
     * Records that had passed all subtasks when checkpoint {@code id} was taken: exactly those a restore from it
     * does not read again; -1 if it was not taken.
     */
    static long seenAtSnapshot(long id) {
        Map<Integer, Long> at = SEEN_AT_SNAPSHOT.get(id);
        return at == null ? -1 : at.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Records that passed after the last completed checkpoint was taken (they will be read again on a restore from it). */
    static long seenSinceLastCompleted() {
        long id = LAST_COMPLETED.get();
        long at = id < 0 ? -1 : seenAtSnapshot(id);
        return at < 0 ? -1 : SEEN.get() - at;
    }

    @Override
    public RawRecord map(RawRecord record) {
        seenHere().incrementAndGet();
        SEEN.incrementAndGet();
        java.util.concurrent.CountDownLatch hold = holding;
        if (hold != null) {
            HELD.incrementAndGet();
            try {
                hold.await();
            } catch (InterruptedException cancelled) {
                Thread.currentThread().interrupt(); // the task is being cancelled: let it end
            }
        }
        return record;
    }

    private AtomicLong seenHere() {
        if (seenHere == null) seenHere = SEEN_BY_SUBTASK.computeIfAbsent(subtask(), i -> new AtomicLong());
        return seenHere;
    }

    private int subtask() {
        return getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        SEEN_AT_SNAPSHOT.computeIfAbsent(context.getCheckpointId(), id -> new ConcurrentHashMap<>())
                .put(subtask(), seenHere().get());
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

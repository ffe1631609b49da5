package dev.marquee.job.it;

import dev.marquee.job.source.RawRecord;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * Passes records through and throws once, at the first record after a checkpoint completed with at least a set number
 * of records read since ({@link SnapshotProbe}, placed before it), so the job fails mid-stream with records to read
 * again and recovers from that checkpoint. State is static: the MiniCluster runs in the test's JVM, and the failure
 * must not repeat after the restart.
 */
final class FailOnce implements MapFunction<RawRecord, RawRecord> {
    private static final long serialVersionUID = 1L;
    static final AtomicLong SEEN = new AtomicLong();
    static final AtomicBoolean FAILED = new AtomicBoolean();
    /** The checkpoint the failure came after. */
    static final AtomicLong FAILED_AFTER_CHECKPOINT = new AtomicLong(-1);

    private final long readSinceCheckpoint;

    FailOnce(long readSinceCheckpoint) {
        this.readSinceCheckpoint = readSinceCheckpoint;
    }

    static void reset() {
        SEEN.set(0);
        FAILED.set(false);
        FAILED_AFTER_CHECKPOINT.set(-1);
    }

    @Override
    public RawRecord map(RawRecord record) {
        SEEN.incrementAndGet();
        long completed = SnapshotProbe.LAST_COMPLETED.get();
        if (completed > 0 && SnapshotProbe.seenSinceLastCompleted() >= readSinceCheckpoint
                && FAILED.compareAndSet(false, true)) {
            FAILED_AFTER_CHECKPOINT.set(completed);
            throw new IllegalStateException("injected failure, " + readSinceCheckpoint + " records after checkpoint "
                    + completed);
        }
        return record;
    }
}

package dev.marquee.job.it;

import dev.marquee.job.source.RawRecord;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * Passes records through and throws once, after a set number of records across all subtasks, so a test can
 * make the job fail mid-stream and recover from its last checkpoint. State is static: the MiniCluster runs
 * in the test's JVM, and the failure must not repeat after the restart.
 */
final class FailOnce implements MapFunction<RawRecord, RawRecord> {
    private static final long serialVersionUID = 1L;
    static final AtomicLong SEEN = new AtomicLong();
    static final AtomicBoolean FAILED = new AtomicBoolean();

    private final long after;

    FailOnce(long after) {
        this.after = after;
    }

    static void reset() {
        SEEN.set(0);
        FAILED.set(false);
    }

    @Override
    public RawRecord map(RawRecord record) {
        if (SEEN.incrementAndGet() >= after && FAILED.compareAndSet(false, true)) {
            throw new IllegalStateException("injected failure after " + after + " records");
        }
        return record;
    }
}

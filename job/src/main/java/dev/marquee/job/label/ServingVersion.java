package dev.marquee.job.label;

import java.util.function.LongSupplier;

/**
 * The model version serving now, as one task of the labels' join sees it in the predictions that pass: the newest
 * version seen, which a lower one replaces only once the newest has not been seen for {@link #ROLLBACK_AFTER_MS} (a
 * rollback). The last prediction's version alone would flip with every prediction while the scoring slots serve two
 * versions (they swap one by one, and a slot that refused a version keeps serving the one before), and a late label
 * of the old version would then take back what a user had learned on the new one.
 */
final class ServingVersion {
    static final long ROLLBACK_AFTER_MS = 60_000;

    private final LongSupplier clockMs;
    private long version;
    private long newestSeenAtMs;

    ServingVersion() {
        this(() -> System.nanoTime() / 1_000_000);
    }

    ServingVersion(LongSupplier clockMs) {
        this.clockMs = clockMs;
    }

    /** A prediction of {@code served} passed. */
    void saw(long served) {
        long now = clockMs.getAsLong();
        if (served >= version || now - newestSeenAtMs >= ROLLBACK_AFTER_MS) {
            version = served;
            newestSeenAtMs = now;
        }
    }

    /** The version serving now; 0 before the first prediction. */
    long get() {
        return version;
    }
}

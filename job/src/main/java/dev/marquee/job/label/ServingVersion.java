package dev.marquee.job.label;

import java.util.function.LongSupplier;

/**
 * The model version serving now, as one task of the labels' join sees it in the predictions that pass: the newest
 * version seen, which a lower one replaces only once the newest has not been seen for {@link #ROLLBACK_AFTER_MS}
 * and {@link #ROLLBACK_AFTER_PREDICTIONS} predictions of lower versions have passed since (a rollback). The last
 * prediction's version alone would flip with every prediction while the scoring slots serve two versions (they swap
 * one by one, and a slot that refused a version keeps serving the one before), and a late label of the old version
 * would then take back what a user had learned on the new one. The count keeps low traffic from flipping it too: at
 * a prediction a minute, every old-version prediction would otherwise come a minute after the newest one.
 */
final class ServingVersion {
    static final long ROLLBACK_AFTER_MS = 60_000;
    /** Mixed slots give this many lower-version predictions in a row with odds of 2^-20 at half the slots each. */
    static final int ROLLBACK_AFTER_PREDICTIONS = 20;

    private final LongSupplier clockMs;
    private long version;
    private long newestSeenAtMs;
    private int lowerSinceNewest;

    ServingVersion() {
        this(() -> System.nanoTime() / 1_000_000);
    }

    ServingVersion(LongSupplier clockMs) {
        this.clockMs = clockMs;
    }

    /** A prediction of {@code served} passed. */
    void saw(long served) {
        long now = clockMs.getAsLong();
        if (served < version && (++lowerSinceNewest < ROLLBACK_AFTER_PREDICTIONS
                || now - newestSeenAtMs < ROLLBACK_AFTER_MS)) {
            return;
        }
        version = served;
        newestSeenAtMs = now;
        lowerSinceNewest = 0;
    }

    /** The version serving now; 0 before the first prediction. */
    long get() {
        return version;
    }
}

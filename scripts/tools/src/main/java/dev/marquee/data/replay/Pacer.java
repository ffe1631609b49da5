package dev.marquee.data.replay;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Holds a sender to a steady rate: the n-th send happens no earlier than start + n / rate. */
final class Pacer {
    private final double ratePerSecond;
    private final long startNanos;

    /** @param ratePerSecond sends per second; 0 or less for no pacing */
    Pacer(double ratePerSecond) {
        this.ratePerSecond = ratePerSecond;
        this.startNanos = System.nanoTime();
    }

    void awaitSlot(long n) {
        awaitSlot(n, () -> false);
    }

    /** Waits for the n-th slot, or until {@code stop} says to give up (checked at least every 50 ms). */
    void awaitSlot(long n, BooleanSupplier stop) {
        if (ratePerSecond <= 0) return;
        long due = startNanos + (long) (n * TimeUnit.SECONDS.toNanos(1) / ratePerSecond);
        long wait;
        while ((wait = due - System.nanoTime()) > 0 && !stop.getAsBoolean()) {
            LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(50)));
        }
    }
}

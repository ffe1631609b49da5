package dev.marquee.job.it;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

/** Waits for a condition with a deadline, polling it (this module's tests have no Awaitility). */
final class Conditions {
    private Conditions() {}

    /** Polls {@code condition} every {@code every} until it holds; fails with {@code what} at the deadline. */
    static void await(String what, Duration deadline, Duration every, Callable<Boolean> condition) {
        long end = System.nanoTime() + deadline.toNanos();
        try {
            while (!condition.call()) {
                if (System.nanoTime() > end) throw new AssertionError("not within " + deadline.toSeconds() + " s: " + what);
                LockSupport.parkNanos(every.toNanos());
            }
        } catch (RuntimeException | AssertionError e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("while waiting for " + what, e);
        }
    }
}

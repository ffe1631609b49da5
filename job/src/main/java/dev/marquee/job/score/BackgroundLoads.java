package dev.marquee.job.score;

import java.util.ArrayDeque;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one piece of work at a time on its own daemon thread and hands the result back to the thread that polls
 * (the task thread). A result that finishes after {@link #close()}, or is never taken, is closed here: a loaded
 * model the scorer never installed must not keep its native memory.
 *
 * @param <T> what the work produces
 */
final class BackgroundLoads<T extends AutoCloseable> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundLoads.class);

    private final ExecutorService thread;
    private final Object lock = new Object();
    /** Task thread only: whether work was started and its result not yet taken. */
    private boolean running;
    private T ready;
    private Throwable failed;
    private boolean closed;
    /** Versions the task thread let go of, to be closed here ({@link #retire}). */
    private final ArrayDeque<AutoCloseable> retiring = new ArrayDeque<>();

    BackgroundLoads(String threadName) {
        thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts {@code work}; the previous result must have been taken. */
    void start(Callable<T> work) {
        if (running) throw new IllegalStateException("work is already running");
        running = true;
        thread.execute(() -> {
            T result;
            try {
                result = work.call();
            } catch (Throwable e) {
                synchronized (lock) {
                    failed = e;
                    lock.notifyAll();
                }
                return;
            }
            boolean kept;
            synchronized (lock) {
                kept = !closed;
                if (kept) {
                    ready = result;
                    lock.notifyAll();
                }
            }
            if (!kept) closeQuietly(result);
        });
    }

    /** Whether work was started and its result not yet taken. */
    boolean busy() {
        return running;
    }

    /**
     * The finished work's result (taken: the caller owns it now), or null while it runs or when none was started;
     * with {@code waitForIt}, waits for it; null once closed. Rethrows what the work threw.
     */
    T poll(boolean waitForIt) throws Exception {
        if (!running) return null;
        synchronized (lock) {
            while (waitForIt && ready == null && failed == null && !closed) lock.wait();
            if (closed) {
                running = false;
                return null;
            }
            if (failed != null) {
                Throwable e = failed;
                failed = null;
                running = false;
                if (e instanceof Error error) throw error;
                throw new IllegalStateException("background work failed", e);
            }
            if (ready == null) return null;
            T result = ready;
            ready = null;
            running = false;
            return result;
        }
    }

    /**
     * Closes {@code retired} on this thread, after any work already queued, so that the caller does not wait for
     * it: closing a TensorFlow session and its SavedModel takes 17–31 ms on 2 cores, a stall of the slot at every
     * swap when the task thread did it. Once this is closed, closes it in the caller.
     */
    void retire(AutoCloseable retired) {
        if (retired == null) return;
        boolean here;
        synchronized (lock) {
            here = closed;
            if (!here) retiring.add(retired);
        }
        if (here) {
            closeQuietly(retired);
            return;
        }
        try {
            thread.execute(this::closeRetired);
        } catch (RejectedExecutionException e) {
            closeRetired(); // closed meanwhile: close() drains the rest too
        }
    }

    private void closeRetired() {
        while (true) {
            AutoCloseable next;
            synchronized (lock) {
                next = retiring.poll();
            }
            if (next == null) return;
            closeQuietly(next);
        }
    }

    /**
     * Stops the thread (interrupting the work), closes a result nobody took, now or when it finishes, and closes
     * here what was retired and not yet closed.
     */
    @Override
    public void close() {
        T untaken;
        synchronized (lock) {
            closed = true;
            untaken = ready;
            ready = null;
            lock.notifyAll();
        }
        closeQuietly(untaken);
        thread.shutdownNow();
        closeRetired();
    }

    static void closeQuietly(AutoCloseable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("closing an unused or retired result of background work failed: {}", e.toString());
        }
    }
}

package dev.marquee.job.score;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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

    /** Stops the thread (interrupting the work) and closes a result nobody took, now or when it finishes. */
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
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("closing an unused result of background work failed: {}", e.toString());
        }
    }
}

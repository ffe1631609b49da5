package dev.marquee.job.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SharedResultsTest {
    private final SharedResults<Long, String> shared = new SharedResults<>(4, "a version's result");
    /** A new thread per task: the common pool may have a single worker (2 cores), which another test's task may hold. */
    private static final java.util.concurrent.Executor OWN_THREAD = task -> new Thread(task, "shared-results-test").start();

    private static String result(long version) {
        return new String("result of version " + version); // a new instance each time, so sameness means shared
    }

    private String get(long version, SharedResults.Computation<String> c) throws IOException {
        return shared.get(version, c);
    }

    @Test
    void aVersionIsComputedOnceAndSharedByLaterCallers() throws IOException {
        AtomicInteger computed = new AtomicInteger();
        SharedResults.Computation<String> c = () -> result(computed.incrementAndGet());
        String first = get(1, c);
        String second = get(1, c);
        assertSame(first, second);
        assertEquals(1, computed.get());
        assertTrue(shared.holds(1L));
        get(2, c);
        assertEquals(2, computed.get(), "another key is computed apart");
    }

    @Test
    void aCallerWaitsForTheComputationInFlightAndGetsItsResult() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger computed = new AtomicInteger();
        SharedResults.Computation<String> slow = () -> {
            computed.incrementAndGet();
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            return result(7);
        };
        CompletableFuture<String> computer = CompletableFuture.supplyAsync(() -> unchecked(7, slow), OWN_THREAD);
        assertTrue(started.await(30, TimeUnit.SECONDS));
        CompletableFuture<String> waiter = new CompletableFuture<>();
        Thread t = new Thread(() -> waiter.complete(unchecked(7, slow)));
        t.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            assertTrue(System.nanoTime() < deadline, "the second caller never waited: " + t.getState());
            Thread.onSpinWait();
        }
        assertTrue(!waiter.isDone(), "the second caller must wait for the first's computation");
        release.countDown();
        assertSame(computer.get(30, TimeUnit.SECONDS), waiter.get(30, TimeUnit.SECONDS));
        assertEquals(1, computed.get());
    }

    /** A failover during a swap: the computing thread's task is cancelled, and a waiter of the new attempt computes it. */
    @Test
    void aWaiterComputesTheResultItselfWhenTheComputingThreadWasInterrupted() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        SharedResults.Computation<String> interrupted = () -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            throw new java.nio.channels.ClosedByInterruptException(); // what reading a file on an interrupted thread throws
        };
        CompletableFuture<String> computer = CompletableFuture.supplyAsync(() -> unchecked(8, interrupted), OWN_THREAD);
        assertTrue(started.await(30, TimeUnit.SECONDS));
        AtomicInteger waiterComputed = new AtomicInteger();
        CompletableFuture<String> waiter = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                waiter.complete(get(8, () -> {
                    waiterComputed.incrementAndGet();
                    return result(8);
                }));
            } catch (Throwable e) {
                waiter.completeExceptionally(e);
            }
        });
        t.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            assertTrue(System.nanoTime() < deadline, "the second caller never waited: " + t.getState());
            Thread.onSpinWait();
        }
        release.countDown();
        assertThrows(java.util.concurrent.ExecutionException.class, () -> computer.get(30, TimeUnit.SECONDS));
        assertEquals("result of version 8", waiter.get(30, TimeUnit.SECONDS));
        assertEquals(1, waiterComputed.get());
        assertTrue(shared.holds(8L));
    }

    @Test
    void aFailureIsNotKept() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        SharedResults.Computation<String> failingOnce = () -> {
            if (calls.incrementAndGet() == 1) throw new IOException("registry unreachable");
            return result(3);
        };
        IOException e = assertThrows(IOException.class, () -> get(3, failingOnce));
        assertEquals("registry unreachable", e.getMessage());
        assertTrue(!shared.holds(3L), "a failure is not held");
        assertEquals("result of version 3", get(3, failingOnce), "the next caller computes again");
        assertEquals(2, calls.get());
    }

    @Test
    void onlyTheLastFewVersionsStay() throws IOException {
        AtomicInteger computed = new AtomicInteger();
        SharedResults.Computation<String> c = () -> result(computed.incrementAndGet());
        for (long v = 10; v < 10 + shared.limit() + 1; v++) get(v, c);
        assertEquals(shared.limit(), shared.held());
        int before = computed.get();
        get(10 + shared.limit(), c);
        assertEquals(before, computed.get(), "the newest version stays");
        get(10, c);
        assertEquals(before + 1, computed.get(), "the oldest was let go, so it is computed again");
    }

    private String unchecked(long version, SharedResults.Computation<String> c) {
        try {
            return get(version, c);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

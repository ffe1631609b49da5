package dev.marquee.job.label;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SharedTitleEmbeddingsTest {
    @TempDir
    Path registry;

    private static Optional<TitleEmbeddings> embeddings(long version) {
        List<String> titles = List.of("Toy Story (1995)", "Heat (1995)", "Fargo (1996)");
        float[][] raw = {{1f, 0f, 0.5f}, {0f, 1f, -0.5f}, {0.5f, 0.5f, 0f}};
        return Optional.of(TitleEmbeddings.project(version, titles, raw, new float[] {0f, 0f, 0f}, 2));
    }

    private Optional<TitleEmbeddings> get(long version, SharedTitleEmbeddings.Computation c) throws IOException {
        return SharedTitleEmbeddings.get(registry.toString(), "marquee", 2, version, c);
    }

    @Test
    void aVersionIsComputedOnceAndSharedByLaterCallers() throws IOException {
        AtomicInteger computed = new AtomicInteger();
        SharedTitleEmbeddings.Computation c = () -> {
            computed.incrementAndGet();
            return embeddings(1);
        };
        Optional<TitleEmbeddings> first = get(1, c);
        Optional<TitleEmbeddings> second = get(1, c);
        assertSame(first.orElseThrow(), second.orElseThrow());
        assertEquals(1, computed.get());
        get(2, c);
        assertEquals(2, computed.get(), "another version is computed apart");
        SharedTitleEmbeddings.get(registry.toString(), "marquee", 3, 1, c);
        assertEquals(3, computed.get(), "other dimensions are computed apart");
    }

    @Test
    void aCallerWaitsForTheComputationInFlightAndGetsItsResult() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger computed = new AtomicInteger();
        SharedTitleEmbeddings.Computation slow = () -> {
            computed.incrementAndGet();
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            return embeddings(7);
        };
        CompletableFuture<Optional<TitleEmbeddings>> computer = CompletableFuture.supplyAsync(() -> unchecked(7, slow));
        assertTrue(started.await(30, TimeUnit.SECONDS));
        CompletableFuture<Optional<TitleEmbeddings>> waiter = new CompletableFuture<>();
        Thread t = new Thread(() -> waiter.complete(unchecked(7, slow)));
        t.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            assertTrue(System.nanoTime() < deadline, "the second caller never waited: " + t.getState());
            Thread.onSpinWait();
        }
        assertTrue(!waiter.isDone(), "the second caller must wait for the first's computation");
        release.countDown();
        assertSame(computer.get(30, TimeUnit.SECONDS).orElseThrow(), waiter.get(30, TimeUnit.SECONDS).orElseThrow());
        assertEquals(1, computed.get());
    }

    @Test
    void aFailureIsNotKept() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        SharedTitleEmbeddings.Computation failingOnce = () -> {
            if (calls.incrementAndGet() == 1) throw new IOException("registry unreachable");
            return embeddings(3);
        };
        IOException e = assertThrows(IOException.class, () -> get(3, failingOnce));
        assertEquals("registry unreachable", e.getMessage());
        assertTrue(get(3, failingOnce).isPresent(), "the next caller computes again");
        assertEquals(2, calls.get());
    }

    @Test
    void onlyTheLastFewVersionsStay() throws IOException {
        AtomicInteger computed = new AtomicInteger();
        SharedTitleEmbeddings.Computation c = () -> {
            computed.incrementAndGet();
            return embeddings(0);
        };
        for (long v = 10; v < 10 + SharedTitleEmbeddings.VERSIONS + 1; v++) get(v, c);
        assertTrue(SharedTitleEmbeddings.held() <= SharedTitleEmbeddings.VERSIONS);
        int before = computed.get();
        get(10 + SharedTitleEmbeddings.VERSIONS, c);
        assertEquals(before, computed.get(), "the newest version stays");
        get(10, c);
        assertEquals(before + 1, computed.get(), "the oldest was let go, so it is computed again");
    }

    private Optional<TitleEmbeddings> unchecked(long version, SharedTitleEmbeddings.Computation c) {
        try {
            return get(version, c);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

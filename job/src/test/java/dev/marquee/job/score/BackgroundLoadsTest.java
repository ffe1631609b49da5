package dev.marquee.job.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What the task thread lets go of is closed on the loader thread, once, and never left open. */
class BackgroundLoadsTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    /** Records the thread that closed it. */
    private static final class Closeable implements AutoCloseable {
        final AtomicReference<String> closedBy = new AtomicReference<>();
        final AtomicInteger closes = new AtomicInteger();

        @Override
        public void close() {
            closes.incrementAndGet();
            closedBy.compareAndSet(null, Thread.currentThread().getName());
        }
    }

    @Test
    void aRetiredResultIsClosedOnTheLoaderThreadNotTheCaller() {
        try (BackgroundLoads<Closeable> loads = new BackgroundLoads<>("test-loader")) {
            Closeable retired = new Closeable();

            loads.retire(retired);

            await("closed").atMost(DEADLINE).until(() -> retired.closedBy.get() != null);
            assertThat(retired.closedBy.get()).isEqualTo("test-loader");
            assertThat(retired.closes.get()).isEqualTo(1);
        }
    }

    @Test
    void retiringWaitsForTheWorkAlreadyRunningAndClosingLeavesNothingOpen() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        Closeable retired = new Closeable();
        BackgroundLoads<Closeable> loads = new BackgroundLoads<>("test-loader");
        loads.start(() -> {
            started.countDown();
            release.await();
            return new Closeable();
        });
        assertThat(started.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();

        loads.retire(retired);
        assertThat(retired.closedBy.get()).as("queued behind the running work").isNull();
        loads.close(); // interrupts the work; what was retired is closed here

        assertThat(retired.closes.get()).isEqualTo(1);
        assertThat(retired.closedBy.get()).isEqualTo(Thread.currentThread().getName());
        release.countDown();
    }

    @Test
    void afterCloseARetiredResultIsClosedInTheCaller() {
        BackgroundLoads<Closeable> loads = new BackgroundLoads<>("test-loader");
        loads.close();
        Closeable retired = new Closeable();

        loads.retire(retired);

        assertThat(retired.closes.get()).isEqualTo(1);
        assertThat(retired.closedBy.get()).isEqualTo(Thread.currentThread().getName());
    }
}

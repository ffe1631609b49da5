package dev.marquee.job.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.data.event.Rating;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.ScorerThreads;
import dev.marquee.model.testing.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Slots of one JVM share a loaded version: loaded once, closed when the last slot lets go. */
class SharedModelsTest {
    private static final ScorerThreads THREADS = ScorerThreads.callerThread();

    @TempDir
    static Path registryDir;
    private static Path version1;

    @BeforeAll
    static void oneVersion() throws Exception {
        ModelRegistry registry = new ModelRegistry(registryDir);
        List<Rating> rows = TestModels.data(3);
        assertThat(TestModels.publish(registry, rows, 3)).isEqualTo(1);
        version1 = registry.versionDir(TestModels.NAME, 1);
    }

    @Test
    void twoSlotsAskingAtOnceShareOneLoadAndTheLastToLetGoClosesIt() throws Exception {
        int before = SharedModels.open();
        ExecutorService slots = Executors.newFixedThreadPool(2);
        try {
            Future<ServingModel> a = slots.submit(() -> SharedModels.load(1, version1, THREADS, OptionalInt.empty(), 8));
            Future<ServingModel> b = slots.submit(() -> SharedModels.load(1, version1, THREADS, OptionalInt.empty(), 8));
            ServingModel first = a.get(60, TimeUnit.SECONDS);
            ServingModel second = b.get(60, TimeUnit.SECONDS);
            assertThat(second.scorer).as("one copy for both slots").isSameAs(first.scorer);
            assertThat(SharedModels.open()).isEqualTo(before + 1);

            first.close();
            first.close(); // a second close of the same handle lets go only once
            assertThat(first.isClosed()).isTrue();
            assertThat(second.isClosed()).isFalse();
            assertThat(second.scorer.score(new String[] {"1"}, new String[] {"Toy Story (1995)"}, new long[] {881250949L})
                    .size()).as("still serving the other slot").isEqualTo(1);

            second.close();
            assertThat(SharedModels.open()).isEqualTo(before);
            assertThatThrownBy(() -> second.scorer.score(new String[] {"1"}, new String[] {"x"}, new long[] {1L}))
                    .as("closed with its last holder").isInstanceOf(IllegalStateException.class);
        } finally {
            slots.shutdownNow();
        }
    }

    @Test
    void aVersionLetGoByEverySlotIsLoadedAfreshNextTime() throws Exception {
        ServingModel first = SharedModels.load(1, version1, THREADS, OptionalInt.empty(), 0);
        first.close();
        try (ServingModel again = SharedModels.load(1, version1, THREADS, OptionalInt.empty(), 0)) {
            assertThat(again.scorer).isNotSameAs(first.scorer);
            assertThat(again.scorer.score(new String[] {"1"}, new String[] {"Toy Story (1995)"}, new long[] {881250949L})
                    .size()).isEqualTo(1);
        }
    }

    @Test
    void differentSettingsGetTheirOwnCopy() throws Exception {
        try (ServingModel cold = SharedModels.load(1, version1, THREADS, OptionalInt.empty(), 0);
                ServingModel warmed = SharedModels.load(1, version1, THREADS, OptionalInt.empty(), 4)) {
            assertThat(warmed.scorer).isNotSameAs(cold.scorer);
            assertThat(warmed.warmedRows).isEqualTo(4);
            assertThat(cold.warmedRows).isZero();
        }
    }

    /** What tells a load broken by its slot's cancel (retried by a waiting slot) from a bad version (refused). */
    @Test
    void aLoadBrokenByItsThreadsInterruptionIsToldApartFromABadVersion() {
        assertThat(SharedModels.byInterruption(new IOException("reading warm rows",
                new java.nio.channels.ClosedByInterruptException()))).isTrue();
        assertThat(SharedModels.byInterruption(new java.io.InterruptedIOException("interrupted while loading"))).isTrue();
        assertThat(SharedModels.byInterruption(new IOException("no saved_model.pb in /r/marquee/7"))).isFalse();
        assertThat(SharedModels.byInterruption(new IllegalStateException("probe answered NaN"))).isFalse();
    }

    /** A slot waiting for another's load loads the version itself when that load failed only by its task's cancel. */
    @Test
    void aWaitingSlotLoadsTheVersionItselfWhenTheLoadingSlotWasCancelled() throws Exception {
        int before = SharedModels.open();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        SharedModels.Loader cancelled = (version, dir, threads, gpu, warmRows) -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            }
            throw new java.nio.channels.ClosedByInterruptException(); // what reading a file on an interrupted thread throws
        };
        AtomicInteger waiterLoads = new AtomicInteger();
        SharedModels.Loader real = (version, dir, threads, gpu, warmRows) -> {
            waiterLoads.incrementAndGet();
            return ServingModel.load(version, dir, threads, gpu, warmRows);
        };
        ExecutorService slots = Executors.newFixedThreadPool(2);
        try {
            Future<ServingModel> loading = slots.submit(() -> SharedModels.load(1, version1, THREADS, OptionalInt.empty(), 5, cancelled));
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
            AtomicReference<Thread> waiterThread = new AtomicReference<>();
            Future<ServingModel> waiting = slots.submit(() -> {
                waiterThread.set(Thread.currentThread());
                return SharedModels.load(1, version1, THREADS, OptionalInt.empty(), 5, real);
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (waiterThread.get() == null || waiterThread.get().getState() != Thread.State.WAITING) {
                assertThat(System.nanoTime()).as("the second slot never waited for the first's load").isLessThan(deadline);
                Thread.onSpinWait();
            }
            release.countDown();

            assertThatThrownBy(() -> loading.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(java.nio.channels.ClosedByInterruptException.class);
            try (ServingModel model = waiting.get(60, TimeUnit.SECONDS)) {
                assertThat(waiterLoads).as("the waiting slot loaded it itself, once").hasValue(1);
                assertThat(model.scorer.score(new String[] {"1"}, new String[] {"Toy Story (1995)"}, new long[] {881250949L})
                        .size()).isEqualTo(1);
                assertThat(SharedModels.open()).isEqualTo(before + 1);
            }
            assertThat(SharedModels.open()).isEqualTo(before);
        } finally {
            slots.shutdownNow();
        }
    }

    @Test
    void aLoadThatFailsIsRefusedAndLeavesNothingOpen(@TempDir Path empty) throws Exception {
        int before = SharedModels.open();
        Files.createDirectories(empty.resolve("7"));
        assertThatThrownBy(() -> SharedModels.load(7, empty.resolve("7"), THREADS, OptionalInt.empty(), 0))
                .isInstanceOf(IOException.class).hasMessageContaining("saved_model.pb");
        assertThat(SharedModels.open()).isEqualTo(before);
    }
}

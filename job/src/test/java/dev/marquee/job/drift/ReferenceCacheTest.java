package dev.marquee.job.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.marquee.data.drift.*;

/** A version's drift reference: a profile that cannot be read yet is read again later; a missing one is not. */
class ReferenceCacheTest {
    @TempDir
    Path registry;

    private final AtomicLong nanos = new AtomicLong(1_000);

    private Path profile(long version) throws Exception {
        Path p = registry.resolve("marquee/" + version).resolve(ReferenceBuckets.PROFILE_PATH);
        Files.createDirectories(p.getParent());
        return p;
    }

    /** The slots of a JVM and its drift-window operators share one copy of each version's reference. */
    @Test
    void theScoringSlotsAndTheDriftWindowOfAJvmShareOneCache() throws Exception {
        profile(1);
        ScoredBatchDrift slotA = new ScoredBatchDrift(dev.marquee.data.drift.DriftSettings.defaults(java.util.Map.of()), registry.toString(), "marquee");
        ScoredBatchDrift slotB = new ScoredBatchDrift(dev.marquee.data.drift.DriftSettings.defaults(java.util.Map.of()), registry.toString(), "marquee");
        slotA.open(null);
        slotB.open(null);
        assertThat(slotA.references()).isSameAs(slotB.references())
                .isSameAs(ReferenceCache.shared(registry.toString(), "marquee"))
                .isNotSameAs(ReferenceCache.shared(registry.toString(), "other"));
    }

    @Test
    void aProfileThatCouldNotBeReadIsReadAgainAfterTheRetryInterval() throws Exception {
        Path p = profile(1);
        Files.writeString(p, "{\"half written"); // e.g. being replaced at the moment of the swap
        ReferenceCache cache = new ReferenceCache(registry.toString(), "marquee", nanos::get);
        assertThat(cache.get(1).hasProfile).isFalse();
        assertThat(cache.get(1).noProfileReason).contains("cannot be read");

        DriftFixtures.profile(1).write(p);
        nanos.addAndGet(ReferenceCache.RETRY_AFTER_NANOS - 1);
        assertThat(cache.get(1).hasProfile).as("not read again before the interval").isFalse();
        nanos.addAndGet(1);
        assertThat(cache.get(1).hasProfile).as("read again after it").isTrue();
    }

    /**
     * The loader thread reads the next version's reference while the task thread counts against the serving one's:
     * the serving one answers at once, not after the other read (the task thread stalled for it at every swap).
     */
    @Test
    void aVersionBeingReadDoesNotHoldBackAnotherVersionsAnswer() throws Exception {
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger readsOf2 = new java.util.concurrent.atomic.AtomicInteger();
        ReferenceCache cache = new ReferenceCache(registry.toString(), "marquee", nanos::get, (r, name, version) -> {
            if (version == 2) {
                readsOf2.incrementAndGet();
                reading.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return ReferenceBuckets.of(version, DriftFixtures.profile(version));
        });
        assertThat(cache.get(1).hasProfile).isTrue();
        try {
            // threads of their own: the common pool may have a single worker (2 cores), and the read holds it
            CompletableFuture<ReferenceBuckets> next = CompletableFuture.supplyAsync(() -> cache.get(2), OWN_THREAD);
            assertThat(reading.await(30, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<ReferenceBuckets> serving = CompletableFuture.supplyAsync(() -> cache.get(1), OWN_THREAD);
            assertThat(serving.get(30, TimeUnit.SECONDS).version).as("answered while version 2 is read").isEqualTo(1);
            CompletableFuture<ReferenceBuckets> alsoNext = new CompletableFuture<>();
            Thread second = new Thread(() -> alsoNext.complete(cache.get(2)), "also-next");
            second.start();
            org.awaitility.Awaitility.await("the second asker waits for the read in hand").atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> second.getState() == Thread.State.WAITING);
            release.countDown();
            assertThat(next.get(30, TimeUnit.SECONDS).version).isEqualTo(2);
            assertThat(alsoNext.get(30, TimeUnit.SECONDS)).as("one read, shared").isSameAs(next.get());
            assertThat(readsOf2).hasValue(1);
        } finally {
            release.countDown(); // a failed assertion must not leave the reading thread blocked for the rest of the run
        }
    }

    /** Runs each task on a new thread of its own. */
    private static final java.util.concurrent.Executor OWN_THREAD = task -> new Thread(task, "reference-cache-test").start();

    /** A read cut short by a cancelled task is not the profile's fault: the cache, shared by the JVM, does not keep it. */
    @Test
    void aReadCutShortByAnInterruptIsNotRemembered() throws Exception {
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        ReferenceCache cache = new ReferenceCache(registry.toString(), "marquee", nanos::get, (r, name, version) -> {
            if (reads.incrementAndGet() == 1) throw new java.nio.channels.ClosedByInterruptException();
            return ReferenceBuckets.of(version, DriftFixtures.profile(version));
        });
        assertThat(cache.get(1).hasProfile).isFalse();
        assertThat(cache.get(1).hasProfile).as("read again at once, not after the retry interval").isTrue();
    }

    @Test
    void aVersionWithoutAProfileKeepsItsPlaceholder() throws Exception {
        ReferenceCache cache = new ReferenceCache(registry.toString(), "marquee", nanos::get);
        assertThat(cache.get(2).noProfileReason).contains("has no reference profile");
        DriftFixtures.profile(2).write(profile(2));
        nanos.addAndGet(10 * ReferenceCache.RETRY_AFTER_NANOS);
        assertThat(cache.get(2).hasProfile).as("absent is not a passing problem: not looked for again").isFalse();
    }
}

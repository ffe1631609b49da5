package dev.marquee.job.drift;

import dev.marquee.data.drift.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.Prediction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoredBatchDriftTest {
    @TempDir
    Path registry;

    private ScoredBatchDrift counter(int partialRecords) throws Exception {
        Path profile = registry.resolve("marquee/1").resolve(ReferenceBuckets.PROFILE_PATH);
        Files.createDirectories(profile.getParent());
        DriftFixtures.profile(1).write(profile); // version 1 has a profile, version 2 none
        var c = new ScoredBatchDrift(DriftSettings.defaults(Map.of(DriftSettings.PARTIAL_RECORDS, String.valueOf(partialRecords))),
                registry.toString(), "marquee");
        c.open(null);
        return c;
    }

    private static List<Prediction> batch(Random random, long version, int n) {
        List<Prediction> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(DriftFixtures.stationary(random, version, System.currentTimeMillis()));
        return out;
    }

    @Test
    void aVersionPreparedOnAnotherThreadIsReadThereNotOnTheFirstBatch() throws Exception {
        ScoredBatchDrift c = counter(1_000);
        assertThat(c.hasReference(1)).isFalse();
        Thread loader = new Thread(() -> c.prepareFor(1), "loader");
        loader.start();
        loader.join(60_000);
        assertThat(loader.isAlive()).isFalse();
        assertThat(c.hasReference(1)).as("read on the loader thread").isTrue();
        assertThat(c.hasReference(2)).isFalse();

        List<DriftCounts> out = new ArrayList<>();
        c.observe(batch(new Random(3), 1, 10), out::add);
        c.flush(out::add);
        assertThat(out).singleElement().satisfies(d -> assertThat(d.userBuckets.length).isGreaterThan(1));
    }

    /**
     * A profile that could not be read counts against a placeholder; read again 60 s later it is the real one, with
     * another bucket layout: the open counts are emitted first (before, the next batch overran the placeholder's
     * one-bucket arrays and failed the scoring task).
     */
    @Test
    void aProfileReadAtLastAfterAFailedReadStartsNewCounts() throws Exception {
        AtomicLong nanos = new AtomicLong(1_000);
        AtomicBoolean failing = new AtomicBoolean(true);
        ReferenceCache cache = new ReferenceCache(registry.toString(), "marquee", nanos::get, (r, name, version) -> {
            if (failing.get()) throw new IOException("being replaced");
            return ReferenceBuckets.of(version, DriftFixtures.profile(version));
        });
        var c = new ScoredBatchDrift(DriftSettings.defaults(Map.of(DriftSettings.PARTIAL_RECORDS, "1000")),
                registry.toString(), "marquee");
        c.openWith(cache);
        List<DriftCounts> out = new ArrayList<>();
        Random random = new Random(5);
        c.observe(batch(random, 1, 10), out::add);
        failing.set(false);
        nanos.addAndGet(ReferenceCache.RETRY_AFTER_NANOS);
        c.observe(batch(random, 1, 10), out::add);
        c.flush(out::add);
        assertThat(out).hasSize(2);
        assertThat(out.get(0).userBuckets.length).as("the placeholder's").isEqualTo(1);
        assertThat(out.get(1).userBuckets.length).as("the profile's").isGreaterThan(1);
        assertThat(out.get(0).scored + out.get(1).scored).isEqualTo(20);
    }

    @Test
    void countsEveryPredictionAgainstItsVersionsBucketsAndEmitsOnceEnoughAreCounted() throws Exception {
        ScoredBatchDrift c = counter(500);
        List<DriftCounts> out = new ArrayList<>();
        Random random = new Random(7);
        c.observe(batch(random, 1, 256), out::add);
        assertThat(out).isEmpty();
        c.observe(batch(random, 1, 256), out::add); // 512 counted: at least partial.records

        assertThat(out).singleElement().satisfies(d -> {
            assertThat(d.modelVersion).isEqualTo(1);
            assertThat(d.scored).isEqualTo(512);
            assertThat(Arrays.stream(d.userBuckets).sum()).isEqualTo(512);
            assertThat(d.userBuckets.length).isGreaterThan(1); // the profile's top-K plus "other"
            assertThat(Arrays.stream(d.predictionSlots).sum()).isEqualTo(512);
            assertThat(Arrays.stream(d.latency).sum()).isEqualTo(512);
        });
        c.flush(out::add);
        assertThat(out).hasSize(1); // nothing left over
    }

    @Test
    void aVersionChangeInsideABatchSplitsTheCountsAndAVersionWithoutAProfileLandsInOther() throws Exception {
        ScoredBatchDrift c = counter(1_000);
        List<DriftCounts> out = new ArrayList<>();
        Random random = new Random(11);
        List<Prediction> mixed = batch(random, 1, 100);
        mixed.addAll(batch(random, 2, 50));
        c.observe(mixed, out::add);
        c.flush(out::add);

        assertThat(out).extracting(d -> d.modelVersion).containsExactly(1L, 2L);
        assertThat(out).extracting(d -> d.scored).containsExactly(100L, 50L);
        DriftCounts noProfile = out.get(1);
        assertThat(noProfile.userBuckets).containsExactly(50); // only "other"
        assertThat(Arrays.stream(noProfile.latency).sum()).isEqualTo(50);
    }
}

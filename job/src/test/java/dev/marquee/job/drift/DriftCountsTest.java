package dev.marquee.job.drift;

import dev.marquee.data.drift.*;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.RatingRequest;
import dev.marquee.data.profile.EventHours;
import java.io.IOException;
import java.util.Random;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class DriftCountsTest {
    private static final long NOW = 1_800_000_000_000L;
    private final ReferenceBuckets ref = ReferenceBuckets.of(1, DriftFixtures.profile(1));

    /** The acceptance test for bounded memory: a million distinct users cost what a thousand do. */
    @Test
    void sizeIsBoundedBySettingsNotByDistinctIds() throws IOException {
        DriftCounts small = countDistinctUsers(1_000);
        DriftCounts large = countDistinctUsers(1_000_000);
        assertThat(large.scored).isEqualTo(1_000_000);
        assertThat(large.userBuckets[large.userBuckets.length - 1]).as("unseen ids fall into 'other'").isEqualTo(1_000_000);
        assertThat(serializedSize(large)).isEqualTo(serializedSize(small));
    }

    @Test
    void unexpectedFieldNamesAreBoundedByTheTrackedLimit() throws IOException {
        DriftCounts counts = new DriftCounts();
        for (int i = 0; i < 1_000_000; i++) {
            RatingRequest r = new RatingRequest("r", "1", "A", 1);
            r.extraFields = new String[] {"field-" + i};
            counts.countValid(r, 32);
        }
        assertThat(counts.unexpectedFields).hasSize(33).containsKey(DriftCounts.OTHER_FIELDS);
        assertThat(counts.unexpectedFields.get(DriftCounts.OTHER_FIELDS)).isEqualTo(1_000_000 - 32);
        DriftCounts merged = new DriftCounts();
        merged.merge(counts, 8);
        assertThat(merged.unexpectedFields).hasSizeLessThanOrEqualTo(9);
        assertThat(merged.unexpectedFields.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(1_000_000);
    }

    @Test
    void mergingAddsEveryCount() {
        Random random = new Random(3);
        DriftCounts a = DriftCounts.forVersion(ref, LogBuckets.latencyMs(), LogBuckets.lagSeconds());
        DriftCounts b = DriftCounts.forVersion(ref, LogBuckets.latencyMs(), LogBuckets.lagSeconds());
        DriftCounts all = DriftCounts.forVersion(ref, LogBuckets.latencyMs(), LogBuckets.lagSeconds());
        for (int i = 0; i < 2_000; i++) {
            var p = DriftFixtures.stationary(random, 1, NOW);
            (i % 2 == 0 ? a : b).countPrediction(p, ref, LogBuckets.latencyMs(), LogBuckets.lagSeconds(), NOW, 0);
            all.countPrediction(p, ref, LogBuckets.latencyMs(), LogBuckets.lagSeconds(), NOW, 0);
        }
        a.merge(b, 32);
        assertThat(a.scored).isEqualTo(all.scored);
        assertThat(a.userBuckets).containsExactly(all.userBuckets);
        assertThat(a.titleBuckets).containsExactly(all.titleBuckets);
        assertThat(a.hours).containsExactly(all.hours);
        assertThat(a.predictionSlots).containsExactly(all.predictionSlots);
        assertThat(a.latency).containsExactly(all.latency);
        assertThat(a.predictionSum).isCloseTo(all.predictionSum, org.assertj.core.data.Offset.offset(1e-6));
    }

    /**
     * A window restored from a savepoint of a build whose latency buckets stopped at 10 minutes (166 of them): its
     * counts are added to the wider layout's, bucket by bucket, not dropped.
     */
    @Test
    void latencyCountsOfANarrowerLayoutMergeIntoTheWiderOne() {
        DriftCounts restored = new DriftCounts();
        restored.latency = new long[166];
        restored.latency[10] = 1;
        restored.latency[165] = 2;
        DriftCounts fresh = DriftCounts.forVersion(ref, LogBuckets.latencyMs(), LogBuckets.lagSeconds());
        fresh.latency[10] = 1;
        for (DriftCounts[] order : new DriftCounts[][] {{restored, fresh}, {fresh, restored}}) {
            DriftCounts into = new DriftCounts();
            into.merge(order[0], 8);
            into.merge(order[1], 8);
            assertThat(into.latency).hasSize(LogBuckets.latencyMs().size());
            assertThat(into.latency[10]).isEqualTo(2);
            assertThat(into.latency[165]).isEqualTo(2);
        }
    }

    /** The batch path adds runs of equal keys at once: it must count exactly what one-by-one counting does. */
    @Test
    void countingABatchEqualsCountingItsPredictionsOneByOne() {
        Random random = new Random(5);
        java.util.List<dev.marquee.data.event.Prediction> batch = new java.util.ArrayList<>();
        String[] matches = {"exact", "exact", "canonical", null, "fuzzy"};
        long hour = DriftFixtures.T0 / 3600;
        for (int i = 0; i < 3_000; i++) {
            if (random.nextInt(20) == 0) hour += 1 + random.nextInt(3); // runs of one event hour, some new
            var p = DriftFixtures.prediction(DriftFixtures.user(random), DriftFixtures.title(random),
                    hour * 3600 + random.nextInt(3600), DriftFixtures.rating(random), 1, NOW - random.nextInt(50), NOW);
            p.titleMatch = matches[random.nextInt(matches.length)];
            if (i % 7 == 0) p.source = null;
            batch.add(p);
        }
        DriftCounts one = DriftCounts.forVersion(ref, LogBuckets.latencyMs(), LogBuckets.lagSeconds());
        DriftCounts all = DriftCounts.forVersion(ref, LogBuckets.latencyMs(), LogBuckets.lagSeconds());
        // nearly full: new hours of the batch must overflow exactly as they do one by one
        for (long h = 0; h < DriftCounts.MAX_EVENT_HOURS - 3; h++) {
            one.eventHours.put(-h - 1, 1L);
            all.eventHours.put(-h - 1, 1L);
        }
        for (var p : batch) one.countPrediction(p, ref, LogBuckets.latencyMs(), LogBuckets.lagSeconds(), NOW, 0);
        all.countPredictions(batch, 0, 1_000, ref, LogBuckets.latencyMs(), LogBuckets.lagSeconds(), NOW, 0);
        all.countPredictions(batch, 1_000, batch.size(), ref, LogBuckets.latencyMs(), LogBuckets.lagSeconds(), NOW, 0);
        assertThat(one.eventHoursOverflow).as("the cap is reached").isPositive();
        assertThat(all).usingRecursiveComparison().isEqualTo(one);
    }

    /** A placeholder's single "other" bucket is dropped; the profile's buckets are kept, whichever merges first. */
    @Test
    void countsOverDifferentBucketsKeepTheProfilesSide() {
        DriftCounts a = DriftCounts.forVersion(ref, LogBuckets.latencyMs(), LogBuckets.lagSeconds());
        a.countPrediction(DriftFixtures.prediction("u", "Movie 1 (1997)", DriftFixtures.T0, 3.5, 1, NOW - 10, NOW), ref,
                LogBuckets.latencyMs(), LogBuckets.lagSeconds(), NOW, 0);
        long[] profileSide = a.titleBuckets.clone();
        DriftCounts b = DriftCounts.forVersion(ReferenceBuckets.placeholder(1), LogBuckets.latencyMs(), LogBuckets.lagSeconds());
        a.merge(b, 32);
        assertThat(a.titleBuckets).isEqualTo(profileSide);
        b.merge(a, 32);
        assertThat(b.titleBuckets).isEqualTo(profileSide);
    }

    /** Rows stamped beyond the clock's tolerance are counted as such and kept out of the seasonal metrics' hours. */
    @Test
    void rowsStampedAheadOfTheClockStayOutOfTheEventHours() {
        DriftCounts c = DriftCounts.forVersion(ref, LogBuckets.latencyMs(), LogBuckets.lagSeconds());
        long aheadSeconds = NOW / 1000 + 30L * 86_400;
        c.countPrediction(DriftFixtures.prediction("u", "Movie 1 (1997)", aheadSeconds, 3.5, 1, NOW - 10, NOW), ref,
                LogBuckets.latencyMs(), LogBuckets.lagSeconds(), NOW, 300_000);
        c.countPrediction(DriftFixtures.prediction("u", "Movie 1 (1997)", NOW / 1000 - 60, 3.5, 1, NOW - 10, NOW), ref,
                LogBuckets.latencyMs(), LogBuckets.lagSeconds(), NOW, 300_000);
        assertThat(c.future).isEqualTo(1);
        assertThat(c.scored).isEqualTo(2);
        assertThat(c.eventHours).containsOnlyKeys(EventHours.hourOf(NOW / 1000 - 60));
    }

    private DriftCounts countDistinctUsers(int n) {
        DriftCounts c = DriftCounts.forVersion(ref, LogBuckets.latencyMs(), LogBuckets.lagSeconds());
        var p = DriftFixtures.prediction("x", "Movie 1 (1997)", DriftFixtures.T0, 3.5, 1, NOW - 10, NOW);
        for (int i = 0; i < n; i++) {
            p.userId = "unseen-user-" + i;
            p.oovUserId = true;
            c.countPrediction(p, ref, LogBuckets.latencyMs(), LogBuckets.lagSeconds(), NOW, 0);
        }
        return c;
    }

    private static int serializedSize(DriftCounts c) throws IOException {
        TypeSerializer<DriftCounts> serializer = TypeInformation.of(DriftCounts.class).createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(1024);
        serializer.serialize(c, out);
        return out.length();
    }
}

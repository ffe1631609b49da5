package dev.marquee.data.movielens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.data.event.Rating;
import dev.marquee.data.synth.SyntheticRatings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SplitsTest {

    private static Rating at(long timestamp) {
        return new Rating("u" + timestamp, "T", 3f, timestamp);
    }

    @Test
    void timestampOrderIsStableOnThePackedPathAndOnTheFallback() {
        java.util.Random random = new java.util.Random(3);
        for (long spread : new long[] {50, 2_000_000_000L, Long.MAX_VALUE / 2}) {
            List<Rating> rows = new ArrayList<>();
            for (int i = 0; i < 5_000; i++) {
                long t = random.nextInt(40) * (spread / 40) - (spread > 1e12 ? spread / 2 : 0); // ties, negatives
                rows.add(new Rating("u" + i, "m", 3f, t));
            }
            List<Rating> expected = new ArrayList<>(rows);
            expected.sort(java.util.Comparator.comparingLong(r -> r.timestamp)); // List.sort is stable
            assertThat(Splits.byTimestamp(rows)).as("spread %d", spread).containsExactlyElementsOf(expected);
            assertThat(Splits.byTimestamp(new java.util.LinkedList<>(rows))).containsExactlyElementsOf(expected);
        }
        assertThat(Splits.byTimestamp(List.of())).isEmpty();
    }

    @Test
    void timeSplitCutsTheRangeNotTheRowCount() {
        // Range 0..100: boundaries 60 and 80; many rows early, few late.
        List<Rating> ratings = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ratings.add(at(i));
        }
        ratings.addAll(List.of(at(60), at(61), at(80), at(81), at(100)));
        Split split = Splits.referenceTime(ratings);
        assertThat(split.train()).hasSize(51); // 0..49 and 60: the boundary itself is training
        assertThat(split.validation()).extracting(r -> r.timestamp).containsExactly(61L, 80L);
        assertThat(split.test()).extracting(r -> r.timestamp).containsExactly(81L, 100L);
        assertThat(split.name()).isEqualTo("time-60/20/20");
    }

    @Test
    void timeSplitSortsStablyByTimestamp() {
        List<Rating> ratings = List.of(at(100), new Rating("b", "T", 1f, 0), at(50), new Rating("a", "T", 1f, 0));
        Split split = Splits.referenceTime(ratings);
        assertThat(split.train()).extracting(r -> r.userId).containsExactly("b", "a", "u50");
        assertThat(split.test()).containsExactly(at(100));
    }

    @Test
    void timeSplitOfNothingOrOneInstant() {
        assertThat(Splits.referenceTime(List.of()).size()).isZero();
        Split same = Splits.referenceTime(List.of(at(7), at(7)));
        assertThat(same.train()).hasSize(2);
        assertThat(same.hasValidation()).isFalse();
    }

    @Test
    void randomSplitIsExactDisjointCompleteAndSeeded() {
        List<Rating> ratings = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            ratings.add(at(i));
        }
        Split split = Splits.random(ratings, 0.7, 0.1, 42);
        assertThat(split.train()).hasSize(700);
        assertThat(split.validation()).hasSize(100);
        assertThat(split.test()).hasSize(200);
        List<Rating> all = new ArrayList<>(split.train());
        all.addAll(split.validation());
        all.addAll(split.test());
        assertThat(all).containsExactlyInAnyOrderElementsOf(ratings);
        assertThat(split.train()).isSortedAccordingTo((a, b) -> Long.compare(a.timestamp, b.timestamp));
        assertThat(Splits.random(ratings, 0.7, 0.1, 42)).isEqualTo(split);
        assertThat(Splits.random(ratings, 0.7, 0.1, 43).train()).isNotEqualTo(split.train());
        assertThat(split.toString()).isEqualTo("random-70/10/20-seed42: train 700, validation 100, test 200");
    }

    @Test
    void fractionsAreChecked() {
        assertThatThrownBy(() -> Splits.random(List.of(), 0.9, 0.2, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Splits.byTimeRange(List.of(), -0.1, 0.2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void u1SplitReadsMovieLensFiles(@TempDir Path dir) {
        SyntheticRatings.Dataset data = new SyntheticRatings(3).users(10).movies(20).ratingsPerUser(10).generate();
        MovieLens100K ml = new MovieLens100K(data.writeMovieLensFiles(dir));
        Split split = Splits.movieLensU1(ml);
        assertThat(split.name()).isEqualTo("u1");
        assertThat(split.validation()).isEmpty();
        assertThat(split.train().size() + split.test().size()).isEqualTo(100);
        assertThat(split.train()).doesNotContainAnyElementsOf(split.test());
    }
}

package dev.marquee.job.label;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EmbeddingCacheTest {
    private static final TitleEmbeddings TABLE = TitleEmbeddings.project(1, List.of("A (1990)", "B (1991)"),
            new float[][] {{1, 0}, {0, 1}}, new float[] {0, 0}, 4);

    @Test
    void eachVersionIsLoadedOnceAndOnlyTheLastThreeAreKept() {
        List<Long> loads = new ArrayList<>();
        EmbeddingCache cache = new EmbeddingCache(v -> {
            loads.add(v);
            return v == 3 ? Optional.empty() : Optional.of(TABLE);
        });
        assertThat(cache.get(1)).isSameAs(TABLE);
        assertThat(cache.get(1)).isSameAs(TABLE);
        assertThat(cache.get(3)).as("a version without embeddings").isNull();
        assertThat(cache.get(3)).isNull();
        assertThat(cache.get(2)).isSameAs(TABLE);
        assertThat(cache.get(1)).as("three versions held: two swaps within a label's wait load nothing").isSameAs(TABLE);
        assertThat(cache.get(4)).isSameAs(TABLE);
        assertThat(cache.get(3)).as("evicted by 2, 1 and 4, loaded again").isNull();
        assertThat(loads).containsExactly(1L, 3L, 2L, 4L, 3L);
    }

    /** Two versions failing at once are each tried again a minute later, not on every label that alternates them. */
    @Test
    void eachFailingVersionWaitsItsOwnMinute() {
        List<Long> loads = new ArrayList<>();
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(1_000);
        java.util.concurrent.atomic.AtomicBoolean reachable = new java.util.concurrent.atomic.AtomicBoolean();
        EmbeddingCache cache = new EmbeddingCache(v -> {
            loads.add(v);
            if (!reachable.get()) throw new IOException("registry unreachable");
            return Optional.of(TABLE);
        }, now::get);
        for (int i = 0; i < 5; i++) {
            assertThat(cache.get(1)).isNull();
            assertThat(cache.get(2)).isNull();
        }
        assertThat(loads).containsExactly(1L, 2L);
        now.addAndGet(59_999);
        assertThat(cache.get(1)).isNull();
        assertThat(loads).as("not before its minute").containsExactly(1L, 2L);
        now.addAndGet(1);
        assertThat(cache.get(1)).isNull();
        assertThat(cache.get(2)).isNull();
        assertThat(loads).as("each tried again after its minute").containsExactly(1L, 2L, 1L, 2L);
        reachable.set(true);
        now.addAndGet(60_000);
        assertThat(cache.get(1)).as("loaded once the registry answers").isSameAs(TABLE);
        assertThat(cache.get(1)).isSameAs(TABLE);
        assertThat(loads).containsExactly(1L, 2L, 1L, 2L, 1L);
    }

    @Test
    void aVersionThatFailsToLoadServesTheBiasAndIsNotAskedForAgainAtOnce() {
        List<Long> loads = new ArrayList<>();
        EmbeddingCache cache = new EmbeddingCache(v -> {
            loads.add(v);
            throw new IOException("registry unreachable");
        });
        assertThat(cache.get(1)).isNull();
        assertThat(cache.get(1)).isNull();
        assertThat(loads).as("retried after a minute, not on every prediction").containsExactly(1L);
    }
}

package dev.marquee.job.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.model.BatchScorer;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.ScorerThreads;
import dev.marquee.model.testing.TestModels;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A version that fails its probe or warm-up in any way, an Error included, has its scorer (a native session) closed. */
class ServingModelTest {
    @TempDir
    Path registryDir;

    @Test
    void anErrorDuringTheWarmUpClosesTheScorer() throws Exception {
        ModelRegistry registry = new ModelRegistry(registryDir);
        assertThat(TestModels.publish(registry, TestModels.data(3), 3)).isEqualTo(1);
        Path dir = registry.versionDir(TestModels.NAME, 1);
        BatchScorer scorer = BatchScorer.open(dir, ScorerThreads.callerThread());
        String[] users = {"1"};
        String[] titles = {"Toy Story (1995)"};
        long[] timestamps = {881_250_949L};
        assertThat(scorer.score(users, titles, timestamps).size()).isEqualTo(1);

        // a warm-up batch larger than any array the VM allows: an OutOfMemoryError, without filling the heap
        assertThatThrownBy(() -> ServingModel.checked(1, dir, scorer, Integer.MAX_VALUE))
                .isInstanceOf(OutOfMemoryError.class);
        assertThatThrownBy(() -> scorer.score(users, titles, timestamps)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed");
    }
}

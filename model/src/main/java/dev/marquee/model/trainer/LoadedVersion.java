package dev.marquee.model.trainer;

import dev.marquee.data.event.Rating;
import dev.marquee.model.BatchScorer;
import dev.marquee.model.Metrics;
import dev.marquee.model.ModelContract;
import dev.marquee.model.ScorerThreads;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A model folder loaded the way the scoring job loads it ({@link BatchScorer}), for the candidate gate:
 * answers a probe batch and scores rows in chunks.
 */
final class LoadedVersion implements AutoCloseable {
    /** Rows the model cannot know: the probe always includes one so the out-of-vocabulary path is exercised. */
    static final Rating UNKNOWN_ROW = new Rating("probe-unknown-user", "Probe Unknown Title (1900)", 3f, 0L);
    /** The same for a model whose user-id input is an integer (imported), which a non-numeric id cannot reach. */
    static final Rating UNKNOWN_INTEGER_ROW = new Rating("999999999", "Probe Unknown Title (1900)", 3f, 0L);
    private static final int PROBE_ROWS = 64;

    private final BatchScorer scorer;

    private LoadedVersion(BatchScorer scorer) {
        this.scorer = scorer;
    }

    static LoadedVersion open(Path dir) throws IOException {
        return new LoadedVersion(BatchScorer.open(dir, ScorerThreads.callerThread()));
    }

    /** Why the answers to a probe batch (up to 64 of {@code sample} plus an unknown row) are unacceptable, or null. */
    String probe(List<Rating> sample) {
        List<Rating> rows = new ArrayList<>(sample.subList(0, Math.min(PROBE_ROWS, sample.size())));
        rows.add(ModelContract.STRING.equals(scorer.contract().userType()) ? UNKNOWN_ROW : UNKNOWN_INTEGER_ROW);
        return GatePolicy.checkProbe(predict(rows), rows.size());
    }

    double rmse(List<Rating> rows) {
        return Metrics.of(predict(rows), rows).rmse();
    }

    float[] predict(List<Rating> rows) {
        return scorer.predict(rows);
    }

    @Override
    public void close() {
        scorer.close();
    }
}

package dev.marquee.job.score;

import dev.marquee.model.BatchScorer;
import dev.marquee.model.ModelContract;
import dev.marquee.model.ScoredBatch;
import dev.marquee.model.ScorerThreads;
import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalInt;

/** One loaded model version that has answered a probe batch. */
final class ServingModel implements AutoCloseable {
    private static final String[] PROBE_USERS = {"1", "marquee-probe-unknown-user"};
    /** For a model whose user-id input is an integer (imported): a non-numeric id would not reach it. */
    private static final String[] PROBE_INTEGER_USERS = {"1", "999999999"};
    private static final String[] PROBE_TITLES = {"Toy Story (1995)", "marquee probe unknown title (2000)"};
    private static final long[] PROBE_TIMESTAMPS = {881_250_949L, 881_250_949L};

    final long version;
    final BatchScorer scorer;

    private ServingModel(long version, BatchScorer scorer) {
        this.version = version;
        this.scorer = scorer;
    }

    /**
     * Loads {@code dir} and scores a probe batch (a known and an unknown user and title, the ids integers for a
     * model that takes integer ids); a version that fails to load, or answers with anything but finite ratings,
     * is closed and refused with the reason.
     */
    static ServingModel load(long version, Path dir, ScorerThreads threads, OptionalInt gpu) throws IOException {
        BatchScorer scorer = BatchScorer.open(dir, threads, gpu);
        try {
            String[] users = ModelContract.STRING.equals(scorer.contract().userType()) ? PROBE_USERS : PROBE_INTEGER_USERS;
            ScoredBatch probe = scorer.score(users, PROBE_TITLES, PROBE_TIMESTAMPS);
            if (probe.size() != users.length) {
                throw new IOException("version " + version + " answered " + probe.size() + " rows for a probe of " + users.length);
            }
            for (float r : probe.ratings()) {
                if (!Float.isFinite(r)) throw new IOException("version " + version + " answered a probe with " + r);
            }
            return new ServingModel(version, scorer);
        } catch (IOException | RuntimeException e) {
            scorer.close();
            throw e;
        }
    }

    @Override
    public void close() {
        scorer.close();
    }
}

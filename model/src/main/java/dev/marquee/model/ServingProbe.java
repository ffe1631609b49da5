package dev.marquee.model;

/**
 * The rows every version answers before it serves, the same for the scoring job's load and for an import: a known
 * and an unknown user and title in one batch, then the unknown ones alone (most of the job's batches at low traffic
 * hold one row, and a graph that squeezes its batch axis away fails only there). Ratings must be finite, one per row.
 */
public final class ServingProbe {
    public static final String[] USERS = {"1", "marquee-probe-unknown-user"};
    /** For a model whose user-id input is an integer (imported): a non-numeric id would not reach it. */
    public static final String[] INTEGER_USERS = {"1", "999999999"};
    public static final String[] TITLES = {"Toy Story (1995)", "marquee probe unknown title (2000)"};
    public static final long TIMESTAMP = 881_250_949L;

    private ServingProbe() {}

    /** The probe's user ids for {@code contract}'s user input. */
    public static String[] users(ModelContract contract) {
        return ModelContract.STRING.equals(contract.userType()) ? USERS : INTEGER_USERS;
    }

    /**
     * Scores the probe batches; null when every row got one finite rating, else what was wrong ("a probe of 2 rows
     * with NaN"). A batch TensorFlow refuses throws as {@link BatchScorer#score} does.
     */
    public static String problem(BatchScorer scorer) {
        String[] users = users(scorer.contract());
        String both = problem(scorer, users, TITLES);
        if (both != null) return both;
        return problem(scorer, new String[] {users[1]}, new String[] {TITLES[1]});
    }

    private static String problem(BatchScorer scorer, String[] users, String[] titles) {
        long[] timestamps = new long[users.length];
        java.util.Arrays.fill(timestamps, TIMESTAMP);
        ScoredBatch probe = scorer.score(users, titles, timestamps);
        String rows = users.length == 1 ? "1 row" : users.length + " rows";
        if (probe.size() != users.length) return probe.size() + " ratings for a probe of " + rows;
        for (float r : probe.ratings()) {
            if (!Float.isFinite(r)) return r + " in a probe of " + rows + " (user_id " + String.join(", ", users) + ")";
        }
        return null;
    }
}

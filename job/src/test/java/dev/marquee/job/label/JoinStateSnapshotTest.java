package dev.marquee.job.label;

import static dev.marquee.job.label.LegacyJoinStateTest.expired;
import static dev.marquee.job.label.LegacyJoinStateTest.joins;
import static dev.marquee.job.label.LegacyJoinStateTest.prediction;
import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.config.Settings;
import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.Rating;
import dev.marquee.job.testing.StateSnapshots;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The label join and the user adaptation as they are saved today (the waiting entries of one user, a user's
 * residual) restore into this code: from a snapshot of this code, and from one earlier code wrote. Either restore
 * must go on exactly as the job would have without stopping.
 */
class JoinStateSnapshotTest {
    private static final Map<String, String> SETTINGS = Map.of("adaptation.decay", "1", "adaptation.shrinkage", "1",
            "labels.join-ttl-ms", "60000");
    /** {@link #before}'s state as commit bbf3505's join saved it. */
    private static final String JOIN_SNAPSHOT = "join-waiting-bbf3505.snapshot";
    /** This code's, under a name that copying it beside the older ones cannot mistake for theirs (TESTING.md). */
    private static final String THIS_CODES_SNAPSHOT = "join-waiting-current.snapshot";

    /**
     * u1's label answers its prediction (a residual of +2); u2's prediction (with a shadow's rating) and u3's label
     * wait for their match; u4's prediction waits for a label that never comes.
     */
    private static void before(KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Rating, Prediction> h)
            throws Exception {
        h.processElement1(prediction("u1", "r1", "Heat (1995)", 3.0f, 100), 0);
        Rating answer = new Rating("u1", "Heat (1995)", 5.0f, 100);
        answer.requestId = "r1";
        h.processElement2(answer, 0);
        Prediction u2 = prediction("u2", "r3", "Alien (1979)", 3.5f, 100);
        u2.shadowVersion = 2;
        u2.shadowRating = 3.25f;
        h.processElement1(u2, 0);
        h.processElement2(new Rating("u3", "Fargo (1996)", 2.0f, 200), 0);
        h.processElement1(prediction("u4", "r6", "Heat (1995)", 4.0f, 150), 0);
    }

    /**
     * What comes after, in order: u1 served with its residual; u2's and u3's waiting halves matched; a watermark just
     * before u4's prediction expires (a join TTL after its timestamp), then one past it. Every prediction, join and
     * expiry whole, so that a saved field that did not come back (a renamed field restores as its default) shows.
     */
    private static List<Object> after(KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Rating, Prediction> h)
            throws Exception {
        int predictionsBefore = h.extractOutputValues().size();
        int joinsBefore = joins(h).size();
        h.processElement1(prediction("u1", "r5", "Fargo (1996)", 3.0f, 300), 0);
        Rating u2 = new Rating("u2", "Alien (1979)", 4.0f, 100);
        u2.requestId = "r3";
        h.processElement2(u2, 0);
        h.processElement1(prediction("u3", "r4", "Fargo (1996)", 3.0f, 200), 0);
        h.processBothWatermarks(new Watermark(150_000 + 60_000 - 1));
        List<Object> seen = new ArrayList<>(expired(h));
        seen.add("-- a watermark past u4's expiry --");
        h.processBothWatermarks(new Watermark(1_000_000));
        seen.addAll(expired(h));
        seen.addAll(h.extractOutputValues().subList(predictionsBefore, h.extractOutputValues().size()));
        seen.addAll(joins(h).subList(joinsBefore, joins(h).size()));
        assertThat(h.getOperator().getKeyedStateBackend().getKeys("join-waiting", VoidNamespace.INSTANCE))
                .as("nothing left waiting").isEmpty();
        return seen;
    }

    /** The job that never stopped. */
    private static List<Object> uninterrupted() throws Exception {
        try (var h = harness()) {
            h.open();
            before(h);
            return after(h);
        }
    }

    private static OperatorSubtaskState snapshotAfterBefore() throws Exception {
        try (var h = harness()) {
            h.open();
            before(h);
            return h.snapshot(1, 10);
        }
    }

    private static List<Object> restoredFrom(OperatorSubtaskState snapshot) throws Exception {
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            return after(h);
        }
    }

    @Test
    void whatWasSavedComesBackAsIfTheJobHadNotStopped() throws Exception {
        List<Object> expected = uninterrupted();
        assertThat(expected).filteredOn(Prediction.class::isInstance).map(o -> (Prediction) o)
                .as("u1 served with its residual").anySatisfy(p -> {
                    assertThat(p.requestId).isEqualTo("r5");
                    assertThat(p.adjustment).isPositive();
                });
        assertThat(expected).filteredOn(LabelJoin.class::isInstance).map(o -> (LabelJoin) o)
                .extracting(j -> j.userId + " " + j.model + " -> " + j.label + " (shadow " + j.shadowVersion + ")")
                .containsExactly("u2 3.5 -> 4.0 (shadow 2)", "u3 3.0 -> 2.0 (shadow 0)");
        assertThat(expected).filteredOn(UnmatchedExpiry.class::isInstance).map(o -> (UnmatchedExpiry) o)
                .extracting(e -> e.kind + " " + e.userId + " " + e.requestId)
                .containsExactly("PREDICTION u4 r6", "PREDICTION u1 r5");
        assertThat(expected.indexOf("-- a watermark past u4's expiry --")).as("u4 expired at its time, not before")
                .isZero();
        assertThat(restoredFrom(snapshotAfterBefore())).usingRecursiveFieldByFieldElementComparator().isEqualTo(expected);
    }

    /** Today's state classes read what earlier code saved: a savepoint of a running job restores into this one. */
    @Test
    void aSnapshotSavedByEarlierCodeComesBackAsIfTheJobHadNotStopped() throws Exception {
        OperatorSubtaskState saved = StateSnapshots.read(getClass(), JOIN_SNAPSHOT);
        assertThat(stateOf(saved)).as("every field saved comes back (a renamed one would restore as its default)")
                .usingRecursiveComparison().isEqualTo(stateOf(snapshotAfterBefore()));
        assertThat(restoredFrom(saved)).usingRecursiveFieldByFieldElementComparator().isEqualTo(uninterrupted());
    }

    /** Each user's waiting entries and residual as {@code snapshot} restores them, before any input. */
    private static Map<String, Object> stateOf(OperatorSubtaskState snapshot) throws Exception {
        Map<String, Object> state = new TreeMap<>();
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            var backend = h.getOperator().getKeyedStateBackend();
            for (String user : List.of("u1", "u2", "u3", "u4")) {
                h.getOperator().setCurrentKey(user);
                state.put(user + " waiting", backend.getPartitionedState(VoidNamespace.INSTANCE,
                        VoidNamespaceSerializer.INSTANCE, new ValueStateDescriptor<>("join-waiting",
                                TypeInformation.of(WaitingEntries.class))).value());
                state.put(user + " residual", backend.getPartitionedState(VoidNamespace.INSTANCE,
                        VoidNamespaceSerializer.INSTANCE, new ValueStateDescriptor<>("residual",
                                TypeInformation.of(UserResidual.class))).value());
            }
        }
        assertThat(state).as("what the scenario saved").containsKeys("u2 waiting", "u1 residual")
                .extractingByKeys("u2 waiting", "u3 waiting", "u4 waiting", "u1 residual").doesNotContainNull();
        return state;
    }

    /** This code's snapshot, through a file as a savepoint is ({@link StateSnapshots#WRITE} keeps it for the next release). */
    @Test
    void thisCodesSnapshotWrittenToAFileComesBackAsIfTheJobHadNotStopped(@TempDir Path dir) throws Exception {
        Path file = StateSnapshots.write(snapshotAfterBefore(), THIS_CODES_SNAPSHOT, dir);
        assertThat(restoredFrom(StateSnapshots.read(file))).usingRecursiveFieldByFieldElementComparator()
                .isEqualTo(uninterrupted());
    }

    /** As the job runs the join ({@link LabelJoinOperator}). */
    private static KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Rating, Prediction> harness() throws Exception {
        return LegacyJoinStateTest.joinHarness(new OnlineAdaptation(LabelSettings.from(new Settings(SETTINGS))));
    }
}

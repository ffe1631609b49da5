package dev.marquee.job.label;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.config.Settings;
import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.Rating;
import dev.marquee.job.testing.StateSnapshots;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
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
    /** {@link #before}'s state as commit b21c353's join saved it. */
    private static final String JOIN_SNAPSHOT = "join-waiting-b21c353.snapshot";

    /** u1's label answers its prediction (a residual of +2); u2's prediction and u3's label wait for their match. */
    private static void before(KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Rating, Prediction> h)
            throws Exception {
        h.processElement1(prediction("u1", "r1", "Heat (1995)", 3.0f, 100), 0);
        Rating answer = new Rating("u1", "Heat (1995)", 5.0f, 100);
        answer.requestId = "r1";
        h.processElement2(answer, 0);
        h.processElement1(prediction("u2", "r3", "Alien (1979)", 3.5f, 100), 0);
        h.processElement2(new Rating("u3", "Fargo (1996)", 2.0f, 200), 0);
    }

    /** What comes after: u1 is served with its residual, u2's and u3's waiting halves find their matches. */
    private static List<String> after(KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Rating, Prediction> h)
            throws Exception {
        int predictionsBefore = h.extractOutputValues().size();
        int joinsBefore = joins(h).size();
        h.processElement1(prediction("u1", "r5", "Fargo (1996)", 3.0f, 300), 0);
        Rating u2 = new Rating("u2", "Alien (1979)", 4.0f, 100);
        u2.requestId = "r3";
        h.processElement2(u2, 0);
        h.processElement1(prediction("u3", "r4", "Fargo (1996)", 3.0f, 200), 0);
        h.processBothWatermarks(new Watermark(1_000_000));
        List<String> seen = new ArrayList<>();
        for (Prediction p : h.extractOutputValues().subList(predictionsBefore, h.extractOutputValues().size())) {
            seen.add("served " + p.requestId + " " + p.predictedRating + " (" + p.adjustment + ")");
        }
        for (LabelJoin j : joins(h).subList(joinsBefore, joins(h).size())) {
            seen.add("joined " + j.userId + " " + j.model + " -> " + j.label);
        }
        assertThat(h.getOperator().getKeyedStateBackend().getKeys("join-waiting", VoidNamespace.INSTANCE))
                .as("nothing left waiting").isEmpty();
        return seen;
    }

    /** The job that never stopped. */
    private static List<String> uninterrupted() throws Exception {
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

    private static List<String> restoredFrom(OperatorSubtaskState snapshot) throws Exception {
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            return after(h);
        }
    }

    @Test
    void whatWasSavedComesBackAsIfTheJobHadNotStopped() throws Exception {
        List<String> expected = uninterrupted();
        assertThat(expected).as("u1 served with its residual, u2 and u3 joined").hasSize(4)
                .anyMatch(s -> s.startsWith("served r5 ") && !s.endsWith("(0.0)"))
                .contains("joined u2 3.5 -> 4.0", "joined u3 3.0 -> 2.0");
        assertThat(restoredFrom(snapshotAfterBefore())).isEqualTo(expected);
    }

    /** Today's state classes read what earlier code saved: a savepoint of a running job restores into this one. */
    @Test
    void aSnapshotSavedByEarlierCodeComesBackAsIfTheJobHadNotStopped() throws Exception {
        assertThat(restoredFrom(StateSnapshots.read(getClass(), JOIN_SNAPSHOT))).isEqualTo(uninterrupted());
    }

    /** This code's snapshot, through a file as a savepoint is ({@link StateSnapshots#WRITE} keeps it for the next release). */
    @Test
    void thisCodesSnapshotWrittenToAFileComesBackAsIfTheJobHadNotStopped(@TempDir Path dir) throws Exception {
        Path file = StateSnapshots.write(snapshotAfterBefore(), JOIN_SNAPSHOT, dir);
        assertThat(restoredFrom(StateSnapshots.read(file))).isEqualTo(uninterrupted());
    }

    /** As the job runs the join ({@link LabelJoinOperator}). */
    private static KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Rating, Prediction> harness() throws Exception {
        return new KeyedTwoInputStreamOperatorTestHarness<>(
                new LabelJoinOperator(new OnlineAdaptation(LabelSettings.from(new Settings(SETTINGS)))),
                p -> p.userId, r -> r.userId, Types.STRING);
    }

    private static Prediction prediction(String user, String requestId, String title, float rating, long timestamp) {
        Prediction p = new Prediction();
        p.requestId = requestId;
        p.userId = user;
        p.movieTitle = title;
        p.predictedRating = rating;
        p.output3 = new float[] {rating};
        p.modelVersion = 1;
        p.timestamp = timestamp;
        return p;
    }

    private static List<LabelJoin> joins(KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Rating, Prediction> h) {
        var out = h.getSideOutput(OnlineAdaptation.LABEL_JOINS);
        return out == null ? List.of() : out.stream().map(StreamRecord::getValue).toList();
    }
}

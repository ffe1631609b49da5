package dev.marquee.job.label;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.config.Settings;
import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.Rating;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/** A savepoint of the join in its older layout (a list per title, a request-id index, a count) restores into the new one. */
class LegacyJoinStateTest {
    private static final Map<String, String> SETTINGS = Map.of("adaptation.enabled", "false", "labels.join-ttl-ms", "60000");

    @Test
    void whatWaitedInTheOlderLayoutStillMatchesAndExpiresAfterARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(new OlderLayoutWriter(LabelSettings.from(new Settings(SETTINGS)).stateTtlMs))) {
            h.open();
            h.processElement1(prediction("u1", "r1", "Heat (1995)", 3.0f, 100), 0);
            h.processElement1(prediction("u1", "r2", "Heat (1995)", 4.0f, 100), 0);
            h.processElement1(prediction("u2", "r3", "Alien (1979)", 3.5f, 100), 0);
            h.processElement2(new Rating("u3", "Fargo (1996)", 2.0f, 200), 0);
            assertThat(h.numEventTimeTimers()).as("one per user and expiry time").isEqualTo(3);
            snapshot = h.snapshot(1, 10);
        }
        OnlineAdaptation restored = new OnlineAdaptation(LabelSettings.from(new Settings(SETTINGS)));
        try (var h = joinHarness(restored)) {
            h.initializeState(snapshot);
            h.open();
            assertThat(restored.readsOlderLayout()).as("restored from the older layout").isTrue();
            Rating byId = new Rating("u1", "Heat (1995)", 5.0f, 100);
            byId.requestId = "r2";
            h.processElement2(byId, 0);
            h.processElement2(new Rating("u1", "heat  (1995) ", 1.0f, 100), 0);
            h.processElement1(prediction("u3", "r4", "Fargo (1996)", 3.0f, 200), 0);
            assertThat(joins(h)).extracting(j -> j.userId + ":" + j.model + "->" + j.label)
                    .containsExactly("u1:4.0->5.0", "u1:3.0->1.0", "u3:3.0->2.0");
            h.processBothWatermarks(new Watermark(160_000)); // u2 was not seen since: its old timer moves and expires it
            assertThat(expired(h)).singleElement().satisfies(e -> {
                assertThat(e.userId).isEqualTo("u2");
                assertThat(e.requestId).isEqualTo("r3");
            });
            for (String state : List.of("join-waiting", "join-predictions", "join-labels", "join-request-ids",
                    "join-pending-count", "join-recount-after-ms")) {
                assertThat(h.getOperator().getKeyedStateBackend().getKeys(state, VoidNamespace.INSTANCE))
                        .as("nothing left in %s", state).isEmpty();
            }
            assertThat(h.numKeyedStateEntries()).as("adaptation is off: the matches leave nothing per user").isZero();
        }
    }

    /**
     * A snapshot written by the older code itself: commit 7685b0f's {@code OnlineAdaptation} in this harness
     * (adaptation off, join TTL 60 s), after predictions r1 and r2 of "Heat (1995)" for u1 and r3 of "Alien (1979)"
     * for u2 (timestamp 100), and labels for u3 ("Fargo (1996)", 2.0, timestamp 200, no request id) and u4 ("Heat
     * (1995)", 4.5, timestamp 300, request r9), saved with Flink's {@code OperatorSnapshotUtil.writeStateHandle}.
     */
    @Test
    void aSnapshotWrittenByTheOlderCodeRestoresWithWhatWaited() throws Exception {
        OperatorSubtaskState snapshot = OperatorSnapshotUtil.readStateHandle(
                Path.of(getClass().getResource("join-layout-7685b0f.snapshot").toURI()).toString());
        OnlineAdaptation restored = new OnlineAdaptation(LabelSettings.from(new Settings(SETTINGS)));
        try (var h = joinHarness(restored)) {
            h.initializeState(snapshot);
            h.open();
            assertThat(restored.readsOlderLayout()).isTrue();
            Rating byId = new Rating("u1", "Heat (1995)", 5.0f, 100);
            byId.requestId = "r2";
            h.processElement2(byId, 0);
            h.processElement2(new Rating("u1", "heat  (1995) ", 1.0f, 100), 0);
            h.processElement1(prediction("u3", "r4", "Fargo (1996)", 3.0f, 200), 0);
            h.processElement1(prediction("u4", "r9", "Heat (1995)", 3.5f, 300), 0);
            assertThat(joins(h)).extracting(j -> j.userId + ":" + j.model + "->" + j.label)
                    .containsExactly("u1:4.0->5.0", "u1:3.0->1.0", "u3:3.0->2.0", "u4:3.5->4.5");
            h.processBothWatermarks(new Watermark(160_000));
            assertThat(expired(h)).extracting(e -> e.userId + ":" + e.requestId).containsExactly("u2:r3");
            for (String state : List.of("join-waiting", "join-predictions", "join-labels", "join-request-ids",
                    "join-pending-count", "join-recount-after-ms")) {
                assertThat(h.getOperator().getKeyedStateBackend().getKeys(state, VoidNamespace.INSTANCE))
                        .as("nothing left in %s", state).isEmpty();
            }
        }
    }

    @Test
    void aJobLooksUpTheOlderLayoutOnlyForOneStateTtlAfterRestoringFromIt() {
        long ttl = 1_000;
        assertThat(LegacyJoinState.lookUpUntil(false, List.of(), 5_000, ttl)).as("started fresh").isZero();
        assertThat(LegacyJoinState.lookUpUntil(true, List.of(), 5_000, ttl)).as("a savepoint without the marker")
                .isEqualTo(6_000);
        assertThat(LegacyJoinState.lookUpUntil(true, List.of(0L, 0L), 5_000, ttl)).as("a snapshot of this layout").isZero();
        assertThat(LegacyJoinState.lookUpUntil(true, List.of(0L, 5_500L), 5_000, ttl)).as("still migrating").isEqualTo(5_500);
        assertThat(LegacyJoinState.lookUpUntil(true, List.of(4_999L), 5_000, ttl)).as("migration over").isZero();
    }

    /** A snapshot records whether the older layout is still looked up, so a restore from it does not start again. */
    @Test
    void aSnapshotOfTheNewLayoutRestoresWithoutTheOlderOne() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(new OnlineAdaptation(LabelSettings.from(new Settings(SETTINGS))))) {
            h.open();
            h.processElement1(prediction("u1", "r1", "Heat (1995)", 3.0f, 100), 0);
            snapshot = h.snapshot(1, 10);
        }
        OnlineAdaptation restored = new OnlineAdaptation(LabelSettings.from(new Settings(SETTINGS)));
        try (var h = harness(restored)) {
            h.initializeState(snapshot);
            h.open();
            assertThat(restored.readsOlderLayout()).isFalse();
            Rating label = new Rating("u1", "Heat (1995)", 5.0f, 100);
            label.requestId = "r1";
            h.processElement2(label, 0);
            assertThat(joins(h)).hasSize(1);
        }
    }

    /**
     * Labels turned on at a restore: the join is new to the savepoint, but Flink calls it restored (its task is), and
     * its snapshot has no marker. It holds nothing in the older layout, so it never looks there.
     */
    @Test
    void aJoinAddedAtARestoreDoesNotLookUpTheOlderLayout() throws Exception {
        OnlineAdaptation added = new OnlineAdaptation(LabelSettings.from(new Settings(SETTINGS)));
        try (var h = joinHarness(added)) {
            h.initializeState(OperatorSubtaskState.builder().build()); // the task restored, this operator without state
            h.open();
            assertThat(added.readsOlderLayout()).isFalse();
            h.processElement1(prediction("u1", "r1", "Heat (1995)", 3.0f, 100), 0);
            Rating label = new Rating("u1", "Heat (1995)", 5.0f, 100);
            label.requestId = "r1";
            h.processElement2(label, 0);
            assertThat(joins(h)).hasSize(1);
        }
    }

    /**
     * A label moved from the older layout and kept past its expiry while the requests are idle (their event time
     * behind) is looked at again a quarter of the join TTL later, not at every watermark: once moved, a user's timer
     * finds nothing more in the older layout and does not take the label's past expiry as a new one.
     */
    @Test
    // before the fix: the timer set itself again in the past, a loop without end within one watermark
    @org.junit.jupiter.api.Timeout(value = 60, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void aLabelMovedFromTheOlderLayoutAndKeptPastItsExpiryIsNotRecheckedAtEveryWatermark() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(new OlderLayoutWriter(LabelSettings.from(new Settings(SETTINGS)).stateTtlMs))) {
            h.open();
            h.processElement2(new Rating("u3", "Fargo (1996)", 2.0f, 200), 0); // expires at 260 s of event time
            snapshot = h.snapshot(1, 10);
        }
        OnlineAdaptation restored = new OnlineAdaptation(LabelSettings.from(new Settings(SETTINGS)));
        try (var h = joinHarness(restored)) {
            h.initializeState(snapshot);
            h.open();
            assertThat(restored.readsOlderLayout()).isTrue();
            h.processWatermarkStatus1(WatermarkStatus.IDLE); // no requests: event time is the labels' alone
            h.processWatermark2(new Watermark(300_000)); // the old timer fires: the label moves, and is kept
            assertThat(expired(h)).as("its prediction can still come").isEmpty();
            for (long wm = 301_000; wm <= 305_000; wm += 1_000) {
                h.processWatermark2(new Watermark(wm));
                assertThat(h.numEventTimeTimers()).as("one timer for u3 after the watermark %d", wm).isEqualTo(1);
            }
            h.processWatermark2(new Watermark(316_000)); // the recheck: still kept, the requests are behind
            assertThat(h.numEventTimeTimers()).isEqualTo(1);
            assertThat(expired(h)).isEmpty();
        }
    }

    /** The join's state as written before {@link WaitingEntries}, with the same names, types and TTL. */
    static final class OlderLayoutWriter extends KeyedCoProcessFunction<String, Prediction, Rating, Prediction> {
        private final long stateTtlMs;
        private transient MapState<String, List<PendingPrediction>> predictions;
        private transient MapState<String, List<PendingLabel>> labels;
        private transient MapState<String, String> requestIds;
        private transient ValueState<Integer> pending;

        OlderLayoutWriter(long stateTtlMs) {
            this.stateTtlMs = stateTtlMs;
        }

        @Override
        public void open(OpenContext context) {
            StateTtlConfig ttl = TtlSweep.config(stateTtlMs);
            var p = new MapStateDescriptor<>("join-predictions", Types.STRING, new ListTypeInfo<>(PendingPrediction.class));
            p.enableTimeToLive(ttl);
            predictions = getRuntimeContext().getMapState(p);
            var l = new MapStateDescriptor<>("join-labels", Types.STRING, new ListTypeInfo<>(PendingLabel.class));
            l.enableTimeToLive(ttl);
            labels = getRuntimeContext().getMapState(l);
            var ids = new MapStateDescriptor<>("join-request-ids", Types.STRING, Types.STRING);
            ids.enableTimeToLive(ttl);
            requestIds = getRuntimeContext().getMapState(ids);
            var c = new ValueStateDescriptor<>("join-pending-count", Types.INT);
            c.enableTimeToLive(ttl);
            pending = getRuntimeContext().getState(c);
            var a = new ValueStateDescriptor<>("join-recount-after-ms", Types.LONG);
            a.enableTimeToLive(ttl);
            getRuntimeContext().getState(a);
        }

        @Override
        public void processElement1(Prediction p, Context ctx, Collector<Prediction> out) throws Exception {
            PendingPrediction served = new PendingPrediction(p.output3[0], p.predictedRating, p.modelVersion);
            served.requestId = p.requestId;
            served.movieTitle = p.movieTitle;
            served.timestamp = p.timestamp;
            served.expiresAtMs = p.timestamp * 1000 + 60_000;
            String key = TitleAdaptation.key(p.movieTitle);
            List<PendingPrediction> list = predictions.get(key);
            if (list == null) list = new ArrayList<>();
            list.add(served);
            predictions.put(key, list);
            requestIds.put(p.requestId, key);
            count();
            ctx.timerService().registerEventTimeTimer(served.expiresAtMs);
        }

        @Override
        public void processElement2(Rating r, Context ctx, Collector<Prediction> out) throws Exception {
            PendingLabel waits = new PendingLabel(r.rating, r.timestamp, null, r.timestamp * 1000 + 60_000);
            waits.movieTitle = r.movieTitle;
            String key = TitleAdaptation.key(r.movieTitle);
            List<PendingLabel> list = labels.get(key);
            if (list == null) list = new ArrayList<>();
            list.add(waits);
            labels.put(key, list);
            count();
            ctx.timerService().registerEventTimeTimer(waits.expiresAtMs);
        }

        private void count() throws Exception {
            Integer n = pending.value();
            pending.update(n == null ? 1 : n + 1);
        }
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Rating, Prediction> harness(
            KeyedCoProcessFunction<String, Prediction, Rating, Prediction> function) throws Exception {
        return new KeyedTwoInputStreamOperatorTestHarness<>(new KeyedCoProcessOperator<>(function), p -> p.userId,
                r -> r.userId, Types.STRING);
    }

    /** As the job runs the join ({@link LabelJoinOperator}). */
    static KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Rating, Prediction> joinHarness(
            OnlineAdaptation join) throws Exception {
        return new KeyedTwoInputStreamOperatorTestHarness<>(new LabelJoinOperator(join), p -> p.userId, r -> r.userId,
                Types.STRING);
    }

    static Prediction prediction(String user, String requestId, String title, float rating, long timestamp) {
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

    static List<LabelJoin> joins(KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Rating, Prediction> h) {
        var out = h.getSideOutput(OnlineAdaptation.LABEL_JOINS);
        return out == null ? List.of() : out.stream().map(StreamRecord::getValue).toList();
    }

    static List<UnmatchedExpiry> expired(KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Rating, Prediction> h) {
        var out = h.getSideOutput(OnlineAdaptation.EXPIRED);
        return out == null ? List.of() : out.stream().map(StreamRecord::getValue).toList();
    }
}

package dev.marquee.job.label;

import java.util.List;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ListTypeInfo;

/**
 * The labels' join as savepoints before {@link WaitingEntries} hold it: a list per title key, a request-id index, a
 * count and a recount time, per user. Registered only for one TTL of that state (the larger of the state TTL and twice
 * the join TTL) after a restore from such a savepoint
 * ({@link #lookUpUntil}); a user's old entries move into
 * {@link WaitingEntries} the first time the user is seen (or an old timer of theirs fires), and the old states are
 * cleared. The old per-entry timers still fire and find nothing more to do than the new timer would.
 */
final class LegacyJoinState {
    /** The older layout's keyed states, by name. */
    static final java.util.List<String> STATE_NAMES = java.util.List.of("join-predictions", "join-labels",
            "join-request-ids", "join-pending-count", "join-recount-after-ms");
    private final MapState<String, List<PendingPrediction>> predictions;
    private final MapState<String, List<PendingLabel>> labels;
    private final MapState<String, String> requestIds;
    private final ValueState<Integer> pending;
    private final ValueState<Long> recountAfter;

    private LegacyJoinState(RuntimeContext context, StateTtlConfig ttl) {
        MapStateDescriptor<String, List<PendingPrediction>> p = new MapStateDescriptor<>("join-predictions", Types.STRING,
                new ListTypeInfo<>(PendingPrediction.class));
        p.enableTimeToLive(ttl);
        predictions = context.getMapState(p);
        MapStateDescriptor<String, List<PendingLabel>> l = new MapStateDescriptor<>("join-labels", Types.STRING,
                new ListTypeInfo<>(PendingLabel.class));
        l.enableTimeToLive(ttl);
        labels = context.getMapState(l);
        MapStateDescriptor<String, String> ids = new MapStateDescriptor<>("join-request-ids", Types.STRING, Types.STRING);
        ids.enableTimeToLive(ttl);
        requestIds = context.getMapState(ids);
        ValueStateDescriptor<Integer> c = new ValueStateDescriptor<>("join-pending-count", Types.INT);
        c.enableTimeToLive(ttl);
        pending = context.getState(c);
        ValueStateDescriptor<Long> a = new ValueStateDescriptor<>("join-recount-after-ms", Types.LONG);
        a.enableTimeToLive(ttl);
        recountAfter = context.getState(a);
    }

    /**
     * The old layout's states, registered under their old names and types with TTL on (a savepoint's serializers must
     * match; Flink takes another TTL duration, not TTL switched off).
     */
    static LegacyJoinState register(RuntimeContext context, StateTtlConfig ttl) {
        return new LegacyJoinState(context, ttl);
    }

    /**
     * Until when (processing time) a job looks users up in the old layout; 0: not at all. A job started fresh never
     * does. Restored from a savepoint without the marker (so from before this layout), for one TTL of that state: all the old
     * layout's entries have expired by then. Restored from a later snapshot, until the time it recorded.
     *
     * @param recorded the marker's values, one per subtask of the snapshot (a union list state)
     */
    static long lookUpUntil(boolean restored, Iterable<Long> recorded, long nowMs, long stateTtlMs) {
        if (!restored) return 0;
        long until = -1;
        for (Long r : recorded) until = Math.max(until, r == null ? 0 : r);
        if (until < 0) return nowMs > Long.MAX_VALUE - stateTtlMs ? Long.MAX_VALUE : nowMs + stateTtlMs;
        return until > nowMs ? until : 0;
    }

    /**
     * Moves the current user's entries in the old layout, if any, after those in {@code into}, and clears the old
     * states. Every old write also wrote the count, under the same TTL, so a user without a count has nothing live in
     * the old layout: one lookup for users who have nothing to move. {@code evenWithoutCount} (from a timer, which is
     * rare) reads and clears the old states anyway, so that what an expired count leaves behind does not stay in
     * memory.
     *
     * @return whether entries moved (the old states are cleared either way): a user already moved has nothing more,
     *     and the caller must not take {@code into}'s expiries as new (a label kept past its expiry would set its timer
     *     in the past again at every watermark)
     */
    boolean drainInto(WaitingEntries into, boolean evenWithoutCount) throws Exception {
        if (pending.value() == null && !evenWithoutCount) return false;
        int before = into.predictions.size() + into.labels.size();
        for (List<PendingPrediction> list : predictions.values()) into.predictions.addAll(list);
        for (List<PendingLabel> list : labels.values()) into.labels.addAll(list);
        predictions.clear();
        labels.clear();
        requestIds.clear();
        pending.clear();
        recountAfter.clear();
        return into.predictions.size() + into.labels.size() > before;
    }
}

package dev.marquee.job.label;

import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.Rating;
import dev.marquee.job.config.ScoringJobOptions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by user: serves each prediction adjusted by the user's recent residual (when adaptation is on), and
 * matches labels from {@code ratings} with the predictions served, in either order. Each match updates the
 * user's residual and goes to {@link #LABEL_JOINS} for online accuracy. A label only ever changes later
 * predictions, never the one it is matched with.
 *
 * <p>The join: a label carrying a {@code request_id} matches the prediction of that request only. A label
 * without one matches the oldest waiting prediction of the user with the same title: the prediction's catalog title
 * as scored, the label's resolved against the serving version's catalog as the scorer resolves requests
 * (docs/TITLES.md), compared by key
 * ({@link TitleAdaptation#key}) and, when the label has a timestamp, the same request timestamp; a prediction
 * arriving after its label matches the oldest waiting label by the same rules. What waits expires
 * {@code labels.join-ttl-ms} of event time after its own timestamp (or after the event time when it arrived,
 * if it came later than that or is stamped further ahead of the clock than event time follows: decision 0015)
 * by the user's event-time timer, is counted ({@code labelsUnmatchedExpired},
 * {@code predictionsUnlabelledExpired}) and goes to {@link #EXPIRED} for the drift report. At most
 * {@code labels.max-pending-per-user} entries wait per user, all in one keyed value ({@link WaitingEntries}). State
 * TTL ({@code adaptation.state-ttl-ms}) is only a safety net.
 *
 * <p>The user's correction is {@link UserFactors} learned on the serving version's title embeddings when it has
 * them, else the residual bias ({@link UserAdaptation}). Predictions that also get a title's own bias
 * ({@link TitleAdaptation#applies}) leave by {@link #TITLE_EVENTS} instead of the main output, and their
 * labels by the same side output instead of {@link #LABEL_JOINS}, for {@link TitleAdaptation} (keyed by title), in
 * the order they were emitted.
 */
public final class OnlineAdaptation extends KeyedCoProcessFunction<String, Prediction, Rating, Prediction>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<LabelJoin> LABEL_JOINS = new OutputTag<>("label-joins") { };
    /** Predictions that get a title bias and their labels, in one stream ({@link TitleEvent}). */
    public static final OutputTag<TitleEvent> TITLE_EVENTS = new OutputTag<>("title-events") { };
    public static final OutputTag<UnmatchedExpiry> EXPIRED = new OutputTag<>("join-expired") { };
    /** Titles whose canonical key is remembered, per instance, before the memo starts again. */
    static final int TITLE_KEYS_KEPT = 4096;

    private final LabelSettings settings;
    private final UserAdaptation user;
    /** Null: label titles are matched by their canonical key only. */
    private final TitleCatalogSource titleCatalogs;
    /** {@code watermark.future-tolerance-ms}: an entry stamped further ahead of the clock waits as if it came now. */
    private long futureToleranceMs = ScoringJobOptions.FUTURE_TOLERANCE_MS.defaultValue();
    private transient LabelTitles labelTitles;
    /**
     * Title → itself and its {@link TitleAdaptation#key}: predictions carry a few thousand catalog titles, each key a
     * normalization, and what waits keeps one instance of each title instead of the copy every record brings.
     */
    private transient Map<String, TitleKey> titleKeys;
    private transient ValueState<UserResidual> residual;
    private transient ValueState<UserFactors> factors;
    /** The user's waiting predictions and labels, oldest first. */
    private transient ValueState<WaitingEntries> waiting;
    /** The join's older layout, read and cleared user by user after a restore from it; null otherwise. */
    private transient LegacyJoinState legacy;
    /** Until when (processing time) users are looked up in the older layout; 0: not at all. Kept in checkpoints. */
    private transient long olderLayoutUntilMs;
    /** Restored without the marker: a savepoint from before the marker, or one this operator was not in. */
    private transient boolean olderLayoutUnmarked;
    private transient ListState<Long> olderLayoutUntil;
    /**
     * The requests' own event time (their watermark at this operator) when {@link LabelJoinOperator} reports it;
     * {@code Long.MAX_VALUE} when nothing does, and then waiting labels expire on the combined event time alone.
     */
    private transient long requestsClockMs;
    /** The wall clock as {@link #expiry} last read it. */
    private transient long clockReadMs;
    private transient Counter joined;
    private transient Counter dropped;
    private transient Counter labelsExpired;
    private transient Counter predictionsExpired;

    /** With the residual bias only, label titles matched by canonical key. */
    public OnlineAdaptation(LabelSettings settings) {
        this(settings, null, null);
    }

    /** With user factors on the title embeddings {@code embeddings} gives, label titles matched by canonical key. */
    public OnlineAdaptation(LabelSettings settings, TitleEmbeddingSource embeddings) {
        this(settings, embeddings, null);
    }

    /**
     * With user factors on the title embeddings {@code embeddings} gives (null: the residual bias only), and label
     * titles resolved against the serving version's catalog from {@code titleCatalogs} (null: canonical key only).
     */
    public OnlineAdaptation(LabelSettings settings, TitleEmbeddingSource embeddings, TitleCatalogSource titleCatalogs) {
        this.settings = settings;
        this.user = new UserAdaptation(settings, embeddings);
        this.titleCatalogs = titleCatalogs;
    }

    /**
     * How far ahead of the TaskManager's clock an entry's timestamp may be and still set its expiry
     * ({@code watermark.future-tolerance-ms}; negative: no bound). Further ahead, event time ignored it (decision
     * 0015), so it expires the join TTL after the event time at its arrival, as a late entry does.
     */
    public OnlineAdaptation withFutureTolerance(long futureToleranceMs) {
        this.futureToleranceMs = futureToleranceMs;
        return this;
    }

    /** The title a prediction is joined and adapted by: the catalog title it was scored as, else as sent. */
    static String titleOf(Prediction p) {
        return p.catalogTitle != null ? p.catalogTitle : p.movieTitle;
    }

    @Override
    public void open(OpenContext context) {
        requestsClockMs = Long.MAX_VALUE; // a transient field's initializer does not run when the function is deserialized
        clockReadMs = Long.MIN_VALUE / 2;
        // The user's residual and factors are swept by a processing-time timer after each label (TtlSweep); the
        // join's state by the user's event-time timer that expires what waits, with the TTL only a safety net for what a
        // stalled event time would leave behind. Neither uses the heap backend's background cleanup, which on every
        // state access rebuilds and deep-copies visited users' whole maps (Flink's TtlMapState) and, while a state
        // is nearly empty, walks all key groups (docs/BENCHMARKS.md, decision 0014).
        var ttl = TtlSweep.config(settings.stateTtlMs);
        ValueStateDescriptor<UserResidual> r = new ValueStateDescriptor<>("residual", TypeInformation.of(UserResidual.class));
        r.enableTimeToLive(ttl);
        residual = getRuntimeContext().getState(r);
        ValueStateDescriptor<UserFactors> f = new ValueStateDescriptor<>("user-factors", TypeInformation.of(UserFactors.class));
        f.enableTimeToLive(ttl);
        factors = getRuntimeContext().getState(f);
        user.open();
        labelTitles = new LabelTitles(titleCatalogs);
        titleKeys = new HashMap<>();
        ValueStateDescriptor<WaitingEntries> w = new ValueStateDescriptor<>("join-waiting",
                TypeInformation.of(WaitingEntries.class));
        // The join's own safety net never cuts short what labels.join-ttl-ms lets wait: a state TTL below it would
        // drop waiting entries unseen and uncounted. It runs on the wall clock, while the entries' own expiry waits
        // for event time, which stands still while no request or label flows: so never under a week either (a quiet
        // night with adaptation.state-ttl-ms at an hour must not lose what waits).
        var joinTtl = TtlSweep.config(joinStateTtlMs(settings.stateTtlMs, settings.joinTtlMs));
        w.enableTimeToLive(joinTtl);
        waiting = getRuntimeContext().getState(w);
        legacy = olderLayoutUntilMs > 0 ? LegacyJoinState.register(getRuntimeContext(), joinTtl) : null;
        joined = getRuntimeContext().getMetricGroup().counter("labelsJoined");
        dropped = getRuntimeContext().getMetricGroup().counter("labelsPendingDropped");
        labelsExpired = getRuntimeContext().getMetricGroup().counter("labelsUnmatchedExpired");
        predictionsExpired = getRuntimeContext().getMetricGroup().counter("predictionsUnlabelledExpired");
    }

    /** The least time a quiet spell (no event time) keeps what waits in the join: {@value #JOIN_STATE_TTL_FLOOR_MS} ms. */
    static final long JOIN_STATE_TTL_FLOOR_MS = 7L * 24 * 3600 * 1000;

    /** The join's state TTL: the adaptation state's, but never under twice the join's wait nor under a week. */
    static long joinStateTtlMs(long stateTtlMs, long joinTtlMs) {
        return Math.max(Math.max(stateTtlMs, JOIN_STATE_TTL_FLOOR_MS), joinTtlMs > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : 2 * joinTtlMs);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        olderLayoutUntil = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("join-older-layout-until-ms", Types.LONG));
        // as long as the older layout's own state lives (its TTL, as for join-waiting), so no waiting entry is lost
        olderLayoutUntilMs = LegacyJoinState.lookUpUntil(context.isRestored(), olderLayoutUntil.get(),
                System.currentTimeMillis(), joinStateTtlMs(settings.stateTtlMs, settings.joinTtlMs));
        olderLayoutUnmarked = context.isRestored() && !olderLayoutUntil.get().iterator().hasNext();
    }

    /**
     * Whether the older layout is looked up only because the restored snapshot had no marker. Flink calls an operator
     * restored when its task is, so a join added to a job (labels turned on at a restore) looks restored too, without
     * state: {@link LabelJoinOperator} checks the older layout's keys and calls {@link #noOlderLayout} when there are
     * none.
     */
    boolean readsOlderLayoutUnmarked() {
        return legacy != null && olderLayoutUnmarked;
    }

    /** The restored state holds nothing in the older layout: no lookups there. */
    void noOlderLayout() {
        legacy = null;
        olderLayoutUntilMs = 0;
    }

    /** From now on a waiting label expires only once the requests' event time, as {@link #requestsReached} reports it, has passed its expiry. */
    void followRequestsClock() {
        requestsClockMs = Long.MIN_VALUE;
    }

    /** The requests' watermark at this operator moved to {@code watermarkMs}. */
    void requestsReached(long watermarkMs) {
        if (watermarkMs > requestsClockMs) requestsClockMs = watermarkMs;
    }

    /** Whether users are still looked up in the join's older layout (after a restore from a savepoint with it). */
    boolean readsOlderLayout() {
        return legacy != null;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        if (legacy != null && System.currentTimeMillis() >= olderLayoutUntilMs) {
            // everything in the older layout has expired by now: no more lookups there
            legacy = null;
            olderLayoutUntilMs = 0;
        }
        olderLayoutUntil.update(List.of(olderLayoutUntilMs));
    }

    @Override
    public void processElement1(Prediction p, Context ctx, Collector<Prediction> out) throws Exception {
        float model = p.output3 != null && p.output3.length > 0 ? p.output3[0] : p.predictedRating;
        labelTitles.served(p.modelVersion);
        if (settings.adaptationEnabled) {
            // Every label the residual or the factors learn from writes the residual, and the factors only with it,
            // under the same TTL: a user without a residual has no factors either (one state lookup less per
            // prediction of a user without labels).
            UserResidual r = residual.value();
            double a = user.serve(r, r == null ? null : factors.value(), p.modelVersion, titleOf(p));
            float adjustment = (float) Math.max(-settings.maxAdjustment, Math.min(settings.maxAdjustment, a));
            p.adjustment = adjustment;
            p.predictedRating = Math.max(1f, Math.min(5f, model + adjustment));
        }
        boolean titled = TitleAdaptation.applies(settings, p);
        if (titled) ctx.output(TITLE_EVENTS, TitleEvent.of(p));
        else out.collect(p);
        if (p.movieTitle == null) return;
        // one going on to its title's bias keeps the user's part unclamped: TitleAdaptation rebuilds what was served
        PendingPrediction served = new PendingPrediction(model, titled ? model + p.adjustment : p.predictedRating,
                p.modelVersion);
        served.titleBias = titled;
        served.newTitle = Boolean.TRUE.equals(p.oovMovieTitle);
        served.shadowVersion = p.shadowVersion;
        served.shadowModel = p.shadowRating;
        served.requestId = p.requestId;
        TitleKey title = titleKey(titleOf(p));
        served.movieTitle = title.title();
        served.timestamp = p.timestamp;
        WaitingEntries w = waitingEntries(ctx.timerService());
        PendingLabel label = w == null ? null : takeLabel(w, served, title.key());
        if (label != null) {
            store(w, ctx.timerService());
            match(served, label.rating, ctx);
        } else if (eventTimeEnded(ctx)) {
            predictionsExpired.inc();
            ctx.output(EXPIRED, new UnmatchedExpiry(UnmatchedExpiry.Kind.PREDICTION, ctx.getCurrentKey(),
                    served.movieTitle, served.requestId, served.modelVersion));
        } else {
            makeRoom(w, ctx);
            if (w == null) w = new WaitingEntries();
            served.expiresAtMs = expiry(p.timestamp, ctx);
            w.predictions.add(served);
            expireNoLaterThan(w, served.expiresAtMs, ctx.timerService());
            waiting.update(w);
        }
    }

    @Override
    public void processElement2(Rating label, Context ctx, Collector<Prediction> out) throws Exception {
        if (label.movieTitle == null) return;
        TitleKey resolved = titleKey(labelTitles.resolve(label.movieTitle));
        WaitingEntries w = waitingEntries(ctx.timerService());
        PendingPrediction served = w == null ? null : takePrediction(w, label, resolved.key());
        if (served != null) {
            store(w, ctx.timerService());
            match(served, label.rating, ctx);
        } else if (eventTimeEnded(ctx)) {
            labelsExpired.inc();
            ctx.output(EXPIRED, new UnmatchedExpiry(UnmatchedExpiry.Kind.LABEL, ctx.getCurrentKey(), resolved.title(),
                    label.requestId, 0));
        } else {
            makeRoom(w, ctx);
            if (w == null) w = new WaitingEntries();
            PendingLabel waits = new PendingLabel(label.rating, label.timestamp, label.requestId,
                    expiry(label.timestamp, ctx));
            waits.movieTitle = resolved.title();
            w.labels.add(waits);
            expireNoLaterThan(w, waits.expiresAtMs, ctx.timerService());
            waiting.update(w);
        }
    }

    /**
     * Event time has ended (a bounded input is through and the other idle or through): what comes now cannot be
     * matched, and a timer would never fire, so it expires at once instead of waiting uncounted.
     */
    private static boolean eventTimeEnded(Context ctx) {
        return ctx.timerService().currentWatermark() == Long.MAX_VALUE;
    }

    private TitleKey titleKey(String title) {
        TitleKey known = titleKeys.get(title);
        if (known == null) {
            if (titleKeys.size() >= TITLE_KEYS_KEPT) titleKeys.clear();
            known = new TitleKey(title, TitleAdaptation.key(title));
            titleKeys.put(title, known);
        }
        return known;
    }

    private record TitleKey(String title, String key) { }

    /** The current user's waiting entries (null: none), with any still in the older layout moved in first. */
    private WaitingEntries waitingEntries(TimerService timers) throws Exception {
        return waitingEntries(timers, false);
    }

    /** As above; {@code fromTimer}: the older layout is read and cleared even if its count has expired. */
    private WaitingEntries waitingEntries(TimerService timers, boolean fromTimer) throws Exception {
        WaitingEntries w = waiting.value();
        if (legacy == null) return w;
        WaitingEntries into = w != null ? w : new WaitingEntries();
        if (!legacy.drainInto(into, fromTimer) || into.isEmpty()) return w;
        expireNoLaterThan(into, into.earliestExpiryMs(), timers);
        waiting.update(into);
        return into;
    }

    /**
     * Makes room for one more entry for the user ({@code labels.max-pending-per-user}). A full user's entries already
     * due are expired first: after the requests were idle, kept labels would otherwise hold the user's room until the
     * user's next recheck, a quarter of the join TTL away. If none is due, the entry due first is expired early and
     * counted ({@code labelsPendingDropped}, and as an unlabelled prediction or unmatched label in the drift report):
     * the newest is the likeliest to be labelled (a ranking request scores many titles a user will rate one of),
     * and dropping it instead left every later prediction of an active user without its label, unseen by drift.
     */
    private void makeRoom(WaitingEntries w, Context ctx) {
        if (w == null || w.size() < settings.maxPendingPerUser) return;
        expireDue(w, ctx);
        while (w.size() >= settings.maxPendingPerUser) {
            expireFirstDue(w, ctx);
            dropped.inc();
        }
    }

    /** Expires the waiting entry due first, before its time, as a timer would have. */
    private void expireFirstDue(WaitingEntries w, Context ctx) {
        PendingPrediction firstPrediction = null;
        for (PendingPrediction p : w.predictions) {
            if (firstPrediction == null || p.expiresAtMs < firstPrediction.expiresAtMs) firstPrediction = p;
        }
        PendingLabel firstLabel = null;
        for (PendingLabel l : w.labels) {
            if (firstLabel == null || l.expiresAtMs < firstLabel.expiresAtMs) firstLabel = l;
        }
        String userId = ctx.getCurrentKey();
        if (firstLabel == null || (firstPrediction != null && firstPrediction.expiresAtMs <= firstLabel.expiresAtMs)) {
            w.predictions.remove(firstPrediction);
            predictionsExpired.inc();
            ctx.output(EXPIRED, new UnmatchedExpiry(UnmatchedExpiry.Kind.PREDICTION, userId, firstPrediction.movieTitle,
                    firstPrediction.requestId, firstPrediction.modelVersion));
        } else {
            w.labels.remove(firstLabel);
            labelsExpired.inc();
            ctx.output(EXPIRED, new UnmatchedExpiry(UnmatchedExpiry.Kind.LABEL, userId, firstLabel.movieTitle,
                    firstLabel.requestId, 0));
        }
    }

    /** Expires the entries already due at the event time now (labels: once the requests' own time has passed too). */
    private boolean expireDue(WaitingEntries w, Context ctx) {
        long now = ctx.timerService().currentWatermark();
        long labelsDueBy = now == Long.MAX_VALUE ? now : Math.min(now, requestsClockMs);
        String userId = ctx.getCurrentKey();
        int before = w.size();
        w.predictions.removeIf(p -> {
            if (p.expiresAtMs > now) return false;
            predictionsExpired.inc();
            ctx.output(EXPIRED, new UnmatchedExpiry(UnmatchedExpiry.Kind.PREDICTION, userId, p.movieTitle, p.requestId,
                    p.modelVersion));
            return true;
        });
        w.labels.removeIf(l -> {
            if (!labelDue(l, now, labelsDueBy)) return false;
            labelsExpired.inc();
            ctx.output(EXPIRED, new UnmatchedExpiry(UnmatchedExpiry.Kind.LABEL, userId, l.movieTitle, l.requestId, 0));
            return true;
        });
        return w.size() < before;
    }

    /**
     * Whether a waiting label expires at event time {@code now}: once the requests' own time ({@code labelsDueBy}) has
     * passed its expiry, or, whatever the requests, once event time is {@code adaptation.state-ttl-ms} past it. The
     * second is the bound for labels whose requests never come (a job that reads a shared ratings topic but serves
     * few requests): the state TTL alone does not end them, since the user's recheck rewrites the entry, and with it
     * the TTL's clock, every quarter of the join TTL.
     */
    private boolean labelDue(PendingLabel l, long now, long labelsDueBy) {
        return l.expiresAtMs <= labelsDueBy || (now > l.expiresAtMs && now - l.expiresAtMs >= settings.stateTtlMs);
    }

    /** Keeps the user's timer at or before {@code expiresAtMs}: one timer per user, at the earliest expiry. */
    private static void expireNoLaterThan(WaitingEntries w, long expiresAtMs, TimerService timers) {
        if (expiresAtMs == 0 || (w.timerAtMs != 0 && w.timerAtMs <= expiresAtMs)) return;
        if (w.timerAtMs != 0) timers.deleteEventTimeTimer(w.timerAtMs);
        timers.registerEventTimeTimer(expiresAtMs);
        w.timerAtMs = expiresAtMs;
    }

    /** Writes {@code w} back, or clears it (and its timer) when nothing waits: no state is left for users who are gone. */
    private void store(WaitingEntries w, TimerService timers) throws Exception {
        if (!w.isEmpty()) {
            waiting.update(w);
            return;
        }
        if (w.timerAtMs != 0) timers.deleteEventTimeTimer(w.timerAtMs);
        waiting.clear();
    }

    /** The waiting label for {@code served}: by its request id, else the oldest id-less one of its title and time. */
    private PendingLabel takeLabel(WaitingEntries w, PendingPrediction served, String key) {
        List<PendingLabel> list = w.labels;
        if (list.isEmpty()) return null; // the usual case, labels coming after their predictions
        if (served.requestId != null) {
            int i = indexOfRequest(list, served.requestId, l -> l.requestId, l -> l.movieTitle, key);
            if (i >= 0) return list.remove(i);
        }
        for (int i = 0; i < list.size(); i++) {
            PendingLabel l = list.get(i);
            if (l.requestId == null && (l.timestamp <= 0 || l.timestamp == served.timestamp) && sameKey(l.movieTitle, key)) {
                return list.remove(i);
            }
        }
        return null;
    }

    /** The waiting prediction {@code label} answers: by request id when it has one, else as {@link #takeLabel}. */
    private PendingPrediction takePrediction(WaitingEntries w, Rating label, String key) {
        List<PendingPrediction> list = w.predictions;
        if (label.requestId != null) {
            int i = indexOfRequest(list, label.requestId, p -> p.requestId, p -> p.movieTitle, key);
            return i >= 0 ? list.remove(i) : null;
        }
        for (int i = 0; i < list.size(); i++) {
            PendingPrediction p = list.get(i);
            if ((label.timestamp <= 0 || p.timestamp == label.timestamp) && sameKey(p.movieTitle, key)) return list.remove(i);
        }
        return null;
    }

    /**
     * The first entry of {@code list} for request {@code id} whose title has the canonical {@code key}, else the first
     * for {@code id} (a client that reuses ids within a user's join window sends the same id with other titles), -1
     * if none. Compares the strings' cached hashes first: while labels race ahead of their predictions, each
     * prediction scans up to the user's whole waiting list.
     */
    private <T> int indexOfRequest(List<T> list, String id, Function<T, String> requestId, Function<T, String> title,
            String key) {
        int hash = id.hashCode();
        int first = -1;
        for (int i = 0; i < list.size(); i++) {
            String other = requestId.apply(list.get(i));
            if (other != null && other.hashCode() == hash && other.equals(id)) {
                if (sameKey(title.apply(list.get(i)), key)) return i;
                if (first < 0) first = i;
            }
        }
        return first;
    }

    private boolean sameKey(String title, String key) {
        return title != null && titleKey(title).key().equals(key);
    }

    /**
     * When an entry with timestamp {@code seconds} expires: the join TTL after that timestamp, or after the event
     * time now if it arrived later than that (so a late entry still waits its full time) or if it is stamped
     * further ahead of the clock than event time follows (so it does not wait until its clock's time comes; before
     * the first watermark, after the clock plus the tolerance).
     */
    private long expiry(long seconds, Context ctx) {
        long watermark = ctx.timerService().currentWatermark();
        Long element = ctx.timestamp();
        long base = seconds > 0 ? seconds * 1000 : element != null ? element : watermark;
        if (futureToleranceMs >= 0 && base > watermark && base > clockReadMs + futureToleranceMs) {
            clockReadMs = System.currentTimeMillis(); // read only when the last reading would not do: it only grows
            long latestAccepted = clockReadMs + futureToleranceMs;
            // before the first watermark, the latest time event time would have taken from it
            if (base > latestAccepted) base = watermark > Long.MIN_VALUE ? watermark : latestAccepted;
        }
        base = Math.max(0, Math.max(base, watermark));
        return base > Long.MAX_VALUE - settings.joinTtlMs ? Long.MAX_VALUE : base + settings.joinTtlMs;
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<Prediction> out) throws Exception {
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            // the user's sweep (TtlSweep): reading an expired residual or factors clears it; one still alive at an older
            // write's timer (written since, or restored under a longer adaptation.state-ttl-ms) is looked at again
            if (!settings.adaptationEnabled) {
                clearLearned(); // learned before a restore with adaptation off: nothing per user is kept then
                return;
            }
            if (residual.value() != null | factors.value() != null) TtlSweep.afterSweep(ctx.timerService(), settings.stateTtlMs, time);
            return;
        }
        WaitingEntries w = waitingEntries(ctx.timerService(), true);
        if (w == null) return;
        String userId = ctx.getCurrentKey();
        int before = w.size();
        int kept = 0;
        for (PendingPrediction p : w.predictions) {
            if (p.expiresAtMs > time) {
                w.predictions.set(kept++, p);
                continue;
            }
            predictionsExpired.inc();
            ctx.output(EXPIRED, new UnmatchedExpiry(UnmatchedExpiry.Kind.PREDICTION, userId, p.movieTitle, p.requestId,
                    p.modelVersion));
        }
        w.predictions.subList(kept, w.predictions.size()).clear();
        kept = 0;
        // A label's prediction can come until the requests themselves pass its expiry: while they are idle the
        // combined event time is the labels' alone, and a label it says is due waits on (a recheck below), unless
        // event time has ended.
        long recheckDelay = Math.max(1, settings.joinTtlMs / 4);
        long watermark = ctx.timerService().currentWatermark();
        boolean endOfTime = watermark >= Long.MAX_VALUE - recheckDelay;
        long labelsDueBy = endOfTime ? time : Math.min(time, requestsClockMs);
        for (PendingLabel l : w.labels) {
            if (!labelDue(l, time, labelsDueBy)) {
                w.labels.set(kept++, l);
                continue;
            }
            labelsExpired.inc();
            ctx.output(EXPIRED, new UnmatchedExpiry(UnmatchedExpiry.Kind.LABEL, userId, l.movieTitle, l.requestId, 0));
        }
        w.labels.subList(kept, w.labels.size()).clear();
        boolean userTimer = w.timerAtMs <= time;
        if (userTimer) {
            // this was the user's timer: the next one goes to the earliest expiry left, and a label kept past its
            // expiry (the requests behind) is looked at again a quarter of the TTL after the event time now, so
            // never by the watermark that fired this one
            w.timerAtMs = 0;
            expireNoLaterThan(w, w.nextCheckMs(time, endOfTime ? Long.MAX_VALUE : watermark + recheckDelay),
                    ctx.timerService());
        }
        if (userTimer || w.size() != before) store(w, ctx.timerService()); // else an older, stale timer: nothing changed
    }

    private void match(PendingPrediction served, float label, Context ctx) throws Exception {
        String title = served.movieTitle;
        joined.inc();
        // A prediction that waited for its title's bias before a restore with that bias turned off: its label joins
        // here, as served (clamped as the scale was), since nothing reads the title branch any more.
        boolean titleBranch = served.titleBias && settings.adaptationEnabled
                && settings.titleBias != LabelSettings.TitleBiasScope.OFF;
        float servedRating = served.titleBias && !titleBranch ? Math.max(1f, Math.min(5f, served.served)) : served.served;
        LabelJoin join = new LabelJoin(served.modelVersion, servedRating, served.model, label);
        join.userId = ctx.getCurrentKey();
        join.movieTitle = title;
        join.requestId = served.requestId;
        join.timestamp = served.timestamp;
        join.shadowVersion = served.shadowVersion;
        join.shadowModel = served.shadowModel;
        UserResidual r = residual.value();
        UserFactors f = factors.value();
        if (titleBranch) {
            // what the title's bias learns from: the residual beyond the user's correction, as it stands
            // bounded as the served prediction's user part was
            double userPart = Math.max(-settings.maxAdjustment, Math.min(settings.maxAdjustment,
                    user.adjustmentForLabel(r, f, served.modelVersion, title)));
            ctx.output(TITLE_EVENTS, TitleEvent.of(new TitleLabel(title, served.modelVersion, served.newTitle,
                    (float) (label - served.model - userPart), join)));
        } else {
            ctx.output(LABEL_JOINS, join);
        }
        // Without adaptation the join only measures: nothing per user is learned or kept beyond what waits (what a
        // savepoint taken with adaptation on brought is dropped at the user's next label, or their sweep timer).
        if (!settings.adaptationEnabled) {
            if (r != null || f != null) clearLearned();
            return;
        }
        boolean residualLearns = user.residualLearns(r, served.modelVersion);
        // before the residual bias takes this label: factors that start now start from it as it stood
        UserFactors learned = user.learn(f, r, served.modelVersion, title, label - served.model);
        if (residualLearns) {
            if (r == null) r = new UserResidual();
            r.add(label - served.model, served.modelVersion, settings.decay, settings.versionCarry);
        }
        if (learned != null) {
            factors.update(learned);
        } else if (f != null && !user.factorsOn()) {
            factors.clear(); // adaptation.factors.enabled turned off: kept, they would be rewritten and never freed
        }
        // written with the factors too (a user without a residual has no factors): both expire together
        if (residualLearns || learned != null) residual.update(r);
        TtlSweep.afterWrite(ctx.timerService(), settings.stateTtlMs);
    }

    private void clearLearned() {
        residual.clear();
        factors.clear();
    }
}

package dev.marquee.job.label;

import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.Rating;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
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
 * if it came later than that) by an event-time timer, is counted ({@code labelsUnmatchedExpired},
 * {@code predictionsUnlabelledExpired}) and goes to {@link #EXPIRED} for the drift report. At most
 * {@code labels.max-pending-per-user} entries wait per user. State TTL ({@code adaptation.state-ttl-ms}) is
 * only a safety net.
 *
 * <p>The user's correction is {@link UserFactors} learned on the serving version's title embeddings when it has
 * them, else the residual bias ({@link UserAdaptation}). Predictions that also get a title's own bias
 * ({@link TitleAdaptation#applies}) leave by {@link #TITLE_PREDICTIONS} instead of the main output, and their
 * labels by {@link #TITLE_LABELS} instead of {@link #LABEL_JOINS}, for {@link TitleAdaptation} (keyed by title).
 */
public final class OnlineAdaptation extends KeyedCoProcessFunction<String, Prediction, Rating, Prediction> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<LabelJoin> LABEL_JOINS = new OutputTag<>("label-joins") { };
    public static final OutputTag<Prediction> TITLE_PREDICTIONS = new OutputTag<>("title-predictions") { };
    public static final OutputTag<TitleLabel> TITLE_LABELS = new OutputTag<>("title-labels") { };
    public static final OutputTag<UnmatchedExpiry> EXPIRED = new OutputTag<>("join-expired") { };
    /** How long a user found at the pending limit is not recounted (processing time). */
    static final long RECOUNT_INTERVAL_MS = 60_000;
    /** Titles whose canonical key is remembered, per instance, before the memo starts again. */
    static final int TITLE_KEYS_KEPT = 4096;

    private final LabelSettings settings;
    private final UserAdaptation user;
    /** Null: label titles are matched by their canonical key only. */
    private final TitleCatalogSource titleCatalogs;
    private transient LabelTitles labelTitles;
    /**
     * Title → itself and its {@link TitleAdaptation#key}: predictions carry a few thousand catalog titles, each key a
     * normalization, and what waits keeps one instance of each title instead of the copy every record brings.
     */
    private transient Map<String, TitleKey> titleKeys;
    private transient ValueState<UserResidual> residual;
    private transient ValueState<UserFactors> factors;
    /** Waiting predictions and labels by title key, oldest first. */
    private transient MapState<String, List<PendingPrediction>> predictions;
    private transient MapState<String, List<PendingLabel>> labels;
    /** Request id of a waiting prediction or label → its title key. */
    private transient MapState<String, String> requestIds;
    private transient ValueState<Integer> pending;
    /** Processing time before which a user found full is not recounted ({@link #makeRoom}). */
    private transient ValueState<Long> recountAfter;
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

    /** The title a prediction is joined and adapted by: the catalog title it was scored as, else as sent. */
    static String titleOf(Prediction p) {
        return p.catalogTitle != null ? p.catalogTitle : p.movieTitle;
    }

    @Override
    public void open(OpenContext context) {
        // The user's residual and factors are swept by a processing-time timer after each label (TtlSweep); the
        // join's states by the event-time timers that expire what waits, with the TTL only a safety net for what a
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
        MapStateDescriptor<String, List<PendingPrediction>> p = new MapStateDescriptor<>("join-predictions", Types.STRING,
                new ListTypeInfo<>(PendingPrediction.class));
        p.enableTimeToLive(ttl);
        predictions = getRuntimeContext().getMapState(p);
        MapStateDescriptor<String, List<PendingLabel>> l = new MapStateDescriptor<>("join-labels", Types.STRING,
                new ListTypeInfo<>(PendingLabel.class));
        l.enableTimeToLive(ttl);
        labels = getRuntimeContext().getMapState(l);
        MapStateDescriptor<String, String> ids = new MapStateDescriptor<>("join-request-ids", Types.STRING, Types.STRING);
        ids.enableTimeToLive(ttl);
        requestIds = getRuntimeContext().getMapState(ids);
        ValueStateDescriptor<Integer> c = new ValueStateDescriptor<>("join-pending-count", Types.INT);
        c.enableTimeToLive(ttl);
        pending = getRuntimeContext().getState(c);
        ValueStateDescriptor<Long> a = new ValueStateDescriptor<>("join-recount-after-ms", Types.LONG);
        a.enableTimeToLive(ttl);
        recountAfter = getRuntimeContext().getState(a);
        joined = getRuntimeContext().getMetricGroup().counter("labelsJoined");
        dropped = getRuntimeContext().getMetricGroup().counter("labelsPendingDropped");
        labelsExpired = getRuntimeContext().getMetricGroup().counter("labelsUnmatchedExpired");
        predictionsExpired = getRuntimeContext().getMetricGroup().counter("predictionsUnlabelledExpired");
    }

    @Override
    public void processElement1(Prediction p, Context ctx, Collector<Prediction> out) throws Exception {
        float model = p.output3 != null && p.output3.length > 0 ? p.output3[0] : p.predictedRating;
        labelTitles.served(p.modelVersion);
        if (settings.adaptationEnabled) {
            // Every label writes the residual, and the factors only with it, under the same TTL: a user without a
            // residual has no factors either (one state lookup less per prediction of a user without labels).
            UserResidual r = residual.value();
            double a = user.serve(r, r == null ? null : factors.value(), p.modelVersion, titleOf(p));
            float adjustment = (float) Math.max(-settings.maxAdjustment, Math.min(settings.maxAdjustment, a));
            p.adjustment = adjustment;
            p.predictedRating = Math.max(1f, Math.min(5f, model + adjustment));
        }
        boolean titled = TitleAdaptation.applies(settings, p);
        if (titled) ctx.output(TITLE_PREDICTIONS, p);
        else out.collect(p);
        if (p.movieTitle == null) return;
        PendingPrediction served = new PendingPrediction(model, p.predictedRating, p.modelVersion);
        served.titleBias = titled;
        served.newTitle = Boolean.TRUE.equals(p.oovMovieTitle);
        served.shadowVersion = p.shadowVersion;
        served.shadowModel = p.shadowRating;
        served.requestId = p.requestId;
        TitleKey title = titleKey(titleOf(p));
        served.movieTitle = title.title();
        served.timestamp = p.timestamp;
        String key = title.key();
        PendingLabel label = takeLabel(served, key);
        if (label != null) {
            match(served, label.rating, ctx);
        } else if (makeRoom(ctx.timerService().currentProcessingTime())) {
            served.expiresAtMs = expiry(p.timestamp, ctx);
            List<PendingPrediction> waiting = predictions.get(key);
            if (waiting == null) waiting = new ArrayList<>(1);
            waiting.add(served);
            predictions.put(key, waiting);
            if (served.requestId != null) requestIds.put(served.requestId, key);
            ctx.timerService().registerEventTimeTimer(served.expiresAtMs);
        }
    }

    @Override
    public void processElement2(Rating label, Context ctx, Collector<Prediction> out) throws Exception {
        if (label.movieTitle == null) return;
        TitleKey resolved = titleKey(labelTitles.resolve(label.movieTitle));
        String title = resolved.title();
        String key = resolved.key();
        PendingPrediction served = takePrediction(label, key);
        if (served != null) {
            match(served, label.rating, ctx);
        } else if (makeRoom(ctx.timerService().currentProcessingTime())) {
            PendingLabel waiting = new PendingLabel(label.rating, label.timestamp, label.requestId,
                    expiry(label.timestamp, ctx));
            waiting.movieTitle = title;
            List<PendingLabel> list = labels.get(key);
            if (list == null) list = new ArrayList<>(1);
            list.add(waiting);
            labels.put(key, list);
            if (waiting.requestId != null) requestIds.put(waiting.requestId, key);
            ctx.timerService().registerEventTimeTimer(waiting.expiresAtMs);
        }
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

    /** The waiting label for {@code served}: by its request id, else the oldest id-less one of its title and time. */
    private PendingLabel takeLabel(PendingPrediction served, String key) throws Exception {
        if (labels.isEmpty()) return null; // the usual case, labels coming after their predictions: one lookup, not two
        if (served.requestId != null) {
            String byId = requestIds.get(served.requestId);
            List<PendingLabel> list = byId == null ? null : labels.get(byId);
            if (list != null) {
                for (int i = 0; i < list.size(); i++) {
                    if (served.requestId.equals(list.get(i).requestId)) return removeLabel(byId, list, i);
                }
            }
        }
        List<PendingLabel> list = labels.get(key);
        if (list == null) return null;
        for (int i = 0; i < list.size(); i++) {
            PendingLabel l = list.get(i);
            if (l.requestId == null && (l.timestamp <= 0 || l.timestamp == served.timestamp)) return removeLabel(key, list, i);
        }
        return null;
    }

    /** The waiting prediction {@code label} answers: by request id when it has one, else as {@link #takeLabel}. */
    private PendingPrediction takePrediction(Rating label, String key) throws Exception {
        if (label.requestId != null) {
            String byId = requestIds.get(label.requestId);
            List<PendingPrediction> list = byId == null ? null : predictions.get(byId);
            if (list == null) return null;
            for (int i = 0; i < list.size(); i++) {
                if (label.requestId.equals(list.get(i).requestId)) return removePrediction(byId, list, i);
            }
            return null;
        }
        List<PendingPrediction> list = predictions.get(key);
        if (list == null) return null;
        for (int i = 0; i < list.size(); i++) {
            if (label.timestamp <= 0 || list.get(i).timestamp == label.timestamp) return removePrediction(key, list, i);
        }
        return null;
    }

    private PendingLabel removeLabel(String key, List<PendingLabel> list, int i) throws Exception {
        PendingLabel l = list.remove(i);
        if (list.isEmpty()) labels.remove(key);
        else labels.put(key, list);
        forget(l.requestId, key);
        release();
        return l;
    }

    private PendingPrediction removePrediction(String key, List<PendingPrediction> list, int i) throws Exception {
        PendingPrediction p = list.remove(i);
        if (list.isEmpty()) predictions.remove(key);
        else predictions.put(key, list);
        forget(p.requestId, key);
        release();
        return p;
    }

    private void forget(String requestId, String key) throws Exception {
        if (requestId != null && key.equals(requestIds.get(requestId))) requestIds.remove(requestId);
    }

    /**
     * When an entry with timestamp {@code seconds} expires: the join TTL after that timestamp, or after the event
     * time now if it arrived later than that (so a late entry still waits its full time).
     */
    private long expiry(long seconds, Context ctx) {
        long watermark = ctx.timerService().currentWatermark();
        Long element = ctx.timestamp();
        long base = seconds > 0 ? seconds * 1000 : element != null ? element : watermark;
        base = Math.max(0, Math.max(base, watermark));
        return base > Long.MAX_VALUE - settings.joinTtlMs ? Long.MAX_VALUE : base + settings.joinTtlMs;
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<Prediction> out) throws Exception {
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            // the user's sweep (TtlSweep): reading an expired residual or factors clears it
            residual.value();
            factors.value();
            return;
        }
        String userId = ctx.getCurrentKey();
        // One timer per waiting entry, each scanning the user's entries: lists are copied only where something expired.
        for (String key : dueKeys(predictions.entries(), p -> p.expiresAtMs, time)) {
            List<PendingPrediction> list = predictions.get(key);
            List<PendingPrediction> kept = new ArrayList<>(list.size());
            for (PendingPrediction p : list) {
                if (p.expiresAtMs > time) {
                    kept.add(p);
                    continue;
                }
                predictionsExpired.inc();
                forget(p.requestId, key);
                release();
                ctx.output(EXPIRED, new UnmatchedExpiry(UnmatchedExpiry.Kind.PREDICTION, userId, p.movieTitle, p.requestId,
                        p.modelVersion));
            }
            if (kept.isEmpty()) predictions.remove(key);
            else predictions.put(key, kept);
        }
        for (String key : dueKeys(labels.entries(), l -> l.expiresAtMs, time)) {
            List<PendingLabel> list = labels.get(key);
            List<PendingLabel> kept = new ArrayList<>(list.size());
            for (PendingLabel l : list) {
                if (l.expiresAtMs > time) {
                    kept.add(l);
                    continue;
                }
                labelsExpired.inc();
                forget(l.requestId, key);
                release();
                ctx.output(EXPIRED, new UnmatchedExpiry(UnmatchedExpiry.Kind.LABEL, userId, l.movieTitle, l.requestId, 0));
            }
            if (kept.isEmpty()) labels.remove(key);
            else labels.put(key, kept);
        }
    }

    /** The keys whose lists hold an entry due at {@code time}, in the state's order. */
    private static <T> List<String> dueKeys(Iterable<Map.Entry<String, List<T>>> lists, ToLongFunction<T> expiresAtMs,
                                            long time) {
        List<String> due = List.of();
        for (Map.Entry<String, List<T>> e : lists) {
            for (T entry : e.getValue()) {
                if (expiresAtMs.applyAsLong(entry) <= time) {
                    if (due.isEmpty()) due = new ArrayList<>();
                    due.add(e.getKey());
                    break;
                }
            }
        }
        return due;
    }

    private void match(PendingPrediction served, float label, Context ctx) throws Exception {
        String title = served.movieTitle;
        joined.inc();
        LabelJoin join = new LabelJoin(served.modelVersion, served.served, served.model, label);
        join.userId = ctx.getCurrentKey();
        join.movieTitle = title;
        join.shadowVersion = served.shadowVersion;
        join.shadowModel = served.shadowModel;
        UserResidual r = residual.value();
        UserFactors f = factors.value();
        if (served.titleBias) {
            // what the title's bias learns from: the residual beyond the user's correction, as it stands
            double userPart = user.adjustment(r, f, served.modelVersion, title);
            ctx.output(TITLE_LABELS, new TitleLabel(title, served.modelVersion, served.newTitle,
                    (float) (label - served.model - userPart), join));
        } else {
            ctx.output(LABEL_JOINS, join);
        }
        if (r == null) r = new UserResidual();
        r.add(label - served.model, served.modelVersion, settings.decay, settings.versionCarry);
        residual.update(r);
        UserFactors learned = user.learn(f, served.modelVersion, title, label - served.model);
        if (learned != null) factors.update(learned);
        TtlSweep.afterWrite(ctx.timerService(), settings.stateTtlMs);
    }

    /**
     * Reserves a pending slot. When the count says full, recounts first (entries the TTL cleared are not in the
     * count), but at most once a {@link #RECOUNT_INTERVAL_MS} per user: a recount walks all the user's waiting
     * entries, and a user at the limit would otherwise pay it on every prediction.
     */
    private boolean makeRoom(long now) throws Exception {
        Integer count = pending.value();
        int n = count == null ? 0 : count;
        if (n >= settings.maxPendingPerUser) {
            Long after = recountAfter.value();
            if (after != null && now < after) {
                dropped.inc();
                return false;
            }
            n = 0;
            for (List<PendingPrediction> list : predictions.values()) n += list.size();
            for (List<PendingLabel> list : labels.values()) n += list.size();
            if (n >= settings.maxPendingPerUser) {
                pending.update(n);
                recountAfter.update(now + RECOUNT_INTERVAL_MS);
                dropped.inc();
                return false;
            }
        }
        pending.update(n + 1);
        return true;
    }

    private void release() throws Exception {
        Integer count = pending.value();
        if (count == null || count <= 1) {
            // nothing waits: no per-user entry is left behind for users who are gone
            pending.clear();
            recountAfter.clear();
        } else {
            pending.update(count - 1);
        }
    }
}

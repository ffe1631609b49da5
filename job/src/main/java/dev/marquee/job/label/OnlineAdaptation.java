package dev.marquee.job.label;

import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.Rating;
import java.time.Duration;
import java.util.Iterator;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by user: serves each prediction adjusted by the user's recent residual (when adaptation is on), and
 * matches labels from {@code ratings} with the prediction served for the same title, in either order, within
 * {@code labels.join-ttl-ms}. Each match updates the user's residual and goes to {@link #LABEL_JOINS} for
 * online accuracy. A label only ever changes later predictions, never the one it is matched with. All state
 * is keyed, checkpointed and expires (TTL); pending matches per user are capped.
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

    private final LabelSettings settings;
    private final UserAdaptation user;
    private transient ValueState<UserResidual> residual;
    private transient ValueState<UserFactors> factors;
    private transient MapState<String, PendingPrediction> predictions;
    private transient MapState<String, Float> labels;
    private transient ValueState<Integer> pending;
    private transient Counter joined;
    private transient Counter dropped;

    /** With the residual bias only. */
    public OnlineAdaptation(LabelSettings settings) {
        this(settings, null);
    }

    /** With user factors on the title embeddings {@code embeddings} gives (null: the residual bias only). */
    public OnlineAdaptation(LabelSettings settings, TitleEmbeddingSource embeddings) {
        this.settings = settings;
        this.user = new UserAdaptation(settings, embeddings);
    }

    @Override
    public void open(OpenContext context) {
        StateTtlConfig userTtl = StateTtlConfig.newBuilder(Duration.ofMillis(settings.stateTtlMs)).build();
        StateTtlConfig joinTtl = StateTtlConfig.newBuilder(Duration.ofMillis(settings.joinTtlMs)).build();
        ValueStateDescriptor<UserResidual> r = new ValueStateDescriptor<>("residual", TypeInformation.of(UserResidual.class));
        r.enableTimeToLive(userTtl);
        residual = getRuntimeContext().getState(r);
        ValueStateDescriptor<UserFactors> f = new ValueStateDescriptor<>("user-factors", TypeInformation.of(UserFactors.class));
        f.enableTimeToLive(userTtl);
        factors = getRuntimeContext().getState(f);
        user.open();
        MapStateDescriptor<String, PendingPrediction> p = new MapStateDescriptor<>("pending-predictions", Types.STRING,
                TypeInformation.of(PendingPrediction.class));
        p.enableTimeToLive(joinTtl);
        predictions = getRuntimeContext().getMapState(p);
        MapStateDescriptor<String, Float> l = new MapStateDescriptor<>("pending-labels", Types.STRING, Types.FLOAT);
        l.enableTimeToLive(joinTtl);
        labels = getRuntimeContext().getMapState(l);
        ValueStateDescriptor<Integer> c = new ValueStateDescriptor<>("pending-count", Types.INT);
        c.enableTimeToLive(joinTtl);
        pending = getRuntimeContext().getState(c);
        joined = getRuntimeContext().getMetricGroup().counter("labelsJoined");
        dropped = getRuntimeContext().getMetricGroup().counter("labelsPendingDropped");
    }

    @Override
    public void processElement1(Prediction p, Context ctx, Collector<Prediction> out) throws Exception {
        float model = p.output3 != null && p.output3.length > 0 ? p.output3[0] : p.predictedRating;
        if (settings.adaptationEnabled) {
            double a = user.serve(residual.value(), factors.value(), p.modelVersion, p.movieTitle);
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
        Float label = labels.get(p.movieTitle);
        if (label != null) {
            labels.remove(p.movieTitle);
            release();
            match(served, p.movieTitle, label, ctx);
        } else if (makeRoom()) {
            predictions.put(p.movieTitle, served);
        }
    }

    @Override
    public void processElement2(Rating label, Context ctx, Collector<Prediction> out) throws Exception {
        if (label.movieTitle == null) return;
        PendingPrediction served = predictions.get(label.movieTitle);
        if (served != null) {
            predictions.remove(label.movieTitle);
            release();
            match(served, label.movieTitle, label.rating, ctx);
        } else if (makeRoom()) {
            labels.put(label.movieTitle, label.rating);
        }
    }

    private void match(PendingPrediction served, String title, float label, Context ctx) throws Exception {
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
    }

    /** Reserves a pending slot; when the count says full, recounts (expired entries no longer show) first. */
    private boolean makeRoom() throws Exception {
        Integer count = pending.value();
        int n = count == null ? 0 : count;
        if (n >= settings.maxPendingPerUser) {
            n = size(predictions.keys().iterator()) + size(labels.keys().iterator());
            if (n >= settings.maxPendingPerUser) {
                pending.update(n);
                dropped.inc();
                return false;
            }
        }
        pending.update(n + 1);
        return true;
    }

    private void release() throws Exception {
        Integer count = pending.value();
        if (count != null && count > 0) pending.update(count - 1);
    }

    private static int size(Iterator<String> keys) {
        int n = 0;
        while (keys.hasNext()) {
            keys.next();
            n++;
        }
        return n;
    }
}

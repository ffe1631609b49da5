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
 */
public final class OnlineAdaptation extends KeyedCoProcessFunction<String, Prediction, Rating, Prediction> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<LabelJoin> LABEL_JOINS = new OutputTag<>("label-joins") { };

    private final LabelSettings settings;
    private transient ValueState<UserResidual> residual;
    private transient MapState<String, PendingPrediction> predictions;
    private transient MapState<String, Float> labels;
    private transient ValueState<Integer> pending;
    private transient Counter joined;
    private transient Counter dropped;

    public OnlineAdaptation(LabelSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext context) {
        StateTtlConfig userTtl = StateTtlConfig.newBuilder(Duration.ofMillis(settings.stateTtlMs)).build();
        StateTtlConfig joinTtl = StateTtlConfig.newBuilder(Duration.ofMillis(settings.joinTtlMs)).build();
        ValueStateDescriptor<UserResidual> r = new ValueStateDescriptor<>("residual", TypeInformation.of(UserResidual.class));
        r.enableTimeToLive(userTtl);
        residual = getRuntimeContext().getState(r);
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
            UserResidual r = residual.value();
            float adjustment = r == null ? 0f : (float) r.adjustment(settings.shrinkage, settings.maxAdjustment);
            p.adjustment = adjustment;
            p.predictedRating = Math.max(1f, Math.min(5f, model + adjustment));
        }
        out.collect(p);
        if (p.movieTitle == null) return;
        Float label = labels.get(p.movieTitle);
        if (label != null) {
            labels.remove(p.movieTitle);
            release();
            match(new PendingPrediction(model, p.predictedRating, p.modelVersion), label, ctx);
        } else if (makeRoom()) {
            predictions.put(p.movieTitle, new PendingPrediction(model, p.predictedRating, p.modelVersion));
        }
    }

    @Override
    public void processElement2(Rating label, Context ctx, Collector<Prediction> out) throws Exception {
        if (label.movieTitle == null) return;
        PendingPrediction served = predictions.get(label.movieTitle);
        if (served != null) {
            predictions.remove(label.movieTitle);
            release();
            match(served, label.rating, ctx);
        } else if (makeRoom()) {
            labels.put(label.movieTitle, label.rating);
        }
    }

    private void match(PendingPrediction served, float label, Context ctx) throws Exception {
        joined.inc();
        ctx.output(LABEL_JOINS, new LabelJoin(served.modelVersion, served.served, served.model, label));
        UserResidual r = residual.value();
        if (r == null) r = new UserResidual();
        r.add(label - served.model, served.modelVersion, settings.decay, settings.versionCarry);
        residual.update(r);
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

package dev.marquee.job.label;

import dev.marquee.data.event.Prediction;
import dev.marquee.data.title.TitleCanonicalizer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by canonical title, after {@link OnlineAdaptation}: adds each title's online {@link TitleBias} to the
 * predictions {@link #applies} selects (by default those of titles the serving version does not know), and
 * learns it from their labels. A title's state is shared by all users whatever the parallelism (users are
 * keyed elsewhere), which is why it is an operator of its own and not state beside the user's. A label only
 * changes later predictions.
 *
 * <p>The label's join goes on to online accuracy from here, its served rating completed with the title's bias
 * as it stands when the label arrives: the one the prediction got unless other labels of the title arrived in
 * between (the prediction itself is not kept here).
 */
public final class TitleAdaptation extends KeyedProcessFunction<String, TitleEvent, Prediction> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<LabelJoin> LABEL_JOINS = new OutputTag<>("title-label-joins") { };

    private final LabelSettings settings;
    private transient ValueState<TitleBias> bias;
    /** The version serving now, from the predictions this instance saw ({@link ServingVersion}). */
    private transient ServingVersion serving;

    public TitleAdaptation(LabelSettings settings) {
        this.settings = settings;
    }

    /** Whether a prediction gets a title bias under {@code adaptation.title-bias}. */
    public static boolean applies(LabelSettings s, Prediction p) {
        if (!s.adaptationEnabled || p.movieTitle == null) return false;
        return switch (s.titleBias) {
            case OFF -> false;
            case NEW -> Boolean.TRUE.equals(p.oovMovieTitle);
            case ALL -> true;
        };
    }

    /** The key a prediction is partitioned by: its catalog title's (as scored) when it has one, else as sent. */
    public static String keyOf(Prediction p) {
        return key(OnlineAdaptation.titleOf(p));
    }

    /**
     * The key titles are partitioned and learned by: spellings with the same canonical key share a bias. A title
     * whose key has no letter or digit outside its year ("🎬", "...", "🎬 (2011)") keys by itself, compatibility-normalised with its spaces
     * trimmed and collapsed ("…" is "...", "🎬 " is "🎬"): all such canonical keys are empty, and one emoji's label
     * must not teach (or be joined to) another's.
     */
    public static String key(String title) {
        if (title == null) return "";
        String key = TitleCanonicalizer.canonicalKey(title);
        if (dev.marquee.data.title.TitleCatalog.hasName(key)) return key;
        return java.text.Normalizer.normalize(title, java.text.Normalizer.Form.NFKC).strip().replaceAll("\\s+", " ");
    }

    @Override
    public void open(OpenContext context) {
        ValueStateDescriptor<TitleBias> d = new ValueStateDescriptor<>("title-bias", TypeInformation.of(TitleBias.class));
        d.enableTimeToLive(TtlSweep.config(settings.stateTtlMs));
        bias = getRuntimeContext().getState(d);
        serving = new ServingVersion();
    }

    @Override
    public void processElement(TitleEvent e, Context ctx, Collector<Prediction> out) throws Exception {
        if (e.prediction != null) serve(e.prediction, out);
        else if (e.label != null) learn(e.label, ctx);
    }

    private void serve(Prediction p, Collector<Prediction> out) throws Exception {
        serving.saw(p.modelVersion);
        TitleBias b = bias.value();
        if (b != null) {
            float model = p.output3 != null && p.output3.length > 0 ? p.output3[0] : p.predictedRating;
            p.adjustment = (float) bound(p.adjustment + b.mean);
            p.predictedRating = clamp(model + p.adjustment);
        }
        out.collect(p);
    }

    private void learn(TitleLabel l, Context ctx) throws Exception {
        TitleBias b = bias.value();
        long servingVersion = serving.get();
        double prior = l.newTitle ? settings.titleNewPrior : settings.titleKnownPrior;
        // a late label of a version no longer served starts no bias either: learned against another model's output,
        // it would move the serving version's predictions at full strength
        boolean learns = b != null || servingVersion == 0 || l.modelVersion == servingVersion;
        if (b == null) {
            b = TitleBias.prior(l.modelVersion, prior);
        }
        if (l.join != null) {
            // as processElement1 served it: the user's part (join.served - join.model, unclamped) and the title's
            // bias, bounded together, then clamped
            l.join.served = clamp(l.join.model + (float) bound(l.join.served - l.join.model + b.mean));
            ctx.output(LABEL_JOINS, l.join);
        }
        if (!learns) return;
        if (b.modelVersion != l.modelVersion) {
            // a late label of a version no longer served says nothing about the serving version's output
            if (!UserAdaptation.carries(b.modelVersion, l.modelVersion, servingVersion)) return;
            b.carryTo(l.modelVersion, settings.versionCarry, prior);
        }
        b.learn(l.residual);
        bias.update(b);
        TtlSweep.afterWrite(ctx.timerService(), settings.stateTtlMs);
    }

    /** The title's sweep ({@link TtlSweep}): reading an expired bias clears it. */
    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<Prediction> out) throws Exception {
        // still alive at an older write's timer (written since, or restored under a longer TTL): looked at again
        if (bias.value() != null) TtlSweep.afterSweep(ctx.timerService(), settings.stateTtlMs, time);
    }

    private double bound(double adjustment) {
        return Math.max(-settings.maxAdjustment, Math.min(settings.maxAdjustment, adjustment));
    }

    static float clamp(float rating) {
        return Math.max(1f, Math.min(5f, rating));
    }
}

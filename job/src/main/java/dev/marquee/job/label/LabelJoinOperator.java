package dev.marquee.job.label;

import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.Rating;
import java.util.stream.Stream;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;

/**
 * The labels' join and online adaptation ({@link OnlineAdaptation}) as the job runs it: Flink's keyed two-input
 * process operator, which also tells the function how far the requests' own event time has come (the watermark of
 * input 1, the predictions). The event time Flink gives the function is the minimum of both inputs' watermarks
 * over the inputs that are not idle, so while the requests are idle it is the labels' alone; a waiting label must
 * not expire on that, since its prediction is still to come (decision 0014, session 18 addendum).
 */
public final class LabelJoinOperator extends KeyedCoProcessOperator<String, Prediction, Rating, Prediction> {
    private static final long serialVersionUID = 1L;

    public LabelJoinOperator(OnlineAdaptation join) {
        super(join);
    }

    @Override
    public void open() throws Exception {
        super.open();
        if (join().readsOlderLayoutUnmarked() && !hasOlderLayoutState()) join().noOlderLayout();
        join().followRequestsClock();
    }

    /** Whether any user has state in the join's older layout (registered by the function's open). */
    private boolean hasOlderLayoutState() throws Exception {
        for (String name : LegacyJoinState.STATE_NAMES) {
            try (Stream<String> keys = this.<String>getKeyedStateBackend().getKeys(name, VoidNamespace.INSTANCE)) {
                if (keys.findAny().isPresent()) return true;
            }
        }
        return false;
    }

    @Override
    public void processWatermark1(Watermark mark) throws Exception {
        join().requestsReached(mark.getTimestamp()); // before the timers this watermark fires
        super.processWatermark1(mark);
    }

    private OnlineAdaptation join() {
        return (OnlineAdaptation) getUserFunction();
    }
}

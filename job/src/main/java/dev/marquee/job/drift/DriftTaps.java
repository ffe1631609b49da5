package dev.marquee.job.drift;

import dev.marquee.data.drift.*;
import dev.marquee.data.event.DeadLetter;
import dev.marquee.data.event.DriftReport;
import dev.marquee.data.event.RatingRequest;
import dev.marquee.job.label.LabelJoin;
import dev.marquee.job.label.UnmatchedExpiry;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Wires drift detection into the scoring job: a counting tap in line on each stream it watches (requests,
 * dead letters of the parser and of the scorer, label joins, unmatched labels and predictions), a counter inside the scorer for the predictions, and one task that merges their
 * summaries into windowed reports.
 */
public final class DriftTaps {
    private final DriftSettings settings;
    private final String registry;
    private final String modelName;
    private final List<DataStream<DriftCounts>> partials = new ArrayList<>();
    /**
     * What the taps send over the network (their summaries, and the dead letters on their way to their sink) waits
     * this long at most in a network buffer. Each network output of a task has a thread of its own that flushes it
     * on this period: at the job's 5 ms these threads woke 200 times a second each and cost ~5% of a core at 10,000
     * requests/s (docs/BENCHMARKS.md). Time windows are seconds to minutes long, and no user waits on a dead
     * letter; the requests a tap passes on to scoring stay in its chain. The job uses it only when windows end on
     * time alone ({@code drift.window.records} 0, the default).
     */
    public static final long PARTIALS_BUFFER_TIMEOUT_MS = 100;
    private final long partialsBufferTimeoutMs;

    /**
     * @param partialsBufferTimeoutMs the network buffer timeout of the taps; see {@link #PARTIALS_BUFFER_TIMEOUT_MS}
     */
    public DriftTaps(DriftSettings settings, String registry, String modelName, long partialsBufferTimeoutMs) {
        this.settings = settings;
        this.registry = registry;
        this.modelName = modelName;
        this.partialsBufferTimeoutMs = partialsBufferTimeoutMs;
    }

    public DataStream<RatingRequest> requests(DataStream<RatingRequest> in) {
        return tap(in, "drift: count requests", "drift-count-requests", new ValidRequestDrift(settings));
    }

    public DataStream<DeadLetter> deadLetters(DataStream<DeadLetter> in) {
        return tap(in, "drift: count dead letters", "drift-count-dead-letters", new DeadLetterDrift(settings));
    }

    /** The dead letters of valid requests the scorer refused (the model cannot take them), counted as it emits them. */
    public DataStream<DeadLetter> modelRefusals(DataStream<DeadLetter> in) {
        return tap(in, "drift: count model refusals", "drift-count-model-refusals", new DeadLetterDrift(settings));
    }

    /** Counts scored predictions inside the scorer, batch by batch; its summaries come back through {@link #scored}. */
    public ScoredBatchDrift predictionCounter() {
        return new ScoredBatchDrift(settings, registry, modelName);
    }

    /** The summaries the scorer's {@link #predictionCounter()} emitted. */
    public void scored(DataStream<DriftCounts> summaries) {
        partials.add(summaries);
    }

    public void labelJoins(DataStream<LabelJoin> in) {
        tap(in, "drift: count labels", "drift-count-labels", new LabelDrift(settings));
    }

    /** Labels and predictions the label join expired without a partner. */
    public void unmatched(DataStream<UnmatchedExpiry> in) {
        tap(in, "drift: count unmatched labels", "drift-count-unmatched", new UnmatchedDrift(settings));
    }

    /** The window operator over every tap's summaries, and its sink. */
    public void report(Sink<DriftReport> sink) {
        DataStream<DriftCounts> all = partials.get(0);
        for (DataStream<DriftCounts> p : partials.subList(1, partials.size())) all = all.union(p);
        all.transform("drift: windows and alerts", TypeInformation.of(DriftReport.class),
                        new DriftWindowOperator(settings, registry, modelName))
                .uid("drift-windows").setParallelism(1).setMaxParallelism(1)
                .sinkTo(sink).name("drift metrics").uid("sink-drift-metrics").setParallelism(1);
    }

    private <T> DataStream<T> tap(DataStream<T> in, String name, String uid, PartialDriftOperator<T> operator) {
        SingleOutputStreamOperator<T> out = in.transform(name, in.getType(), operator).uid(uid);
        out.setBufferTimeout(partialsBufferTimeoutMs);
        partials.add(out.getSideOutput(PartialDriftOperator.PARTIALS));
        return out;
    }
}

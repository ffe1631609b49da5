package dev.marquee.job.score;

import java.io.Serializable;
import java.util.List;
import java.util.function.Consumer;
import org.apache.flink.streaming.api.operators.StreamingRuntimeContext;
import org.apache.flink.util.OutputTag;

/**
 * Sees every batch of results of a {@link MicroBatchOperator} just before they are emitted, and emits summaries
 * of its own on a side output. It runs while the batch is still in the CPU's caches, which is why drift counts
 * the predictions here rather than in an operator after the scorer, where each prediction arrives alone after
 * the sink has serialised the one before (decision 0006).
 *
 * @param <OUT> the batch function's results
 * @param <S> the summaries
 */
public interface BatchObserver<OUT, S> extends Serializable {
    /** Where the summaries go. */
    OutputTag<S> summaries();

    default void open(StreamingRuntimeContext context) throws Exception {}

    /**
     * The function is about to give results of {@code version} (a model version it loads, at open or in the
     * background before handing it over): load now what observing them will need, so the first batch of that
     * version does not wait for it. Called on the thread that loads the version, which may not be the task
     * thread; a failure here only costs that first batch the load.
     */
    default void prepareFor(long version) {}

    /** Observes one batch, in emission order; may hand summaries to {@code emit} at once. */
    void observe(List<OUT> batch, Consumer<S> emit) throws Exception;

    /** Hands over everything observed so far: called every {@link #flushIntervalMs()}, before barriers and at the end. */
    void flush(Consumer<S> emit);

    /** How long observed results may wait before {@link #flush}, in processing time. */
    long flushIntervalMs();
}

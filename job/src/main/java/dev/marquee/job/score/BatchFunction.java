package dev.marquee.job.score;

import java.io.Serializable;
import java.util.List;
import org.apache.flink.streaming.api.operators.StreamingRuntimeContext;

/**
 * Turns a batch of inputs into one output per input, in the same order, and takes control messages (e.g. a
 * new model version) between batches. Opened once per task slot, so it can hold an expensive resource (a
 * SavedModel) for the life of the task.
 *
 * @param <IN> rows
 * @param <C> control messages
 * @param <OUT> one result per row
 * @param <R> what the function reports about control messages
 */
public interface BatchFunction<IN, C, OUT, R> extends Serializable {
    /** Called once before the first batch; the context gives the slot's metrics and external resources (GPUs). */
    default void open(StreamingRuntimeContext context) throws Exception {}

    /** One output per input, same order. */
    List<OUT> apply(List<IN> batch) throws Exception;

    /**
     * A control message, applied between two batches (the buffer was just flushed).
     *
     * @return an event to report (e.g. a model version loaded or refused), or null
     */
    default R control(C message) throws Exception {
        return null;
    }

    default void close() throws Exception {}
}

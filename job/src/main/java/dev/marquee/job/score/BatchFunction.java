package dev.marquee.job.score;

import dev.marquee.data.event.DeadLetter;
import java.io.Serializable;
import java.util.List;
import java.util.function.Consumer;
import org.apache.flink.streaming.api.operators.StreamingRuntimeContext;

/**
 * Turns a batch of inputs into one output per input, in the same order, and takes control messages (e.g. a
 * new model version) between batches. Opened once per task slot, so it can hold an expensive resource (a
 * SavedModel) for the life of the task. A row it cannot answer (a request the model cannot take) it refuses:
 * its output is null and {@link #refusal} says why, so the row still has exactly one outcome.
 *
 * @param <IN> rows
 * @param <C> control messages
 * @param <OUT> one result per row
 * @param <R> what the function reports about control messages
 */
public interface BatchFunction<IN, C, OUT, R> extends Serializable {
    /**
     * Registers whom to tell, on the thread that prepares it, of each version the function prepares to give results
     * of (at open, and in the background before {@link #handOver}). Called before {@link #open}; a function without
     * versions ignores it.
     */
    default void whenPreparing(java.util.function.LongConsumer listener) {}

    /** Called once before the first batch; the context gives the slot's metrics and external resources (GPUs). */
    default void open(StreamingRuntimeContext context) throws Exception {}

    /** As {@link #open(StreamingRuntimeContext)}, told the largest batch it will be given (to warm up at that size). */
    default void open(StreamingRuntimeContext context, int maxBatchSize) throws Exception {
        open(context);
    }

    /** One output per input, same order; null for a row the function refuses (see {@link #refusal}). */
    List<OUT> apply(List<IN> batch) throws Exception;

    /**
     * The dead letter of a row the last {@link #apply} answered with null, called right after it (no control
     * message in between). Only a function that refuses rows needs it.
     */
    default DeadLetter refusal(IN row) {
        throw new UnsupportedOperationException(getClass().getName() + " refused a row but says no reason");
    }

    /**
     * A control message, received between two batches (the buffer was just flushed). Work that takes long (a
     * model load) may run in the background and be applied later by {@link #handOver}.
     *
     * @return an event to report at once, or null
     */
    default R control(C message) throws Exception {
        return null;
    }

    /**
     * Applies the control work that finished in the background since the last call (e.g. a model version loaded
     * on another thread), now, between two batches, handing each report to {@code report}. With
     * {@code waitForAll} it first waits for all pending work (at end of input).
     *
     * @return whether work is still pending: the caller asks again soon, with or without rows
     */
    default boolean handOver(Consumer<R> report, boolean waitForAll) throws Exception {
        return false;
    }

    default void close() throws Exception {}
}

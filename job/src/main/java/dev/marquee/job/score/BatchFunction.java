package dev.marquee.job.score;

import dev.marquee.data.event.DeadLetter;
import java.io.Serializable;
import java.util.List;
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
    /** Called once before the first batch; the context gives the slot's metrics and external resources (GPUs). */
    default void open(StreamingRuntimeContext context) throws Exception {}

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
     * A control message, applied between two batches (the buffer was just flushed).
     *
     * @return an event to report (e.g. a model version loaded or refused), or null
     */
    default R control(C message) throws Exception {
        return null;
    }

    default void close() throws Exception {}
}

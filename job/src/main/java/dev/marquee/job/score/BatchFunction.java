package dev.marquee.job.score;

import java.io.Serializable;
import java.util.List;
import org.apache.flink.streaming.api.operators.StreamingRuntimeContext;

/**
 * Turns a batch of inputs into one output per input, in the same order. Opened once per task slot, so it can
 * hold an expensive resource (a SavedModel) for the life of the task.
 */
public interface BatchFunction<IN, OUT> extends Serializable {
    /** Called once before the first batch; the context gives the slot's metrics and external resources (GPUs). */
    default void open(StreamingRuntimeContext context) throws Exception {}

    /** One output per input, same order. */
    List<OUT> apply(List<IN> batch) throws Exception;

    default void close() throws Exception {}
}

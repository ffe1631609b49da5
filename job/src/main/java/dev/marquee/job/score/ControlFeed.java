package dev.marquee.job.score;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.functions.RuntimeContext;

/**
 * Where a {@link MicroBatchOperator} reads its control messages (new model versions) from, on its own: the
 * operator has one input, the rows, so Flink can chain it to its upstream. Every subtask subscribes and sees every
 * message. In production this is the slot's own consumer of {@code model-updates} ({@link KafkaModelUpdates});
 * tests without a broker bring a list.
 *
 * @param <C> control messages
 */
@FunctionalInterface
public interface ControlFeed<C> extends Serializable {
    /** Starts reading for one subtask; called from the operator's {@code open()}. */
    Subscription<C> subscribe(RuntimeContext context) throws Exception;

    /** One subtask's reading of the feed. Called from the task thread only. */
    interface Subscription<C> extends AutoCloseable {
        /** The messages that arrived since the last call, in order; never blocks. */
        List<C> poll();

        /**
         * At end of input: the messages not yet returned, including every one published before this call, waiting
         * up to {@code timeout} for them (then returning what arrived, with a warning).
         */
        List<C> drain(Duration timeout) throws InterruptedException;

        @Override
        void close();
    }
}

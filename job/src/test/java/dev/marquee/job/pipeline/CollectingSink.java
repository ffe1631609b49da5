package dev.marquee.job.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A sink that keeps what it is given in this JVM, under a key of the test's choosing (the MiniCluster runs in the
 * test's JVM, so every subtask writes to the same list). {@link #take} hands the records over and forgets them.
 */
public final class CollectingSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private static final Map<String, Queue<Object>> COLLECTED = new ConcurrentHashMap<>();

    private final String key;

    public CollectingSink(String key) {
        this.key = key;
        COLLECTED.put(key, new ConcurrentLinkedQueue<>());
    }

    /** Everything written under {@code key}, in arrival order, and forgets it. */
    @SuppressWarnings("unchecked")
    public static <T> List<T> take(String key) {
        Queue<Object> q = COLLECTED.remove(key);
        List<T> out = new ArrayList<>();
        if (q != null) q.forEach(o -> out.add((T) o));
        return out;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        Queue<Object> queue = COLLECTED.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>());
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) {
                queue.add(element);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}

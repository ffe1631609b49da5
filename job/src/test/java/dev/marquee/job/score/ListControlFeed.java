package dev.marquee.job.score;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.api.common.functions.RuntimeContext;

/**
 * Control messages held in this JVM for tests without a broker: every subscriber (every subtask) sees every
 * message published, in order, from the first ({@link #fromLatest}: from the first published after it subscribed,
 * as the job's Kafka feed reads). Only the name travels with the job graph.
 *
 * @param <C> control messages
 */
public final class ListControlFeed<C> implements ControlFeed<C> {
    private static final long serialVersionUID = 1L;
    private static final Map<String, List<Object>> MESSAGES = new ConcurrentHashMap<>();

    private final String name;
    private final boolean fromLatest;

    private ListControlFeed(String name, boolean fromLatest) {
        this.name = name;
        this.fromLatest = fromLatest;
    }

    /** A new, empty feed. */
    public static <C> ListControlFeed<C> create() {
        String name = "controls-" + UUID.randomUUID();
        MESSAGES.put(name, new CopyOnWriteArrayList<>());
        return new ListControlFeed<>(name, false);
    }

    /** A new, empty feed whose subscribers see only what is published after they subscribed. */
    public static <C> ListControlFeed<C> fromLatest() {
        String name = "controls-" + UUID.randomUUID();
        MESSAGES.put(name, new CopyOnWriteArrayList<>());
        return new ListControlFeed<>(name, true);
    }

    /** A feed holding {@code messages}. */
    public static <C> ListControlFeed<C> of(List<C> messages) {
        ListControlFeed<C> feed = create();
        messages.forEach(feed::publish);
        return feed;
    }

    public void publish(C message) {
        MESSAGES.get(name).add(message);
    }

    /** Frees the messages once the test is done with the feed. */
    public void forget() {
        MESSAGES.remove(name);
    }

    @Override
    public Subscription<C> subscribe(RuntimeContext context) {
        return new Reader(fromLatest ? MESSAGES.getOrDefault(name, List.of()).size() : 0);
    }

    private final class Reader implements Subscription<C> {
        private int next;

        Reader(int first) {
            next = first;
        }

        @Override
        @SuppressWarnings("unchecked")
        public List<C> poll() {
            List<Object> all = MESSAGES.getOrDefault(name, List.of());
            List<C> out = new ArrayList<>();
            while (next < all.size()) out.add((C) all.get(next++));
            return out;
        }

        @Override
        public List<C> drain(Duration timeout) {
            return poll();
        }

        @Override
        public void close() {}
    }
}

package dev.marquee.job.pipeline;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;

/**
 * A bounded stream of elements held in this JVM, emitted in list order by one subtask. Unlike
 * {@code env.fromData} nothing is serialized into the job graph, so the hostile corpus's 10 MiB records and
 * empty lists are fine.
 */
public final class InMemoryElements {
    private static final Map<String, List<?>> LISTS = new ConcurrentHashMap<>();

    private InMemoryElements() {}

    public static <T> DataStream<T> stream(StreamExecutionEnvironment env, String name, List<T> elements,
                                           TypeInformation<T> type) {
        String key = name + "-" + UUID.randomUUID();
        LISTS.put(key, List.copyOf(elements));
        // one index past the end, so an empty list is a stream too
        return env.fromSequence(0, elements.size()).setParallelism(1).name(name)
                .flatMap(new ElementAt<T>(key)).returns(type).setParallelism(1).name(name + " elements");
    }

    /** Forgets every list a finished run used. */
    public static void forget(String namePrefix) {
        LISTS.keySet().removeIf(k -> k.startsWith(namePrefix));
    }

    private static final class ElementAt<T> implements FlatMapFunction<Long, T> {
        private static final long serialVersionUID = 1L;
        private final String key;

        ElementAt(String key) {
            this.key = key;
        }

        @Override
        @SuppressWarnings("unchecked")
        public void flatMap(Long index, Collector<T> out) {
            List<T> list = (List<T>) LISTS.get(key);
            if (index < list.size()) out.collect(list.get(index.intValue()));
        }
    }
}

package dev.marquee.infra;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.marquee.data.event.TopicNames;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The topics {@code marquee kafka} creates: their names (from the event contract, {@link TopicNames}) and partition
 * counts. The jobs name the topics they use with their own {@code topic.*} settings (docs/CONFIGURATION.md).
 * Instances are immutable; {@link #withDataPartitions} returns a modified copy.
 */
public final class Topics {

    public static final String RATING_REQUESTS = TopicNames.RATING_REQUESTS;
    public static final String PREDICTIONS = TopicNames.PREDICTIONS;
    public static final String RATING_REQUESTS_DLQ = TopicNames.RATING_REQUESTS_DLQ;
    public static final String DRIFT_METRICS = TopicNames.DRIFT_METRICS;
    public static final String MODEL_UPDATES = TopicNames.MODEL_UPDATES;
    public static final String RATINGS = TopicNames.RATINGS;
    public static final String RETRAIN_REQUESTS = TopicNames.RETRAIN_REQUESTS;
    /** One record per scoring slot each time a model version is loaded or refused. */
    public static final String MODEL_STATUS = TopicNames.MODEL_STATUS;
    public static final String RETRAIN_OUTCOMES = TopicNames.RETRAIN_OUTCOMES;
    /** Each label matched with its prediction, with the shadow version's rating when one ran: the promoter's input. */
    public static final String LABELED_PREDICTIONS = TopicNames.LABELED_PREDICTIONS;

    public static final int MAX_PARTITIONS = 10_000;

    /** What a topic is for. Data topics carry per-event traffic; the others carry rare control messages. */
    public enum Role {
        RATING_REQUESTS(Topics.RATING_REQUESTS, true),
        PREDICTIONS(Topics.PREDICTIONS, true),
        RATING_REQUESTS_DLQ(Topics.RATING_REQUESTS_DLQ, true),
        DRIFT_METRICS(Topics.DRIFT_METRICS, false),
        MODEL_UPDATES(Topics.MODEL_UPDATES, false),
        RATINGS(Topics.RATINGS, true),
        RETRAIN_REQUESTS(Topics.RETRAIN_REQUESTS, false),
        MODEL_STATUS(Topics.MODEL_STATUS, false),
        RETRAIN_OUTCOMES(Topics.RETRAIN_OUTCOMES, false),
        LABELED_PREDICTIONS(Topics.LABELED_PREDICTIONS, true);

        private final String defaultName;
        private final boolean dataTopic;

        Role(String defaultName, boolean dataTopic) {
            this.defaultName = defaultName;
            this.dataTopic = dataTopic;
        }

        public String defaultName() {
            return defaultName;
        }

        public boolean isDataTopic() {
            return dataTopic;
        }

        public int defaultPartitions() {
            return dataTopic ? 2 : 1;
        }
    }

    private final Map<Role, String> names;
    private final Map<Role, Integer> partitions;

    private Topics(Map<Role, String> names, Map<Role, Integer> partitions) {
        this.names = Collections.unmodifiableMap(new EnumMap<>(names));
        this.partitions = Collections.unmodifiableMap(new EnumMap<>(partitions));
    }

    public static Topics defaults() {
        Map<Role, String> names = new EnumMap<>(Role.class);
        Map<Role, Integer> partitions = new EnumMap<>(Role.class);
        for (Role role : Role.values()) {
            names.put(role, role.defaultName());
            partitions.put(role, role.defaultPartitions());
        }
        return new Topics(names, partitions);
    }

    /** Sets the partition count of every data topic (see {@link Role#isDataTopic()}); control topics keep theirs. */
    public Topics withDataPartitions(int count) {
        Map<Role, Integer> copy = new EnumMap<>(partitions);
        for (Role role : Role.values()) {
            if (role.isDataTopic()) {
                copy.put(role, checkPartitions(count));
            }
        }
        return new Topics(names, copy);
    }

    public String name(Role role) {
        return names.get(role);
    }

    public int partitions(Role role) {
        return partitions.get(role);
    }

    /** The topic names in effect, in {@link Role} order. */
    public List<String> names() {
        return List.copyOf(names.values());
    }

    /** Replication factor is left to the broker's {@code default.replication.factor}. */
    public List<NewTopic> newTopics() {
        List<NewTopic> result = new ArrayList<>();
        for (Role role : Role.values()) {
            result.add(new NewTopic(names.get(role), Optional.of(partitions.get(role)), Optional.empty()));
        }
        return result;
    }

    /**
     * Creates every topic that does not exist yet. Existing topics are left as they are, whatever their partition count.
     *
     * @return the names of the topics this call created
     * @throws KafkaException when a topic could not be created within the timeout
     */
    public List<String> createAll(Admin admin, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, KafkaFuture<Void>> results = admin.createTopics(newTopics()).values();
        List<String> created = new ArrayList<>();
        for (Map.Entry<String, KafkaFuture<Void>> result : results.entrySet()) {
            String topic = result.getKey();
            try {
                result.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                created.add(topic);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new KafkaException("Could not create topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
                }
            } catch (TimeoutException e) {
                throw new KafkaException("Could not create topic " + topic + " within " + timeout.toMillis() + " ms", e);
            } catch (InterruptedException e) {
                throw new InterruptException(e);
            }
        }
        return created;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (Role role : Role.values()) {
            if (text.length() > 0) {
                text.append(", ");
            }
            text.append(names.get(role)).append(" (").append(partitions.get(role)).append(')');
        }
        return text.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Topics that && names.equals(that.names) && partitions.equals(that.partitions);
    }

    @Override
    public int hashCode() {
        return 31 * names.hashCode() + partitions.hashCode();
    }

    private static int checkPartitions(int count) {
        if (count < 1 || count > MAX_PARTITIONS) {
            throw new IllegalArgumentException("a data topic's partitions must be an integer from 1 to " + MAX_PARTITIONS
                    + ", got " + count);
        }
        return count;
    }
}

package dev.marquee.data.watch;

import dev.marquee.data.config.SettingException;
import dev.marquee.data.event.TopicNames;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The six topics {@link EventWatch} follows, by what they carry; renamed for a deployment whose topics are its own. */
record WatchTopics(String predictions, String driftMetrics, String retrainRequests, String retrainOutcomes,
        String modelUpdates, String modelStatus) {
    enum Kind { PREDICTIONS, DRIFT_METRICS, RETRAIN_REQUESTS, RETRAIN_OUTCOMES, MODEL_UPDATES, MODEL_STATUS }

    static final WatchTopics DEFAULTS = new WatchTopics(TopicNames.PREDICTIONS, TopicNames.DRIFT_METRICS,
            TopicNames.RETRAIN_REQUESTS, TopicNames.RETRAIN_OUTCOMES, TopicNames.MODEL_UPDATES, TopicNames.MODEL_STATUS);

    WatchTopics {
        Set<String> seen = new HashSet<>();
        for (String t : List.of(predictions, driftMetrics, retrainRequests, retrainOutcomes, modelUpdates, modelStatus)) {
            if (t == null || t.isBlank()) throw new SettingException("a watched topic's name is blank");
            if (!seen.add(t)) throw new SettingException("topic " + t + " is given for two of the watched topics: each carries events of its own kind");
        }
    }

    List<String> all() {
        return List.of(predictions, driftMetrics, retrainRequests, retrainOutcomes, modelUpdates, modelStatus);
    }

    /** What the topic carries, or null for one not followed. */
    Kind kind(String topic) {
        if (topic.equals(predictions)) return Kind.PREDICTIONS;
        if (topic.equals(driftMetrics)) return Kind.DRIFT_METRICS;
        if (topic.equals(retrainRequests)) return Kind.RETRAIN_REQUESTS;
        if (topic.equals(retrainOutcomes)) return Kind.RETRAIN_OUTCOMES;
        if (topic.equals(modelUpdates)) return Kind.MODEL_UPDATES;
        if (topic.equals(modelStatus)) return Kind.MODEL_STATUS;
        return null;
    }
}

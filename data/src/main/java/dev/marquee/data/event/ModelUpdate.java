package dev.marquee.data.event;

import java.util.LinkedHashMap;
import java.util.Map;

/** A new model version was published. Topic {@code model-updates}. */
public class ModelUpdate {
    public String modelName;
    public long version;
    /** Where the version lives: any location Flink's FileSystem can read. */
    public String location;
    public Map<String, Double> metrics = new LinkedHashMap<>();
    public long publishedAtMs;

    public ModelUpdate() {}

    public ModelUpdate(String modelName, long version, String location, long publishedAtMs) {
        this.modelName = modelName;
        this.version = version;
        this.location = location;
        this.publishedAtMs = publishedAtMs;
    }
}

package dev.marquee.data.event;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a scoring job should serve now. Topic {@code model-updates}. A record states the whole target: serve
 * {@link #version}, and score {@link #shadowVersion} beside it without serving it (0: no shadow). Records
 * written before shadows existed have no {@code shadow_version} and so mean "no shadow".
 */
public class ModelUpdate {
    public String modelName;
    /** The version to serve. */
    public long version;
    /** A version scored in shadow beside the serving one (a candidate, or the version just replaced); 0 = none. */
    public long shadowVersion;
    /** Why the target changed: {@code published}, {@code promoted}, {@code retired}, {@code rolled-back}, ... */
    public String reason;
    /**
     * The registry folder of {@code version} where the update was written, for people reading the topic. Never
     * followed: a scoring slot loads the version by number from its own {@code model.registry}.
     */
    public String location;
    public Map<String, Double> metrics = new LinkedHashMap<>();
    public long publishedAtMs;
    /**
     * The id of the registry the version was published in ({@code ModelRegistry#id}): a scoring job or trigger whose
     * own registry has another id ignores the update (another deployment of the same model name announcing on the same
     * topic). Absent from updates written before session 40, and where the registry could not be given one: accepted.
     */
    public String registryId;

    public ModelUpdate() {}

    public ModelUpdate(String modelName, long version, String location, long publishedAtMs) {
        this.modelName = modelName;
        this.version = version;
        this.location = location;
        this.publishedAtMs = publishedAtMs;
    }
}

package dev.marquee.data.event;

/**
 * What a scoring slot did with a model version: loaded it, or refused it and kept serving the one it had.
 * Topic {@code model-status}.
 */
public class ModelStatus {
    public static final String LOADED = "LOADED";
    public static final String REFUSED = "REFUSED";

    public String modelName;
    public long version;
    /** {@link #LOADED} or {@link #REFUSED}. */
    public String status;
    /** Why a version was refused; null when loaded. */
    public String reason;
    /** The version serving after this event. */
    public long servingVersion;
    public int subtask;
    public long atMs;

    public ModelStatus() {}

    public ModelStatus(String modelName, long version, String status, String reason, long servingVersion, int subtask, long atMs) {
        this.modelName = modelName;
        this.version = version;
        this.status = status;
        this.reason = reason;
        this.servingVersion = servingVersion;
        this.subtask = subtask;
        this.atMs = atMs;
    }

    @Override
    public String toString() {
        return "ModelStatus{" + modelName + " v" + version + " " + status + (reason != null ? ": " + reason : "")
                + ", serving v" + servingVersion + ", subtask " + subtask + "}";
    }
}

package dev.marquee.data.event;

/**
 * What a scoring slot did with a model version: loaded it, or refused it and kept serving the one it had.
 * Topic {@code model-status}.
 */
public class ModelStatus {
    public static final String LOADED = "LOADED";
    public static final String REFUSED = "REFUSED";
    /**
     * The shadow {@link #version} failed on a batch (it threw, or answered NaN or infinity where the serving version
     * answered) and this slot dropped it; {@link #reason} says how. The trainer's promoter retires it.
     */
    public static final String SHADOW_DROPPED = "SHADOW_DROPPED";

    public String modelName;
    public long version;
    /** {@link #LOADED}, {@link #REFUSED} or {@link #SHADOW_DROPPED}. */
    public String status;
    /** Why a version was refused or dropped; for a LOADED status null, or what the slot served from its start. */
    public String reason;
    /** The version serving after this event. */
    public long servingVersion;
    /** The version in shadow after this event (0 none). */
    public long shadowVersion;
    /** Why the shadow the update asked for did not load; null when it did or none was asked. */
    public String shadowReason;
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
                + ", serving v" + servingVersion + (shadowVersion > 0 ? ", shadow v" + shadowVersion : "")
                + (shadowReason != null ? " (shadow refused: " + shadowReason + ")" : "") + ", subtask " + subtask + "}";
    }
}

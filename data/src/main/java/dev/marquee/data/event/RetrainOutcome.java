package dev.marquee.data.event;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the trainer worker made of one retrain request: a published version, a candidate the gate rejected, or
 * a failure. Topic {@code retrain-outcomes}; the retraining trigger reads it to know no request is in flight.
 */
public class RetrainOutcome {
    public static final String PUBLISHED = "PUBLISHED";
    public static final String REJECTED = "REJECTED";
    public static final String FAILED = "FAILED";

    /** The {@link RetrainRequest#requestId} this answers. */
    public String requestId;
    /** {@link #PUBLISHED}, {@link #REJECTED} or {@link #FAILED}. */
    public String outcome;
    public String modelName;
    /** The version published, or -1. */
    public long version = -1;
    /** The version serving when the request was taken (what the candidate was gated against). */
    public long baseVersion = -1;
    /** Gate numbers: e.g. candidate_rmse, current_rmse, holdout_rows. */
    public Map<String, Double> metrics = new LinkedHashMap<>();
    /** Why a candidate was rejected or training failed; null when published. */
    public String reason;
    /** Where a rejected candidate and its report were kept, or null. */
    public String rejectedLocation;
    public long finishedAtMs;

    public RetrainOutcome() {}

    @Override
    public String toString() {
        return "RetrainOutcome{" + requestId + " " + outcome + " v" + version + (reason != null ? ": " + reason : "") + "}";
    }
}

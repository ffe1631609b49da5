package dev.marquee.data.event;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the trainer worker made of one retrain request: a published version, a candidate the gate rejected, a
 * candidate the gate could not judge yet (deferred), or a failure. Topic {@code retrain-outcomes}; the retraining
 * trigger reads it to know no request is in flight. A deferred candidate is judged again as labels arrive and
 * gets a second outcome with the same request id ({@code PUBLISHED} or {@code REJECTED}) when it is settled or
 * retired.
 */
public class RetrainOutcome {
    public static final String PUBLISHED = "PUBLISHED";
    public static final String REJECTED = "REJECTED";
    public static final String FAILED = "FAILED";
    /** The labels could not tell the candidate from the serving version: kept, judged again as labels arrive. */
    public static final String DEFERRED = "DEFERRED";
    /** More requests came than {@code trainer.max-requests-per-hour} allows: nothing was trained; ask again later. */
    public static final String RATE_LIMITED = "RATE_LIMITED";
    /** Asked longer ago than {@code trainer.request-expiry-seconds}: its trigger stopped waiting; nothing trained. */
    public static final String EXPIRED = "EXPIRED";

    /** The {@link RetrainRequest#requestId} this answers. */
    public String requestId;
    /** {@link #PUBLISHED}, {@link #REJECTED}, {@link #DEFERRED}, {@link #RATE_LIMITED}, {@link #EXPIRED} or {@link #FAILED}. */
    public String outcome;
    public String modelName;
    /** The version published, or -1. */
    public long version = -1;
    /** The version serving when the request was taken (what the candidate was gated against). */
    public long baseVersion = -1;
    /**
     * Gate numbers: e.g. candidate_rmse, current_rmse, holdout_rows, and the paired test's mse_diff,
     * mse_diff_low, mse_diff_high, holdout_users, gate_margin, gate_confidence, gate_decision.
     */
    public Map<String, Double> metrics = new LinkedHashMap<>();
    /**
     * Why a candidate was rejected or deferred, training failed, or a request was rate-limited or expired; for a
     * published version, why it is neither serving nor in shadow (pinned over, manual promotion, the serving pointer
     * moved since or could not be moved, an imported shadow awaiting its verdict); null for a published version that
     * serves or runs in shadow, and possibly for an outcome sent again to a request delivered twice.
     */
    public String reason;
    /** Where a rejected candidate and its report were kept, or null. */
    public String rejectedLocation;
    /** Where a deferred candidate waits to be judged again, or null. */
    public String deferredLocation;
    public long finishedAtMs;

    public RetrainOutcome() {}

    @Override
    public String toString() {
        return "RetrainOutcome{" + requestId + " " + outcome + " v" + version + (reason != null ? ": " + reason : "") + "}";
    }
}

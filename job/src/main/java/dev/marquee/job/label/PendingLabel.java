package dev.marquee.job.label;

/** A label that arrived before its prediction, waiting for it. */
public class PendingLabel {
    public float rating;
    /** The title as the label spelt it. */
    public String movieTitle;
    /** The label's timestamp, seconds (0: not given). */
    public long timestamp;
    /** The request id it answers, or null: then it matches by title and timestamp. */
    public String requestId;
    /** Event time (ms) at which it expires unmatched. */
    public long expiresAtMs;

    public PendingLabel() {}

    public PendingLabel(float rating, long timestamp, String requestId, long expiresAtMs) {
        this.rating = rating;
        this.timestamp = timestamp;
        this.requestId = requestId;
        this.expiresAtMs = expiresAtMs;
    }
}

package dev.marquee.job.trigger;

/** A retrain request's latest outcome, as the trigger remembers it (a POJO in its keyed state). */
public class AnsweredRequest {
    public String requestId;
    public String outcome;
    /** The version it published; -1: none. */
    public long version = -1;
    /** A deferred candidate retired because a newer one stands for it. */
    public boolean superseded;

    public AnsweredRequest() {}

    AnsweredRequest(String requestId, String outcome, long version, boolean superseded) {
        this.requestId = requestId;
        this.outcome = outcome;
        this.version = version;
        this.superseded = superseded;
    }
}

package dev.marquee.job.label;

/**
 * A label or a prediction that waited {@code labels.join-ttl-ms} of event time without a partner: counted by
 * the drift taps ({@code labels.unmatched_count}, {@code labels.unlabelled_count}).
 */
public class UnmatchedExpiry {
    public enum Kind {
        /** A label no prediction matched. */
        LABEL,
        /** A prediction no label matched. */
        PREDICTION
    }

    public Kind kind;
    public String userId;
    public String movieTitle;
    public String requestId;
    /** The prediction's serving version; 0 for a label (no version known). */
    public long modelVersion;

    public UnmatchedExpiry() {}

    public UnmatchedExpiry(Kind kind, String userId, String movieTitle, String requestId, long modelVersion) {
        this.kind = kind;
        this.userId = userId;
        this.movieTitle = movieTitle;
        this.requestId = requestId;
        this.modelVersion = modelVersion;
    }
}

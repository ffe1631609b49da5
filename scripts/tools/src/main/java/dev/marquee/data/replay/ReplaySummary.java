package dev.marquee.data.replay;

import java.util.Locale;

/** What a replay did. */
public final class ReplaySummary {
    public final long requests;
    public final long records;
    public final long ratings;
    public final long errors;
    public final double seconds;
    public final String firstError;
    /** How many requests and ratings the replay was to send; the counts above are what the brokers acknowledged. */
    public final long plannedRequests;
    public final long plannedRatings;

    ReplaySummary(long requests, long records, long ratings, long errors, double seconds, String firstError,
                  long plannedRequests, long plannedRatings) {
        this.requests = requests;
        this.records = records;
        this.ratings = ratings;
        this.errors = errors;
        this.seconds = seconds;
        this.firstError = firstError;
        this.plannedRequests = plannedRequests;
        this.plannedRatings = plannedRatings;
    }

    public double requestsPerSecond() {
        return seconds > 0 ? requests / seconds : requests;
    }

    /**
     * One human line, e.g. {@code sent 1,000 requests in 0.4 s (2,500/s), 0 errors}: what the brokers acknowledged,
     * and, when that is not everything, how much of the plan it is.
     */
    public String describe() {
        return counts() + shortfall();
    }

    private String shortfall() {
        if (requests >= plannedRequests && ratings >= plannedRatings) return "";
        return plannedRequests > 0
                ? String.format(Locale.ROOT, "; stopped after %,d of %,d requests (%,d of %,d ratings): the rest were not sent",
                        requests, plannedRequests, ratings, plannedRatings)
                : String.format(Locale.ROOT, "; stopped after %,d of %,d ratings: the rest were not sent", ratings, plannedRatings);
    }

    private String counts() {
        if (plannedRequests == 0) {
            return String.format(Locale.ROOT, "sent %,d ratings in %.1f s (%,.0f ratings/s), %,d errors", ratings, seconds,
                    seconds > 0 ? ratings / seconds : ratings, errors) + (firstError != null ? "; first error: " + firstError : "");
        }
        String s = String.format(Locale.ROOT, "sent %,d requests", requests);
        if (records != requests) s += String.format(Locale.ROOT, " in %,d records", records);
        if (ratings > 0) s += String.format(Locale.ROOT, " and %,d ratings", ratings);
        s += String.format(Locale.ROOT, " in %.1f s (%,.0f requests/s), %,d errors", seconds, requestsPerSecond(), errors);
        if (firstError != null) s += "; first error: " + firstError;
        return s;
    }
}

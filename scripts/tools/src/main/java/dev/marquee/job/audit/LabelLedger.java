package dev.marquee.job.audit;

import dev.marquee.data.event.LabeledPrediction;
import dev.marquee.data.event.Rating;
import dev.marquee.data.parse.ParserLimits;
import dev.marquee.data.title.TitleCanonicalizer;
import java.util.List;

/**
 * Matches the labels sent against the scoring job's {@code labeled-predictions}: every valid label must join its
 * prediction exactly once, no more, no less. Request ids need not be unique (two replays both send {@code
 * replay-0}), and the job writes a join's title in the catalog's spelling ("The Devil's Advocate (1997)" joins as
 * "Devil's Advocate, The (1997)"), so a join is identified as the job matches it:
 * <ul>
 *   <li>a label naming its request: by that request id, the user and the rating;
 *   <li>else a label with a timestamp: by the user, the request's timestamp, the rating and the title's canonical
 *       key;
 *   <li>else by the user, the title's canonical key and the rating.
 * </ul>
 * Counts, not sets, keep a user's repeated rating honest too. A label whose title the job resolves through an alias
 * or a near spelling (docs/TITLES.md tiers 3 and 4: "Se7en" joins as "Seven (Se7en) (1995)") is reported missing,
 * its join unexpected: matching it to any label of the same user, second and rating instead would pass a join to
 * the wrong title (two titles rated alike in one second are common in MovieLens).
 */
public final class LabelLedger {
    private final ParserLimits limits;
    private final String modelName;
    private final OwedCounts joins = new OwedCounts();
    private long labels;
    private long invalidLabels;
    private long labeledPredictions;
    private long unreadable;
    private long otherModels;

    /** A ledger for a job with the default parser settings. */
    public LabelLedger() {
        this(ParserLimits.defaults());
    }

    /** A ledger for a job whose parser.* settings are {@code limits}: the labels it refuses are those the job refuses. */
    public LabelLedger(ParserLimits limits) {
        this(limits, "marquee");
    }

    /**
     * As above, for the joins of model {@code modelName}: another model's job reading the same labels writes its own
     * joins of them to the same topic, counted apart (every job names its model; a join naming none is counted).
     */
    public LabelLedger(ParserLimits limits, String modelName) {
        this.limits = limits;
        this.modelName = modelName;
    }

    /** Registers one label of the ratings topic; labels the job refuses (no user or title, rating out of range) owe nothing. */
    public void expect(Rating label) {
        if (label != null) label.requestId = ParserLimits.labelRequestId(label.requestId); // as the job reads it, first
        if (!limits.admitsLabel(label)) {
            invalidLabels++;
            return;
        }
        labels++;
        String requestId = ParserLimits.labelRequestId(label.requestId); // a blank id is none, as the job reads it
        if (requestId != null) {
            joins.owe(byRequest(requestId, label.userId, label.rating));
        } else if (label.timestamp > 0) {
            joins.owe(titled(label.userId, label.timestamp, label.rating, label.movieTitle));
        } else {
            joins.owe(untimed(label.userId, label.movieTitle, label.rating));
        }
    }

    public void observe(LabeledPrediction joined) {
        if (joined.modelName != null && !joined.modelName.equals(modelName)) {
            otherModels++;
            return;
        }
        labeledPredictions++;
        if (joined.requestId != null) {
            String byRequest = byRequest(joined.requestId, joined.userId, joined.label);
            if (joins.owes(byRequest)) {
                joins.see(byRequest);
                return;
            }
        }
        String titled = titled(joined.userId, joined.timestamp, joined.label, joined.movieTitle);
        if (joins.owes(titled)) {
            joins.see(titled);
            return;
        }
        String untimed = untimed(joined.userId, joined.movieTitle, joined.label);
        joins.see(joins.owes(untimed) ? untimed : titled);
    }

    public void observeUnreadable() {
        unreadable++;
    }

    /** Labels not joined yet; zero once every label has its labeled prediction. */
    public long missing() {
        return joins.missing();
    }

    public Report report(int samples) {
        OwedCounts.Tally t = joins.tally(samples);
        return new Report(labels, invalidLabels, labeledPredictions, t.missing(), t.duplicates(), t.unexpected(),
                unreadable, otherModels, t.missingSamples(), t.duplicateSamples(), t.unexpectedSamples());
    }

    private static String byRequest(String requestId, String userId, float rating) {
        return "request " + requestId + " of user " + userId + " rated " + rating;
    }

    private static String timed(String userId, long timestamp, float rating) {
        return "user " + userId + " rated " + rating + " at " + timestamp;
    }

    private static String titled(String userId, long timestamp, float rating, String title) {
        return timed(userId, timestamp, rating) + " \"" + TitleCanonicalizer.canonicalKey(title) + "\"";
    }

    private static String untimed(String userId, String title, float rating) {
        return "user " + userId + " rated " + rating + " \"" + TitleCanonicalizer.canonicalKey(title) + "\" (no timestamp)";
    }

    /**
     * {@code invalidLabels}: labels that owe no join; {@code unexpected}: joins no label owes; {@code otherModels}:
     * joins of another model's job, left out.
     */
    public record Report(long labels, long invalidLabels, long labeledPredictions, long missing, long duplicates,
                         long unexpected, long unreadable, long otherModels, List<String> missingSamples, List<String> duplicateSamples,
                         List<String> unexpectedSamples) {

        public boolean clean() {
            return missing == 0 && duplicates == 0 && unexpected == 0 && unreadable == 0;
        }
    }
}

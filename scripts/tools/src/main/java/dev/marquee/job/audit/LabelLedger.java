package dev.marquee.job.audit;

import dev.marquee.data.event.LabeledPrediction;
import dev.marquee.data.event.Rating;
import dev.marquee.data.parse.ParserLimits;
import java.util.List;

/**
 * Matches the labels sent against the scoring job's {@code labeled-predictions}: every valid label must join its
 * prediction exactly once, no more, no less. Labels need not name a request, and request ids need not be unique
 * (two replays both send {@code replay-0}), so a join is identified by its user, its request's timestamp and the
 * rating: not by the title, which the job writes in the catalog's spelling ("The Devil's Advocate (1997)" joins as
 * "Devil's Advocate, The (1997)"). A label without a timestamp (the job then takes the record's Kafka time) is
 * identified by its user, its title's canonical key and the rating. Counts, not sets, keep a user's repeated rating
 * of one second honest too.
 *
 * <p>It assumes every label has a prediction to join and that no join expires first: the audit's sender keeps
 * both true (labels for requests it sent, a join TTL longer than the run's event time).
 */
public final class LabelLedger {
    private final OwedCounts joins = new OwedCounts();
    private long labels;
    private long invalidLabels;
    private long labeledPredictions;
    private long unreadable;

    /** Registers one label of the ratings topic; labels the job refuses (no user or title, rating out of range) owe nothing. */
    public void expect(Rating label) {
        if (!ParserLimits.defaults().admitsLabel(label)) {
            invalidLabels++;
            return;
        }
        labels++;
        joins.owe(label.timestamp > 0 ? timed(label.userId, label.timestamp, label.rating)
                : untimed(label.userId, label.movieTitle, label.rating));
    }

    public void observe(LabeledPrediction joined) {
        labeledPredictions++;
        String timed = timed(joined.userId, joined.timestamp, joined.label);
        joins.see(joins.owes(timed) ? timed : untimed(joined.userId, joined.movieTitle, joined.label));
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
                unreadable, t.missingSamples(), t.duplicateSamples(), t.unexpectedSamples());
    }

    private static String timed(String userId, long timestamp, float rating) {
        return "user " + userId + " rated " + rating + " at " + timestamp;
    }

    private static String untimed(String userId, String title, float rating) {
        return "user " + userId + " rated " + rating + " \"" + dev.marquee.data.title.TitleCanonicalizer.canonicalKey(title)
                + "\" (no timestamp)";
    }

    /** {@code invalidLabels}: labels that owe no join; {@code unexpected}: joins no label owes. */
    public record Report(long labels, long invalidLabels, long labeledPredictions, long missing, long duplicates,
                         long unexpected, long unreadable, List<String> missingSamples, List<String> duplicateSamples,
                         List<String> unexpectedSamples) {

        public boolean clean() {
            return missing == 0 && duplicates == 0 && unexpected == 0 && unreadable == 0;
        }
    }
}

package dev.marquee.job.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.LabeledPrediction;
import dev.marquee.data.event.Rating;
import org.junit.jupiter.api.Test;

class LabelLedgerTest {
    private final LabelLedger ledger = new LabelLedger();

    @Test
    void aLabelJoinedOnceIsClean() {
        ledger.expect(label("7", "Heat (1995)"));
        assertThat(ledger.missing()).isEqualTo(1);

        ledger.observe(joined("7", "Heat (1995)"));

        LabelLedger.Report r = ledger.report(10);
        assertThat(r.clean()).isTrue();
        assertThat(r.labels()).isEqualTo(1);
        assertThat(r.labeledPredictions()).isEqualTo(1);
        assertThat(ledger.missing()).isZero();
    }

    /** Two models' jobs join the same labels onto one topic: the audited model's joins count, the other's apart. */
    @Test
    void anotherModelsJoinOfTheSameLabelIsNotADuplicate() {
        ledger.expect(label("7", "Heat (1995)"));
        LabeledPrediction ours = joined("7", "Heat (1995)");
        ours.modelName = "marquee";
        LabeledPrediction theirs = joined("7", "Heat (1995)");
        theirs.modelName = "b";
        ledger.observe(ours);
        ledger.observe(theirs);
        LabelLedger.Report r = ledger.report(10);
        assertThat(r.clean()).isTrue();
        assertThat(r.duplicates()).isZero();
        assertThat(r.labeledPredictions()).isEqualTo(1);
        assertThat(r.otherModels()).isEqualTo(1);

        LabelLedger forB = new LabelLedger(dev.marquee.data.parse.ParserLimits.defaults(), "b");
        forB.expect(label("7", "Heat (1995)"));
        forB.observe(ours);
        assertThat(forB.missing()).as("model marquee's join is not b's").isEqualTo(1);
    }

    /** A blank request id is none to the job: it joins by user, title and time, and the join names the request. */
    @Test
    void aLabelWithABlankRequestIdJoinedByTitleIsClean() {
        Rating blank = label("7", "Heat (1995)");
        blank.requestId = " ".repeat(300); // blank, and longer than the request-id limit: none, as the job reads it
        ledger.expect(blank);
        LabeledPrediction j = joined("7", "Heat (1995)");
        j.requestId = "rating-requests-0@5";
        ledger.observe(j);
        assertThat(ledger.report(10).clean()).isTrue();
    }

    @Test
    void aLabelNeverJoinedIsMissing() {
        ledger.expect(label("7", "Heat (1995)"));
        ledger.expect(label("8", "Heat (1995)"));
        ledger.observe(joined("8", "Heat (1995)"));

        LabelLedger.Report r = ledger.report(10);
        assertThat(r.clean()).isFalse();
        assertThat(r.missing()).isEqualTo(1);
        assertThat(r.missingSamples()).containsExactly("user 7 rated 4.0 at 880000000 \"heat (1995)\"");
    }

    @Test
    void aLabelJoinedTwiceIsADuplicate() {
        ledger.expect(label("7", "Heat (1995)"));
        ledger.observe(joined("7", "Heat (1995)"));
        ledger.observe(joined("7", "Heat (1995)"));

        LabelLedger.Report r = ledger.report(10);
        assertThat(r.missing()).isZero();
        assertThat(r.duplicates()).isEqualTo(1);
        assertThat(r.duplicateSamples()).containsExactly("user 7 rated 4.0 at 880000000 \"heat (1995)\" x2");
        assertThat(r.clean()).isFalse();
    }

    @Test
    void aJoinNoLabelOwesIsUnexpected() {
        ledger.expect(label("7", "Heat (1995)"));
        ledger.observe(joined("7", "Heat (1995)"));
        ledger.observe(joined("7", "Casino (1995)"));

        LabelLedger.Report r = ledger.report(10);
        assertThat(r.unexpected()).isEqualTo(1);
        assertThat(r.unexpectedSamples()).containsExactly("user 7 rated 4.0 at 880000000 \"casino (1995)\"");
        assertThat(r.clean()).isFalse();
    }

    @Test
    void aUserWhoRatedATitleTwiceOwesTwoJoins() {
        ledger.expect(label("7", "Heat (1995)"));
        ledger.expect(label("7", "Heat (1995)"));
        ledger.observe(joined("7", "Heat (1995)"));
        assertThat(ledger.report(10).missing()).isEqualTo(1);

        ledger.observe(joined("7", "Heat (1995)"));
        assertThat(ledger.report(10).clean()).isTrue();
    }

    @Test
    void labelsTheJobRefusesOweNothing() {
        ledger.expect(label("7", " "));
        Rating outOfRange = label("7", "Heat (1995)");
        outOfRange.rating = 9f;
        ledger.expect(outOfRange);
        ledger.expect(null);

        LabelLedger.Report r = ledger.report(10);
        assertThat(r.labels()).isZero();
        assertThat(r.invalidLabels()).isEqualTo(3);
        assertThat(r.clean()).isTrue();
    }

    @Test
    void anUnreadableLabeledPredictionIsNotClean() {
        ledger.observeUnreadable();
        assertThat(ledger.report(10).clean()).isFalse();
    }

    private static Rating label(String user, String title) {
        return new Rating(user, title, 4f, 880_000_000L);
    }

    /** A job run with a longer parser.max-title-chars joins labels the default would refuse: so does its audit. */
    @Test
    void theJobsParserSettingsDecideWhichLabelsOweAJoin() {
        String title = "T".repeat(600) + " (1995)";
        LabelLedger longTitles = new LabelLedger(OutcomeAuditCommand.parserLimits(
                java.util.Map.of(dev.marquee.data.parse.ParserLimits.MAX_TITLE_CHARS, "1000")));
        longTitles.expect(label("7", title));
        longTitles.observe(joined("7", title));
        assertThat(longTitles.report(10).clean()).isTrue();

        ledger.expect(label("7", title)); // the default limit, 512: refused by the job, owes nothing
        assertThat(ledger.missing()).isZero();
    }

    private static LabeledPrediction joined(String user, String title) {
        LabeledPrediction p = new LabeledPrediction();
        p.userId = user;
        p.movieTitle = title;
        p.label = 4f;
        p.timestamp = 880_000_000L; // the joined request's, which a replayed label carries
        return p;
    }

    /** The job writes the catalog's spelling of a respelt title: the join is the label's all the same. */
    @Test
    void aLabelJoinedUnderTheCatalogsSpellingIsClean() {
        ledger.expect(label("587", "The Devil's Advocate (1997)"));
        ledger.observe(joined("587", "Devil's Advocate, The (1997)"));
        assertThat(ledger.report(10).clean()).isTrue();
    }

    /** Two labels of one user and title at different times, both joined to the first's prediction: not clean. */
    @Test
    void aLabelJoinedToAnotherTimesPredictionIsNotClean() {
        Rating first = label("1", "T (2000)");
        first.timestamp = 10;
        first.rating = 5f;
        Rating second = label("1", "T (2000)");
        second.timestamp = 20;
        second.rating = 1f;
        ledger.expect(first);
        ledger.expect(second);
        for (int i = 0; i < 2; i++) {
            LabeledPrediction p = joined("1", "T (2000)");
            p.timestamp = 10;
            p.label = 5f;
            ledger.observe(p);
        }
        LabelLedger.Report r = ledger.report(10);
        assertThat(r.clean()).isFalse();
        assertThat(r.missing()).isEqualTo(1);
    }

    /** A label without a timestamp joins on its title's canonical key. */
    @Test
    void aLabelWithoutATimestampIsMatchedByItsCanonicalTitle() {
        ledger.expect(new Rating("9", "the fan (1996)", 3f, 0));
        LabeledPrediction p = joined("9", "Fan, The (1996)");
        p.label = 3f;
        p.timestamp = 900_000_000L;
        ledger.observe(p);
        assertThat(ledger.report(10).clean()).isTrue();
    }

    /** Two titles rated alike in one second (ML-100K has many): both joined to one of them is not clean. */
    @Test
    void twoLabelsOfOneSecondJoinedToOneTitleAreNotClean() {
        ledger.expect(label("781", "Dr. Strangelove (1963)"));
        ledger.expect(label("781", "Godfather: Part II, The (1974)"));
        ledger.observe(joined("781", "Dr. Strangelove (1963)"));
        ledger.observe(joined("781", "Dr. Strangelove (1963)"));
        LabelLedger.Report r = ledger.report(10);
        assertThat(r.clean()).isFalse();
        assertThat(r.missing()).isEqualTo(1);
        assertThat(r.duplicates()).isEqualTo(1);
    }

    /**
     * Two labels of one second and rating whose joins swapped titles are not clean; the price: an alias's join
     * ("Se7en" joined as "Seven (Se7en)") is reported, not matched.
     */
    @Test
    void swappedJoinsOfOneSecondAreNotCleanAndAnAliasIsReported() {
        ledger.expect(label("7", "Casino (1995)")); // rated 4
        Rating fargo = label("7", "Fargo (1996)");
        fargo.rating = 5f;
        ledger.expect(fargo);
        LabeledPrediction casinoLabelOnFargo = joined("7", "Fargo (1996)"); // label 4
        LabeledPrediction fargoLabelOnCasino = joined("7", "Casino (1995)");
        fargoLabelOnCasino.label = 5f;
        ledger.observe(casinoLabelOnFargo);
        ledger.observe(fargoLabelOnCasino);
        assertThat(ledger.report(10).clean()).isFalse();

        LabelLedger alias = new LabelLedger();
        alias.expect(label("3", "Se7en (1995)"));
        alias.observe(joined("3", "Seven (Se7en) (1995)"));
        assertThat(alias.report(10).missing()).isEqualTo(1);
        assertThat(alias.report(10).unexpected()).isEqualTo(1);
    }

    /** A label naming its request is joined by that id, whatever its own timestamp (the rating's time, later). */
    @Test
    void aLabelNamingItsRequestIsMatchedByTheRequestId() {
        Rating rated = new Rating("7", "Heat (1995)", 4f, 900_000_100L);
        rated.requestId = "r1";
        ledger.expect(rated);
        LabeledPrediction p = joined("7", "Heat (1995)");
        p.requestId = "r1";
        p.timestamp = 900_000_000L;
        ledger.observe(p);
        assertThat(ledger.report(10).clean()).isTrue();
    }
}

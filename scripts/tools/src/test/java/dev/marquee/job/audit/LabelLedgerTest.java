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

    @Test
    void aLabelNeverJoinedIsMissing() {
        ledger.expect(label("7", "Heat (1995)"));
        ledger.expect(label("8", "Heat (1995)"));
        ledger.observe(joined("8", "Heat (1995)"));

        LabelLedger.Report r = ledger.report(10);
        assertThat(r.clean()).isFalse();
        assertThat(r.missing()).isEqualTo(1);
        assertThat(r.missingSamples()).containsExactly("user 7 / Heat (1995)");
    }

    @Test
    void aLabelJoinedTwiceIsADuplicate() {
        ledger.expect(label("7", "Heat (1995)"));
        ledger.observe(joined("7", "Heat (1995)"));
        ledger.observe(joined("7", "Heat (1995)"));

        LabelLedger.Report r = ledger.report(10);
        assertThat(r.missing()).isZero();
        assertThat(r.duplicates()).isEqualTo(1);
        assertThat(r.duplicateSamples()).containsExactly("user 7 / Heat (1995) x2");
        assertThat(r.clean()).isFalse();
    }

    @Test
    void aJoinNoLabelOwesIsUnexpected() {
        ledger.expect(label("7", "Heat (1995)"));
        ledger.observe(joined("7", "Heat (1995)"));
        ledger.observe(joined("7", "Casino (1995)"));

        LabelLedger.Report r = ledger.report(10);
        assertThat(r.unexpected()).isEqualTo(1);
        assertThat(r.unexpectedSamples()).containsExactly("user 7 / Casino (1995)");
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

    private static LabeledPrediction joined(String user, String title) {
        LabeledPrediction p = new LabeledPrediction();
        p.userId = user;
        p.movieTitle = title;
        p.label = 4f;
        return p;
    }
}

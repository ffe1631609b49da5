package dev.marquee.model.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.Rating;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LabelSplitTest {

    /** n labels at timestamps 1000, 1010, ..., shuffled. */
    private static List<Rating> labels(int n) {
        List<Rating> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Rating("u" + i, "Movie " + i + " (1990)", 1 + i % 5, 1000 + 10L * i));
        }
        Collections.shuffle(out, new Random(3));
        return out;
    }

    @Test
    void theMostRecentShareIsHeldOut() {
        LabelSplit cut = LabelSplit.of(labels(1000), 0, 0.2);
        assertThat(cut.holdout()).hasSize(200);
        assertThat(cut.train()).hasSize(800);
        long newestTrained = cut.train().stream().mapToLong(r -> r.timestamp).max().orElseThrow();
        long oldestHeld = cut.holdout().stream().mapToLong(r -> r.timestamp).min().orElseThrow();
        assertThat(newestTrained).isLessThan(oldestHeld).isEqualTo(cut.trainedThrough());
        assertThat(LabelSplit.after(labels(1000), cut.trainedThrough())).containsExactlyElementsOf(cut.holdout());
        assertThat(cut.holdout().get(cut.holdout().size() - 1).timestamp).isEqualTo(1000 + 10L * 999);
        assertThat(cut.newestTimestamp()).isEqualTo(1000 + 10L * 999);
    }

    /**
     * The serving version trained through label 600 (a share of 0.4 then, 0.5 now): the labels it trained on are
     * trained on, not held out, where it would be scored on its own training labels.
     */
    @Test
    void labelsTheServingVersionTrainedOnAreNeverHeldOut() {
        long servingCut = 1000 + 10L * 599;
        LabelSplit cut = LabelSplit.of(labels(1000), 0, 0.5).holdingOutOnlyAfter(servingCut);
        assertThat(cut.holdout()).hasSize(400).allSatisfy(r -> assertThat(r.timestamp).isGreaterThan(servingCut));
        assertThat(cut.train()).hasSize(600);
        assertThat(cut.trainedThrough()).isEqualTo(servingCut);
        assertThat(LabelSplit.after(labels(1000), cut.trainedThrough())).containsExactlyElementsOf(cut.holdout());
        LabelSplit before = LabelSplit.of(labels(1000), 0, 0.2);
        assertThat(before.holdingOutOnlyAfter(servingCut)).as("nothing to move").isSameAs(before);
    }

    @Test
    void theWindowKeepsLabelsWithinItsSecondsBeforeTheNewest() {
        // newest is 10990; a 1000 s window keeps timestamps >= 9990: i = 899..999, 101 labels
        LabelSplit cut = LabelSplit.of(labels(1000), 1000, 0.2);
        assertThat(cut.inWindow()).hasSize(101);
        assertThat(cut.inWindow()).allMatch(r -> r.timestamp >= 9990);
        assertThat(cut.holdout()).hasSize(20);
        assertThat(cut.train()).hasSize(81);
    }

    @Test
    void aLabelStampedFarAheadOfTheClockDoesNotPlaceTheWindow() {
        List<Rating> labels = labels(1000);
        labels.add(new Rating("u-fast-clock", "Movie (1990)", 4, 4_000_000_000L)); // 2096: accepted, far ahead
        long now = LabelSplit.latestAllowed(11_000_000L); // 11,300 s: just after the newest honest label, 10990
        LabelSplit cut = LabelSplit.of(labels, 1000, 0.2, now);
        assertThat(cut.ahead()).isEqualTo(1);
        assertThat(cut.inWindow()).as("the window still ends at the newest honest label").hasSize(101);
        assertThat(cut.newestTimestamp()).isEqualTo(10990);
        assertThat(cut.holdout()).noneMatch(r -> r.userId.equals("u-fast-clock"));
        assertThat(LabelSplit.window(labels, 1000, now)).hasSize(101);
        // without the bound the one label is the window
        assertThat(LabelSplit.of(labels, 1000, 0.2).inWindow()).hasSize(1);
    }

    /** The bound is inclusive: a label stamped at the latest second allowed is used, one a second later is not. */
    @Test
    void aLabelAtTheLatestSecondAllowedIsUsedAndOneASecondLaterIsNot() {
        List<Rating> labels = labels(100);
        long latest = 1000 + 10L * 99 + 5;
        labels.add(new Rating("u-at", "At (1990)", 4, latest));
        labels.add(new Rating("u-after", "After (1990)", 4, latest + 1));
        LabelSplit cut = LabelSplit.of(labels, 0, 0.2, latest);
        assertThat(cut.ahead()).isEqualTo(1);
        assertThat(cut.newestTimestamp()).isEqualTo(latest);
        assertThat(cut.inWindow()).extracting(r -> r.userId).contains("u-at").doesNotContain("u-after");
    }

    @Test
    void fewLabelsAreStillHeldOutNeverTrainedOn() {
        LabelSplit cut = LabelSplit.of(labels(20), 0, 0.2); // the gate defers on 4 labels; they stay held out
        assertThat(cut.holdout()).hasSize(4);
        assertThat(cut.train()).hasSize(16);
    }

    @Test
    void evenOneOrTwoLabelsAreHeldOut() {
        assertThat(LabelSplit.of(labels(1), 0, 0.2).holdout()).hasSize(1);
        assertThat(LabelSplit.of(labels(2), 0, 0.2).holdout()).hasSize(1);
        assertThat(LabelSplit.of(labels(2), 0, 0.2).train()).hasSize(1);
        assertThat(LabelSplit.of(labels(40), 0, 0.01).holdout()).hasSize(1);
    }

    /**
     * A label sent twice (a client's resend after a timeout, stamped by its record times) or a re-rating, across the
     * cut: the candidate trained on the user's title, so it is not judged on it; within the hold-out, once, the newest.
     */
    @Test
    void aUserTitleTrainedOnOrLabelledAgainIsJudgedOnceOrNotAtAll() {
        List<Rating> labels = labels(10); // u0..u9 at 1000..1090
        labels.add(new Rating("u5", "Movie 5 (1990)", 5, 1095)); // u5's title, trained on at 1050, sent again
        labels.add(new Rating("u9", "Movie 9 (1990)", 2, 1099)); // u9 re-rates: the newest counts
        LabelSplit cut = LabelSplit.of(labels, 0, 0.25); // 12 labels: the newest 3 (1090, 1095, 1099) are the share
        assertThat(cut.holdout()).singleElement().satisfies(r -> {
            assertThat(r.userId).isEqualTo("u9");
            assertThat(r.rating).isEqualTo(2f);
        });
        assertThat(cut.repeats()).isEqualTo(2); // u5's copy and u9's older label: neither trained on nor judged
        assertThat(LabelSplit.of(labels, 0, 0.2).holdout()).as("u9's older label trained on: u9's title not judged")
                .isEmpty();
        for (Rating held : cut.holdout()) {
            assertThat(cut.train()).noneMatch(t -> t.userId.equals(held.userId) && t.movieTitle.equals(held.movieTitle));
        }
        LabelSplit wider = LabelSplit.of(labels, 0, 0.5); // newest 6: u6..u9 at 1060..1090, u5 again, u9 again
        assertThat(wider.holdout()).extracting(r -> r.userId).containsExactly("u6", "u7", "u8", "u9");
        assertThat(wider.holdout().get(3).rating).as("u9's newest").isEqualTo(2f);
        assertThat(wider.repeats()).isEqualTo(2);
        // the serving version's cut moves u6 into training: the split after it still judges no trained title
        LabelSplit moved = wider.holdingOutOnlyAfter(1060);
        assertThat(moved.holdout()).extracting(r -> r.userId).containsExactly("u7", "u8", "u9");
        assertThat(moved.repeats()).isEqualTo(2);
        // a deferred candidate's re-judgement: the same rule on the labels after its cut
        assertThat(DeferredCandidates.rejudgedOn(labels, 1080, Long.MAX_VALUE / 2)).extracting(r -> r.userId)
                .containsExactly("u9");
    }

    /**
     * A producer's retry, or {@code ratings} replayed: exact copies of a label count once, in training as in the
     * hold-out, whatever their request ids; a re-rating (another rating or time) is no copy.
     */
    @Test
    void aLabelDeliveredTwiceIsTrainedOnOnce() {
        List<Rating> labels = labels(10); // u0..u9 at 1000..1090
        Rating copy = new Rating("u1", "Movie 1 (1990)", 2, 1010);
        copy.requestId = "resent";
        labels.add(copy);
        labels.add(new Rating("u1", "Movie 1 (1990)", 2, 1010));
        labels.add(new Rating("u2", "Movie 2 (1990)", 4, 1020)); // u2 rated 3 at 1020: another rating, kept
        LabelSplit cut = LabelSplit.of(labels, 0, 0.2);
        assertThat(cut.duplicates()).isEqualTo(2);
        assertThat(cut.inWindow()).hasSize(11);
        assertThat(cut.train()).filteredOn(r -> r.userId.equals("u1")).singleElement();
        assertThat(cut.train()).filteredOn(r -> r.userId.equals("u2")).hasSize(2);
        LabelSplit moved = cut.holdingOutOnlyAfter(1080); // the share is 1080 and 1090: one label moves
        assertThat(moved).isNotSameAs(cut);
        assertThat(moved.duplicates()).isEqualTo(2);
        assertThat(LabelSplit.of(labels(10), 0, 0.2).duplicates()).isZero();
    }

    /** A title labelled before and after the serving version's cut: the earlier label is trained on, the later not judged. */
    @Test
    void aRepeatAtOrBeforeTheServingVersionsCutIsTrainedOnAndTheRejudgementAgrees() {
        List<Rating> labels = labels(10); // u0..u9 at 1000..1090
        labels.add(new Rating("u7", "Movie 7 (1990)", 1, 1095)); // u7 re-rates after the serving cut
        LabelSplit cut = LabelSplit.of(labels, 0, 0.5).holdingOutOnlyAfter(1070); // newest share: u5..u9, u7 again
        assertThat(cut.train()).anyMatch(r -> r.userId.equals("u7") && r.timestamp == 1070);
        assertThat(cut.holdout()).extracting(r -> r.userId).containsExactly("u8", "u9");
        assertThat(cut.repeats()).isEqualTo(1);
        assertThat(DeferredCandidates.rejudgedOn(labels, cut.trainedThrough(), Long.MAX_VALUE / 2))
                .containsExactlyElementsOf(cut.holdout());
    }

    /** A title labelled before the training window, then after the cut: not trained on, so judged, then and later. */
    @Test
    void aTitleLabelledBeforeTheWindowIsJudgedAtTheFirstGateAndAtReJudgements() {
        List<Rating> labels = labels(1000); // u0..u999 at 1000..10990; a 1000 s window keeps 9990.. (101 labels)
        labels.add(new Rating("u5", "Movie 5 (1990)", 1, 10_995)); // u5's title, labelled at 1050, outside the window
        LabelSplit cut = LabelSplit.of(labels, 1000, 0.2);
        assertThat(cut.holdout()).anyMatch(r -> r.userId.equals("u5"));
        assertThat(DeferredCandidates.rejudgedOn(labels, cut.trainedThrough(), Long.MAX_VALUE / 2, 1000))
                .containsExactlyElementsOf(cut.holdout());
    }

    @Test
    void labelsSharingTheCutsTimestampAreAllHeldOut() {
        List<Rating> tied = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            tied.add(new Rating("u" + i, "Movie (1990)", 3, i < 6 ? 100 + i : 200)); // 100..105, then four at 200
        }
        tied.add(new Rating("u10", "Movie (1990)", 3, 200));
        LabelSplit cut = LabelSplit.of(tied, 0, 0.2); // 2 of 11 would be held out; the tie takes all five at 200
        assertThat(cut.holdout()).hasSize(5).allMatch(r -> r.timestamp == 200);
        assertThat(cut.trainedThrough()).isEqualTo(105);
        LabelSplit allTied = LabelSplit.of(tied.subList(6, 11), 0, 0.2);
        assertThat(allTied.train()).isEmpty();
        assertThat(allTied.holdout()).hasSize(5);
        assertThat(allTied.trainedThrough()).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void noLabelsGiveAnEmptySplit() {
        LabelSplit cut = LabelSplit.of(List.of(), 0, 0.2);
        assertThat(cut.inWindow()).isEmpty();
        assertThat(cut.holdout()).isEmpty();
        assertThat(cut.trainedThrough()).isEqualTo(Long.MIN_VALUE);
        assertThat(cut.newestTimestamp()).isEqualTo(-1);
    }

    @Test
    void theCutIsTheSameWhateverTheArrivalOrder() {
        List<Rating> a = labels(300);
        List<Rating> b = new ArrayList<>(a);
        Collections.reverse(b);
        assertThat(LabelSplit.of(a, 0, 0.25).holdout()).containsExactlyElementsOf(LabelSplit.of(b, 0, 0.25).holdout());
    }
}

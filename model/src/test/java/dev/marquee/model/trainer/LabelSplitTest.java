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
        LabelSplit cut = LabelSplit.of(labels(1000), 0, 0.2, 200);
        assertThat(cut.holdoutFromLabels()).isTrue();
        assertThat(cut.holdout()).hasSize(200);
        assertThat(cut.train()).hasSize(800);
        long newestTrained = cut.train().stream().mapToLong(r -> r.timestamp).max().orElseThrow();
        long oldestHeld = cut.holdout().stream().mapToLong(r -> r.timestamp).min().orElseThrow();
        assertThat(newestTrained).isLessThan(oldestHeld);
        assertThat(cut.holdout().get(cut.holdout().size() - 1).timestamp).isEqualTo(1000 + 10L * 999);
        assertThat(cut.newestTimestamp()).isEqualTo(1000 + 10L * 999);
    }

    @Test
    void theWindowKeepsLabelsWithinItsSecondsBeforeTheNewest() {
        // newest is 10990; a 1000 s window keeps timestamps >= 9990: i = 899..999, 101 labels
        LabelSplit cut = LabelSplit.of(labels(1000), 1000, 0.2, 10);
        assertThat(cut.inWindow()).hasSize(101);
        assertThat(cut.inWindow()).allMatch(r -> r.timestamp >= 9990);
        assertThat(cut.holdout()).hasSize(20);
        assertThat(cut.train()).hasSize(81);
    }

    @Test
    void tooFewHeldOutLabelsMeanNoHoldoutAndEveryLabelIsTrainedOn() {
        LabelSplit cut = LabelSplit.of(labels(500), 0, 0.2, 200); // 100 would be held out
        assertThat(cut.holdoutFromLabels()).isFalse();
        assertThat(cut.holdout()).isEmpty();
        assertThat(cut.train()).hasSize(500);
    }

    @Test
    void noLabelsGiveAnEmptySplit() {
        LabelSplit cut = LabelSplit.of(List.of(), 0, 0.2, 200);
        assertThat(cut.inWindow()).isEmpty();
        assertThat(cut.holdoutFromLabels()).isFalse();
        assertThat(cut.newestTimestamp()).isEqualTo(-1);
    }

    @Test
    void theCutIsTheSameWhateverTheArrivalOrder() {
        List<Rating> a = labels(300);
        List<Rating> b = new ArrayList<>(a);
        Collections.reverse(b);
        assertThat(LabelSplit.of(a, 0, 0.25, 50).holdout()).containsExactlyElementsOf(LabelSplit.of(b, 0, 0.25, 50).holdout());
    }
}

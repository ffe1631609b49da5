package dev.marquee.model.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.Rating;
import dev.marquee.data.title.TitleCatalog;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabelTitlesTest {
    private final TitleCatalog catalog = TitleCatalog.of(List.of("Devil's Advocate, The (1997)", "Heat (1995)"));

    @Test
    void labelsAreTrainedOnUnderTheCatalogsSpellingAndNewTitlesStayAsSent() {
        Rating respelt = new Rating("1", "the devils advocate (1997)", 4f, 10);
        respelt.requestId = "r1";
        Rating exact = new Rating("2", "Heat (1995)", 3f, 11);
        Rating fresh = new Rating("3", "A Film Nobody Made (2031)", 5f, 12);
        LabelTitles t = LabelTitles.resolve(List.of(respelt, exact, fresh), catalog);

        assertThat(t.ratings()).extracting(r -> r.movieTitle)
                .containsExactly("Devil's Advocate, The (1997)", "Heat (1995)", "A Film Nobody Made (2031)");
        assertThat(t.ratings().get(0).requestId).isEqualTo("r1");
        assertThat(t.ratings().get(0).rating).isEqualTo(4f);
        assertThat(respelt.movieTitle).as("the input is not changed").isEqualTo("the devils advocate (1997)");
        assertThat(t.ratings().get(1)).isSameAs(exact);
        assertThat(t.summary()).isEqualTo("1 exact, 1 canonical, 1 none");
    }

    /**
     * One new film labelled under several spellings is trained as one title, the most frequent spelling: as three, the
     * next catalog would hold three titles of one key, and every other spelling of it would resolve to none.
     */
    @Test
    void aNewFilmsSpellingsAreTrainedAsOneTitle() {
        List<Rating> labels = List.of(new Rating("1", "CRUSH (2013)", 4f, 10), new Rating("2", "Crush (2013)", 3f, 11),
                new Rating("3", "crush [2013]", 5f, 12), new Rating("4", "Crush (2013)", 2f, 13),
                new Rating("5", "\uD83C\uDFAC", 1f, 14), new Rating("6", "...", 2f, 15));
        LabelTitles t = LabelTitles.resolve(labels, catalog);
        assertThat(t.ratings()).extracting(r -> r.movieTitle).containsExactly("Crush (2013)", "Crush (2013)", "Crush (2013)",
                "Crush (2013)", "\uD83C\uDFAC", "...");
        assertThat(t.ratings()).extracting(r -> r.rating).containsExactly(4f, 3f, 5f, 2f, 1f, 2f);
        TitleCatalog next = TitleCatalog.of(t.ratings().stream().map(r -> r.movieTitle).distinct().toList());
        assertThat(next.collisions()).isEmpty();
        assertThat(next.lookup("crush (2013)").title()).isEqualTo("Crush (2013)");
    }

    /** A label matching two catalog titles rates one of them, which is not known: it is not trained on. */
    @Test
    void aLabelMatchingTwoCatalogTitlesIsLeftOut() {
        TitleCatalog twoCrushes = TitleCatalog.of(List.of("Crush (2013)", "CRUSH (2013)", "Heat (1995)"));
        Rating either = new Rating("1", "crush (2013)", 4f, 10);
        Rating heat = new Rating("2", "Heat (1995)", 3f, 11);
        LabelTitles t = LabelTitles.resolve(List.of(either, heat), twoCrushes);
        assertThat(twoCrushes.lookup("crush (2013)").match()).isEqualTo(TitleCatalog.Match.AMBIGUOUS);
        assertThat(t.ratings()).containsExactly(heat);
        assertThat(t.summary()).contains("1 ambiguous (left out of training: it matches two titles)");
    }

    /** One edit from a catalog title is as often another film as a typo: such a label is not trained on at all. */
    @Test
    void aLabelWhoseTitleOnlyMatchedAsANearSpellingIsLeftOut() {
        TitleCatalog hunted = TitleCatalog.of(List.of("Hunted, The (1995)", "Heat (1995)"));
        Rating haunted = new Rating("1", "Haunted (1995)", 2f, 10); // another film, one letter apart
        Rating heat = new Rating("2", "Heat (1995)", 3f, 11);
        LabelTitles t = LabelTitles.resolve(List.of(haunted, heat), hunted);
        assertThat(hunted.lookup("Haunted (1995)").match()).isEqualTo(TitleCatalog.Match.FUZZY);
        assertThat(t.ratings()).containsExactly(heat);
        assertThat(t.summary()).isEqualTo("1 exact, 1 fuzzy (left out of training: a near spelling may be another film)");
    }
}

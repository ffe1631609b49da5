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

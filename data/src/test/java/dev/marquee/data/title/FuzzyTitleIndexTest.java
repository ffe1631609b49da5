package dev.marquee.data.title;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.title.TitleCatalog.Match;
import dev.marquee.data.title.TitleCatalog.Resolution;
import java.util.List;
import org.junit.jupiter.api.Test;

class FuzzyTitleIndexTest {
    private final TitleCatalog catalog = TitleCatalog.of(List.of(
            "Forrest Gump (1994)", "Twister (1996)", "Twisted (1996)", "Fan, The (1996)", "Nemesis 2: Nebula (1995)",
            "Three Colors: Red (1994)", "Three Colors: Blue (1993)", "Star Trek: The Wrath of Khan (1982)",
            "Mystery Science Theater 3000: The Movie (1996)"));

    @Test
    void aNearSpellingOfTheSameYearResolves() {
        assertThat(catalog.lookup("Forest Gump (1994)")).isEqualTo(new Resolution("Forrest Gump (1994)", Match.FUZZY));
        assertThat(catalog.resolve("Three Colours: Red (1994)")).isEqualTo("Three Colors: Red (1994)");
        assertThat(catalog.resolve("Mystery Science Theatre 3000: The Movie (1996)"))
                .isEqualTo("Mystery Science Theater 3000: The Movie (1996)");
        assertThat(catalog.resolve("The Fann (1996)")).isEqualTo("Fan, The (1996)");
    }

    @Test
    void onlyTheSameYear() {
        assertThat(catalog.lookup("Forest Gump (1995)").match()).isEqualTo(Match.UNKNOWN);
        assertThat(catalog.lookup("Forest Gump").match()).isEqualTo(Match.UNKNOWN);
        assertThat(catalog.lookup("Three Colours: Red (1993)").match()).isEqualTo(Match.UNKNOWN);
    }

    /** IMDb's and MovieLens' "(1997/I)": a typo finds its film among the titles of the same year and numeral only. */
    @Test
    void aDisambiguatedYearIsComparedWithItsOwnNumeralOnly() {
        TitleCatalog c = TitleCatalog.of(List.of("Contact (1997/I)", "Contact (1997/II)", "Fargo (1996)",
                "Hamlet (1996/IV)", "Hamlet (1996/X)"));
        assertThat(c.lookup("Contcat (1997/I)")).isEqualTo(new Resolution("Contact (1997/I)", Match.FUZZY));
        assertThat(c.lookup("Contcat (1997/II)")).isEqualTo(new Resolution("Contact (1997/II)", Match.FUZZY));
        assertThat(c.lookup("Hamelt (1996/IV)")).isEqualTo(new Resolution("Hamlet (1996/IV)", Match.FUZZY));
        assertThat(c.lookup("Hamelt (1996/X)")).isEqualTo(new Resolution("Hamlet (1996/X)", Match.FUZZY));
        assertThat(c.lookup("Contcat (1997)").match()).isEqualTo(Match.UNKNOWN);
        assertThat(c.lookup("Contcat (1997/III)").match()).isEqualTo(Match.UNKNOWN);
        assertThat(c.lookup("Fargo (1996/I)").match()).as("no typo: a numeral the film lacks").isNotEqualTo(Match.FUZZY);
    }

    @Test
    void equallyCloseTitlesRefuse() {
        assertThat(catalog.lookup("Twiste (1996)")).isEqualTo(new Resolution("Twiste (1996)", Match.UNKNOWN));
        assertThat(catalog.resolve("Twisterr (1996)")).isEqualTo("Twister (1996)");
    }

    @Test
    void numbersAreNeverFuzzed() {
        assertThat(catalog.lookup("Nemesis 3: Nebula (1995)").match()).isEqualTo(Match.UNKNOWN);
        assertThat(catalog.lookup("Star Trek II: The Wrath of Khan (1982)").match()).isEqualTo(Match.UNKNOWN);
        assertThat(catalog.lookup("Mystery Science Theatre 2000: The Movie (1996)").match()).isEqualTo(Match.UNKNOWN);
    }

    @Test
    void anArticleTheTitleLacksIsNotATypo() {
        TitleCatalog c = TitleCatalog.of(List.of("Fargo (1996)", "Twister (1996)", "Fan, The (1996)",
                "Eighth Day, The (1996)", "Á köldum klaka (Cold Fever) (1994)"));
        assertThat(c.lookup("A Fargo (1996)").match()).isEqualTo(Match.UNKNOWN);
        assertThat(c.lookup("Fargo, A (1996)").match()).isEqualTo(Match.UNKNOWN);
        assertThat(c.lookup("The Twister (1996)").match()).isEqualTo(Match.UNKNOWN);
        assertThat(c.lookup("A Eighth Day (1996)").match()).isEqualTo(Match.UNKNOWN);
        assertThat(c.lookup("A Cold Fevr (1994)").match()).isEqualTo(Match.UNKNOWN);
        // the title's own article, however written, and no article at all, still admit a typo
        assertThat(c.lookup("The Eigth Day (1996)")).isEqualTo(new Resolution("Eighth Day, The (1996)", Match.FUZZY));
        assertThat(c.resolve("Eigth Day, The (1996)")).isEqualTo("Eighth Day, The (1996)");
        assertThat(c.resolve("Eigth Day (1996)")).isEqualTo("Eighth Day, The (1996)");
        assertThat(c.resolve("A Koldum Klka (1994)")).isEqualTo("Á köldum klaka (Cold Fever) (1994)");
        assertThat(c.resolve("Twistr (1996)")).isEqualTo("Twister (1996)");
    }

    @Test
    void aShortTitleMayNotSubstituteALetter() {
        assertThat(catalog.lookup("Van, The (1996)").match()).isEqualTo(Match.UNKNOWN);
        assertThat(catalog.lookup("Twixted (1996)").match()).isEqualTo(Match.UNKNOWN);
        assertThat(catalog.lookup("Gump (1994)").match()).isEqualTo(Match.UNKNOWN);
    }

    @Test
    void distanceCountsASwapAsOneEditAndStopsAtItsLimit() {
        assertThat(FuzzyTitleIndex.distance("grateful", "graetful", 3, 1)).isEqualTo(1);
        assertThat(FuzzyTitleIndex.distance("twister", "twisted", 3, 1)).isEqualTo(1);
        assertThat(FuzzyTitleIndex.distance("twister", "twisted", 3, 2)).isEqualTo(2);
        assertThat(FuzzyTitleIndex.distance("abcdef", "uvwxyz", 2, 1)).isEqualTo(3);
        assertThat(FuzzyTitleIndex.distance("", "abc", 5, 1)).isEqualTo(3);
        assertThat(FuzzyTitleIndex.allowedDistance(4)).isZero();
        assertThat(FuzzyTitleIndex.allowedDistance(5)).isEqualTo(1);
        assertThat(FuzzyTitleIndex.allowedDistance(12)).isEqualTo(2);
        assertThat(FuzzyTitleIndex.allowedDistance(24)).isEqualTo(3);
    }
}

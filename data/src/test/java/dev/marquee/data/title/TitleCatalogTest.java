package dev.marquee.data.title;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.title.TitleCatalog.Match;
import dev.marquee.data.title.TitleCatalog.Resolution;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class TitleCatalogTest {
    private final TitleCatalog catalog = TitleCatalog.of(List.of(
            "Devil's Advocate, The (1997)", "Misérables, Les (1995)", "Cape Fear (1991)", "Cape Fear (1962)",
            "Fan, The (1996)", "The Fan (1996)", "Chasing Amy (1997)", "Chasing Amy (1997)"));

    @Test
    void exactTitlesResolveToThemselves() {
        assertThat(catalog.lookup("Cape Fear (1962)")).isEqualTo(new Resolution("Cape Fear (1962)", Match.EXACT));
        assertThat(catalog.size()).isEqualTo(7);
    }

    @Test
    void respellingsResolveToTheCatalogSpelling() {
        assertThat(catalog.resolve("Les Miserables (1995)")).isEqualTo("Misérables, Les (1995)");
        assertThat(catalog.resolve("the devils advocate (1997)")).isEqualTo("Devil's Advocate, The (1997)");
        assertThat(catalog.lookup("The Devil’s Advocate (1997)"))
                .isEqualTo(new Resolution("Devil's Advocate, The (1997)", Match.CANONICAL));
        assertThat(catalog.lookup("The Devil’s Advocate (1997)").known()).isTrue();
    }

    @Test
    void unknownTitlesComeBackUnchanged() {
        assertThat(catalog.lookup("Cape Fear (1999)")).isEqualTo(new Resolution("Cape Fear (1999)", Match.UNKNOWN));
        assertThat(catalog.lookup("Cape Fear").known()).isFalse();
    }

    /** A title of punctuation or symbols only (one trained from a label "-") is matched only as sent. */
    @Test
    void aTitleWithoutLettersOrDigitsMatchesNoOtherSuchTitle() {
        TitleCatalog withSymbols = TitleCatalog.of(List.of("Heat (1995)", "-"));
        assertThat(withSymbols.lookup("-")).isEqualTo(new Resolution("-", Match.EXACT));
        for (String title : List.of("\uD83C\uDFAC", "...", "\u2014", "()", " - ")) {
            assertThat(withSymbols.lookup(title)).as(title).isEqualTo(new Resolution(title, Match.UNKNOWN));
        }
        assertThat(withSymbols.lookup("heat (1995)").title()).isEqualTo("Heat (1995)");
        // letters beyond the BMP (two chars each) are letters
        TitleCatalog gothic = TitleCatalog.of(List.of("\uD800\uDF30\uD800\uDF31 (1995)"));
        assertThat(gothic.lookup("\uD800\uDF30\uD800\uDF31  (1995) ").known()).isTrue();
    }

    /** A year is no name: "— (2011)" is not the catalog's "? (2011)", nor "€ (1971)" its "$ (Dollars) (1971)". */
    @Test
    void aTitleOfSymbolsAndAYearMatchesNoOtherSuchTitle() {
        TitleCatalog catalog = TitleCatalog.of(List.of("? (2011)", "$ (Dollars) (1971)", "Heat (1995)", "1984 (1984)"));
        for (String title : List.of("\uD83C\uDFAC (2011)", "\u2014 (2011)", "!!! (2011)", "(2011)", "[2011]", " (2011)",
                "\u20AC (1971)", "... (1971)")) {
            assertThat(catalog.lookup(title)).as(title).isEqualTo(new Resolution(title, Match.UNKNOWN));
        }
        assertThat(catalog.lookup("? (2011)")).isEqualTo(new Resolution("? (2011)", Match.EXACT));
        assertThat(catalog.lookup("Dollars (1971)").title()).as("its alternative title is a name").isEqualTo("$ (Dollars) (1971)");
        assertThat(catalog.lookup("1984  (1984)").title()).as("digits outside the year are a name").isEqualTo("1984 (1984)");
        TitleCatalog second = TitleCatalog.of(List.of("? (2011/II)", "Heat (1995)"));
        assertThat(second.lookup("\u2014 (2011/II)").match()).as("a disambiguated year is no name either").isEqualTo(Match.UNKNOWN);
    }

    /** MovieLens 100K's item 267 is titled "unknown": a producer's placeholder must not resolve to it. */
    @Test
    void aPlaceholderTitleDoesNotResolveToACatalogPlaceholder() {
        TitleCatalog movieLens = TitleCatalog.of(List.of("unknown", "Heat (1995)", "Hyena Road", "Moonlight"));
        for (String placeholder : List.of("Unknown", "UNKNOWN", "[unknown]", "Unknown.", "<unknown>", "unknown ")) {
            assertThat(movieLens.lookup(placeholder)).as(placeholder).isEqualTo(new Resolution(placeholder, Match.UNKNOWN));
        }
        assertThat(movieLens.lookup("unknown")).as("as spelt in the catalog").isEqualTo(new Resolution("unknown", Match.EXACT));
        assertThat(movieLens.lookup("hyena road").title()).as("several words: still canonical").isEqualTo("Hyena Road");
        assertThat(movieLens.lookup("moonlight ")).as("a real one-word title").isEqualTo(new Resolution("Moonlight", Match.CANONICAL));
        assertThat(movieLens.lookup("heat (1995)").title()).isEqualTo("Heat (1995)");
    }

    @Test
    void collidingTitlesStayDistinctAndAmbiguousSpellingsStayRaw() {
        assertThat(catalog.collisions()).containsOnlyKeys("the fan (1996)");
        assertThat(catalog.collisions().get("the fan (1996)")).containsExactly("Fan, The (1996)", "The Fan (1996)");
        assertThat(catalog.ambiguousTitles()).containsExactlyInAnyOrder("Fan, The (1996)", "The Fan (1996)");
        assertThat(catalog.resolve("Fan, The (1996)")).isEqualTo("Fan, The (1996)");
        assertThat(catalog.resolve("The Fan (1996)")).isEqualTo("The Fan (1996)");
        assertThat(catalog.lookup("the fan (1996)")).isEqualTo(new Resolution("the fan (1996)", Match.AMBIGUOUS));
    }

    @Test
    void aliasTierMatchesAlternativeForms() {
        TitleCatalog c = TitleCatalog.of(List.of("Seven (Se7en) (1995)", "Hate (Haine, La) (1995)",
                "Usual Suspects, The (1995)", "Twelve Monkeys (1995)", "Star Trek III: The Search for Spock (1984)",
                "Austin Powers: International Man of Mystery (1997)", "Bram Stoker's Dracula (1992)",
                "Nightmare Before Christmas, The (1993)", "G.I. Jane (1997)"));
        assertThat(c.lookup("Se7en (1995)")).isEqualTo(new Resolution("Seven (Se7en) (1995)", Match.ALIAS));
        assertThat(c.lookup("Seven (1995)")).isEqualTo(new Resolution("Seven (Se7en) (1995)", Match.ALIAS));
        assertThat(c.resolve("La Haine (1995)")).isEqualTo("Hate (Haine, La) (1995)");
        assertThat(c.resolve("Usual Suspects [1995]")).isEqualTo("Usual Suspects, The (1995)");
        assertThat(c.resolve("12 Monkeys (1995)")).isEqualTo("Twelve Monkeys (1995)");
        assertThat(c.resolve("Star Trek 3: The Search for Spock (1984)")).isEqualTo("Star Trek III: The Search for Spock (1984)");
        assertThat(c.resolve("Austin Powers (1997)")).isEqualTo("Austin Powers: International Man of Mystery (1997)");
        assertThat(c.resolve("Dracula (1992)")).isEqualTo("Bram Stoker's Dracula (1992)");
        assertThat(c.resolve("Tim Burton's The Nightmare Before Christmas (1993)"))
                .isEqualTo("Nightmare Before Christmas, The (1993)");
        assertThat(c.resolve("Tim Burton&#39;s The Nightmare Before Christmas (1993)"))
                .as("a credit written with an HTML reference").isEqualTo("Nightmare Before Christmas, The (1993)");
        assertThat(c.resolve("GI Jane (1997)")).isEqualTo("G.I. Jane (1997)");
        assertThat(c.lookup("Seven (1979)").match()).isEqualTo(Match.UNKNOWN);
        assertThat(c.lookup("Se7en").match()).isEqualTo(Match.UNKNOWN);
    }

    @Test
    void anArticleIsDroppedButNeverAdded() {
        TitleCatalog c = TitleCatalog.of(List.of("Fan, The (1996)", "Fear (1996)"));
        assertThat(c.lookup("Fan (1996)")).isEqualTo(new Resolution("Fan, The (1996)", Match.ALIAS));
        assertThat(c.lookup("The Fear (1996)").match()).isEqualTo(Match.UNKNOWN);
    }

    @Test
    void aSequelIsNotTheOriginalWithItsSubtitleDropped() {
        TitleCatalog c = TitleCatalog.of(List.of("Godfather, The (1972)", "Godfather: Part II, The (1974)"));
        assertThat(c.lookup("The Godfather (1974)").match()).isEqualTo(Match.UNKNOWN);
        assertThat(c.lookup("Godfather (1974)").match()).isEqualTo(Match.UNKNOWN);
        assertThat(c.lookup("The Godfather Part 2 (1974)"))
                .isEqualTo(new Resolution("Godfather: Part II, The (1974)", Match.ALIAS));
    }

    @Test
    void aliasKeysOfSeveralTitlesRefuse() {
        TitleCatalog c = TitleCatalog.of(List.of("Little Princess, A (1995)", "Little Princess, The (1995)",
                "Killer (Bulletproof Heart) (1994)", "Bulletproof Heart (Killer) (1994)",
                "One (Alias) (2000)", "Two (Alias) (2000)"));
        assertThat(c.lookup("Little Princess (1995)").match()).isEqualTo(Match.AMBIGUOUS);
        assertThat(c.lookup("Alias (2000)")).isEqualTo(new Resolution("Alias (2000)", Match.AMBIGUOUS));
        // a main title wins over another title's alternative title
        assertThat(c.resolve("Killer (1994)")).isEqualTo("Killer (Bulletproof Heart) (1994)");
        assertThat(c.resolve("Bulletproof Heart (1994)")).isEqualTo("Bulletproof Heart (Killer) (1994)");
        assertThat(c.ambiguousFormKeys()).containsExactlyInAnyOrder("littleprincess(1995)", "alias(2000)");
    }

    @Test
    void theMainTitleWinsOverAnotherTitlesAlias() {
        TitleCatalog c = TitleCatalog.of(List.of("Bewegte Mann, Der (1994)", "Maybe, Maybe Not (Bewegte Mann, Der) (1994)"));
        assertThat(c.lookup("Der bewegte Mann (1994)")).isEqualTo(new Resolution("Bewegte Mann, Der (1994)", Match.CANONICAL));
        assertThat(c.lookup("Bewegte Mann (1994)")).isEqualTo(new Resolution("Bewegte Mann, Der (1994)", Match.ALIAS));
        assertThat(c.lookup("Maybe Maybe Not (1994)"))
                .isEqualTo(new Resolution("Maybe, Maybe Not (Bewegte Mann, Der) (1994)", Match.ALIAS));
    }

    @Test
    void wireNames() {
        assertThat(new Resolution("x", Match.ALIAS).wireName()).isEqualTo("alias");
        assertThat(new Resolution("x", Match.FUZZY).catalogTitle()).isEqualTo("x");
        assertThat(new Resolution("x", Match.AMBIGUOUS).wireName()).isEqualTo("none");
        assertThat(new Resolution("x", Match.UNKNOWN).catalogTitle()).isNull();
    }

    @Test
    void survivesJavaSerialisation() throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(catalog);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            TitleCatalog copy = (TitleCatalog) in.readObject();
            assertThat(copy.resolve("les miserables (1995)")).isEqualTo("Misérables, Les (1995)");
            assertThat(copy.lookup("the fan (1996)").match()).isEqualTo(Match.AMBIGUOUS);
            assertThat(copy.titles()).isEqualTo(catalog.titles());
            assertThat(copy.lookup("Devils Advocate (1997)").match()).isEqualTo(Match.ALIAS);
            assertThat(copy.lookup("Devil's Advocat, The (1997)").match()).isEqualTo(Match.FUZZY);
        }
    }

    @Test
    void aRememberedResolutionIsTheOneTheTiersGive() {
        List<String> spellings = List.of("Les Miserables (1995)", "Cape Fear", "Fan (1996)", "Devils Advocate (1997)",
                "Devil's Advocat, The (1997)", "Nothing Like It (2001)");
        TitleCatalog fresh = TitleCatalog.of(catalog.titles());
        for (String raw : spellings) {
            Resolution first = fresh.lookup(raw);
            assertThat(fresh.lookup(raw)).as(raw).isEqualTo(first);
            assertThat(TitleCatalog.of(catalog.titles()).lookup(raw)).as(raw).isEqualTo(first);
        }
        assertThat(fresh.rememberedCount()).isEqualTo(spellings.size());
        fresh.lookup("Cape Fear (1991)");
        assertThat(fresh.rememberedCount()).as("catalog titles are not remembered").isEqualTo(spellings.size());
    }

    @Test
    void rememberedResolutionsAreBounded() {
        TitleCatalog fresh = TitleCatalog.of(catalog.titles());
        for (int i = 0; i < 3 * TitleCatalog.MAX_REMEMBERED; i++) {
            fresh.lookup("Unheard Of Movie " + i + " (1990)");
            assertThat(fresh.rememberedCount()).isBetween(1, TitleCatalog.MAX_REMEMBERED);
        }
        assertThat(fresh.lookup("Devils Advocate (1997)").title()).isEqualTo("Devil's Advocate, The (1997)");
    }
}

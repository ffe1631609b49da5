package dev.marquee.data.title;

import static dev.marquee.data.title.TitleCanonicalizer.canonicalKey;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TitleCanonicalizerTest {

    /** Accents go; the vowel signs of Devanagari and Thai and the kana voicing mark are letters of their words. */
    @Test
    void onlyAccentsAreRemovedNotTheVowelSignsOfOtherScripts() {
        assertThat(canonicalKey("\u0926\u093e\u0932 (1990)")).isNotEqualTo(canonicalKey("\u0926\u093f\u0932 (1990)"))
                .isNotEqualTo(canonicalKey("\u0926\u0932 (1990)"));
        assertThat(canonicalKey("\u0e43\u0e01\u0e25\u0e49")).isNotEqualTo(canonicalKey("\u0e43\u0e01\u0e25"));
        assertThat(canonicalKey("\u30ac")).isNotEqualTo(canonicalKey("\u30ab"));
        assertThat(canonicalKey("\u0645\u064e\u0644\u0650\u0643")).as("Arabic harakat are optional")
                .isEqualTo(canonicalKey("\u0645\u0644\u0643"));
        assertThat(canonicalKey("Cr\u0300\u0301eme")).isEqualTo("creme");
        assertThat(canonicalKey("Top 5\uFE0F (2020)")).as("an emoji variation selector").isEqualTo(canonicalKey("Top 5 (2020)"));
        assertThat(canonicalKey("\u091C\u093C\u0916\u094D\u092E (1990)")).as("the nukta is written or left out")
                .isEqualTo(canonicalKey("\u091C\u0916\u094D\u092E (1990)"));
    }

    /** A title of characters that decompose into many is not decomposed: its key stays near the parser's limit. */
    @Test
    void aTitleThatWouldDecomposeIntoManyTimesItsLengthIsKeptAsWritten() {
        String title = "\uFDFA".repeat(505) + " (1996)";
        assertThat(canonicalKey(title).length()).isLessThanOrEqualTo(TitleCanonicalizer.MAX_GROWTH * title.length() + 64);
        assertThat(canonicalKey("\uFDFA (1996)")).as("one of them in a short title still decomposes")
                .isEqualTo(canonicalKey(java.text.Normalizer.normalize("\uFDFA (1996)", java.text.Normalizer.Form.NFKD)));
    }

    @Test
    void accentsAndForeignArticles() {
        assertThat(canonicalKey("Misérables, Les (1995)"))
                .isEqualTo(canonicalKey("Les Miserables (1995)"))
                .isEqualTo("les miserables (1995)");
        assertThat(canonicalKey("Cérémonie, La (1995)")).isEqualTo(canonicalKey("La Ceremonie (1995)"));
        assertThat(canonicalKey("Boot, Das (1981)")).isEqualTo(canonicalKey("Das Boot (1981)"));
        assertThat(canonicalKey("Postino, Il (1994)")).isEqualTo(canonicalKey("IL POSTINO (1994)"));
        assertThat(canonicalKey("Enfer, L' (1994)")).isEqualTo(canonicalKey("L'Enfer (1994)")).isEqualTo("lenfer (1994)");
    }

    @Test
    void apostrophesCaseWhitespaceAndTrailingArticle() {
        String key = canonicalKey("Devil's Advocate, The (1997)");
        assertThat(key).isEqualTo("the devils advocate (1997)");
        assertThat(canonicalKey("the devils advocate (1997)")).isEqualTo(key);
        assertThat(canonicalKey("The Devil\u2019s Advocate (1997)")).isEqualTo(key);
        assertThat(canonicalKey("  THE   devil`s  advocate(1997) ")).isEqualTo(key);
        assertThat(canonicalKey("Devil's Advocate , the ( 1997 )")).isEqualTo(key);
    }

    @Test
    void englishIndefiniteArticles() {
        assertThat(canonicalKey("Fish Called Wanda, A (1988)")).isEqualTo(canonicalKey("A Fish Called Wanda (1988)"));
        assertThat(canonicalKey("American Werewolf in London, An (1981)"))
                .isEqualTo(canonicalKey("An American Werewolf in London (1981)"));
    }

    @Test
    void articlesMoveInsideAlternativeTitlesToo() {
        assertThat(canonicalKey("Double vie de Véronique, La (Double Life of Veronique, The) (1991)"))
                .isEqualTo(canonicalKey("La Double Vie de Veronique (The Double Life of Veronique) (1991)"))
                .isEqualTo("la double vie de veronique (the double life of veronique) (1991)");
        assertThat(canonicalKey("Contempt (Mépris, Le) (1963)")).isEqualTo("contempt (le mepris) (1963)");
        assertThat(canonicalKey("Star Maker, The (Uomo delle stelle, L') (1995)"))
                .isEqualTo("the star maker (luomo delle stelle) (1995)");
    }

    @Test
    void theYearIsPartOfTheKey() {
        assertThat(canonicalKey("Cape Fear (1991)")).isNotEqualTo(canonicalKey("Cape Fear (1962)"));
        assertThat(canonicalKey("Cape Fear (1991)")).isNotEqualTo(canonicalKey("Cape Fear"));
        assertThat(canonicalKey("Cape Fear (1991)")).isNotEqualTo(canonicalKey("Cape Fear 1991"));
    }

    @Test
    void onlyArticlesMove() {
        assertThat(canonicalKey("Paris, Texas (1984)")).isEqualTo("paris texas (1984)");
        assertThat(canonicalKey("Corrina, Corrina (1994)")).isEqualTo("corrina corrina (1994)");
        assertThat(canonicalKey("Maybe, Maybe Not (Bewegte Mann, Der) (1994)")).isEqualTo("maybe maybe not (der bewegte mann) (1994)");
    }

    @Test
    void anArticleIsNotTheSameAsNoArticle() {
        assertThat(canonicalKey("Fan, The (1996)")).isNotEqualTo(canonicalKey("Fan (1996)"));
    }

    @Test
    void punctuationAmpersandsAndPeriods() {
        assertThat(canonicalKey("Truth About Cats & Dogs, The (1996)"))
                .isEqualTo(canonicalKey("The Truth About Cats and Dogs (1996)"));
        assertThat(canonicalKey("L.A. Confidential (1997)")).isEqualTo(canonicalKey("LA Confidential (1997)"));
        assertThat(canonicalKey("Mission: Impossible (1996)")).isEqualTo(canonicalKey("Mission - Impossible (1996)"));
        assertThat(canonicalKey("Shall We Dance? (1996)")).isEqualTo(canonicalKey("Shall we dance (1996)"));
        assertThat(canonicalKey("M*A*S*H (1970)")).isEqualTo("m a s h (1970)");
    }

    @Test
    void lettersThatDoNotDecompose() {
        assertThat(canonicalKey("Straße (2000)")).isEqualTo(canonicalKey("Strasse (2000)"));
        assertThat(canonicalKey("Ærø (2000)")).isEqualTo("aero (2000)");
        assertThat(canonicalKey("Á köldum klaka (Cold Fever) (1994)")).isEqualTo("a koldum klaka (cold fever) (1994)");
        assertThat(canonicalKey("Ｆｕｌｌ Ｗｉｄｔｈ (2000)")).isEqualTo("full width (2000)");
    }

    @Test
    void oddShapes() {
        assertThat(canonicalKey("")).isEmpty();
        assertThat(canonicalKey("  ")).isEmpty();
        assertThat(canonicalKey("unknown")).isEqualTo("unknown");
        assertThat(canonicalKey("Two Friends (1986) ")).isEqualTo(canonicalKey("Two Friends (1986)"));
        assertThat(canonicalKey("Land Before Time III: The Time of the Great Giving (1995) (V)"))
                .isEqualTo("land before time iii the time of the great giving (1995) (v)");
        assertThat(canonicalKey("Open (paren 1999")).isEqualTo("open (paren 1999)");
        assertThat(canonicalKey("Nested (a (b) c) (2000)")).isEqualTo("nested (a b c) (2000)");
        assertThat(canonicalKey("Stray) paren")).isEqualTo("stray paren");
        assertThat(canonicalKey("()(1999)")).isEqualTo("(1999)");
        assertThat(canonicalKey("中文 (2000)")).isEqualTo("中文 (2000)");
        assertThat(canonicalKey(", The")).isEqualTo("the");
    }

    @Test
    void invisibleCharactersFold() {
        assertThat(canonicalKey("Brave\u00ADheart (1995)")).isEqualTo("braveheart (1995)");
        assertThat(canonicalKey("\uFEFFToy Story (1995)")).isEqualTo("toy story (1995)");
        assertThat(canonicalKey("Amadeus\u200D (1984)")).isEqualTo("amadeus (1984)");
        assertThat(canonicalKey("Ver\u2060tigo (1958)")).isEqualTo("vertigo (1958)");
        assertThat(canonicalKey("Jurassic\u200BPark (1993)")).isEqualTo("jurassic park (1993)");
        assertThat(canonicalKey("Pulp\u00A0Fiction\u202F(1994)")).isEqualTo("pulp fiction (1994)");
    }

    @Test
    void bracketedYears() {
        assertThat(canonicalKey("Fargo [1996]")).isEqualTo("fargo (1996)");
        assertThat(canonicalKey("Jackie Brown {1997}")).isEqualTo("jackie brown (1997)");
        assertThat(canonicalKey("Psycho[1960]")).isEqualTo("psycho (1960)");
        assertThat(canonicalKey("Usual Suspects, The [ 1995 ]")).isEqualTo("the usual suspects (1995)");
        // only a four-digit year moves into a group
        assertThat(canonicalKey("Fargo [Director's Cut] (1996)")).isEqualTo("fargo directors cut (1996)");
    }

    @Test
    void numberFormsAndThousandsCommas() {
        assertThat(canonicalKey("8½ (1963)")).isEqualTo(canonicalKey("8 1/2 (1963)")).isEqualTo("8 1 2 (1963)");
        assertThat(canonicalKey("Naked Gun 33⅓: The Final Insult (1994)"))
                .isEqualTo(canonicalKey("Naked Gun 33 1/3: The Final Insult (1994)"));
        assertThat(canonicalKey("Alien³ (1992)")).isEqualTo(canonicalKey("Alien 3 (1992)"));
        assertThat(canonicalKey("20,000 Leagues Under the Sea (1954)")).isEqualTo("20000 leagues under the sea (1954)");
        assertThat(canonicalKey("1,2,3 (2000)")).isEqualTo("1 2 3 (2000)");
        assertThat(canonicalKey("Sex, Lies, and Videotape (1989)")).isEqualTo("sex lies and videotape (1989)");
    }

    @Test
    void aPlusStandingAloneIsAnd() {
        assertThat(canonicalKey("Romeo + Juliet (1996)")).isEqualTo(canonicalKey("Romeo and Juliet (1996)"));
        assertThat(canonicalKey("C+C Music (1990)")).isEqualTo("c c music (1990)");
    }

    @Test
    void theLeadingArticleOfAKey() {
        assertThat(TitleCanonicalizer.leadingArticle(canonicalKey("Fan, The (1996)"))).isEqualTo("the");
        assertThat(TitleCanonicalizer.leadingArticle(canonicalKey("A Fargo (1996)"))).isEqualTo("a");
        assertThat(TitleCanonicalizer.leadingArticle(canonicalKey("Misérables, Les (1995)"))).isEqualTo("les");
        assertThat(TitleCanonicalizer.leadingArticle(canonicalKey("Fargo (1996)"))).isNull();
        assertThat(TitleCanonicalizer.leadingArticle(canonicalKey("Theremin (1994)"))).isNull();
        assertThat(TitleCanonicalizer.leadingArticle(canonicalKey("Enfer, L' (1994)"))).isNull();
        assertThat(TitleCanonicalizer.leadingArticle("the")).isEqualTo("the");
    }

    /** Titles copied from web pages: numeric and the usual named references read as their characters. */
    @Test
    void htmlCharacterReferencesAreReadAsTheirCharacters() {
        String key = canonicalKey("Schindler's List (1993)");
        assertThat(canonicalKey("Schindler&#39;s List (1993)")).isEqualTo(key);
        assertThat(canonicalKey("Schindler&#x27;s List (1993)")).isEqualTo(key);
        assertThat(canonicalKey("Schindler&rsquo;s List (1993)")).isEqualTo(key);
        assertThat(canonicalKey("Sense &amp; Sensibility (1995)")).isEqualTo(canonicalKey("Sense & Sensibility (1995)"));
        assertThat(canonicalKey("Tom&Jerry (1993)")).as("no reference: unchanged").isEqualTo("tom and jerry (1993)");
        assertThat(canonicalKey("A &bogus; B")).as("unknown: stays text").isEqualTo("a and bogus b");
        assertThat(canonicalKey("A &#0; B &#xD800; C")).as("no character: left as text").isEqualTo("a and 0 b and xd800 c");
    }

    /** The year rule runs on plain text: full-width brackets and digits, and no-break spaces, count. */
    @Test
    void aBracketedYearInFullWidthFormsOrWithNoBreakSpacesIsAYear() {
        String key = canonicalKey("Fargo (1996)");
        assertThat(canonicalKey("Fargo \uFF3B1996\uFF3D")).isEqualTo(key);
        assertThat(canonicalKey("Fargo \uFF3B\uFF11\uFF19\uFF19\uFF16\uFF3D")).isEqualTo(key);
        assertThat(canonicalKey("Fargo [\u00A01996]")).isEqualTo(key);
        assertThat(canonicalKey("Fargo [1996]")).isEqualTo(key);
    }
}

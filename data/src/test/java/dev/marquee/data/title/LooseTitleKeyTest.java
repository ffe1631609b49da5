package dev.marquee.data.title;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LooseTitleKeyTest {

    private static String loose(String title) {
        return LooseTitleKey.of(TitleCanonicalizer.canonicalKey(title));
    }

    @Test
    void spacesGoAndGroupsStay() {
        assertThat(loose("Seven (Se7en) (1995)")).isEqualTo("7(se7en)(1995)");
        assertThat(loose("Cop Land (1997)")).isEqualTo(loose("Copland (1997)")).isEqualTo("copland(1997)");
        assertThat(loose("L. A. Confidential (1997)")).isEqualTo(loose("LA Confidential (1997)"));
        assertThat(loose("Jungle 2 Jungle (1997)")).isEqualTo(loose("Jungle2Jungle (1997)"));
    }

    @Test
    void numberWordsBecomeDigits() {
        assertThat(loose("Twelve Monkeys (1995)")).isEqualTo(loose("12 Monkeys (1995)"));
        assertThat(loose("Thirty-Two Short Films (1993)")).isEqualTo("32shortfilms(1993)");
        assertThat(loose("One Hundred and One Dalmatians (1996)")).isEqualTo("101dalmatians(1996)");
        assertThat(loose("Twenty Thousand Leagues Under the Sea (1954)"))
                .isEqualTo(loose("20,000 Leagues Under the Sea (1954)"));
        assertThat(loose("Around the World in Eighty Days (1956)")).isEqualTo(loose("Around the World in 80 Days (1956)"));
        // a word that cannot continue a number starts a new one; "and" joins only after hundred or thousand
        assertThat(loose("Two Three (2000)")).isEqualTo("23(2000)");
        assertThat(loose("Ten One (2000)")).isEqualTo("101(2000)");
        assertThat(loose("One and Two (2000)")).isEqualTo("1and2(2000)");
    }

    @Test
    void romanNumeralsBecomeDigitsButNotTheWordI() {
        assertThat(loose("Star Trek III (1984)")).isEqualTo(loose("Star Trek 3 (1984)")).isEqualTo("startrek3(1984)");
        assertThat(loose("Menace II Society (1993)")).isEqualTo(loose("Menace 2 Society (1993)"));
        assertThat(loose("Rocky IV (1985)")).isEqualTo("rocky4(1985)");
        assertThat(loose("Malcolm X (1992)")).isEqualTo("malcolm10(1992)");
        assertThat(loose("I Shot Andy Warhol (1996)")).isEqualTo("ishotandywarhol(1996)");
        assertThat(loose("Mix (2000)")).isEqualTo("mix(2000)");
        assertThat(LooseTitleKey.romanValue("xiv")).isEqualTo(14);
        assertThat(LooseTitleKey.romanValue("ix")).isEqualTo(9);
        assertThat(LooseTitleKey.romanValue("iiii")).isZero();
    }

    @Test
    void sequelNumbersStayApart() {
        assertThat(loose("Star Trek II (1982)")).isNotEqualTo(loose("Star Trek III (1982)"));
        assertThat(loose("Home Alone 2 (1992)")).isNotEqualTo(loose("Home Alone (1992)"));
    }

    @Test
    void numbersInOrder() {
        assertThat(LooseTitleKey.numbers(loose("Godfather: Part II, The (1974)"))).isEqualTo("2,1974,");
        assertThat(LooseTitleKey.numbers(loose("Seven (Se7en) (1995)"))).isEqualTo("7,7,1995,");
        assertThat(LooseTitleKey.numbers(loose("Fargo"))).isEmpty();
    }

    @Test
    void commonAbbreviations() {
        assertThat(loose("Meet Me in Saint Louis (1944)")).isEqualTo(loose("Meet Me in St. Louis (1944)"));
        assertThat(loose("Sergeant Bilko (1996)")).isEqualTo(loose("Sgt. Bilko (1996)"));
        assertThat(loose("Super Mario Brothers (1993)")).isEqualTo(loose("Super Mario Bros. (1993)"));
        assertThat(loose("Sunset Boulevard (1950)")).isEqualTo(loose("Sunset Blvd. (1950)"));
    }
}

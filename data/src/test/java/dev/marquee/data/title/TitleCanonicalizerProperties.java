package dev.marquee.data.title;

import static dev.marquee.data.title.TitleCanonicalizer.canonicalKey;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Generated titles: trivial respellings share a key, real differences do not. */
class TitleCanonicalizerProperties {

    @Property
    void trailingArticleEqualsLeadingArticle(@ForAll("words") List<String> words, @ForAll("articles") String article,
                                             @ForAll @IntRange(min = 1900, max = 2030) int year) {
        String rest = String.join(" ", words);
        String leading = article.endsWith("'") ? article + rest : article + " " + rest;
        assertThat(canonicalKey(rest + ", " + article + " (" + year + ")"))
                .isEqualTo(canonicalKey(leading + " (" + year + ")"));
    }

    @Property
    void caseSpacingAccentsAndApostrophesDoNotMatter(@ForAll("words") List<String> words,
                                                     @ForAll @IntRange(min = 1900, max = 2030) int year,
                                                     @ForAll long seed) {
        String title = String.join(" ", words) + " (" + year + ")";
        assertThat(canonicalKey(respell(title, new Random(seed)))).isEqualTo(canonicalKey(title));
    }

    @Property
    void differentYearsStayDifferent(@ForAll("words") List<String> words,
                                     @ForAll @IntRange(min = 1900, max = 2030) int year,
                                     @ForAll @IntRange(min = 1, max = 50) int delta) {
        String rest = String.join(" ", words);
        assertThat(canonicalKey(rest + " (" + year + ")")).isNotEqualTo(canonicalKey(rest + " (" + (year + delta) + ")"));
    }

    @Property
    void differentWordsStayDifferent(@ForAll("words") List<String> words, @ForAll("words") List<String> other) {
        String a = String.join(" ", words);
        String b = String.join(" ", other);
        if (!a.replace("'", "").equalsIgnoreCase(b.replace("'", ""))) {
            assertThat(canonicalKey(a + " (1995)")).isNotEqualTo(canonicalKey(b + " (1995)"));
        }
    }

    @Property(tries = 2000)
    void theKeyIsItsOwnKey(@ForAll String anything) {
        String key = canonicalKey(anything);
        assertThat(canonicalKey(key)).isEqualTo(key);
        assertThat(key).doesNotStartWith(" ").doesNotEndWith(" ").doesNotContain("  ");
    }

    @Provide
    Arbitrary<List<String>> words() {
        Arbitrary<String> word = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8)
                .map(w -> w.length() > 3 && w.charAt(0) < 'f' ? w.substring(0, 3) + "'" + w.substring(3) : w)
                // keep generated words from being articles themselves, which would move
                .filter(w -> !List.of("the", "a", "an", "le", "la", "les", "il", "lo", "gli", "i", "uno", "una", "un",
                        "une", "el", "los", "las", "der", "die", "das", "den", "ein", "eine", "o", "os", "de", "het",
                        "een", "det", "en").contains(w));
        return word.list().ofMinSize(1).ofMaxSize(6);
    }

    @Provide
    Arbitrary<String> articles() {
        return Arbitraries.of("The", "A", "An", "Les", "La", "Le", "L'", "Il", "Die", "Das", "Der", "El", "Det", "O",
                "the", "LES");
    }

    /** Random case, extra spaces, accented vowels and curly apostrophes. */
    private static String respell(String title, Random random) {
        StringBuilder b = new StringBuilder();
        for (char c : title.toCharArray()) {
            char out = random.nextBoolean() ? Character.toUpperCase(c) : c;
            if (c == ' ' && random.nextInt(3) == 0) {
                b.append("  ");
            }
            if (c == '\'') {
                out = random.nextBoolean() ? '\u2019' : '\u2018';
            } else if ("aeiou".indexOf(c) >= 0 && random.nextInt(4) == 0) {
                out = "áéíóú".charAt("aeiou".indexOf(c));
            }
            b.append(out);
        }
        return (random.nextBoolean() ? " " : "") + b;
    }
}

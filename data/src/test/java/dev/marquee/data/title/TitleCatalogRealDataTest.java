package dev.marquee.data.title;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.marquee.data.movielens.MovieLens100K;
import dev.marquee.data.movielens.MovieLensDir;
import dev.marquee.data.title.TitleCatalog.Match;
import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The canonicaliser over MovieLens 100K's whole catalog; skipped when the dataset is not here. */
class TitleCatalogRealDataTest {
    private static final Pattern TRAILING_ARTICLE = Pattern.compile("^(.*), (The|A|An|La|Les|Le|Il|Das|Der|L') (\\(.*)$");

    private static List<String> titles;
    private static TitleCatalog catalog;

    @BeforeAll
    static void load() {
        Optional<MovieLensDir> dir = MovieLensDir.findForTests();
        assumeTrue(dir.isPresent(), MovieLensDir.testSkipMessage());
        titles = new MovieLens100K(dir.get()).titles();
        catalog = TitleCatalog.of(titles);
    }

    @Test
    void noTwoCatalogTitlesShareAKey() {
        // Checked on the real file: 1,664 distinct titles, 1,664 distinct keys. If a future catalog has
        // collisions, TitleCatalog keeps them apart; this documents that ML-100K has none.
        assertThat(catalog.collisions()).isEmpty();
        assertThat(titles).hasSize(1664);
    }

    @Test
    void everyCatalogTitleResolvesToItself() {
        for (String title : titles) {
            assertThat(catalog.lookup(title).match()).as(title).isEqualTo(Match.EXACT);
            assertThat(catalog.resolve(title)).isEqualTo(title);
        }
    }

    @Test
    void everyCatalogTitleRespeltResolvesToItself() {
        for (String title : titles) {
            String respelt = respell(title);
            assertThat(catalog.resolve(respelt)).as(respelt).isEqualTo(title);
        }
    }

    @Test
    void knownRespellings() {
        assertThat(catalog.resolve("Les Miserables (1995)")).isEqualTo("Misérables, Les (1995)");
        assertThat(catalog.resolve("the devils advocate (1997)")).isEqualTo("Devil's Advocate, The (1997)");
        assertThat(catalog.resolve("The Devil’s Advocate (1997)")).isEqualTo("Devil's Advocate, The (1997)");
        assertThat(catalog.resolve("L'Enfer (1994)")).isEqualTo("Enfer, L' (1994)");
        assertThat(catalog.resolve("Two Friends (1986)")).isEqualTo("Two Friends (1986) ");
        assertThat(catalog.resolve("cape fear (1962)")).isEqualTo("Cape Fear (1962)");
        assertThat(catalog.resolve("cape fear (1991)")).isEqualTo("Cape Fear (1991)");
        assertThat(catalog.resolve("The Scarlet Letter (1926)")).isEqualTo("Scarlet Letter, The (1926)");
        assertThat(catalog.lookup("Cape Fear").match()).isEqualTo(Match.UNKNOWN);
    }

    /** Leading article, upper case, curly apostrophes, no accents, doubled spaces. */
    private static String respell(String title) {
        String s = title;
        Matcher m = TRAILING_ARTICLE.matcher(s);
        if (m.matches()) {
            s = m.group(2) + (m.group(2).endsWith("'") ? "" : " ") + m.group(1) + " " + m.group(3);
        }
        s = Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
        return s.toUpperCase(Locale.ROOT).replace("'", "\u2019").replace(" ", "  ");
    }
}

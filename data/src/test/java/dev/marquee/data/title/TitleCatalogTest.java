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
        }
    }
}

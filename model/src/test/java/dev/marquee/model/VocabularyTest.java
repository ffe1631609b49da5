package dev.marquee.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VocabularyTest {

    @Test
    void unknownTermsGetTheOovIndex() {
        Vocabulary v = Vocabulary.of(List.of("b", "a"));
        assertThat(v.indexOf("b")).isZero();
        assertThat(v.indexOf("zz")).isEqualTo(-1);
        assertThat(v.indexOrOov("zz")).isEqualTo(2).isEqualTo(v.oovIndex());
        assertThat(v.indexOrOov(null)).isEqualTo(2);
    }

    @Test
    void frequencyOrderIsDeterministic() {
        assertThat(Vocabulary.byFrequency(List.of("c", "a", "b", "a", "c"))).containsExactly("a", "c", "b");
    }

    @Test
    void titleVocabulariesAliasUniqueCanonicalKeysOnly() {
        Vocabulary v = Vocabulary.ofTitles(List.of("Devil's Advocate, The (1997)", "Fan, The (1996)",
                "The Fan (1996)"));
        assertThat(v.indexOf("the devils advocate (1997)")).isZero();
        // Two titles share the key "the fan (1996)": it is no alias, each exact title keeps its own index.
        assertThat(v.indexOf("the fan (1996)")).isEqualTo(-1);
        assertThat(v.indexOf("Fan, The (1996)")).isEqualTo(1);
        assertThat(v.indexOf("The Fan (1996)")).isEqualTo(2);
        assertThat(v.size()).isEqualTo(3);
    }

    /** As the catalog resolves: a placeholder title or one without a name matches only as spelt (docs/TITLES.md). */
    @Test
    void placeholderAndNamelessTitlesGetNoAlias() {
        Vocabulary v = Vocabulary.ofTitles(List.of("Unknown", "Heat (1995)", "... (2011)"));
        assertThat(v.indexOf("Unknown")).isZero();
        String unknownKey = dev.marquee.data.title.TitleCanonicalizer.canonicalKey("Unknown");
        assertThat(unknownKey).isNotEqualTo("Unknown");
        assertThat(v.indexOf(unknownKey)).as("no alias for a placeholder").isEqualTo(-1);
        assertThat(v.indexOf("... (2011)")).isEqualTo(2);
        String namelessKey = dev.marquee.data.title.TitleCanonicalizer.canonicalKey("... (2011)");
        assertThat(namelessKey).isNotEqualTo("... (2011)");
        assertThat(v.indexOf(namelessKey)).as("no alias for a title without a name").isEqualTo(-1);
        assertThat(v.indexOf("heat (1995)")).as("other titles keep theirs").isEqualTo(1);
    }

    @Test
    void aTermWithALineBreakIsRefusedRatherThanWrittenAsTwoLines(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> Vocabulary.of(List.of("42", "42\r")).write(dir.resolve("users.txt")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line break");
        Vocabulary fine = Vocabulary.of(List.of("42", "Amélie (2001)"));
        fine.write(dir.resolve("ok.txt"));
        assertThat(Vocabulary.read(dir.resolve("ok.txt"), false).size()).isEqualTo(2);
    }
}

package dev.marquee.data.title;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.title.TitleForms.Form;
import java.util.List;
import org.junit.jupiter.api.Test;

class TitleFormsTest {

    private static List<String> primary(String title) {
        return TitleForms.of(title).stream().filter(Form::primary).map(Form::key).toList();
    }

    private static List<String> secondary(String title) {
        return TitleForms.of(title).stream().filter(f -> !f.primary()).map(Form::key).toList();
    }

    @Test
    void alternativeTitlesAndTheMainTitleAloneEachWithTheYear() {
        assertThat(primary("Seven (Se7en) (1995)")).containsExactly("seven (se7en) (1995)", "seven (1995)");
        assertThat(secondary("Seven (Se7en) (1995)")).containsExactly("se7en (1995)");
        assertThat(secondary("Hate (Haine, La) (1995)")).containsExactly("la haine (1995)", "haine (1995)");
        assertThat(primary("Land Before Time III: The Time of the Great Giving (1995) (V)"))
                .contains("land before time iii the time of the great giving (1995)");
    }

    @Test
    void aKindTagIsNoAlternativeTitle() {
        assertThat(secondary("Land Before Time III: The Time of the Great Giving (1995) (V)"))
                .containsExactly("land before time iii (1995)");
        assertThat(secondary("Pride and Prejudice (1995) (TV Mini-Series)")).isEmpty();
        assertThat(secondary("Seven (Se7en) (1995)")).containsExactly("se7en (1995)");
    }

    @Test
    void onlyAnArticleTheCatalogMarksIsDropped() {
        assertThat(primary("Usual Suspects, The (1995)"))
                .containsExactly("the usual suspects (1995)", "usual suspects (1995)");
        assertThat(primary("The Innocent (1994)")).containsExactly("the innocent (1994)", "innocent (1994)");
        assertThat(primary("Enfer, L' (1994)")).containsExactly("lenfer (1994)");
        // "A" leading is not marked as an article (Icelandic "Á köldum klaka" decomposes to "A koldum klaka")
        assertThat(primary("A Chef in Love (1996)")).containsExactly("a chef in love (1996)");
        assertThat(primary("Fear (1996)")).containsExactly("fear (1996)");
    }

    @Test
    void subtitleDropped() {
        assertThat(secondary("Austin Powers: International Man of Mystery (1997)")).containsExactly("austin powers (1997)");
        assertThat(secondary("Pink Floyd - The Wall (1982)")).containsExactly("pink floyd (1982)");
        assertThat(TitleForms.withoutSubtitle("Dr. Strangelove or: How I Learned to Stop Worrying and Love the Bomb"))
                .isEqualTo("Dr. Strangelove");
        assertThat(TitleForms.withoutSubtitle("Godfather: Part II, The")).isEqualTo("Godfather, The");
        assertThat(TitleForms.withoutSubtitle("Bio-Dome")).isNull();
        assertThat(TitleForms.withoutSubtitle("Face/Off")).isNull();
    }

    @Test
    void aSubtitleHoldingANumberTheRestLacksIsKept() {
        assertThat(secondary("Godfather: Part II, The (1974)")).isEmpty();
        assertThat(secondary("Lord of the Rings: The Two Towers, The (2002)")).isEmpty();
        // the number is in what stays, so the subtitle goes
        assertThat(secondary("Star Trek III: The Search for Spock (1984)")).containsExactly("star trek iii (1984)");
        assertThat(secondary("2001: A Space Odyssey (1968)")).containsExactly("2001 (1968)");
    }

    @Test
    void aLeadingCreditIsDroppedOnlyWhenItLooksLikeAName() {
        assertThat(TitleForms.withoutCredit("Bram Stoker's Dracula")).isEqualTo("Dracula");
        assertThat(TitleForms.withoutCredit("Robert A. Heinlein's The Puppet Masters")).isEqualTo("The Puppet Masters");
        assertThat(TitleForms.withoutCredit("Tim Burton\u2019s The Nightmare Before Christmas"))
                .isEqualTo("The Nightmare Before Christmas");
        assertThat(TitleForms.withoutCredit("Schindler's List")).isNull();
        assertThat(TitleForms.withoutCredit("Mr. Holland's Opus")).isNull();
        assertThat(TitleForms.withoutCredit("My Best Friend's Wedding")).isNull();
        assertThat(TitleForms.withoutCredit("White Man's Burden")).isNull();
        assertThat(TitleForms.withoutCredit("April Fool's Day")).isNull();
        assertThat(TitleForms.withoutCredit("Young Poisoner's Handbook, The")).isNull();
    }
}

package dev.marquee.data.replay.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.data.config.SettingException;
import dev.marquee.data.config.Settings;
import dev.marquee.data.event.Rating;
import dev.marquee.data.synth.SyntheticRatings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogSwapTest {
    @TempDir
    Path dir;

    @Test
    void aFileGivesOneTitlePerLineInUtf8() throws IOException {
        Path file = dir.resolve("titles.txt");
        Files.write(file, "\uFEFFAmélie (2001)\n\n  Spirited Away (2001)  \r\n千と千尋の神隠し (2001)\n".getBytes(StandardCharsets.UTF_8));
        DriftInjection drift = DriftInjection.fromSettings(new Settings(Map.of(DriftInjection.CATALOG, file.toString())));
        CatalogSwap swap = (CatalogSwap) drift.kinds().get(0);
        assertThat(swap.titles()).containsExactly("Amélie (2001)", "Spirited Away (2001)", "千と千尋の神隠し (2001)");

        List<Rating> rows = Requests.rows(300);
        DriftInjector injector = drift.injector(rows);
        Set<String> sent = new HashSet<>();
        for (Rating r : rows) {
            byte[] json = Requests.encode(injector.next("r", r));
            sent.add(Requests.parse(json).requests().get(0).movieTitle);
        }
        assertThat(sent).containsExactlyInAnyOrderElementsOf(swap.titles());
    }

    @Test
    void theSameMovieAlwaysGetsTheSameNewName() {
        DriftInjection drift = DriftInjection.fromSettings(new Settings(Map.of(DriftInjection.CATALOG, "synthetic:50")));
        List<Rating> rows = Requests.rows(500);
        DriftInjector injector = drift.injector(rows);
        Map<String, String> renamed = new java.util.HashMap<>();
        Set<String> newNames = new HashSet<>();
        for (Rating r : rows) {
            String sent = Requests.parse(Requests.encode(injector.next("r", r))).requests().get(0).movieTitle;
            String before = renamed.putIfAbsent(r.movieTitle, sent);
            assertThat(before == null ? sent : before).as(r.movieTitle).isEqualTo(sent);
            newNames.add(sent);
        }
        assertThat(newNames).as("several new names are used").hasSizeGreaterThan(1);
    }

    @Test
    void syntheticTitlesNeverMeetTheTitlesOfGeneratedOrMovieLensRows() {
        CatalogSwap swap = CatalogSwap.synthetic(1_000);
        assertThat(swap.titles()).hasSize(1_000).doesNotHaveDuplicates().contains("Synthetic Movie 123 (2033)");
        Set<String> generated = new HashSet<>();
        SyntheticRatings.fromOption("synthetic:20000", 7).forEach(r -> generated.add(r.movieTitle));
        assertThat(swap.titles()).doesNotContainAnyElementsOf(generated);
        assertThat(((CatalogSwap) DriftInjection.fromSettings(new Settings(Map.of(DriftInjection.CATALOG, "synthetic:5")))
                .kinds().get(0)).titles()).hasSize(5);
    }

    @Test
    void aMissingEmptyOrNonUtf8FileIsAClearSettingError() throws IOException {
        Path empty = Files.write(dir.resolve("empty.txt"), "\n  \n".getBytes(StandardCharsets.UTF_8));
        Path latin1 = Files.write(dir.resolve("latin1.txt"), "Am\u00e9lie".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> catalog(dir.resolve("nope.txt").toString()))
                .isInstanceOf(SettingException.class).hasMessageContaining("--drift-catalog").hasMessageContaining("is not a file");
        assertThatThrownBy(() -> catalog(empty.toString())).isInstanceOf(SettingException.class).hasMessageContaining("has no titles");
        assertThatThrownBy(() -> catalog(latin1.toString())).isInstanceOf(SettingException.class).hasMessageContaining("not valid UTF-8");
        assertThatThrownBy(() -> catalog("synthetic:0")).isInstanceOf(SettingException.class).hasMessageContaining("N >= 1");
    }

    /** Titles the scoring job would refuse: every drifted request a dead letter instead of a title it does not know. */
    @Test
    void aTitleTheJobWouldRefuseIsASettingErrorNamingItsLine() throws IOException {
        Path tsv = Files.write(dir.resolve("catalog.tsv"), "Heat (1995)\n1\tToy Story (1995)\n".getBytes(StandardCharsets.UTF_8));
        Path longTitle = Files.write(dir.resolve("long.txt"), ("x".repeat(513) + "\n").getBytes(StandardCharsets.UTF_8));
        Path noBreak = Files.write(dir.resolve("nbsp.txt"), "\u00A0\nHeat (1995)\n".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> catalog(tsv.toString())).isInstanceOf(SettingException.class)
                .hasMessageContaining("line 2: a control character");
        assertThatThrownBy(() -> catalog(longTitle.toString())).isInstanceOf(SettingException.class)
                .hasMessageContaining("line 1: 513 characters");
        assertThat(CatalogSwap.fromFile(noBreak).titles()).as("a line blank to the parser is skipped").containsExactly("Heat (1995)");
    }

    private static DriftInjection catalog(String value) {
        return DriftInjection.fromSettings(new Settings(Map.of(DriftInjection.CATALOG, value)));
    }
}

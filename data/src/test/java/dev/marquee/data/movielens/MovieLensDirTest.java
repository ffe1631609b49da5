package dev.marquee.data.movielens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MovieLensDirTest {
    @TempDir
    Path tmp;

    private Path datasetAt(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String f : MovieLensDir.CORE_FILES) {
            Files.writeString(dir.resolve(f), "");
        }
        return dir;
    }

    @Test
    void explicitPathWinsOverEnvironment() throws IOException {
        Path given = datasetAt(tmp.resolve("given"));
        datasetAt(tmp.resolve("env"));
        MovieLensDir dir = MovieLensDir.resolve(given.toString(), Map.of(MovieLensDir.ENV, tmp.resolve("env").toString()), tmp);
        assertThat(dir.path()).isEqualTo(given);
    }

    @Test
    void environmentWinsOverDefault() throws IOException {
        Path env = datasetAt(tmp.resolve("env"));
        Files.createDirectories(tmp.resolve("repo"));
        datasetAt(tmp.resolve("shared/data/ml-100k"));
        assertThat(MovieLensDir.resolve(null, Map.of(MovieLensDir.ENV, env.toString()), tmp.resolve("repo")).path())
                .isEqualTo(env);
    }

    @Test
    void defaultIsSharedDataBesideTheRepository() throws IOException {
        Files.createDirectories(tmp.resolve("repo"));
        Path expected = datasetAt(tmp.resolve("shared/data/ml-100k"));
        assertThat(MovieLensDir.resolve(" ", Map.of(), tmp.resolve("repo")).path()).isEqualTo(expected);
    }

    @Test
    void relativePathsResolveAgainstTheWorkingDirectory() throws IOException {
        Path expected = datasetAt(tmp.resolve("data/ml"));
        assertThat(MovieLensDir.resolve("data/ml", Map.of(), tmp).path()).isEqualTo(expected);
    }

    /** Under Maven the tests run in each module's folder: a relative MOVIELENS_DIR still means the project's root. */
    @Test
    void testsResolveARelativeDirectoryAgainstTheProjectsRoot() throws IOException {
        Path expected = datasetAt(tmp.resolve("ml"));
        assertThat(MovieLensDir.findForTests(Map.of(MovieLensDir.ENV, "ml", MovieLensDir.TEST_ROOT_ENV, tmp.toString())))
                .hasValueSatisfying(d -> assertThat(d.path()).isEqualTo(expected));
        assertThat(MovieLensDir.findForTests(Map.of(MovieLensDir.ENV, "elsewhere",
                MovieLensDir.TEST_ROOT_ENV, tmp.toString()))).isEmpty();
        assertThat(MovieLensDir.testSkipMessage()).as("the skip names where it looked")
                .contains(tmp.resolve("elsewhere").toString()).contains("(from " + MovieLensDir.ENV + ")")
                .as("a test's skip is no advice on a --data option").doesNotContain("--data");
        assertThat(MovieLensDir.findForTests(Map.of(MovieLensDir.TEST_DEFAULT_ENV, "shared/ml-100k",
                MovieLensDir.TEST_ROOT_ENV, tmp.toString()))).isEmpty();
        assertThat(MovieLensDir.testSkipMessage()).contains(tmp.resolve("shared/ml-100k").toString())
                .contains("the build's default, " + MovieLensDir.ENV + " not set").doesNotContain("--data");
        Files.createDirectories(tmp.resolve("partial"));
        Files.writeString(tmp.resolve("partial/u.data"), "1\t1\t5\t881250949\n");
        assertThat(MovieLensDir.findForTests(Map.of(MovieLensDir.ENV, "partial", MovieLensDir.TEST_ROOT_ENV, tmp.toString())))
                .isEmpty();
        assertThat(MovieLensDir.testSkipMessage()).contains("incomplete at " + tmp.resolve("partial")).doesNotContain("--data");
    }

    @Test
    void missingDirectorySaysWhereItLookedAndHowToGetTheData() {
        Path missing = tmp.resolve("nowhere");
        assertThatThrownBy(() -> MovieLensDir.resolve(null, Map.of(MovieLensDir.ENV, missing.toString()), tmp))
                .isInstanceOf(MovieLensNotFoundException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("from MOVIELENS_DIR")
                .hasMessageContaining("not a directory")
                .hasMessageContaining("scripts/fetch-movielens");
    }

    /** A --data directory that is no dataset at all: what it holds, and what --data takes (not "missing u.data"). */
    @Test
    void aGivenDirectoryOfSomethingElseSaysWhatItHoldsAndWhatIsRead() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("ml-1m"));
        Files.writeString(dir.resolve("ratings.dat"), "1::1193::5::978300760\n");
        Files.writeString(dir.resolve("movies.dat"), "");
        assertThatThrownBy(() -> MovieLensDir.resolve(dir.toString(), Map.of(), tmp))
                .isInstanceOf(MovieLensNotFoundException.class)
                .hasMessageContaining("holds movies.dat, ratings.dat: not data this reads")
                .hasMessageContaining("not ML-1M or ML-10M's .dat files")
                .hasMessageNotContaining("missing u.data");
    }

    @Test
    void missingFilesAreListed() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("partial"));
        Files.writeString(dir.resolve("u.item"), "");
        assertThatThrownBy(() -> MovieLensDir.at(dir))
                .isInstanceOf(MovieLensNotFoundException.class)
                .hasMessageContaining("missing u.data, u.user")
                .hasMessageContaining("scripts/fetch-movielens " + dir.toAbsolutePath().normalize())
                .as("--data wins over the variable: setting it would not help").hasMessageNotContaining("MOVIELENS_DIR");
    }

    @Test
    void defaultSaysThatTheVariableWasNotSet() {
        // The default is relative (../shared/...): resolve it from a directory whose parent is ours, so a shared/
        // folder beside the JUnit temp directory cannot satisfy it.
        Path base = tmp.resolve("project").resolve("main");
        assertThatThrownBy(() -> MovieLensDir.resolve(null, Map.of(), base))
                .hasMessageContaining("default ../shared/data/ml-100k, MOVIELENS_DIR not set");
    }

    @Test
    void requireNamesAMissingOptionalFile() throws IOException {
        MovieLensDir dir = MovieLensDir.at(datasetAt(tmp.resolve("d")));
        assertThat(dir.require("u.data")).isEqualTo(dir.path().resolve("u.data"));
        assertThatThrownBy(() -> dir.require("u1.base"))
                .isInstanceOf(MovieLensNotFoundException.class)
                .hasMessageContaining("has no u1.base");
    }
}

package dev.marquee.data.movielens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.data.event.Rating;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MovieLens' ml-latest format (ratings.csv + movies.csv), on files written here by hand. */
class MovieLensLatestTest {
    private static final String MOVIES = String.join("\n",
            "movieId,title,genres",
            "1,Toy Story (1995),Adventure|Animation|Children|Comedy|Fantasy",
            "11,\"American President, The (1995)\",Comedy|Drama|Romance",
            "29,\"City of Lost Children, The (Cité des enfants perdus, La) (1995)\",Adventure|Drama|Fantasy|Mystery|Sci-Fi",
            "176,\"Say \"\"Anything\"\" (1989)\",(no genres listed)",
            "");
    private static final String RATINGS = String.join("\n",
            "userId,movieId,rating,timestamp",
            "1,1,4.0,964982703",
            "1,11,3.5,964981247",
            "2,29,0.5,1445714835",
            "2,176,5.0,1445714994",
            "10,11,2.5,1455301685",
            "");

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void aDirectoryJoinsMovieIdsToTitlesAndKeepsHalfStars() throws IOException {
        write("ratings.csv", RATINGS);
        write("movies.csv", MOVIES);

        MovieLensLatest data = MovieLensLatest.detect(dir).orElseThrow();
        assertThat(data.ratings()).containsExactly(
                new Rating("1", "Toy Story (1995)", 4f, 964982703L),
                new Rating("1", "American President, The (1995)", 3.5f, 964981247L),
                new Rating("2", "City of Lost Children, The (Cité des enfants perdus, La) (1995)", 0.5f, 1445714835L),
                new Rating("2", "Say \"Anything\" (1989)", 5f, 1445714994L),
                new Rating("10", "American President, The (1995)", 2.5f, 1455301685L));
        assertThat(data.path()).isEqualTo(dir.toAbsolutePath().normalize());
        assertThat(data.description()).isEqualTo("MovieLens (ml-latest format) at " + dir.toAbsolutePath().normalize());
        assertThat(MovieLensLatest.describedPath(data.description())).contains(dir.toAbsolutePath().normalize().toString());

        Movie president = data.movies().get(11);
        assertThat(president.genres()).containsExactly("Comedy", "Drama", "Romance");
        assertThat(president.releaseYear()).hasValue(1995);
        assertThat(data.movies().get(176).genres()).isEmpty();
    }

    /** Re-exported with every value quoted (pandas' QUOTE_ALL, R's write.csv): the same ratings. */
    @Test
    void aRatingsFileWithEveryValueQuotedIsRead() throws IOException {
        write("ratings.csv", "\"userId\",\"movieId\",\"rating\",\"timestamp\"\n\"1\",\"11\",\"3.5\",\"964981247\"\n");
        write("movies.csv", MOVIES);
        assertThat(MovieLensLatest.detect(dir).orElseThrow().ratings())
                .containsExactly(new Rating("1", "American President, The (1995)", 3.5f, 964981247L));
    }

    @Test
    void aRatingsFileIsFoundByItsHeaderWithMoviesBesideIt() throws IOException {
        Path ratings = write("small/my-ratings.csv", RATINGS);
        write("small/movies.csv", MOVIES);

        MovieLensLatest data = MovieLensLatest.detect(ratings).orElseThrow();
        assertThat(data.ratings()).hasSize(5);
        assertThat(data.path()).isEqualTo(ratings.toAbsolutePath().normalize());
        assertThat(MovieLensLatest.detect(dir.resolve("small")).isPresent()).isFalse(); // no ratings.csv there
    }

    @Test
    void otherFormatsAreNotTakenForIt() throws IOException {
        write("u.data", "1\t1\t5\t874965758\n");
        assertThat(MovieLensLatest.detect(dir)).isEmpty();
        assertThat(MovieLensLatest.detect(write("r.csv", "user_id,movie_title,rating,timestamp\n1,A (1990),4,1\n"))).isEmpty();
        assertThat(MovieLensLatest.detect(dir.resolve("nowhere"))).isEmpty();
    }

    /** A folder holding a ratings.csv of this project's own columns: told to give the file, not "movies.csv is missing". */
    @Test
    void aFolderWithAGenericRatingsCsvIsToldToGiveTheFile() throws IOException {
        Path ratings = write("generic/ratings.csv", "user_id,movie_title,rating,timestamp\n587,Heat (1995),4,892870992\n");
        assertThatThrownBy(() -> MovieLensLatest.detect(ratings.getParent())).isInstanceOf(DataFileException.class)
                .hasMessageStartingWith(ratings + ", line 1: a ratings file of user_id, movie_title")
                .hasMessageContaining("give the file itself");
        assertThat(MovieLensLatest.detect(ratings)).as("the file itself is not ml-latest either: the generic reader's").isEmpty();
    }

    @Test
    void missingMoviesCsvIsOneLine() throws IOException {
        Path ratings = write("ratings.csv", RATINGS);
        assertThatThrownBy(() -> MovieLensLatest.detect(dir))
                .isInstanceOf(DataFileException.class)
                .hasMessageStartingWith(ratings.toString() + ": movies.csv is missing beside it")
                .hasMessageNotContaining("\n");
    }

    @Test
    void movieIdsWithoutATitleAreCountedAndNamed() throws IOException {
        write("movies.csv", MOVIES);
        StringBuilder ratings = new StringBuilder(RATINGS);
        for (int i = 0; i < 8; i++) {
            ratings.append("3,").append(900 + i).append(",3.0,1\n");
        }
        ratings.append("3,900,3.0,1\n");
        write("ratings.csv", ratings.toString());

        assertThatThrownBy(() -> MovieLensLatest.detect(dir).orElseThrow().ratings())
                .isInstanceOf(DataFileException.class)
                .hasMessageContaining("9 rating(s) name a movieId that ")
                .hasMessageContaining("movieId 900 (line 7), 901 (line 8), 902 (line 9), 903 (line 10), 904 (line 11)")
                .hasMessageNotContaining("905 (line") // not "905": the temporary folder's random name may hold it
                .hasMessageNotContaining("\n");
    }

    @Test
    void malformedLinesNameFileAndLine() throws IOException {
        write("movies.csv", MOVIES);
        Path ratings = dir.resolve("ratings.csv");
        for (String[] bad : new String[][] {
                {"1,1,4.0", "expected 4 comma-separated fields, got 3"},
                {"1,1,4.0,5,6", "expected 4 comma-separated fields, got more"},
                {"1,x,4.0,5", "movieId \"x\" is not an integer"},
                {"1,1,four,5", "rating \"four\" is not a number"},
                {"1,1,5.5,5", "rating 5.5 is outside 0.5 to 5.0"},
                {"1,1,4.0,noon", "timestamp \"noon\" is not an integer (seconds since the epoch)"},
                {"1,1,4.0,1700000000123", "timestamp 1700000000123 is after 2100-01-01 (4102444800): timestamps must be "
                        + "seconds since the epoch, and this looks like milliseconds"},
                {",1,4.0,5", "userId is empty"}}) {
            Files.writeString(ratings, RATINGS + bad[0] + "\n", StandardCharsets.UTF_8);
            assertThatThrownBy(() -> MovieLensLatest.detect(dir).orElseThrow().ratings())
                    .as(bad[0])
                    .isInstanceOf(DataFileException.class)
                    .hasMessage(ratings + ", line 7: " + bad[1] + (bad[1].startsWith("expected") ? ": " + bad[0] : ""));
        }
    }

    /** Two films of one title (ml-latest has a few, e.g. two "Emma (1996)"): one title to the model, and said so. */
    @Test
    void titlesSharedByMoreThanOneMovieIdAreListed() throws IOException {
        write("movies.csv", "movieId,title,genres\n1,Emma (1996),Drama\n2,Heat (1995),Action\n3,Emma (1996),Comedy\n");
        write("ratings.csv", "userId,movieId,rating,timestamp\n1,1,4.0,5\n1,3,2.0,6\n2,2,3.0,7\n");
        MovieLensLatest data = MovieLensLatest.detect(dir).orElseThrow();
        assertThat(data.sharedTitles()).containsExactly(java.util.Map.entry("Emma (1996)", List.of(1, 3)));
        assertThat(data.sharedTitlesNote()).hasValueSatisfying(note -> assertThat(note)
                .startsWith("1 title(s) of ").contains("\"Emma (1996)\" (movieIds 1, 3)"));
        assertThat(data.ratings()).extracting(r -> r.movieTitle).containsExactly("Emma (1996)", "Emma (1996)", "Heat (1995)");
    }

    @Test
    void anUnquotedCommaInATitleIsCaught() throws IOException {
        write("ratings.csv", RATINGS);
        Path movies = write("movies.csv", "movieId,title,genres\n11,American President, The (1995),Comedy\n");
        assertThatThrownBy(() -> MovieLensLatest.detect(dir).orElseThrow().ratings())
                .isInstanceOf(DataFileException.class)
                .hasMessageStartingWith(movies + ", line 2: expected 3 fields as in the header, got 4");
    }

    @Test
    void writtenFilesReadBack() {
        List<Rating> ratings = List.of(
                new Rating("7", "American President, The (1995)", 3.5f, 10L),
                new Rating("7", "Say \"Anything\" (1989)", 0.5f, 11L),
                new Rating("8", "American President, The (1995)", 5f, 12L));
        MovieLensLatest written = MovieLensLatest.write(dir.resolve("out"), ratings);
        assertThat(MovieLensLatest.detect(dir.resolve("out")).orElseThrow().ratings()).isEqualTo(ratings);
        assertThat(written.movies()).hasSize(2);
        assertThatThrownBy(() -> MovieLensLatest.write(dir.resolve("bad"), List.of(new Rating("a,b", "T", 1f, 1L))))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

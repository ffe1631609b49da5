package dev.marquee.data.movielens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.data.event.Rating;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MovieLens100KTest {
    private static final String FLAGS_DRAMA = "|0|0|0|0|0|0|0|0|1|0|0|0|0|0|0|0|0|0|0";
    private static final String FLAGS_COMEDY_ROMANCE = "|0|0|0|0|0|1|0|0|0|0|0|0|0|0|1|0|0|0|0";
    private static final String FLAGS_UNKNOWN = "|1|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0";

    @TempDir
    Path dir;

    @BeforeEach
    void writeTinyDataset() throws IOException {
        write("u.item", String.join("\n",
                "1|Misérables, Les (1995)|01-Jan-1995||http://us.imdb.com/M/title-exact?Mis%E9rables%2C%20Les%20%281995%29" + FLAGS_DRAMA,
                "2|Chasing Amy (1997)|01-Jan-1997||http://x" + FLAGS_COMEDY_ROMANCE,
                "3|Chasing Amy (1997)|||http://y" + FLAGS_COMEDY_ROMANCE,
                "4|unknown|||" + FLAGS_UNKNOWN,
                "5|Two Friends (1986) |||" + FLAGS_DRAMA) + "\n");
        write("u.user", "1|24|M|technician|85711\n2|53|F|other|94043\n");
        write("u.data", "1\t1\t5\t881250949\n2\t3\t3\t891717742\n1\t2\t4\t878887116\n");
        write("u1.base", "1\t1\t5\t881250949\n");
        write("u1.test", "2\t3\t3\t891717742\n");
    }

    private void write(String name, String text) throws IOException {
        Files.write(dir.resolve(name), text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private MovieLens100K movieLens() {
        return new MovieLens100K(MovieLensDir.at(dir));
    }

    @Test
    void titlesAreDecodedFromIso88591() throws IOException {
        assertThat(Files.readAllBytes(dir.resolve("u.item"))).contains((byte) 0xE9);
        Movie movie = movieLens().movies().get(1);
        assertThat(movie.title()).isEqualTo("Mis\u00e9rables, Les (1995)");
        assertThat(movie.title().getBytes(StandardCharsets.UTF_8)).hasSize(movie.title().length() + 1);
    }

    /** A copy re-encoded to UTF-8 (mirrors do it) keeps its titles, not "MisÃ©rables". */
    @Test
    void titlesOfACopyReEncodedToUtf8AreDecodedAsUtf8() throws IOException {
        String iso = new String(Files.readAllBytes(dir.resolve("u.item")), StandardCharsets.ISO_8859_1);
        Files.write(dir.resolve("u.item"), iso.getBytes(StandardCharsets.UTF_8));
        assertThat(movieLens().movies().get(1).title()).isEqualTo("Mis\u00e9rables, Les (1995)");
        assertThat(movieLens().movies().get(2).title()).isEqualTo("Chasing Amy (1997)");
    }

    /** An editor's UTF-8 copy starts with a byte-order mark: not part of the first movie's id. */
    @Test
    void aUtf8CopyWithAByteOrderMarkIsRead() throws IOException {
        String iso = new String(Files.readAllBytes(dir.resolve("u.item")), StandardCharsets.ISO_8859_1);
        Files.write(dir.resolve("u.item"), ("\uFEFF" + iso).getBytes(StandardCharsets.UTF_8));
        assertThat(movieLens().movies().get(1).title()).isEqualTo("Mis\u00e9rables, Les (1995)");
    }

    @Test
    void moviesCarryDateYearAndGenres() {
        Movie movie = movieLens().movies().get(2);
        assertThat(movie.releaseDate()).contains(LocalDate.of(1997, 1, 1));
        assertThat(movie.releaseYear()).isEqualTo(OptionalInt.of(1997));
        assertThat(movie.genres()).containsExactly("Comedy", "Romance");
        assertThat(movie.imdbUrl()).isEqualTo("http://x");
    }

    @Test
    void releaseYearFallsBackToTheTitleAndMayBeAbsent() {
        assertThat(movieLens().movies().get(3).releaseDate()).isEmpty();
        assertThat(movieLens().movies().get(3).releaseYear()).isEqualTo(OptionalInt.of(1997));
        Movie unknown = movieLens().movies().get(4);
        assertThat(unknown.releaseYear()).isEmpty();
        assertThat(unknown.genres()).containsExactly("unknown");
    }

    @Test
    void titlesAreKeptAsInTheFile() {
        assertThat(movieLens().movies().get(5).title()).isEqualTo("Two Friends (1986) ");
        assertThat(movieLens().titles()).containsExactly(
                "Misérables, Les (1995)", "Chasing Amy (1997)", "unknown", "Two Friends (1986) ");
    }

    @Test
    void ratingsUseTheTitleAndTheUserIdAsText() {
        assertThat(movieLens().ratings()).containsExactly(
                new Rating("1", "Misérables, Les (1995)", 5f, 881250949L),
                new Rating("2", "Chasing Amy (1997)", 3f, 891717742L),
                new Rating("1", "Chasing Amy (1997)", 4f, 878887116L));
        assertThat(movieLens().rawRatings("u.data").get(1)).isEqualTo(new MovieLensRating(2, 3, 3, 891717742L));
    }

    @Test
    void u1FilesAreRead() {
        assertThat(movieLens().u1Base()).containsExactly(new Rating("1", "Misérables, Les (1995)", 5f, 881250949L));
        assertThat(movieLens().u1Test()).hasSize(1);
    }

    @Test
    void usersAreRead() {
        assertThat(movieLens().users().get(2)).isEqualTo(new User(2, 53, "F", "other", "94043"));
    }

    @Test
    void aBadRatingLineIsReportedWithItsLineNumber() throws IOException {
        write("u.data", "1\t1\t5\t881250949\n1\t2\tfour\t878887116\n");
        assertThatThrownBy(() -> movieLens().ratings())
                .isInstanceOf(DataFileException.class)
                .hasMessageContaining("u.data, line 2")
                .hasMessageContaining("rating \"four\" is not an integer");
    }

    @Test
    void aRatingOnAnotherScaleIsReportedWithItsLineNumber() throws IOException {
        write("u.data", "1\t1\t5\t881250949\n1\t2\t9\t878887116\n");
        assertThatThrownBy(() -> movieLens().ratings())
                .isInstanceOf(DataFileException.class)
                .hasMessageContaining("u.data, line 2")
                .hasMessageContaining("rating 9 is outside 0.5 to 5.5");
    }

    @Test
    void aTimestampInMillisecondsIsReportedWithItsLineNumber() throws IOException {
        write("u.data", "1\t1\t5\t881250949\n1\t2\t4\t878887116000\n");
        assertThatThrownBy(() -> movieLens().ratings())
                .isInstanceOf(DataFileException.class)
                .hasMessageContaining("u.data, line 2")
                .hasMessageContaining("looks like milliseconds");
    }

    @Test
    void aShortRatingLineIsReported() throws IOException {
        write("u.data", "1\t1\t5\n");
        assertThatThrownBy(() -> movieLens().ratings())
                .hasMessageContaining("line 1")
                .hasMessageContaining("expected 4 tab-separated fields");
    }

    @Test
    void anUnknownItemIdIsReported() throws IOException {
        write("u.data", "1\t99\t5\t881250949\n");
        assertThatThrownBy(() -> movieLens().ratings()).hasMessageContaining("item id 99, which is not in u.item");
    }

    @Test
    void aBadItemLineIsReportedWithItsLineNumber() throws IOException {
        write("u.item", "1|Toy Story (1995)|01-Jan-1995||url" + FLAGS_DRAMA + "\n2|Broken|not a date||url" + FLAGS_DRAMA + "\n");
        assertThatThrownBy(() -> movieLens().movies())
                .hasMessageContaining("u.item, line 2")
                .hasMessageContaining("release date \"not a date\"");
    }

    @Test
    void writerRoundTripsEveryFile() {
        MovieLens100K original = movieLens();
        Path copy = dir.resolve("copy");
        MovieLensWriter writer = new MovieLensWriter(copy);
        writer.writeMovies(List.copyOf(original.movies().values()));
        writer.writeUsers(List.copyOf(original.users().values()));
        writer.writeRatings("u.data", original.rawRatings("u.data"));
        MovieLens100K reread = new MovieLens100K(MovieLensDir.at(copy));
        assertThat(reread.movies()).isEqualTo(original.movies());
        assertThat(reread.users()).isEqualTo(original.users());
        assertThat(reread.ratings()).isEqualTo(original.ratings());
    }

    @Test
    void yearInTitleTakesTheLastYear() {
        assertThat(MovieLensFormat.yearInTitle("Land Before Time III (1995) (V)")).isEqualTo(OptionalInt.of(1995));
        assertThat(MovieLensFormat.yearInTitle("2001: A Space Odyssey (1968)")).isEqualTo(OptionalInt.of(1968));
        assertThat(MovieLensFormat.yearInTitle("unknown")).isEmpty();
    }
}

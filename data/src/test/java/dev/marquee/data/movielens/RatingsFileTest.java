package dev.marquee.data.movielens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.data.event.Rating;
import dev.marquee.data.movielens.RatingsFile.Format;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RatingsFileTest {
    private static final List<Rating> TRICKY = List.of(
            new Rating("587", "Devil's Advocate, The (1997)", 4f, 892870992L),
            new Rating("1", "Misérables, Les (1995)", 3.5f, 1L),
            new Rating("u-2", "Say \"Anything\", Again (1989)", 1f, 0L),
            new Rating("3", "Comma, \"quote\", and more, (2000)", 2.25f, -5L), // line breaks are refused on read
            new Rating("4", " spaces around ", 5f, Rating.LATEST_TIMESTAMP),
            new Rating("5", "Á köldum klaka (Cold Fever) (1994)", 0.5f, 893286638L));

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void csvRoundTripsTrickyTitles() {
        Path file = dir.resolve("r.csv");
        RatingsFile.write(file, TRICKY);
        assertThat(RatingsFile.read(file)).isEqualTo(TRICKY);
    }

    @Test
    void jsonLinesRoundTripTrickyTitles() throws IOException {
        Path file = dir.resolve("r.jsonl");
        RatingsFile.write(file, TRICKY);
        assertThat(Files.readAllLines(file)).hasSize(TRICKY.size());
        assertThat(RatingsFile.read(file)).isEqualTo(TRICKY);
    }

    @Test
    void csvWritesTheHeaderAndQuotesOnlyWhenNeeded() throws IOException {
        Path file = dir.resolve("r.csv");
        RatingsFile.write(file, List.of(TRICKY.get(0), TRICKY.get(1), TRICKY.get(2)));
        assertThat(Files.readString(file)).isEqualTo(
                "user_id,movie_title,rating,timestamp\n"
                        + "587,\"Devil's Advocate, The (1997)\",4,892870992\n"
                        + "1,\"Misérables, Les (1995)\",3.5,1\n"
                        + "u-2,\"Say \"\"Anything\"\", Again (1989)\",1,0\n");
    }

    @Test
    void csvColumnsMayComeInAnyOrderWithExtrasAndCrlf() throws IOException {
        Path file = write("r.csv", "\uFEFFTimestamp,rating,comment,movie_title,USER_ID\r\n"
                + "892870992,4,\"nice, really\",\"Devil's Advocate, The (1997)\",587\r\n"
                + "\r\n"
                + "5,2.5,,Toy Story (1995),9\r\n");
        assertThat(RatingsFile.read(file)).containsExactly(
                new Rating("587", "Devil's Advocate, The (1997)", 4f, 892870992L),
                new Rating("9", "Toy Story (1995)", 2.5f, 5L));
    }

    @Test
    void jsonLinesAcceptNumericUserIdsAndSkipBlankLines() throws IOException {
        Path file = write("r.jsonl", "{\"user_id\":587,\"movie_title\":\"Devil's Advocate, The (1997)\","
                + "\"rating\":4,\"timestamp\":892870992,\"extra\":true}\n\n"
                + "{\"timestamp\":\"7\",\"rating\":\"3.5\",\"movie_title\":\"X (2000)\",\"user_id\":\"u\"}\n");
        assertThat(RatingsFile.read(file)).containsExactly(
                new Rating("587", "Devil's Advocate, The (1997)", 4f, 892870992L),
                new Rating("u", "X (2000)", 3.5f, 7L));
    }

    @Test
    void aJsonFileMayBeOneArray() throws IOException {
        Path file = write("r.json", "[\n {\"user_id\":\"1\",\"movie_title\":\"A (1990)\",\"rating\":1,\"timestamp\":1},\n"
                + " {\"user_id\":\"2\",\"movie_title\":\"B (1991)\",\"rating\":2,\"timestamp\":2}\n]\n");
        assertThat(RatingsFile.read(file)).extracting(r -> r.userId).containsExactly("1", "2");
    }

    /** Two arrays one after the other (`cat a.json b.json`): refused, not the second lost. */
    @Test
    void contentAfterTheJsonArrayIsRefused() throws IOException {
        Path file = write("r.json", "[\n {\"user_id\":\"1\",\"movie_title\":\"A (1990)\",\"rating\":1,\"timestamp\":1}\n]\n"
                + "[\n {\"user_id\":\"2\",\"movie_title\":\"B (1991)\",\"rating\":2,\"timestamp\":2}\n]\n");
        assertThatThrownBy(() -> RatingsFile.read(file)).hasMessageContaining("line 4")
                .hasMessageContaining("content after the JSON array's closing ]");
    }

    @Test
    void badRowInAJsonArrayNamesItsLine() throws IOException {
        Path file = write("r.json", "[\n {\"user_id\":\"1\",\"movie_title\":\"A (1990)\",\"rating\":1,\"timestamp\":1},\n"
                + " {\"user_id\":\"2\",\"movie_title\":\"B (1991)\",\"rating\":2}\n]\n");
        assertThatThrownBy(() -> RatingsFile.read(file)).hasMessageContaining("line 3").hasMessageContaining("missing field timestamp");
    }

    @Test
    void formatFollowsTheExtensionElseTheContent() throws IOException {
        assertThat(RatingsFile.formatOfName("a.CSV")).isEqualTo(Format.CSV);
        assertThat(RatingsFile.formatOfName("a.jsonl")).isEqualTo(Format.JSON_LINES);
        assertThat(RatingsFile.formatOfName("a.json")).isEqualTo(Format.JSON_LINES);
        assertThat(RatingsFile.formatOfName("a.txt")).isNull();
        Path json = write("ratings.txt", "\n  {\"user_id\":\"1\",\"movie_title\":\"A\",\"rating\":1,\"timestamp\":1}\n");
        Path csv = write("ratings.dat", "user_id,movie_title,rating,timestamp\n1,A,1,1\n");
        assertThat(RatingsFile.formatOf(json)).isEqualTo(Format.JSON_LINES);
        assertThat(RatingsFile.formatOf(csv)).isEqualTo(Format.CSV);
        assertThat(RatingsFile.read(json)).isEqualTo(RatingsFile.read(csv));
    }

    @Test
    void writingNeedsAKnownExtensionOrAFormat() {
        assertThatThrownBy(() -> RatingsFile.write(dir.resolve("r.txt"), TRICKY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(".csv, .jsonl or .json");
        RatingsFile.write(dir.resolve("r.txt"), TRICKY, Format.CSV);
        assertThat(RatingsFile.read(dir.resolve("r.txt"))).isEqualTo(TRICKY);
    }

    @Test
    void csvErrorsNameTheLine() throws IOException {
        String header = "user_id,movie_title,rating,timestamp\n";
        assertThatThrownBy(() -> RatingsFile.read(write("a.csv", header + "1,A,1,1\n2,B,x,2\n")))
                .isInstanceOf(DataFileException.class)
                .hasMessageContaining("a.csv, line 3").hasMessageContaining("rating \"x\" is not a number");
        assertThatThrownBy(() -> RatingsFile.read(write("b.csv", header + "1,A,1,1\n2,B,1\n")))
                .hasMessageContaining("line 3").hasMessageContaining("expected 4 fields as in the header, got 3");
        assertThatThrownBy(() -> RatingsFile.read(write("c.csv", header + "1,A,1,1.5\n")))
                .hasMessageContaining("line 2").hasMessageContaining("timestamp \"1.5\" is not an integer");
        // A quoted title over two lines: no request could carry it, and it would split the vocabulary file
        assertThatThrownBy(() -> RatingsFile.read(write("nl.csv", header + "1,A,1,1\n2,\"Toy\nStory (1995)\",4,5\n")))
                .hasMessageContaining("nl.csv, line 3").hasMessageContaining("movie_title has a control character");
        // Date.now() in a producer's export: refused, not trained on as 86-second days
        assertThatThrownBy(() -> RatingsFile.read(write("ms.csv", header + "1,A,1,1\n2,B,1,1700000000123\n")))
                .hasMessageContaining("ms.csv, line 3").hasMessageContaining("looks like milliseconds");
        assertThatThrownBy(() -> RatingsFile.read(write("ms.jsonl",
                "{\"user_id\":\"1\",\"movie_title\":\"A\",\"rating\":1,\"timestamp\":1700000000123}\n")))
                .hasMessageContaining("ms.jsonl, line 1").hasMessageContaining("looks like milliseconds");
        assertThatThrownBy(() -> RatingsFile.read(write("d.csv", header + "1,\"A\"B,1,1\n")))
                .hasMessageContaining("line 2").hasMessageContaining("after a closing quote");
        assertThatThrownBy(() -> RatingsFile.read(write("e.csv", header + "1,A,1,1\n1,\"never closed,1,1\n")))
                .hasMessageContaining("line 3").hasMessageContaining("never closed");
        assertThatThrownBy(() -> RatingsFile.read(write("f.csv", header + ",A,1,1\n")))
                .hasMessageContaining("line 2").hasMessageContaining("user_id is empty");
        assertThatThrownBy(() -> RatingsFile.read(write("g.csv", header + "1,A,NaN,1\n")))
                .hasMessageContaining("line 2").hasMessageContaining("not a finite number");
    }

    @Test
    void csvHeaderProblemsAreExplained() throws IOException {
        assertThatThrownBy(() -> RatingsFile.read(write("a.csv", "user,movie_title,rating,timestamp\n1,A,1,1\n")))
                .hasMessageContaining("line 1").hasMessageContaining("lacks the column(s) [user_id]");
        assertThatThrownBy(() -> RatingsFile.read(write("b.csv", "user_id,user_id,movie_title,rating,timestamp\n")))
                .hasMessageContaining("column user_id appears twice");
    }

    /** {@code --data ml-100k/u1.test}: MovieLens 100K's own files are read through their folder, which says so. */
    @Test
    void movieLens100KsOwnFileNamesItsFolderInstead() throws IOException {
        assertThatThrownBy(() -> RatingsFile.read(write("u1.test", "1\t6\t5\t887431973\n1\t10\t3\t875693118\n")))
                .hasMessageContaining("line 1").hasMessageContaining("MovieLens 100K's own tab-separated format")
                .hasMessageContaining("pass its folder instead");
    }

    @Test
    void jsonErrorsNameTheLine() throws IOException {
        String ok = "{\"user_id\":\"1\",\"movie_title\":\"A\",\"rating\":1,\"timestamp\":1}\n";
        assertThatThrownBy(() -> RatingsFile.read(write("a.jsonl", ok + "{\"user_id\":\"1\",\n")))
                .isInstanceOf(DataFileException.class)
                .hasMessageContaining("a.jsonl, line 2").hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> RatingsFile.read(write("b.jsonl", ok + ok + "[1,2]\n")))
                .hasMessageContaining("line 3").hasMessageContaining("expected a JSON object");
        assertThatThrownBy(() -> RatingsFile.read(write("c.jsonl",
                "{\"user_id\":\"1\",\"movie_title\":\"A\",\"rating\":1,\"timestamp\":1.5}\n")))
                .hasMessageContaining("line 1").hasMessageContaining("timestamp \"1.5\" is not an integer");
        assertThatThrownBy(() -> RatingsFile.read(write("d.jsonl",
                "{\"user_id\":\"1\",\"movie_title\":7,\"rating\":1,\"timestamp\":1}\n")))
                .hasMessageContaining("movie_title must be a string");
        assertThatThrownBy(() -> RatingsFile.read(write("e.jsonl",
                "{\"user_id\":\"1\",\"movie_title\":\"A\",\"rating\":1,\"timestamp\":1} trailing\n")))
                .hasMessageContaining("line 1").hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> RatingsFile.read(write("f.jsonl", ok + "{\"user_id\":null,\"movie_title\":\"A\",\"rating\":1,\"timestamp\":1}")))
                .hasMessageContaining("line 2").hasMessageContaining("missing field user_id");
    }

    @Test
    void invalidUtf8IsReported() throws IOException {
        Path file = dir.resolve("latin1.csv");
        Files.write(file, "user_id,movie_title,rating,timestamp\n1,Mis\u00e9rables,1,1\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> RatingsFile.read(file)).isInstanceOf(DataFileException.class).hasMessageContaining("not valid UTF-8")
                .hasMessageContaining("iconv -f windows-1252 -t utf-8");
        // far into a file: the message names a line it comes after, not line 0
        StringBuilder rows = new StringBuilder("user_id,movie_title,rating,timestamp\n");
        for (int i = 0; i < 5_000; i++) rows.append(i).append(",Heat (1995),4,892870992\n");
        rows.append("1,Mis\u00e9rables,1,1\n");
        Files.write(file, rows.toString().getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> RatingsFile.read(file)).isInstanceOf(DataFileException.class)
                .hasMessageContaining("not valid UTF-8 text after this line")
                .satisfies(e -> assertThat(((DataFileException) e).line()).isBetween(4_000L, 5_001L));
    }

    /** A key twice is refused as in a label (the last one won before, with no word), in JSON lines and in an array. */
    @Test
    void aKeyTwiceInAJsonRatingIsRefused() throws IOException {
        String row = "{\"user_id\":\"587\",\"movie_title\":\"Heat (1995)\",\"rating\":4,\"timestamp\":892870992,\"rating\":1}";
        assertThatThrownBy(() -> RatingsFile.read(write("dup.jsonl", row + "\n"))).isInstanceOf(DataFileException.class)
                .hasMessageContaining("line 1").hasMessageContaining("Duplicate field 'rating'");
        assertThatThrownBy(() -> RatingsFile.read(write("dup.json", "[\n" + row + "\n]\n"))).isInstanceOf(DataFileException.class)
                .hasMessageContaining("Duplicate field 'rating'");
    }

    @Test
    void jsonRowsShareTheirTitlesStrings() throws IOException {
        String rows = "{\"user_id\":\"1\",\"movie_title\":\"Heat (1995)\",\"rating\":4,\"timestamp\":1}\n"
                + "{\"user_id\":\"1\",\"movie_title\":\"Heat (1995)\",\"rating\":3,\"timestamp\":2}\n";
        List<Rating> read = RatingsFile.read(write("shared.jsonl", rows));
        assertThat(read.get(1).movieTitle).isSameAs(read.get(0).movieTitle);
        assertThat(read.get(1).userId).isSameAs(read.get(0).userId);
        List<Rating> array = RatingsFile.read(write("shared.json", "[" + rows.replace("}\n{", "},\n{") + "]"));
        assertThat(array.get(1).movieTitle).isSameAs(array.get(0).movieTitle);
    }

    @Test
    void emptyFilesHoldNoRatings() throws IOException {
        assertThat(RatingsFile.read(write("a.csv", ""))).isEmpty();
        assertThat(RatingsFile.read(write("b.jsonl", "\n\n"))).isEmpty();
        assertThat(RatingsFile.read(write("c.csv", "user_id,movie_title,rating,timestamp\n"))).isEmpty();
    }

    /** Files made elsewhere: what a spreadsheet, R or pandas writes, and what no scale of ours is. */
    @Test
    void filesMadeElsewhereAreReadAsTheirMakersMeantOrRefusedOnTheirLine() throws IOException {
        // R's write.csv(fileEncoding = "UTF-8-BOM") and pandas' QUOTE_ALL with utf-8-sig: a BOM before a quoted header
        assertThat(RatingsFile.read(write("bom.csv", "\uFEFF\"user_id\",\"movie_title\",\"rating\",\"timestamp\"\n"
                + "\"587\",\"Heat (1995)\",\"4\",\"892870992\"\n"))).containsExactly(new Rating("587", "Heat (1995)", 4f, 892870992L));
        // ", " separators: the user id is "587", as requests send it
        assertThat(RatingsFile.read(write("spaced.csv", "movie_title, user_id, rating, timestamp\nHeat (1995), 587, 4, 892870992\n")))
                .extracting(r -> r.userId).containsExactly("587");
        // a pandas float column: whole seconds as decimals, read as the request parser reads them
        assertThat(RatingsFile.read(write("floats.csv", "user_id,movie_title,rating,timestamp\n587,Heat (1995),4.0,892870992.0\n")))
                .containsExactly(new Rating("587", "Heat (1995)", 4f, 892870992L));
        assertThat(RatingsFile.read(write("floats.jsonl", "{\"user_id\":\"587\",\"movie_title\":\"Heat (1995)\",\"rating\":4,\"timestamp\":892870992.0}\n")))
                .containsExactly(new Rating("587", "Heat (1995)", 4f, 892870992L));
        assertThatThrownBy(() -> RatingsFile.read(write("nbsp.csv", "user_id,movie_title,rating,timestamp\n\u00a0,Heat (1995),4,1\n")))
                .as("blank as requests are blank").isInstanceOf(DataFileException.class).hasMessageContaining("user_id is blank");
        // an array reads its elements as lines are read: a fraction in the 8th decimal place is a fraction
        assertThatThrownBy(() -> RatingsFile.read(write("fraction.json", "[{\"user_id\":\"1\",\"movie_title\":\"A\",\"rating\":4,\"timestamp\":892870992.00000001}]")))
                .isInstanceOf(DataFileException.class).hasMessageContaining("is not an integer");
        assertThatThrownBy(() -> RatingsFile.read(write("fraction.jsonl", "{\"user_id\":\"1\",\"movie_title\":\"A\",\"rating\":4,\"timestamp\":892870992.00000001}\n")))
                .as("one label a line reads decimals exactly too").isInstanceOf(DataFileException.class)
                .hasMessageContaining("line 1").hasMessageContaining("is not an integer");
        assertThatThrownBy(() -> RatingsFile.read(write("exp.jsonl", "{\"user_id\":\"1\",\"movie_title\":\"A\",\"rating\":1e2147483648,\"timestamp\":1}\n")))
                .isInstanceOf(DataFileException.class).hasMessageContaining("line 1");
        // a ten-point scale: served, but every label online and every retrain from it would be refused
        assertThatThrownBy(() -> RatingsFile.read(write("ten.csv", "user_id,movie_title,rating,timestamp\n1,Heat (1995),10,892870992\n")))
                .isInstanceOf(DataFileException.class).hasMessageContaining("line 2").hasMessageContaining("rating 10 is outside 0.5 to 5.5");
        assertThatThrownBy(() -> RatingsFile.read(write("blank.jsonl", "{\"user_id\":\"1\",\"movie_title\":\"   \",\"rating\":4,\"timestamp\":1}\n")))
                .isInstanceOf(DataFileException.class).hasMessageContaining("movie_title is blank");
        Path gz = dir.resolve("ratings.csv.gz");
        try (java.io.OutputStream out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write("user_id,movie_title,rating,timestamp\n1,Heat (1995),4,892870992\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThatThrownBy(() -> RatingsFile.read(gz, RatingsFile.Format.CSV)).isInstanceOf(DataFileException.class)
                .hasMessageContaining("a gzip-compressed file: decompress it first");
        assertThatThrownBy(() -> RatingsFile.read(gz)).as("format told by the content").isInstanceOf(DataFileException.class)
                .hasMessageContaining("a gzip-compressed file: decompress it first");
    }

    /** Two rows of one title hold one String (a file of ML-32M's size held three times the memory of the ml-latest reader). */
    @Test
    void rowsShareTheirTitlesStrings() throws IOException {
        List<Rating> read = RatingsFile.read(write("shared.csv", "user_id,movie_title,rating,timestamp\n"
                + "1,Heat (1995),4,1\n1,Heat (1995),3,2\n2,Heat (1995),5,3\n"));
        assertThat(read.get(1).movieTitle).isSameAs(read.get(0).movieTitle).isSameAs(read.get(2).movieTitle);
        assertThat(read.get(1).userId).isSameAs(read.get(0).userId);
    }
}
